/**
 * Everything `npm run update` refreshes, as one function over a project directory: the committed
 * files that follow the live model (environments.yaml) or the constructs. A deliberate change is
 * one edit and this; `git diff` then shows the model and these files, so the pull request carries
 * the reviewed change:
 *   cdktf.out/                          re-synthesized (not committed)
 *   __tests__/live/output/<stack>.json  the synthesized output of the live model, per stack
 *   terraform-addresses.json            the address manifest (lib/review/addresses.ts)
 *   __tests__/fixtures/synth/           the review tools' fixtures (from the reference model)
 *   .github/workflows/                  deploy.yml (a job per stack); the stack matrices of pull-request.yml, audit.yml
 *   .github/CODEOWNERS                  who reviews what (lib/ci/code-owners.ts, the model's codeOwners)
 * (Jest's snapshots of the reference model are refreshed by scripts/update.ts, with jest.)
 */
import * as fs from "fs";
import * as path from "path";
import { buildApp } from "../../lib/app";
import { desiredState, missingRenames, type DesiredState } from "../../lib/desired-state";
import { parseDocument } from "yaml";
import { DEPLOY_WORKFLOW, MATRIX_WORKFLOWS, renderDeployWorkflow, withStackMatrix } from "../../lib/ci/workflows";
import { CODEOWNERS_FILE, renderCodeowners } from "../../lib/ci/code-owners";
import { loadEnvironmentModel } from "../../lib/model/load";
import type { EnvironmentModel } from "../../lib/model/types";
import { MANIFEST_FILE, addressManifest, manifestChanges, type AddressManifest } from "../../lib/review/addresses";
import { parseAddressManifest } from "../../lib/model/history";
import { readSynthOutput } from "../../lib/output/read";
import type { SynthesizedStack } from "../../lib/output/stack";
import { synthToDirectory } from "../../lib/synth";
import { LIVE_MODEL } from "../../lib/cli/live-model";
import { stripMetadata } from "../../__tests__/fixtures/synth/cases";
import { writeFixtures } from "../../__tests__/fixtures/synth/write";

/** Where the synthesized output of the live model is committed, one file per stack. */
export const LIVE_OUTPUT_DIR = "__tests__/live/output";
export const FIXTURES_DIR = "__tests__/fixtures/synth";

export interface Refreshed {
  /** Renames `npm run update` wrote into the model's `moved` (objects the manifest recorded at another address). */
  readonly renames: readonly { readonly stack: string; readonly from: string; readonly to: string; readonly object: string }[];
  /** Files (relative to the project) whose content changed, or that were added or removed. */
  readonly changed: readonly string[];
  /** The address manifest's changes, as `+`/`-` lines (manifestChanges). */
  readonly addresses: readonly string[];
  readonly model: EnvironmentModel;
  readonly stacks: number;
  readonly warnings: readonly string[];
}

/** The committed snapshot files of an output: `<stack>.json` -> content. */
export function liveOutputFiles(stacks: readonly SynthesizedStack[]): Map<string, string> {
  return new Map([...stacks].sort((a, b) => (a.name < b.name ? -1 : 1)).map((s) => [`${s.name}.json`, `${JSON.stringify(stripMetadata(s.json), null, 2)}\n`]));
}

/** The address manifest of the live model, after the refresh (or as committed). */
export function readManifest(projectDir: string): AddressManifest {
  const file = path.join(projectDir, MANIFEST_FILE);
  return fs.existsSync(file) ? parseAddressManifest(JSON.parse(fs.readFileSync(file, "utf8")), MANIFEST_FILE) : {};
}

/**
 * An object the manifest recorded at one address and the model now declares at another (a renamed
 * group or environment key) gets its `moved` entry in the model file, written into the YAML
 * document so that its comments and layout stay; synth then writes the moved block and Terraform
 * renames the object in state instead of destroying and creating it. Returns what it added.
 */
export function writeMissingRenames(modelPath: string): ReturnType<typeof missingRenames> {
  const renames = missingRenames(loadEnvironmentModel(modelPath));
  if (renames.length === 0) return renames;
  const doc = parseDocument(fs.readFileSync(modelPath, "utf8"));
  for (const r of renames) doc.setIn(["moved", r.stack, r.from], r.to);
  fs.writeFileSync(modelPath, String(doc));
  return renames;
}

/** Writes `content` to `rel` unless it is already there; records the change. */
function put(projectDir: string, rel: string, content: string, changed: string[]): void {
  const file = path.join(projectDir, rel);
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  changed.push(rel);
}

/** Whether `file` is a stack's output as the refresh records it: `<name>.json`, a JSON object with a terraform block. */
function isRecordedStack(file: string): boolean {
  if (!file.endsWith(".json") || !fs.lstatSync(file).isFile()) return false;
  try {
    const json: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    return typeof json === "object" && json !== null && !Array.isArray(json) && typeof (json as { terraform?: unknown }).terraform === "object";
  } catch {
    return false;
  }
}

/**
 * Re-synthesizes the live model into `projectDir/cdktf.out` (atomically, through the policy gate,
 * as `npm run synth`) and rewrites every generated file from it. Throws the model's or the gate's
 * error, having changed nothing, when the model is invalid or the output breaks the policy.
 */
export function refreshGenerated(projectDir: string): Refreshed {
  // Named as the user would type it when run in the project, so messages read `environments.yaml`.
  const modelPath = path.relative(process.cwd(), path.join(projectDir, LIVE_MODEL)) || LIVE_MODEL;
  const renames = writeMissingRenames(modelPath);
  let model: EnvironmentModel | undefined;
  let desired: DesiredState | undefined;
  const warnings = [...synthToDirectory((outdir) => {
    model = loadEnvironmentModel(modelPath);
    desired = desiredState(model);
    return { app: buildApp(model, outdir, projectDir, desired), model, desired };
  }, path.join(projectDir, "cdktf.out"))];
  const live = model!;
  const stacks = readSynthOutput(path.join(projectDir, "cdktf.out"));
  const changed: string[] = [];

  const outputDir = path.join(projectDir, LIVE_OUTPUT_DIR);
  const files = liveOutputFiles(stacks);
  // A stack that left the model leaves its recorded output behind: removed, but only a file this
  // refresh wrote before (a stack's JSON, `<stack>.json` with a terraform block); anything else in the
  // folder is not ours to delete and is left, with a warning.
  for (const old of fs.existsSync(outputDir) ? fs.readdirSync(outputDir) : []) {
    if (files.has(old)) continue;
    if (isRecordedStack(path.join(outputDir, old))) {
      fs.rmSync(path.join(outputDir, old));
      changed.push(`${LIVE_OUTPUT_DIR}/${old}`);
    } else {
      warnings.push(`${LIVE_OUTPUT_DIR}/${old} was not written by npm run update (not a stack's recorded output), so it is left alone; the folder holds only <stack>.json files: move it elsewhere`);
    }
  }
  for (const [name, content] of files) put(projectDir, `${LIVE_OUTPUT_DIR}/${name}`, content, changed);

  const before = readManifest(projectDir);
  const after = addressManifest(desired!);
  put(projectDir, MANIFEST_FILE, `${JSON.stringify(after, null, 2)}\n`, changed);

  changed.push(...writeFixtures(path.join(projectDir, FIXTURES_DIR)).changed.map((rel) => `${FIXTURES_DIR}/${rel}`));

  put(projectDir, DEPLOY_WORKFLOW, renderDeployWorkflow(desired!), changed);
  for (const file of MATRIX_WORKFLOWS) {
    const abs = path.join(projectDir, file);
    if (fs.existsSync(abs)) put(projectDir, file, withStackMatrix(fs.readFileSync(abs, "utf8"), desired!, file), changed);
  }
  put(projectDir, CODEOWNERS_FILE, renderCodeowners(live), changed);

  if (renames.length > 0 && !changed.includes(LIVE_MODEL)) changed.push(LIVE_MODEL);
  return { renames, changed: changed.sort(), addresses: manifestChanges(before, after, desired), model: live, stacks: stacks.length, warnings };
}
