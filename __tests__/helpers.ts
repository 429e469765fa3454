import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as crypto from "crypto";
import type { TerraformStack } from "../lib/cdk";
import { parse, stringify } from "yaml";
import { parseEnvironmentModel } from "../lib/model/load";
import type { EnvironmentModel } from "../lib/model/types";
import type { StackJson, SynthesizedStack } from "../lib/output/stack";

export const ROOT = path.resolve(__dirname, "..");
/**
 * The reference organisation's model: a frozen copy of the seed's environments.yaml. The acceptance
 * tests (the seed's permission table) and the mechanism tests read it, never the live model, so an
 * intended change to environments.yaml is one edit and `npm run update` (README). It is read under
 * the name it has in the seed, so messages read as the user sees them.
 */
export const DEFAULT_MODEL_FILE = path.join(ROOT, "__tests__", "fixtures", "models", "reference.yaml");
export const DEFAULT_MODEL_TEXT = fs.readFileSync(DEFAULT_MODEL_FILE, "utf8");
/**
 * The live model. Only the tests of what `npm run update` refreshes read it (LIVE_MODEL_TESTS in
 * __tests__/live/affected.ts; a test keeps that list true).
 */
export const LIVE_MODEL_FILE = path.join(ROOT, "environments.yaml");

/** Workspace IDs that turn isolation on (made up for tests; the seed does not give them). */
export const WORKSPACE_IDS = { dev: 1111111111111111, staging: 2222222222222222, prod: 3333333333333333 };

/** The reference organisation's model (DEFAULT_MODEL_FILE). */
export function defaultModel(): EnvironmentModel {
  return parseEnvironmentModel(DEFAULT_MODEL_TEXT, "environments.yaml");
}

/** The reference model file as plain data, to change one thing in a test. */
export function defaultModelData(): any {
  return parse(DEFAULT_MODEL_TEXT);
}

export function modelFrom(data: unknown): EnvironmentModel {
  return parseEnvironmentModel(stringify(data), "test.yaml");
}

/**
 * Retires the reference model's prod (model data, edited in place): prod leaves `environments`
 * for `retired`, staging becomes production, the access to prod goes.
 */
export function retireProd(data: any): void {
  const prod = data.environments.prod;
  delete data.environments.prod;
  delete data.access.prod_readonly;
  delete data.access.account_admin.prod;
  data.production = "staging";
  data.retired = { prod: { stack: prod.stack, workspace: { host: prod.workspace.host, profile: prod.workspace.profile } } };
}

/**
 * Renames the reference model's group key `dev` to `developers` (model data, edited in place), with
 * the moved entries `npm run update` writes for its grants, so that nothing is destroyed.
 */
export function renameDevGroup(d: any): void {
  d.groups = Object.fromEntries(Object.entries(d.groups).map(([k, v]) => [k === "dev" ? "developers" : k, v]));
  d.access = Object.fromEntries(Object.entries(d.access).map(([k, v]) => [k === "dev" ? "developers" : k, v]));
  d.sandbox.creators = ["developers"];
  d.moved = {
    "ref-dev": { "databricks_grant.catalog_dev__group_dev": "databricks_grant.catalog_dev__group_developers", "databricks_grant.metastore__group_dev": "databricks_grant.metastore__group_developers" },
    "ref-staging": { "databricks_grant.catalog_staging__group_dev": "databricks_grant.catalog_staging__group_developers" },
  };
}

/** The reference model with every workspace ID set: catalogs ISOLATED, promotion bindings on. */
export function isolatedModel(): EnvironmentModel {
  const data = defaultModelData();
  for (const [env, id] of Object.entries(WORKSPACE_IDS)) data.environments[env].workspace.id = id;
  return modelFrom(data);
}

/** Synthesizes every stack in memory (nothing written), in the shape the review tools read. */
export function synthModel(model: EnvironmentModel): { stacks: TerraformStack[]; output: SynthesizedStack[] } {
  // Loaded here, not at the top: a test file that only needs the JSON (synthOutput) then never
  // loads cdktf, which costs each test file a few hundred milliseconds.
  const { Testing } = require("../lib/cdk") as typeof import("../lib/cdk");
  const { buildApp } = require("../lib/app") as typeof import("../lib/app");
  // cdktf's App creates its (empty) outdir; nothing else is written without app.synth().
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "uc-synth-"));
  const app = buildApp(model, path.join(project, "cdktf.out"), project);
  const stacks = app.node.children as TerraformStack[];
  return {
    stacks,
    output: stacks.map((s) => ({ name: s.node.id, json: JSON.parse(Testing.synth(s)) as StackJson })),
  };
}

/**
 * The synthesized JSON of a model, as synthModel gives it, shared by the test files of one jest run:
 * the first file that needs a model's output synthesizes it and leaves it in the run's temporary
 * directory (global-setup.js; removed at the end of the run), the others read it. Same model, same
 * code, same output: the cache lives no longer than one run of the code.
 */
export function synthOutput(model: EnvironmentModel): SynthesizedStack[] {
  const dir = process.env.UC_JEST_TMP;
  const key = crypto.createHash("sha256").update(JSON.stringify(model)).digest("hex").slice(0, 32);
  const file = dir ? path.join(dir, `synth-${key}.json`) : undefined;
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as SynthesizedStack[];
  const output = synthModel(model).output;
  if (file) {
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(output));
    fs.renameSync(tmp, file);
  }
  return output;
}

export function stackJson(output: readonly SynthesizedStack[], name: string): StackJson {
  const found = output.find((s) => s.name === name);
  if (!found) throw new Error(`no stack ${name}`);
  return found.json;
}

/**
 * What a synth left beside `dir/cdktf.out` besides the output itself: cdktf.out (a link, or a plain
 * directory never synthesized into) and the generation it points at are expected; anything else is
 * a leftover of a failed or interrupted run.
 */
export function strayEntries(dir: string): string[] {
  const out = path.join(dir, "cdktf.out");
  const current = fs.existsSync(out) && fs.lstatSync(out).isSymbolicLink() ? path.basename(fs.readlinkSync(out)) : undefined;
  return fs.readdirSync(dir).filter((e) => e !== "cdktf.out" && e !== current);
}

/**
 * A stand-in for an earlier output of synth at `out`: a folder with synth's marker (so synth may
 * replace it) and one file, to show a refused run leaves it as it was. Returns its entries, sorted.
 */
export function previousOutput(out: string, file: string): string[] {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, ".uc-synth.json"), JSON.stringify({ madeBy: "uc-env-isolation synth" }));
  fs.writeFileSync(path.join(out, file), "kept");
  return fs.readdirSync(out).sort();
}
