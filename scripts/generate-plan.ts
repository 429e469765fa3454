// Writes a plan of one stack as terraform 1.11 writes it (`terraform show -json PLANFILE`, and the
// plan's console output), without terraform: for measuring deploy-check and plan-guard at scale
// (npm run bench), where planning thousands of resources with the real terraform against the
// stand-in would take minutes.
//
// The state is BASE's configuration applied (nothing changed by hand since; none: an empty state,
// a first deploy) and the plan is HEAD's configuration over it, worked out as terraform core does
// (internal/terraform, internal/plans/objchange ProposedNew, internal/command/jsonplan and
// jsonformat at v1.11.4): each resource's configuration evaluated (references resolved, or unknown
// where they point at an object not created yet), the provider's PlanResourceChange answered by the
// stand-in's own planner (stand-in/provider/plan.ts: defaults, ForceNew, computed attributes), then
// the action (create, update, delete-then-create with its replace_paths, delete, forget, moved), the
// JSON's before/after/after_unknown/sensitive values, planned_values, prior_state, configuration,
// output_changes and relevant_attributes. What the provider computes on apply (IDs, application
// IDs, timestamps) is made up, deterministically. A configuration it cannot evaluate (an expression
// other than a reference, an import of an object it cannot know, a destroy prevent_destroy forbids)
// is refused, never guessed. __tests__/e2e/generated-plan.test.ts compares its plans with the real
// terraform's for the same changes: the same JSON shape, the same actions, and the same verdicts of
// deploy-check and plan-guard.
//
// The console text has what readers of it use: each change's heading as terraform words it, and the
// summary line; not the attribute diffs.
//
// Usage: node scripts/run-ts.js scripts/generate-plan.ts BASE_DIR|none HEAD_DIR --stack NAME --out DIR
//   (writes DIR/plan.json and DIR/plan.txt)
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../lib/cli/errors";
import { writeOwnFile } from "../lib/cli/write";
import { readOutputTree } from "../lib/output/read";
import { normalizeStacks, type SynthesizedStack } from "../lib/output/stack";
import { BLOCK_META, forgottenAddresses, importsOf, movesOf } from "../lib/output/blocks";
import { sameValue, type ObjectValue, type Value } from "../stand-in/protocol/values";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../stand-in/schema/json-schema";
import { GenerateError, known, omitUnknowns, planResource, planText, readData, sensitiveAsBool, sensitiveOf, unknownAsBool, type Resource } from "./lib/plan-values";
import { Evaluator, appliedState, byAddress, dependencies, expression, expressions, ordered, referencesIn, resourcesOf, stateResource } from "./lib/plan-config";

const TERRAFORM_VERSION = "1.11.4";
/** A fixed plan time, so a generated plan is the same bytes every time. */
const TIMESTAMP = "2026-01-01T00:00:00Z";

type Obj = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

export interface GeneratedPlan {
  /** What `terraform show -json PLANFILE` prints. */
  readonly json: Obj;
  /** What `terraform plan -no-color` prints: the headings of the changes and the summary line. */
  readonly text: string;
}


/** A resource's planned change, before it is written out. */
interface Planned {
  readonly resource: Resource;
  readonly action: "create" | "update" | "no-op" | "delete,create";
  readonly prior: ObjectValue | null;
  readonly planned: ObjectValue;
  readonly replacePaths: readonly string[];
  readonly previousAddress?: string;
}


/** HEAD's plan over the state BASE left (`undefined`: an empty state). */
export function generatePlan(baseStack: SynthesizedStack | undefined, headStack: SynthesizedStack): GeneratedPlan {
  const [head] = normalizeStacks([headStack]);
  const base = baseStack ? normalizeStacks([baseStack])[0] : undefined;
  const where = head.name;
  const state = base ? appliedState(base) : { values: new Map<string, ObjectValue>(), resources: [] as Resource[] };
  const resources = ordered(resourcesOf(head.json, where), where);
  const imports = importsOf(head);
  const movedTo = new Map(movesOf(head).map((m) => [m.to, m.from]));
  const movedFrom = new Set(movesOf(head).map((m) => m.from));
  const forgets = forgottenAddresses(head);
  const ev = new Evaluator(head.json, where);
  const planned: Planned[] = [];
  const data = new Map<string, ObjectValue>();

  for (const r of resources) {
    const config = ev.config(r);
    if (r.mode === "data") {
      const value = readData(r, config);
      data.set(r.address, value);
      ev.values.set(r.address, value);
      continue;
    }
    const from = movedTo.get(r.address);
    const priorAddress = state.values.has(r.address) ? r.address : from !== undefined && state.values.has(from) ? from : undefined;
    const prior = priorAddress === undefined ? null : state.values.get(priorAddress)!;
    if (prior === null && imports.has(r.address)) throw new GenerateError(`${where}: ${r.address} is imported (${imports.get(r.address)}); the generator cannot know the imported object`);
    const { planned: value, requiresReplace } = planResource(r, prior, config);
    const action = prior === null ? "create" : requiresReplace.length > 0 ? "delete,create" : sameValue(value, prior, r.schema.type) ? "no-op" : "update";
    const lifecycle = isObject(r.body.lifecycle) ? r.body.lifecycle : {};
    if (action === "delete,create" && lifecycle.prevent_destroy === true) {
      throw new GenerateError(`${where}: ${r.address} has lifecycle.prevent_destroy set, but the plan must replace it (${requiresReplace.join(", ")}); terraform refuses to plan this`);
    }
    if (action === "delete,create" && lifecycle.create_before_destroy === true) throw new GenerateError(`${where}: ${r.address}: create_before_destroy is not modelled`);
    planned.push({ resource: r, action, prior, planned: value, replacePaths: requiresReplace, ...(priorAddress !== undefined && priorAddress !== r.address ? { previousAddress: priorAddress } : {}) });
    ev.values.set(r.address, value);
  }
  const declared = new Set(resources.map((r) => r.address));
  const orphans = state.resources.filter((r) => r.mode === "managed" && !declared.has(r.address) && !movedFrom.has(r.address));

  // --- resource_changes ---
  const changes: { sortKey: Resource; json: Obj; heading: string; symbol: string; action: string }[] = [];
  for (const p of planned) {
    const r = p.resource;
    const after = p.planned;
    const sensitive = sensitiveOf(r.schema);
    const change: { [k: string]: unknown } = {
      actions: p.action.split(","),
      before: p.prior,
      after: known(after) ? after : omitUnknowns(after),
      after_unknown: known(after) ? {} : unknownAsBool(after),
      before_sensitive: p.prior === null ? false : sensitiveAsBool(p.prior, r.schema.type, sensitive),
      after_sensitive: sensitiveAsBool(after, r.schema.type, sensitive),
    };
    if (p.replacePaths.length > 0) change.replace_paths = p.replacePaths.map((a) => [a]);
    const json: Obj = {
      address: r.address,
      ...(p.previousAddress !== undefined ? { previous_address: p.previousAddress } : {}),
      mode: r.mode,
      type: r.type,
      name: r.name,
      provider_name: PROVIDER_SOURCE,
      change,
      ...(p.action === "delete,create" ? { action_reason: "replace_because_cannot_update" } : {}),
    };
    const heading =
      p.action === "create"
        ? `  # ${r.address} will be created`
        : p.action === "update"
          ? `  # ${r.address} will be updated in-place`
          : p.action === "delete,create"
            ? `  # ${r.address} must be replaced`
            : p.previousAddress !== undefined
              ? `  # ${p.previousAddress} has moved to ${r.address}`
              : "";
    const symbol = { create: "  +", update: "  ~", "delete,create": "-/+", "no-op": "   " }[p.action];
    changes.push({ sortKey: r, json, heading, symbol, action: p.action });
  }
  for (const r of orphans) {
    const prior = state.values.get(r.address)!;
    const forget = forgets.has(r.address);
    const json: Obj = {
      address: r.address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      provider_name: PROVIDER_SOURCE,
      change: { actions: [forget ? "forget" : "delete"], before: prior, after: null, after_unknown: {}, before_sensitive: sensitiveAsBool(prior, r.schema.type, sensitiveOf(r.schema)), after_sensitive: false },
      action_reason: "delete_because_no_resource_config",
    };
    const heading = forget
      ? ` # ${r.address} will no longer be managed by Terraform, but will not be destroyed\n # (destroy = false is set in the configuration)`
      : `  # ${r.address} will be destroyed\n  # (because ${r.type}.${r.name} is not in configuration)`;
    changes.push({ sortKey: r, json, heading, symbol: forget ? " ." : "  -", action: forget ? "forget" : "delete" });
  }
  changes.sort((a, b) => byAddress(a.sortKey, b.sortKey));

  // --- outputs ---
  const outputs = isObject(head.json.output) ? head.json.output : {};
  const baseOutputs = base && isObject(base.json.output) ? base.json.output : {};
  const baseEv = base ? Object.assign(new Evaluator(base.json, base.name), { values: state.values }) : undefined;
  const outputValue = (e: Evaluator, body: unknown, name: string): Value => e.value(isObject(body) ? body.value : undefined, `output.${name}`);
  const priorOutputs = new Map(Object.entries(baseOutputs).filter(([n]) => n !== "//").map(([n, b]) => [n, outputValue(baseEv!, b, n)]));
  const outputChanges: { [name: string]: unknown } = {};
  const plannedOutputs: { [name: string]: unknown } = {};
  const configOutputs: { [name: string]: unknown } = {};
  const typeName = (v: Value): unknown => (typeof v === "string" ? "string" : typeof v === "number" ? "number" : typeof v === "boolean" ? "bool" : Array.isArray(v) ? ["tuple", v.map(typeName)] : "dynamic");
  for (const [name, body] of Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === "//") continue;
    const value = outputValue(ev, body, name);
    const before = priorOutputs.has(name) ? priorOutputs.get(name)! : null;
    const action = !priorOutputs.has(name) ? "create" : known(value) && sameValue(value, before) ? "no-op" : "update";
    outputChanges[name] = { actions: [action], before, ...(known(value) ? { after: value } : {}), after_unknown: !known(value), before_sensitive: false, after_sensitive: false };
    plannedOutputs[name] = known(value) ? { sensitive: false, type: typeName(value), value } : { sensitive: false };
    configOutputs[name] = { expression: expression(isObject(body) ? body.value : null, `output.${name}`), ...(isObject(body) && typeof body.description === "string" ? { description: body.description } : {}) };
  }
  for (const [name, before] of priorOutputs) {
    if (name in outputs) continue;
    outputChanges[name] = { actions: ["delete"], before, after: null, after_unknown: false, before_sensitive: false, after_sensitive: false };
  }

  // --- planned_values, prior_state, configuration ---
  const plannedByAddress = new Map(planned.map((p) => [p.resource.address, p]));
  const plannedValues = {
    outputs: plannedOutputs,
    root_module: {
      // Every object but the destroyed ones (jsonplan marshalPlannedValues); a forgotten one without values.
      resources: [...planned.map((p) => p.resource), ...orphans.filter((r) => forgets.has(r.address))].sort(byAddress).map((r) => {
        const p = plannedByAddress.get(r.address);
        if (!p) return { address: r.address, mode: r.mode, type: r.type, name: r.name, provider_name: PROVIDER_SOURCE, schema_version: r.schema.facts.schemaVersion ?? 0, sensitive_values: false };
        const o = stateResource(r, omitUnknowns(p.planned) as ObjectValue);
        return { ...o, sensitive_values: sensitiveAsBool(p.planned, r.schema.type, sensitiveOf(r.schema)) };
      }),
    },
  };
  // The refreshed state: moved objects under their new addresses, and each object's dependencies
  // as the configuration now has them (the refresh writes them); a removed one keeps its own.
  const headDeps = dependencies(resources);
  const baseDeps = base ? dependencies(state.resources) : new Map<string, string[]>();
  const priorResources = [
    ...resources.filter((r) => r.mode === "data").map((r) => stateResource(r, data.get(r.address)!)),
    ...planned.filter((p) => p.prior !== null).map((p) => stateResource(p.resource, p.prior!, headDeps.get(p.resource.address))),
    ...orphans.map((r) => stateResource(r, state.values.get(r.address)!, baseDeps.get(r.address))),
  ].sort((a, b) => byAddress(a as never, b as never));
  // The refreshed state's outputs: HEAD's, where the state (and the data read) already knows them.
  const refreshed = Object.assign(new Evaluator(head.json, where), { values: new Map([...state.values, ...data]) });
  const priorStateOutputs: { [name: string]: unknown } = {};
  for (const [name, body] of Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === "//") continue;
    let v: Value;
    try {
      v = outputValue(refreshed, body, name);
    } catch {
      continue; // refers to what the state does not have yet
    }
    if (known(v)) priorStateOutputs[name] = { sensitive: false, value: v, type: typeName(v) };
  }
  const provider = Array.isArray(isObject(head.json.provider) ? head.json.provider.databricks : undefined) ? (head.json.provider!.databricks[0] as Obj) : {};
  const variables: Obj = isObject(head.json.variable) ? head.json.variable : {};
  const configuration = {
    provider_config: {
      databricks: { name: "databricks", full_name: PROVIDER_SOURCE, version_constraint: PROVIDER_VERSION, expressions: expressions(provider) },
    },
    root_module: {
      outputs: configOutputs,
      // jsonconfig marshalModule: the managed resources by address, then the data sources by address.
      resources: [...resources].sort((a, b) => (a.mode !== b.mode ? (a.mode === "managed" ? -1 : 1) : a.address < b.address ? -1 : 1)).map((r) => ({
        address: r.address,
        mode: r.mode,
        type: r.type,
        name: r.name,
        provider_config_key: "databricks",
        expressions: expressions(r.body),
        schema_version: r.schema.facts.schemaVersion ?? 0,
        ...(Array.isArray(r.body.depends_on) && r.body.depends_on.length > 0 ? { depends_on: r.body.depends_on } : {}),
      })),
      variables: Object.fromEntries(Object.entries(variables).filter(([n]) => n !== "//").map(([n, v]) => [n, { ...(isObject(v) && v.default !== undefined ? { default: v.default } : {}), ...(isObject(v) && typeof v.description === "string" ? { description: v.description } : {}) }])),
    },
  };
  // relevant_attributes: the resource attributes the changing resources and outputs refer to,
  // directly or through what they refer to (internal/terraform/context_plan.go
  // relevantResourceAttrsForPlan, internal/lang/globalref: in map order; here sorted).
  const bodies = new Map(resources.map((r) => [r.address, Object.fromEntries(Object.entries(r.body).filter(([k]) => !BLOCK_META.has(k)))]));
  const relevant = new Map<string, [string, string]>();
  const visited = new Set<string>();
  const pending: [string, string][] = [];
  for (const p of planned) if (p.action !== "no-op") pending.push(...referencesIn(bodies.get(p.resource.address), p.resource.address));
  for (const [name, c] of Object.entries(outputChanges)) {
    if ((c as { actions: string[] }).actions[0] !== "no-op" && isObject(outputs[name])) pending.push(...referencesIn((outputs[name] as Obj).value, `output.${name}`));
  }
  while (pending.length > 0) {
    const [target, attribute] = pending.pop()!;
    if (target === "var") continue;
    relevant.set(`${target} ${attribute}`, [target, attribute]);
    // What that attribute's expression refers to (globalref metaReferencesResourceInstance): a
    // computed attribute the configuration does not set refers to nothing.
    const key = `${target} ${attribute}`;
    if (visited.has(key)) continue;
    visited.add(key);
    pending.push(...referencesIn(bodies.get(target)?.[attribute], target));
  }
  const relevantAttributes = [...relevant.keys()].sort().map((k) => ({ resource: relevant.get(k)![0], attribute: [relevant.get(k)![1]] }));

  const anything = changes.some((c) => c.action !== "no-op") || Object.values(outputChanges).some((c) => (c as { actions: string[] }).actions[0] !== "no-op");
  const json: Obj = {
    format_version: "1.2",
    terraform_version: TERRAFORM_VERSION,
    variables: Object.fromEntries(Object.entries(variables).filter(([n]) => n !== "//").map(([n, v]) => [n, { value: isObject(v) ? (v.default ?? null) : null }])),
    planned_values: plannedValues,
    resource_changes: changes.map((c) => c.json),
    output_changes: outputChanges,
    prior_state: { format_version: "1.0", terraform_version: TERRAFORM_VERSION, values: { ...(Object.keys(priorStateOutputs).length > 0 ? { outputs: priorStateOutputs } : {}), root_module: { resources: priorResources } } },
    configuration,
    ...(relevantAttributes.length > 0 ? { relevant_attributes: relevantAttributes } : {}),
    timestamp: TIMESTAMP,
    applyable: anything,
    complete: true,
    errored: false,
  };
  return { json, text: planText(changes) };
}


// Run as a script (scripts/run-ts.js makes the entry argv[1]); imported, it only exports.
if (path.resolve(process.argv[1] ?? "") === __filename) {
  const usage = "usage: node scripts/run-ts.js scripts/generate-plan.ts BASE_DIR|none HEAD_DIR --stack NAME --out DIR";
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const stackName = flag("--stack");
  const outDir = flag("--out");
  if (args.includes("--help")) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (stackName === undefined || outDir === undefined || args.length !== 2) {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  try {
    const find = (dir: string) => readOutputTree(dir).stacks.find((s) => s.name === stackName);
    const head = find(args[1]);
    if (!head) throw new GenerateError(`${args[1]} has no stack ${stackName}`);
    const base = args[0] === "none" ? undefined : find(args[0]);
    const plan = generatePlan(base, head);
    fs.mkdirSync(outDir, { recursive: true });
    // Only over its own earlier plan files (lib/cli/write.ts): never over a file it did not write.
    const ownJson = (t: string) => {
      try {
        return typeof JSON.parse(t).format_version === "string";
      } catch {
        return false;
      }
    };
    writeOwnFile(path.join(outDir, "plan.json"), JSON.stringify(plan.json), { writer: "generate-plan", what: "a plan as `terraform show -json` writes it", isOwn: ownJson });
    writeOwnFile(path.join(outDir, "plan.txt"), plan.text, { writer: "generate-plan", what: "terraform plan's text", isOwn: (t) => /^\n(Terraform used|No changes\.)/.test(t) });
    const rcs = plan.json.resource_changes as { change: { actions: string[] } }[];
    process.stderr.write(`generate-plan: ${stackName}: ${rcs.length} resource changes (${rcs.filter((r) => r.change.actions[0] !== "no-op").length} not no-op) in ${path.join(outDir, "plan.json")}\n`);
  } catch (e) {
    process.stderr.write(`generate-plan: ${(e as Error).message}\n`);
    process.exit(e instanceof GenerateError || e instanceof InputError ? 2 : 1);
  }
}
