/**
 * The bench's generated plans (scripts/generate-plan.ts) are read exactly as real ones: for the
 * reference organisation's first deploy and for changes over its applied state (grants revoked,
 * widened, narrowed, replaced by a renamed group; a schema added, one dropped; a group key renamed
 * with its moved entries; a schema forgotten; isolation turned on), the real terraform 1.11 plans each
 * stack against the stand-in, and the generator plans the same from the configurations alone. Both
 * plans have the same JSON shape (every key, at every level, in terraform's order), the same
 * resources with the same actions, reasons and replace paths, the same values wherever the provider
 * does not make one up on apply (IDs, timestamps), the same configuration section, and the same
 * summary line and headings in the console text; and deploy-check and plan-guard say the same of
 * both, word for word.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { desiredState } from "../../lib/desired-state";
import { parseEnvironmentModel } from "../../lib/model/load";
import type { EnvironmentModel } from "../../lib/model/types";
import { addressManifest } from "../../lib/review/addresses";
import type { SynthesizedStack } from "../../lib/output/stack";
import { checkDeployPlan, deploySummary, formatDeployCheck } from "../../lib/deploy/check";
import { checkPlan, formatPlanCheck } from "../../lib/rehearse/plan-guard";
import { predictPlan } from "../../lib/review/terraform-plan";
import { loadSchema } from "../../stand-in/provider/schema";
import { generatePlan } from "../../scripts/generate-plan";
import { renameDevGroup, synthOutput, WORKSPACE_IDS } from "../helpers";
import { Lab, REFERENCE_MODEL, requireTerraform, summaryOf, tmpDir } from "./support";

beforeAll(requireTerraform);

/** The reference model without its adopted catalogs: a first deploy creates everything (the generator cannot know an imported object). */
function baseData(): any {
  const d = require("yaml").parse(fs.readFileSync(REFERENCE_MODEL, "utf8"));
  for (const e of Object.values(d.environments) as any[]) delete e.catalog.adopt;
  return d;
}
const BASE_TEXT = stringify(baseData());
const base: EnvironmentModel = parseEnvironmentModel(BASE_TEXT, "environments.yaml");
const RENAMED = "Databricks - Prod - RO";

type Json = any;

/** Every key path of a JSON value, with arrays' elements by position: its shape. */
function shape(v: Json, at = "", out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => shape(x, `${at}[${i}]`, out));
  else if (v !== null && typeof v === "object") {
    out.push(`${at}{${Object.keys(v).join(",")}}`);
    for (const [k, x] of Object.entries(v)) shape(x, `${at}.${k}`, out);
  } else out.push(`${at}:${v === null ? "null" : typeof v}`);
  return out;
}

/** The attributes of a type that the provider computes (and makes up on apply where not configured). */
function computedOf(type: string, mode: string): Set<string> {
  const s = (mode === "data" ? loadSchema().dataSources : loadSchema().resources).get(type);
  return new Set(Object.entries(s?.attributes ?? {}).filter(([, a]) => a.computed).map(([n]) => n));
}

/**
 * What the provider made up on apply, as the plan shows it: the values of the state's computed
 * attributes (IDs, application IDs, timestamps) that the configuration does not set anywhere. The
 * stand-in's and the generator's differ, wherever they appear (a grant's principal that is a
 * service principal's application ID, say).
 */
function madeUpValues(plan: Json): Set<unknown> {
  const configured = new Set(JSON.stringify(plan.configuration).match(/"constant_value":"[^"]*"/g)?.map((m) => m.slice(18, -1)) ?? []);
  const out = new Set<unknown>();
  for (const r of plan.prior_state?.values?.root_module?.resources ?? []) {
    const s = (r.mode === "data" ? loadSchema().dataSources : loadSchema().resources).get(r.type);
    for (const [k, a] of Object.entries(s?.attributes ?? {})) {
      const v = r.values[k];
      if (a.computed && v !== null && typeof v !== "object" && !configured.has(String(v))) out.add(v);
    }
  }
  return out;
}

/** A resource value with what the provider computes, and any value it made up elsewhere, as "(made up)". */
function comparable(v: Json, type: string, mode: string, madeUp: Set<unknown>): Json {
  if (v === null || typeof v !== "object") return v;
  const computed = computedOf(type, mode);
  const strip = (x: Json): Json => (Array.isArray(x) ? x.map(strip) : x !== null && typeof x === "object" ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, strip(y)])) : madeUp.has(x) ? "(made up)" : x);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, computed.has(k) ? "(made up)" : strip(x)]));
}

/** The two plans, side by side, in the terms the comparison uses. */
function compare(stack: string, real: Json, generated: Json): void {
  const where = (what: string) => `${stack}: ${what}`;
  expect([where("top-level keys"), Object.keys(generated)]).toEqual([where("top-level keys"), Object.keys(real)]);
  const rc = (p: Json, madeUp = madeUpValues(p)) => p.resource_changes.map((r: Json) => ({
    address: r.address,
    previous_address: r.previous_address,
    mode: r.mode,
    type: r.type,
    name: r.name,
    provider_name: r.provider_name,
    action_reason: r.action_reason,
    keys: Object.keys(r),
    changeKeys: Object.keys(r.change),
    actions: r.change.actions,
    replace_paths: r.change.replace_paths,
    before: comparable(r.change.before, r.type, r.mode, madeUp),
    after: comparable(r.change.after, r.type, r.mode, madeUp),
    after_unknown: r.change.after_unknown,
    before_sensitive: r.change.before_sensitive,
    after_sensitive: r.change.after_sensitive,
    shape: [...shape(comparable(r.change.before, r.type, r.mode, madeUp), "before"), ...shape(comparable(r.change.after, r.type, r.mode, madeUp), "after")],
  }));
  expect(rc(generated)).toEqual(rc(real));
  const resources = (p: Json, madeUp = madeUpValues(p)) => p.planned_values.root_module.resources.map((r: Json) => [r.address, Object.keys(r), comparable(r.values, r.type, r.mode, madeUp), r.sensitive_values]);
  expect(resources(generated)).toEqual(resources(real));
  const prior = (p: Json, madeUp = madeUpValues(p)) => (p.prior_state?.values?.root_module?.resources ?? []).map((r: Json) => [r.address, Object.keys(r), comparable(r.values, r.type, r.mode, madeUp), r.depends_on]);
  expect(prior(generated)).toEqual(prior(real));
  expect(Object.keys(generated.prior_state?.values ?? {})).toEqual(Object.keys(real.prior_state?.values ?? {}));
  expect(Object.keys(generated.prior_state?.values?.outputs ?? {})).toEqual(Object.keys(real.prior_state?.values?.outputs ?? {}));
  expect(generated.configuration).toEqual(real.configuration);
  const outputs = (p: Json) => Object.entries(p.output_changes).map(([k, c]: [string, Json]) => [k, Object.keys(c), c.actions]);
  expect(outputs(generated)).toEqual(outputs(real));
  expect(Object.keys(generated.planned_values.outputs)).toEqual(Object.keys(real.planned_values.outputs));
  // Terraform lists them in map order (internal/lang/globalref ContributingResourceReferences): compared as sets.
  const relevant = (p: Json) => (p.relevant_attributes ?? []).map((a: Json) => JSON.stringify(a)).sort();
  expect(relevant(generated)).toEqual(relevant(real));
  expect([generated.applyable, generated.complete, generated.errored]).toEqual([real.applyable, real.complete, real.errored]);
}

/** The console text as the readers use it: the summary line and the headings of the changes. */
function textFacts(text: string): { summary: string; headings: string[] } {
  return { summary: summaryOf(text), headings: text.split("\n").filter((l) => /^ {1,2}# /.test(l)).sort() };
}

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

/** What deploy-check writes (its log and the approver's summary) and what plan-guard writes, for one plan. */
function verdicts(stack: SynthesizedStack, model: EnvironmentModel, baseOut: readonly SynthesizedStack[], headOut: readonly SynthesizedStack[], plan: Json, text: string): string[] {
  const check = checkDeployPlan(stack, plan);
  const summary = deploySummary({ stack, model, plan, planText: text, check, planSha256: "(sha)", commit: COMMIT });
  return [...formatDeployCheck(check), summary, ...formatPlanCheck(checkPlan(stack.name, plan, predictPlan(baseOut, headOut)))];
}

describe("a generated plan is read exactly as the real terraform's", () => {
  let lab: Lab;
  const firstPlans: { [stack: string]: { json: Json; text: string } } = {};
  const baseOut = synthOutput(base);

  beforeAll(() => {
    const dir = tmpDir("uc-e2e-generated-plan-");
    const model = path.join(dir, "environments.yaml");
    fs.writeFileSync(model, BASE_TEXT);
    lab = new Lab(model);
    // The renamed group exists in the account (SCIM made it), so terraform can look it up.
    lab.editWorkspace((ws) => (ws.groups[RENAMED] = { ...ws.groups["Databricks - Prod - ReadOnly"], id: "7777777777777777" }));
    for (const stack of lab.stacks) {
      lab.init(stack);
      const plan = lab.plan(stack);
      if (plan.status !== 0) throw new Error(`plan of ${stack} failed: ${plan.stderr}`);
      firstPlans[stack] = { json: plan.json, text: plan.stdout };
    }
    // Applied in the model's order (a promotion grant needs the previous stack's schema).
    for (const stack of ["ref-dev", "ref-staging", "ref-prod"]) {
      const r = lab.terraform(stack, ["apply", "-input=false", "-no-color", "-auto-approve"]);
      if (r.status !== 0) throw new Error(`apply of ${stack} failed: ${r.stderr}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);
  afterAll(() => lab?.remove());

  it("the first deploy of each stack (every resource created)", () => {
    for (const stack of baseOut) {
      const real = firstPlans[stack.name];
      const generated = generatePlan(undefined, stack);
      compare(stack.name, real.json, generated.json);
      expect(textFacts(generated.text)).toEqual(textFacts(real.text));
      expect(verdicts(stack, base, [], baseOut, generated.json, generated.text)).toEqual(verdicts(stack, base, [], baseOut, real.json, real.text));
    }
  });

  // name, whether the address manifest is read, the edit, and what terraform must plan for it (so a case cannot become an empty comparison).
  const CHANGES: readonly [string, boolean, (d: any) => void, readonly string[]][] = [
    ["grants revoked, widened, narrowed and replaced (a group renamed); a schema added and one dropped", false, (d) => {
      delete d.access.dev.staging;
      d.access.dev.dev = "all";
      d.access.dev.prod = "read";
      d.access.account_admin.staging = "use";
      d.groups.prod_readonly = RENAMED;
      d.environments.staging.catalog.schemas = [...d.environments.staging.catalog.schemas, "features"];
      d.environments.dev.catalog.schemas = ["bronze", "silver", "models"];
    }, ["create", "update", "delete", "delete,create"]],
    ["a group key renamed with its moved entries, a schema forgotten (the address manifest), isolation turned on", true, (d) => {
      renameDevGroup(d);
      d.environments.prod.catalog.schemas = ["bronze", "silver", "models"];
      for (const [env, id] of Object.entries(WORKSPACE_IDS)) d.environments[env].workspace.id = id;
    }, ["create", "update", "forget", "moved"]],
  ];

  it.each(CHANGES)("a change over the applied state: %s", (_name, withManifest, edit, expected) => {
    const d = baseData();
    edit(d);
    const parsed = parseEnvironmentModel(stringify(d), "environments.yaml");
    const model = withManifest ? { ...parsed, history: addressManifest(desiredState(base)) } : parsed;
    const headOut = synthOutput(model);
    const actions = new Set<string>();
    for (const stack of headOut) {
      lab.setConfig(stack.name, stack.json);
      const real = lab.plan(stack.name);
      if (real.status !== 0) throw new Error(`plan of ${stack.name} failed: ${real.stderr}`);
      const generated = generatePlan(baseOut.find((s) => s.name === stack.name), stack);
      compare(stack.name, real.json, generated.json);
      expect(textFacts(generated.text)).toEqual(textFacts(real.stdout));
      expect(verdicts(stack, model, baseOut, headOut, generated.json, generated.text)).toEqual(verdicts(stack, model, baseOut, headOut, real.json, real.stdout));
      for (const r of real.json.resource_changes) actions.add(r.previous_address ? "moved" : r.change.actions.join(","));
    }
    expect([...actions].filter((a) => expected.includes(a)).sort()).toEqual([...expected].sort());
  });
});

describe("the bench's plans (scripts/generate-model.js and its --changed model, npm run bench's (x) and (y))", () => {
  const { generateModel } = require("../../scripts/generate-model") as { generateModel: (environments: number, groups: number, options?: { changed?: boolean }) => string };
  const base = parseEnvironmentModel(generateModel(3, 12), "environments.yaml");
  const head = parseEnvironmentModel(generateModel(3, 12, { changed: true }), "environments.yaml");
  const [baseOut, headOut] = [synthOutput(base), synthOutput(head)];
  const stackOf = (out: readonly SynthesizedStack[]) => out.find((s) => s.name === "gen-e3")!;

  it("plan a first deploy of every resource, which both guards pass", () => {
    const plan = generatePlan(undefined, stackOf(baseOut));
    expect(new Set((plan.json as Json).resource_changes.map((r: Json) => r.change.actions.join(",")))).toEqual(new Set(["create"]));
    expect(verdicts(stackOf(baseOut), base, [], baseOut, plan.json, plan.text)).toEqual(expect.arrayContaining([expect.stringMatching(/deploy guard: passed/), expect.stringMatching(/plan guard: passed/)]));
  });

  it("plan a change of every kind the approver's summary shows: grants revoked, widened, narrowed and replaced, a schema added and one destroyed", () => {
    const plan = generatePlan(stackOf(baseOut), stackOf(headOut));
    const [deployLog, summary] = [formatDeployCheck(checkDeployPlan(stackOf(headOut), plan.json)), verdicts(stackOf(headOut), head, baseOut, headOut, plan.json, plan.text)];
    const count = (a: string) => (plan.json as Json).resource_changes.filter((r: Json) => r.change.actions.join(",") === a).length;
    expect({ create: count("create") > 0, update: count("update") > 0, delete: count("delete") > 0, replace: count("delete,create") > 0 }).toEqual({ create: true, update: true, delete: true, replace: true });
    const text = summary.join("\n");
    for (const part of ["**Destroyed, replaced or forgotten:", "#### Grant changes:", "#### Other changes:", "**+ widens**", "- narrows", "**! risk**", "| replace |", "| delete |", "**Guard: FAILED**"]) expect(text).toContain(part);
    // Refused for the schema it destroys, and for nothing else.
    expect(deployLog.at(-1)).toMatch(/deploy guard: FAILED: 1 catalog, schema or principal destroyed or replaced, 0 changes the model does not explain/);
    expect(text).toMatch(/plan guard: FAILED: 1 catalog, schema or principal destroyed or replaced, 0 changes not explained/);
  });
});
