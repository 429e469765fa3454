/**
 * Property-based: over generated environment models (valid and broken), reading the model and
 * synthesizing either succeeds with output that passes the policy gate, or fails with a clean user
 * error; never a crash, never a partial or mixed output directory.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { stringify } from "yaml";
import { buildApp } from "../lib/app";
import { ModelError } from "../lib/model/errors";
import { parseEnvironmentModel } from "../lib/model/load";
import type { EnvironmentModel } from "../lib/model/types";
import { PRIVILEGES } from "../lib/permissions";
import { readSynthOutput } from "../lib/output/read";
import { checkGate, formatViolation } from "../lib/gate/check";
import { desiredState } from "../lib/desired-state";
import { Matcher, expectedStack, type Expected, type MatchContext } from "../lib/gate/expected";
import { synthToDirectory } from "../lib/synth";
import { previousOutput, strayEntries } from "./helpers";

const ENV_KEYS = ["dev", "staging", "prod", "qa"];
const GROUP_KEYS = ["admins", "devs", "readers", "ops"];
const SCHEMAS = ["bronze", "silver", "gold", "models"];
const LEVELS = ["read", "use", "all", "browse"];
const VALID_PRIVILEGES = PRIVILEGES.catalog.filter((p) => p !== "ALL_PRIVILEGES");

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));

/** An access value: a level or a list of catalog privileges. */
const accessValue = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...LEVELS) },
  { weight: 1, arbitrary: fc.subarray(VALID_PRIVILEGES, { minLength: 1, maxLength: 4 }) },
);

/** One way to break a model file (or none): each must be rejected cleanly. */
const BREAKAGES = [
  "no-metastore-id",
  "workspace-number",
  "unknown-key",
  "sandbox-catalog",
  "empty-schemas",
  "same-host",
  "unknown-group",
  "unknown-env",
  "grants-from-elsewhere",
  "bad-level",
  "bad-privilege",
  "metastore-privilege-on-catalog",
  "shared-state-key",
  "promotion-missing-schema",
  "reserved-environment-key",
  "promotion-cycle",
] as const;

/** A model file's data: well-formed, or broken in one random way. */
const modelData = fc
  .record({
    envs: fc.subarray(ENV_KEYS, { minLength: 1 }),
    groups: fc.subarray(GROUP_KEYS, { minLength: 1 }),
    hosts: fc.uniqueArray(hex(8), { minLength: 4, maxLength: 4 }),
    ids: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 52 }), { minLength: 4, maxLength: 4 }), { freq: 2 }),
    schemas: fc.subarray(SCHEMAS.filter((x) => x !== "models")),
    promote: fc.boolean(),
    promoteFrom: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    production: fc.option(fc.nat(), { freq: 2 }),
    access: fc.array(fc.tuple(fc.nat(), fc.nat(), accessValue), { maxLength: 8 }),
    grantsFrom: fc.nat(),
    creators: fc.array(fc.nat(), { maxLength: 2 }),
    adopt: fc.boolean(),
    state: fc.boolean(),
    identity: fc.boolean(),
    breakage: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.constantFrom(...BREAKAGES) }),
  })
  .map((g) => {
    const environments: Record<string, any> = {};
    g.envs.forEach((key, i) => {
      const previous = g.envs[i - 1];
      environments[key] = {
        stack: `ref-${key}`,
        workspace: { host: `https://dbc-${g.hosts[i]}.cloud.databricks.com`, profile: `ref-${key}`, ...(g.ids ? { id: g.ids[i] } : {}) },
        servicePrincipal: `ml-${key}-sp`,
        catalog: { name: key, schemas: [...g.schemas, "models"], ...(g.adopt ? { adopt: { catalog: true } } : {}) },
        // From any earlier environment, so promotions form chains and trees, never cycles.
        ...(g.promote && previous ? { promotion: { from: g.envs[g.promoteFrom[i] % i], schema: "models" } } : {}),
      };
    });
    const access: Record<string, Record<string, unknown>> = {};
    for (const [group, env, value] of g.access) (access[g.groups[group % g.groups.length]] ??= {})[g.envs[env % g.envs.length]] = value;
    const data: Record<string, any> = {
      metastore: { id: "4c140405-61ff-4e4e-9684-07078639218e", grantsFrom: g.envs[g.grantsFrom % g.envs.length] },
      groups: Object.fromEntries(g.groups.map((k) => [k, `Group ${k}`])),
      sandbox: { catalogName: "{user}_sandbox", creators: [...new Set([0, ...g.creators].map((i) => g.groups[i % g.groups.length]))] },
      environments,
      access,
      ...(g.production !== null ? { production: g.envs[g.production % g.envs.length] } : {}),
      ...(g.state ? { state: { bucket: "state-bucket", region: "us-east-1", key: "uc/{stack}.tfstate" } } : {}),
      ...(g.identity
        ? {
            account: { id: "0d26daa6-5e44-4c97-a497-ef015f91254a", profile: "ref-account" },
            github: { repository: "org/repo", planServicePrincipal: { name: "plan-sp", applicationId: "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f" } },
          }
        : {}),
    };
    // Models flow towards production, never out of it (the loader refuses a promotion from it).
    const production = data.production ?? (g.envs.includes("prod") ? "prod" : g.envs[g.envs.length - 1]);
    for (const env of Object.values(environments)) if (env.promotion?.from === production) delete env.promotion;
    const first = environments[g.envs[0]];
    const someAccess = (value: unknown) => ((access[g.groups[0]] ??= {})[g.envs[0]] = value);
    switch (g.breakage) {
      case "no-metastore-id":
        delete data.metastore.id;
        break;
      case "workspace-number":
        first.workspace = 5;
        break;
      case "unknown-key":
        data.enviroment = {};
        break;
      case "sandbox-catalog":
        first.catalog.name = "team_sandbox";
        break;
      case "empty-schemas":
        first.catalog.schemas = [];
        break;
      case "same-host":
        environments.extra = { ...first, stack: "ref-extra", workspace: { ...first.workspace, profile: "ref-extra" }, servicePrincipal: "x-sp", catalog: { name: "extra", schemas: ["models"] } };
        delete environments.extra.promotion;
        break;
      case "unknown-group":
        access.nobody = { [g.envs[0]]: "read" };
        break;
      case "unknown-env":
        (access[g.groups[0]] ??= {}).nowhere = "read";
        break;
      case "grants-from-elsewhere":
        data.metastore.grantsFrom = "elsewhere";
        break;
      case "bad-level":
        someAccess("reader");
        break;
      case "bad-privilege":
        someAccess(["SELEKT"]);
        break;
      case "metastore-privilege-on-catalog":
        someAccess(["CREATE_CATALOG"]);
        break;
      case "shared-state-key":
        data.state = { bucket: "state-bucket", region: "us-east-1", key: "uc/shared.tfstate" };
        break;
      case "reserved-environment-key":
        environments.plan = { ...first, stack: "ref-plan", workspace: { host: "https://dbc-plan.cloud.databricks.com", profile: "ref-plan" }, servicePrincipal: "plan-env-sp", catalog: { name: "planning", schemas: ["models"] } };
        delete environments.plan.promotion;
        break;
      case "promotion-cycle":
        first.promotion = { from: g.envs[g.envs.length - 1], schema: "models" };
        if (g.envs.length > 1) environments[g.envs[g.envs.length - 1]].promotion = { from: g.envs[0], schema: "models" };
        break;
      case "promotion-missing-schema":
        first.catalog.schemas = ["bronze"];
        environments.extra = { stack: "ref-extra", workspace: { host: "https://dbc-extra.cloud.databricks.com", profile: "ref-extra" }, servicePrincipal: "x-sp", catalog: { name: "extra", schemas: ["models"] }, promotion: { from: g.envs[0], schema: "models" } };
        break;
    }
    return { data, broken: g.breakage !== null };
  });

/**
 * Where synthesized JSON and expected JSON differ, as `path: what` lines: a missing or extra key
 * (cdktf's "//" metadata aside), another value, a value a matcher refuses. Empty when equal.
 */
function renderedDifferences(actual: unknown, expected: Expected, context: MatchContext, at = ""): string[] {
  const isObject = (v: unknown): v is { [key: string]: unknown } => v !== null && typeof v === "object" && !Array.isArray(v);
  if (expected instanceof Matcher) return expected.test(actual, context) ? [] : [`${at}: ${JSON.stringify(actual)}, not ${expected.describe}`];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${at}: ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`];
    return expected.flatMap((e, i) => renderedDifferences(actual[i], e, context, `${at}[${i}]`));
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return [`${at}: ${JSON.stringify(actual)}, not an object`];
    const keys = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].filter((k) => k !== "//").sort();
    return keys.flatMap((k) =>
      !(k in expected) ? [`${at}.${k}: rendered, not expected`] : !(k in actual) ? [`${at}.${k}: expected, not rendered`] : renderedDifferences(actual[k], (expected as { [key: string]: Expected })[k], context, `${at}.${k}`),
    );
  }
  return actual === expected ? [] : [`${at}: ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`];
}

function parse(data: unknown): EnvironmentModel | ModelError {
  try {
    return parseEnvironmentModel(stringify(data), "generated.yaml");
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e; // a crash: fails the property
  }
}

describe("generated models", () => {
  it("are either read into a model or rejected with a ModelError that names a field and a fix", () => {
    fc.assert(
      fc.property(modelData, ({ data, broken }) => {
        const result = parse(data);
        expect({ broken, rejected: result instanceof ModelError }).toEqual({ broken, rejected: broken });
        if (result instanceof ModelError) {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) expect(issue.fix.length).toBeGreaterThan(0);
          expect(result.message).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("synthesize completely, render exactly the expected JSON and pass the checks, or leave the previous output untouched", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-prop-"));
    const out = path.join(dir, "cdktf.out");
    previousOutput(out, "marker");
    let synthesized = 0;
    fc.assert(
      fc.property(modelData, ({ data }) => {
        const before = fs.readdirSync(out).sort();
        let model: EnvironmentModel | undefined;
        try {
          // As main.ts does: the model is read inside the synth, after its temporary directory exists.
          synthToDirectory((staging) => {
            const parsed = parse(data);
            if (parsed instanceof ModelError) throw parsed;
            model = parsed;
            return { app: buildApp(parsed, staging, dir), model: parsed };
          }, out);
        } catch (e) {
          // A model that was read must synthesize: the policy refusing it would be a bug (SynthCheckError).
          if (!(e instanceof ModelError)) throw e;
          expect(fs.readdirSync(out).sort()).toEqual(before);
          expect(strayEntries(dir)).toEqual([]);
          return;
        }
        if (!model) throw new Error("synth succeeded without a model");
        synthesized++;
        const stacks = readSynthOutput(out);
        const expectedStacks = [...model.environments.map((e) => e.stackName), ...(model.account && model.github ? [model.account.stackName] : [])];
        expect(stacks.map((s) => s.name).sort()).toEqual(expectedStacks.sort());
        expect(fs.existsSync(path.join(out, "marker"))).toBe(false);
        const desired = desiredState(model);
        // Two renderers, one result: what the constructs synthesize is, block for block and value for
        // value, what each resource module's expected JSON says (lib/gate/expected.ts assembles it).
        for (const stack of stacks) {
          const d = desired.stacks.find((x) => x.name === stack.name)!;
          expect({ stack: stack.name, differences: renderedDifferences(stack.json, expectedStack(d), { stackDir: path.dirname(stack.file!) }) }).toEqual({ stack: stack.name, differences: [] });
        }
        // The policy gate (npm run policy) passes on whatever a valid model synthesizes.
        expect(checkGate(stacks, desired).violations.map(formatViolation)).toEqual([]);
        expect(strayEntries(dir)).toEqual([]);
      }),
      { numRuns: 40 },
    );
    expect(synthesized).toBeGreaterThan(5); // the generator does reach valid models
  });
});
