/**
 * The grants diff agrees with Terraform. The reference organisation's stacks are applied once, with
 * the real terraform, to a workspace that holds everything the cases need (the pre-deploy workspace
 * of the full model: groups, adopted catalogs, the retired principal, the plan principal, workspace
 * IDs). Then each model change of the corpus is synthesized (with the address manifest `npm run
 * update` would have recorded for the base) and planned by the real terraform over that state. For
 * each: no catalog, schema or principal is destroyed or replaced, and the resources terraform plans
 * to create, update, replace, delete, import, forget or move are exactly the ones the grants diff
 * names, with the same action (nothing missing, nothing extra; reordering is no change).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { desiredState } from "../../lib/desired-state";
import { parseEnvironmentModel } from "../../lib/model/load";
import type { EnvironmentModel } from "../../lib/model/types";
import { addressManifest } from "../../lib/review/addresses";
import { diffOutputs, prodScope, type AccessChange } from "../../lib/review/diff";
import type { SynthesizedStack } from "../../lib/output/stack";
import { changeKey, plannedByTerraform, predictPlan } from "../../lib/review/terraform-plan";
import { checkPlan, formatPlanCheck, guardPlan } from "../../lib/rehearse/plan-guard";
import { terraformEnv } from "../../lib/rehearse/terraform";
import { installStandIn } from "../../stand-in/install";
import { seedWorkspace } from "../../stand-in/seed";
import { writeWorkspaceAtomically } from "../../stand-in/workspace/file";
import { renameDevGroup, retireProd, synthOutput, WORKSPACE_IDS } from "../helpers";
import { FULL_MODEL, REFERENCE_MODEL, requireTerraform, tmpDir } from "./support";

const BASE_TEXT = fs.readFileSync(REFERENCE_MODEL, "utf8");
const FULL_TEXT = fs.readFileSync(FULL_MODEL, "utf8");
const baseData = (): any => require("yaml").parse(BASE_TEXT);
const base: EnvironmentModel = parseEnvironmentModel(BASE_TEXT, "environments.yaml");
const manifest = addressManifest(desiredState(base));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir = "";
let env: NodeJS.ProcessEnv = {};
let baseOutput: SynthesizedStack[] = [];

function terraform(cwd: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn("terraform", [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A working directory for a stack's configuration, its state in `state` (a local file). */
function stackDir(at: string, config: unknown, state: string): string {
  fs.mkdirSync(at, { recursive: true });
  fs.writeFileSync(path.join(at, "cdk.tf.json"), JSON.stringify(config, null, 2));
  fs.writeFileSync(path.join(at, "corpus_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: state } } } }));
  return at;
}

async function must(run: Promise<Run>, what: string): Promise<Run> {
  const r = await run;
  if (r.code !== 0) throw new Error(`${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

beforeAll(async () => {
  requireTerraform();
  dir = tmpDir("uc-e2e-corpus-");
  const world = path.join(dir, "workspace.json");
  // The reference organisation before its first deploy, with what later cases meet: the plan
  // principal and the account (made by hand before the account stack), the workspaces' IDs.
  const everything = baseData();
  withAccount(everything);
  for (const [e, id] of Object.entries(WORKSPACE_IDS)) everything.environments[e].workspace.id = id;
  everything.environments.qa = { ...QA, workspace: { ...QA.workspace, id: 4444444444444444 } };
  writeWorkspaceAtomically(world, seedWorkspace(parseEnvironmentModel(stringify(everything), "environments.yaml")));
  env = terraformEnv(installStandIn(path.join(dir, "stand-in"), world).env);
  baseOutput = synthOutput(base);
  // The first apply, in the model's order (a promotion grant needs the previous stack's schema).
  for (const stack of ["ref-dev", "ref-staging", "ref-prod"]) {
    const at = stackDir(path.join(dir, "base", stack), baseOutput.find((s) => s.name === stack)!.json, path.join(dir, `${stack}.tfstate`));
    await must(terraform(at, ["init", "-input=false", "-no-color"]), `init ${stack}`);
    await must(terraform(at, ["apply", "-input=false", "-no-color", "-auto-approve"]), `apply ${stack}`);
  }
}, 300_000);

afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

interface Planned {
  /** `stack address action` of every resource terraform changes. */
  readonly changes: string[];
  /** Plans that failed, by stack, with terraform's error. */
  readonly failed: { readonly [stack: string]: string };
  /** Destroys or replaces of a catalog, schema or service principal. */
  readonly guarded: string[];
  /** Each stack's plan (`terraform show -json`). */
  readonly plans: { readonly [stack: string]: unknown };
}

/** Plans HEAD over the applied base: stacks the base has reuse its state and working data; new ones start empty. */
async function planHead(name: string, head: readonly SynthesizedStack[]): Promise<Planned> {
  const out: Planned = { changes: [], failed: {}, guarded: [], plans: {} };
  await Promise.all(
    head.map(async (s) => {
      const known = baseOutput.some((b) => b.name === s.name);
      const state = known ? path.join(dir, `${s.name}.tfstate`) : path.join(dir, "cases", name, `${s.name}.tfstate`);
      const at = stackDir(path.join(dir, "cases", name, s.name), s.json, state);
      if (known) {
        fs.symlinkSync(path.join(dir, "base", s.name, ".terraform"), path.join(at, ".terraform"));
        fs.copyFileSync(path.join(dir, "base", s.name, ".terraform.lock.hcl"), path.join(at, ".terraform.lock.hcl"));
      } else {
        await must(terraform(at, ["init", "-input=false", "-no-color"]), `init ${s.name}`);
      }
      const plan = await terraform(at, ["plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan"]);
      if (plan.code !== 0) {
        (out.failed as Record<string, string>)[s.name] = `${plan.stderr}\n${plan.stdout}`;
        return;
      }
      const json = JSON.parse((await must(terraform(at, ["show", "-json", "tfplan"]), `show ${s.name}`)).stdout);
      out.changes.push(...plannedByTerraform(s.name, json).map(changeKey));
      out.guarded.push(...guardPlan(json).map((f) => `${s.name} ${f.address} ${f.action}`));
      (out.plans as Record<string, unknown>)[s.name] = json;
    }),
  );
  out.changes.sort();
  return out;
}

/** What the grants diff says terraform does: `stack address action` of every row that names one. */
function diffSays(head: readonly SynthesizedStack[], headModel: EnvironmentModel): { keys: string[]; changes: AccessChange[] } {
  const changes = diffOutputs(baseOutput, head, prodScope([baseOutput, head], base, headModel));
  const keys = [...new Set(changes.filter((c) => c.terraform !== undefined).map((c) => `${c.stack} ${c.resource} ${c.terraform}`))].sort();
  return { keys, changes };
}

/** A model edit of the corpus, read beside the manifest of the base (as `npm run update` left it). */
function headOf(edit: (d: any) => void): { model: EnvironmentModel; output: SynthesizedStack[] } {
  const d = baseData();
  edit(d);
  const model = { ...parseEnvironmentModel(stringify(d), "environments.yaml"), history: manifest };
  return { model, output: synthOutput(model) };
}

function withAccount(d: any): void {
  const full = require("yaml").parse(FULL_TEXT);
  d.account = full.account;
  d.github = full.github;
}

/** A fourth environment's facts (its workspace exists; its catalog does not). */
const QA = { stack: "ref-qa", workspace: { host: "https://dbc-0a0a0a0a-0a0a.cloud.databricks.com", profile: "ref-qa" }, servicePrincipal: "ml-pipelines-qa-service-principal", catalog: { name: "qa", schemas: ["bronze", "models"] } };

const CASES: readonly [string, (d: any) => void][] = [
  ["a group gets read on an environment (Dev on prod)", (d) => (d.access.dev.prod = "read")],
  ["a new environment", (d) => {
    d.environments.qa = QA;
    d.access.dev.qa = "read";
  }],
  ["a group key renamed, with the moved entries npm run update writes", renameDevGroup],
  ["a retired principal added to legacyServicePrincipals", (d) => (d.legacyServicePrincipals["old-etl"] = "0f6d1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b")],
  ["an environment retired (retired.prod)", retireProd],
  ["isolation turned on with workspace IDs", (d) => {
    for (const [env, id] of Object.entries(WORKSPACE_IDS)) d.environments[env].workspace.id = id;
  }],
  ["the account stack added", withAccount],
  ["the account stack added with workspace IDs (assignments on prod's workspace)", (d) => {
    withAccount(d);
    for (const [env, id] of Object.entries(WORKSPACE_IDS)) d.environments[env].workspace.id = id;
  }],
  ["a schema added", (d) => (d.environments.dev.catalog.schemas = [...d.environments.dev.catalog.schemas, "features"])],
  ["a schema dropped", (d) => (d.environments.dev.catalog.schemas = ["bronze", "silver", "models"])],
  ["an environment dropped (prod)", (d) => {
    delete d.environments.prod;
    delete d.access.prod_readonly;
    delete d.access.account_admin.prod;
  }],
  ["keys and privilege lists only reordered", (d) => {
    const reversed = (o: any) => Object.fromEntries(Object.entries(o).reverse());
    d.groups = reversed(d.groups);
    d.access = reversed(Object.fromEntries(Object.entries(d.access).map(([g, e]) => [g, reversed(e)])));
    d.access.prod_readonly.prod = ["USE_SCHEMA", "SELECT", "READ_VOLUME", "USE_CATALOG", "EXECUTE"];
    for (const e of Object.values(d.environments) as any[]) e.catalog.schemas = [...e.catalog.schemas].reverse();
  }],
];

describe("the grants diff agrees with the real terraform (corpus of model changes, planned after a first apply)", () => {
  it.each(CASES)("%s", async (name, edit) => {
    const head = headOf(edit);
    const said = diffSays(head.output, head.model);
    const planned = await planHead(name.replace(/[^a-z0-9]+/gi, "-"), head.output);
    expect(planned.failed).toEqual({});
    expect(planned.guarded).toEqual([]);
    expect(planned.changes).toEqual(said.keys);
    // The plan guard of the pull request's plan jobs passes each plan.
    const predicted = predictPlan(baseOutput, head.output);
    for (const [stack, plan] of Object.entries(planned.plans)) {
      const check = checkPlan(stack, plan, predicted);
      expect({ stack, losses: check.losses, unexplained: check.unexplained }).toEqual({ stack, losses: [], unexplained: [] });
    }
  });

  it("reordering alone: no change at all, in the diff and in every plan", async () => {
    const head = headOf(CASES.find(([n]) => n.startsWith("keys and privilege lists"))![1]);
    expect(diffSays(head.output, head.model).changes).toEqual([]);
    expect((await planHead("reorder-again", head.output)).changes).toEqual([]);
  });

  it("an environment dropped: terraform plans nothing for its stack (it is gone), and the diff says so instead of deletes", async () => {
    const head = headOf(CASES.find(([n]) => n.startsWith("an environment dropped"))![1]);
    const said = diffSays(head.output, head.model);
    expect(said.changes.filter((c) => c.stack === "ref-prod").map((c) => [c.resource, c.terraform, c.summary])).toEqual([
      ["(stack)", undefined, expect.stringMatching(/^stack removed: Terraform plans nothing for it, so everything it declared .* stays in the workspace and in its state, unmanaged; nothing is deleted or revoked\. To retire it through Terraform instead, list the environment under retired/)],
    ]);
  });

  it("a new environment marked adopt whose catalog does not exist: the diff says it is imported (and must exist); terraform's plan fails with the provider's 'does not exist'", async () => {
    const head = headOf((d) => {
      d.environments.qa = { ...QA, catalog: { ...QA.catalog, adopt: { catalog: true } } };
    });
    const said = diffSays(head.output, head.model);
    expect(said.changes.find((c) => c.resource === "databricks_catalog.qa")).toMatchObject({ terraform: "import", summary: expect.stringMatching(/imported/) });
    const planned = await planHead("adopt-missing", head.output);
    expect(Object.keys(planned.failed)).toEqual(["ref-qa"]);
    expect(planned.failed["ref-qa"]).toMatch(/Catalog 'qa' does not exist/);
  });

  it("the account stack added: its federation policies and the assignment on prod's workspace are shown, prod's marked PROD", () => {
    const head = headOf(CASES.find(([n]) => n.startsWith("the account stack added with workspace IDs"))![1]);
    const rows = diffSays(head.output, head.model).changes.filter((c) => c.stack === "ref-account" && c.terraform === "create");
    expect(rows.map((c) => [c.resource, c.prod]).sort()).toEqual([
      ["databricks_mws_permission_assignment.plan__workspace_dev", false],
      ["databricks_mws_permission_assignment.plan__workspace_prod", true],
      ["databricks_mws_permission_assignment.plan__workspace_staging", false],
      ["databricks_service_principal_federation_policy.github__dev", false],
      ["databricks_service_principal_federation_policy.github__plan", true],
      ["databricks_service_principal_federation_policy.github__plan__deploy", true],
      ["databricks_service_principal_federation_policy.github__prod", true],
      ["databricks_service_principal_federation_policy.github__staging", false],
    ]);
  });
});

describe("the plan guard on real plans", () => {
  it("fails a plan that changes what the change does not explain (a grant revoked by hand: terraform re-grants it)", async () => {
    const world = path.join(dir, "workspace.json");
    const saved = fs.readFileSync(world, "utf8");
    try {
      const ws = JSON.parse(saved);
      // Someone revoked the read-only group's grant on prod by hand.
      const grants = ws.catalogs.prod.grants;
      const key = Object.keys(grants).find((k) => k.includes("Prod - ReadOnly"))!;
      delete grants[key];
      fs.writeFileSync(world, JSON.stringify(ws));
      const head = headOf((d) => (d.access.dev.prod = "read"));
      const planned = await planHead("drift", head.output.filter((s) => s.name === "ref-prod"));
      const check = checkPlan("ref-prod", planned.plans["ref-prod"], predictPlan(baseOutput, head.output));
      expect(check.losses).toEqual([]);
      expect(check.unexplained.map((u) => [u.address, u.action])).toEqual([["databricks_grant.catalog_prod__group_prod_readonly", "create"]]); // the provider drops a grant with no privileges left from state (catalog/resource_grant.go read), so terraform creates it again
      expect(formatPlanCheck(check).pop()).toBe("ref-prod: plan guard: FAILED: 0 catalog, schema or principal destroyed or replaced, 1 change not explained");
    } finally {
      fs.writeFileSync(world, saved);
    }
  });

  it("fails a plan that destroys a schema (an output whose model lost its manifest), naming it", async () => {
    const d = baseData();
    d.environments.dev.catalog.schemas = ["bronze", "silver", "models"];
    const withoutManifest = synthOutput(parseEnvironmentModel(stringify(d), "environments.yaml"));
    const planned = await planHead("destroy", withoutManifest.filter((s) => s.name === "ref-dev"));
    const check = checkPlan("ref-dev", planned.plans["ref-dev"], predictPlan(baseOutput, withoutManifest));
    expect(formatPlanCheck(check)).toEqual([
      "ref-dev: databricks_schema.dev__gold would be DESTROYED: its block is no longer in the configuration (delete_because_no_resource_config)",
      "ref-dev: plan guard: FAILED: 1 catalog, schema or principal destroyed or replaced, 0 changes not explained",
    ]);
  });
});
