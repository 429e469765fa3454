/**
 * Synthesizes the app so that the output directory is complete at every instant: each run writes a
 * new generation beside it (`cdktf.out.gen-<id>`), checks it with the policy gate, and then points
 * `cdktf.out` (a symbolic link) at it with one atomic rename. A failed run (bad model, failed check,
 * crash) writes nothing visible; a run killed at any point leaves the previous output in place, and
 * the next run removes what it left behind.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Annotations, type App, TerraformDataSource, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable } from "./cdk";
import { ModelError } from "./model/errors";
import type { EnvironmentModel } from "./model/types";
import { desiredState, type DesiredState } from "./desired-state";
import { checkGate, formatViolation } from "./gate/check";
import { SYNTH_MARKER, WORKING_DATA, readOutputTree, readSynthOutput } from "./output/read";
import { grantRows } from "./output/grants";
import type { SynthesizedStack } from "./output/stack";
import { resourceBodies } from "./output/blocks";
import { markerFor, readMarker } from "./review/freshness";
import { registryWarning } from "./registry-reach";
import { PROVIDER } from "./resources/provider";

export interface BuiltApp {
  readonly app: App;
  /** The model the app was built from: the policy check's reference, and the warnings. */
  readonly model: EnvironmentModel;
  /**
   * The desired state the stacks rendered.
   * @default - worked out from `model`
   */
  readonly desired?: DesiredState;
}

/** Synthesized output that breaks the policy, or constructs that collide: nothing is written. */
export class SynthCheckError extends Error {
  constructor(readonly violations: readonly string[]) {
    super(
      `synth refused: the synthesized output breaks the policy (${violations.length} violation(s)); nothing was written:\n` +
        violations.map((v) => `  - ${v}`).join("\n"),
    );
    this.name = "SynthCheckError";
  }
}

const GENERATION = ".gen-";

/**
 * The file synth writes at the root of each generation it makes: what made it and from which model
 * (hashes, so a reader can tell output older than the model). Synth replaces or removes only
 * directories that carry it (or that it recorded as its own): never a folder someone else put there.
 */
export const MARKER_FILE = SYNTH_MARKER;
// The marker's reading and its hashes live with the review commands that compare them (lib/review/freshness.ts).
export { readMarker, type SynthMarker } from "./review/freshness";

function writeMarker(generation: string, model: EnvironmentModel): void {
  fs.writeFileSync(path.join(generation, MARKER_FILE), `${JSON.stringify(markerFor(model.source), null, 2)}\n`);
}

/** The output path holds something synth did not make: nothing is replaced (exit 2). */
export class OutputNotOwnedError extends Error {
  constructor(
    readonly target: string,
    what: string,
  ) {
    super(
      `${target}: ${what}; synth replaces only output it made itself (a link to a ${path.basename(target)}${GENERATION}… folder, or a folder holding its ${MARKER_FILE}), so nothing was written. ` +
        `Fix: move it away (mv ${target} ${target}.mine) or point CDKTF_OUTDIR at a new path; if it is an older synth's output, remove it (rm -r ${target} ${target}${GENERATION}*)`,
    );
    this.name = "OutputNotOwnedError";
  }
}

/** Whether `dir` is a generation synth made: its marker, or its record (generations from before the marker). */
function isOwnGeneration(target: string, dir: string): boolean {
  if (path.dirname(dir) !== path.dirname(target) || !path.basename(dir).startsWith(`${path.basename(target)}${GENERATION}`)) return false;
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return true; // a dangling link to a generation name: nothing there to lose
  }
  if (!stat.isDirectory()) return false;
  return readMarker(dir) !== undefined || readRecord()[target] === path.basename(dir);
}

/**
 * Refuses an output path synth did not make, before anything is written: a link to anywhere but
 * one of its generations, a folder without its marker (unless empty), a file.
 */
function checkOwnership(target: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return; // nothing there
  }
  if (stat.isSymbolicLink()) {
    const to = fs.readlinkSync(target);
    if (!isOwnGeneration(target, path.resolve(path.dirname(target), to))) throw new OutputNotOwnedError(target, `is a link to ${to}, which synth did not make`);
    return;
  }
  if (stat.isDirectory()) {
    if (fs.readdirSync(target).length === 0 || readMarker(target) !== undefined) return;
    throw new OutputNotOwnedError(target, `is a folder synth did not make (it holds ${fs.readdirSync(target).slice(0, 3).join(", ")}${fs.readdirSync(target).length > 3 ? ", …" : ""} and no ${MARKER_FILE})`);
  }
  throw new OutputNotOwnedError(target, "is a file, not an output folder");
}

/**
 * Which generation synth last published for each output directory, kept where no checkout can put
 * it (node_modules is made by `npm ci`, which first removes any that exists). Terraform's working
 * data is carried over only out of that generation: a `cdktf.out` link and directory committed to
 * the repository would otherwise bring a `.terraform` with a provider binary of their own.
 */
const RECORD = path.join(__dirname, "..", "node_modules", ".cache", "uc-env-isolation", "generations.json");

function readRecord(): Record<string, string> {
  try {
    const r = JSON.parse(fs.readFileSync(RECORD, "utf8")) as unknown;
    return r && typeof r === "object" && !Array.isArray(r) ? (r as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function writeRecord(target: string, generation: string): void {
  try {
    const record = { ...readRecord(), [target]: path.basename(generation) };
    fs.mkdirSync(path.dirname(RECORD), { recursive: true });
    const tmp = `${RECORD}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(record));
    fs.renameSync(tmp, RECORD);
  } catch {
    // Without the record the next synth carries nothing over: terraform init downloads again.
  }
}

/** True when `dir` is the generation synth itself last published as `target`. */
function madeBySynth(target: string, dir: string): boolean {
  return path.dirname(dir) === path.dirname(target) && readRecord()[target] === path.basename(dir) && !fs.lstatSync(dir).isSymbolicLink();
}

/**
 * Runs `build` against a new generation directory beside `outdir`, synthesizes, refuses duplicate
 * logical IDs, checks the output with the policy gate (lib/gate), and publishes it as `outdir`.
 * Terraform's working data in the old stack directories (.terraform, .terraform.lock.hcl) is carried
 * over, so `cdktf deploy` does not re-download providers after every synth; nothing else is.
 * On any failure the new generation is removed, `outdir` is untouched, and the error is thrown.
 * Returns the warnings to print.
 */
export function synthToDirectory(build: (outdir: string) => BuiltApp, outdir: string): readonly string[] {
  const target = path.resolve(outdir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  recover(target);
  checkOwnership(target);
  // A random name: nothing can be placed under it in advance.
  const generation = `${target}${GENERATION}${crypto.randomBytes(8).toString("hex")}-${process.pid}`;
  try {
    const built = build(generation);
    const collisions = duplicateLogicalIds(built.app);
    if (collisions.length > 0) throw new SynthCheckError(collisions);
    const desired = built.desired ?? desiredState(built.model);
    const warnings = [...built.model.warnings, ...desired.warnings];
    // `cdktf diff` / `deploy` run terraform init next: say so first when it cannot get the provider.
    const offline = runByCdktfCli() ? registryWarning(PROVIDER.version) : undefined;
    annotateWarnings(built.app, offline === undefined ? warnings : [...warnings, offline]);
    built.app.synth();
    writeMarker(generation, built.model);
    // The same gate as `npm run policy`: whatever the constructs produced must pass it.
    const { violations } = checkGate(readOutputTree(generation), desired);
    if (violations.length > 0) throw new SynthCheckError(violations.map(formatViolation));
    const previous = currentOutput(target);
    // Working data is carried over only from the generation synth itself last published (RECORD):
    // a plain cdktf.out, or a link to anything else, is an older output or a checkout, and a
    // `.terraform` (a provider binary) or lock file committed there would reach terraform unchecked.
    // Terraform downloads them again instead.
    if (previous && previous !== target && madeBySynth(target, previous)) carryOverWorkingData(previous, generation);
    if (previous && process.env.CDKTF_CONTEXT_JSON !== undefined) leaveDroppedStacksForCli(previous, generation);
    const aside = publish(target, generation);
    writeRecord(target, generation);
    // The output it replaced: a generation, or the plain directory renamed aside.
    const replaced = aside ?? previous;
    if (replaced !== undefined) fs.rmSync(replaced, { recursive: true, force: true });
    return warnings;
  } catch (error) {
    fs.rmSync(generation, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The model's warnings as cdktf warning annotations, on the first stack only (they are about the
 * model, not a stack, and the cdktf CLI prints every stack's): the CLI reads them from manifest.json
 * and prints `WARN [stack]: ...`, where a line on stderr would be printed as `[ERROR] default - ...`.
 */
export function annotateWarnings(app: App, warnings: readonly string[]): void {
  const first = app.node.children.find((c): c is TerraformStack => c instanceof TerraformStack);
  if (!first) return;
  for (const w of warnings) Annotations.of(first).addWarning(w);
}

/** Whether the cdktf CLI runs the app (it sets CDKTF_CONTEXT_JSON, and prints what the app writes to stderr as errors). */
export function runByCdktfCli(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CDKTF_CONTEXT_JSON !== undefined;
}

/** The one line `npm run synth` prints on success: stacks, resources, grants, where. */
export function synthSummary(stacks: readonly SynthesizedStack[], outdir: string): string {
  const resources = stacks.reduce((n, s) => n + resourceBodies(s).size, 0);
  const names = stacks.map((s) => s.name).join(", ");
  return `synth: wrote ${stacks.length} stack${stacks.length === 1 ? "" : "s"} (${names}) to ${outdir}: ${resources} resources, ${grantRows(stacks).length} grants; policy passed.`;
}

/**
 * The app's entry: synthesizes into CDKTF_OUTDIR (set by the cdktf CLI) or cdktf.out, prints a
 * one-line summary on stdout and the warnings once (on stderr; through the cdktf CLI, as its own
 * warnings: annotateWarnings), and on a user error prints the message (no stack trace) and exits 1.
 */
export function synthAtomically(build: (outdir: string) => BuiltApp, outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out"): void {
  let warnings: readonly string[];
  try {
    warnings = synthToDirectory(build, outdir);
  } catch (error) {
    if (error instanceof OutputNotOwnedError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(2);
    } else if (error instanceof ModelError || error instanceof SynthCheckError) {
      process.stderr.write(`error: ${error.message}\n`);
    } else if (isFileError(error)) {
      process.stderr.write(`error: ${error.message}. Fix: check that the file or directory exists and is readable (and writable for the output).\n`);
    } else {
      process.stderr.write(`error: synth failed unexpectedly (a bug; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
  process.stdout.write(`${synthSummary(readSynthOutput(outdir), path.relative(process.cwd(), path.resolve(outdir)) || ".")}\n`);
  if (!runByCdktfCli()) for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
}

function isFileError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException)?.code;
  return typeof code === "string" && ["ENOENT", "EACCES", "EISDIR", "ENOTDIR", "EPERM", "EROFS", "ENOSPC"].includes(code);
}

/**
 * Two constructs with one logical ID are merged by cdktf without a word (two grants became one,
 * to one principal, with both privilege lists). Refuse them, naming both construct paths.
 */
export function duplicateLogicalIds(app: App): string[] {
  const problems: string[] = [];
  for (const stack of app.node.children) {
    if (!(stack instanceof TerraformStack)) continue;
    const seen = new Map<string, string>();
    for (const node of stack.node.findAll()) {
      let address: string | undefined;
      if (node instanceof TerraformResource) address = `${node.terraformResourceType}.${node.friendlyUniqueId}`;
      else if (node instanceof TerraformDataSource) address = `data.${node.terraformResourceType}.${node.friendlyUniqueId}`;
      else if (node instanceof TerraformOutput) address = `output.${node.friendlyUniqueId}`;
      else if (node instanceof TerraformVariable) address = `variable.${node.friendlyUniqueId}`;
      if (address === undefined) continue;
      const other = seen.get(address);
      if (other !== undefined) {
        problems.push(
          `${stack.node.id} ${address}: [duplicate-logical-id] declared by both ${other} and ${node.node.path}; cdktf would merge them into one block silently. Fix: give each its own logical ID (lib/desired-state.ts decides addresses)`,
        );
      } else {
        seen.set(address, node.node.path);
      }
    }
  }
  return problems;
}

/** The directory `target` shows now: the generation its link points at, or itself (an older plain directory). */
function currentOutput(target: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return undefined;
  }
  if (stat.isSymbolicLink()) {
    const resolved = path.resolve(path.dirname(target), fs.readlinkSync(target));
    return fs.existsSync(resolved) ? resolved : undefined;
  }
  return stat.isDirectory() ? target : undefined;
}

/** Only Terraform's own working data moves into the new output; anything else of the old one is dropped. */
function carryOverWorkingData(previous: string, next: string): void {
  const stacksDir = path.join(previous, "stacks");
  if (!fs.existsSync(stacksDir)) return;
  for (const stack of fs.readdirSync(stacksDir)) {
    const to = path.join(next, "stacks", stack);
    if (!fs.existsSync(to)) continue; // a stack that no longer exists: dropped with the old output
    for (const entry of WORKING_DATA) {
      const from = path.join(stacksDir, stack, entry);
      if (fs.existsSync(from) && !fs.existsSync(path.join(to, entry))) fs.renameSync(from, path.join(to, entry));
    }
  }
}

/**
 * The cdktf CLI lists the stack folders before it runs the app and removes those of vanished stacks
 * afterwards, failing with ENOENT when they are already gone. Under the CLI, leave an empty folder
 * for each dropped stack for the CLI to remove (it does, right after this process exits).
 */
function leaveDroppedStacksForCli(previous: string, next: string): void {
  const stacksDir = path.join(previous, "stacks");
  if (!fs.existsSync(stacksDir)) return;
  for (const stack of fs.readdirSync(stacksDir)) {
    const to = path.join(next, "stacks", stack);
    if (!fs.existsSync(to)) fs.mkdirSync(to, { recursive: true });
  }
}

/**
 * Points `target` at `generation` with one rename of a symbolic link over the old link, which the
 * OS does atomically. A plain directory (empty, or a copy of a generation with synth's marker:
 * checkOwnership refused anything else) is first renamed aside as a generation; `recover` restores
 * it if the run dies between the two renames.
 */
function publish(target: string, generation: string): string | undefined {
  const link = `${target}.link-${process.pid}`;
  fs.rmSync(link, { force: true });
  fs.symlinkSync(path.basename(generation), link);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(target);
  } catch {
    stat = undefined;
  }
  const aside = stat && !stat.isSymbolicLink() ? `${target}${GENERATION}legacy-${process.pid}` : undefined;
  if (aside) fs.renameSync(target, aside);
  fs.renameSync(link, target);
  return aside;
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Cleans up after interrupted runs: restores an output renamed aside when the link never replaced
 * it, and removes generations, links and temporary directories of runs that are no longer alive
 * (and the older scheme's `.tmp-*` / `.old-*` directories).
 */
export function recover(target: string): void {
  const dir = path.dirname(target);
  const base = path.basename(target);
  if (!fs.existsSync(dir)) return;
  const entries = fs.readdirSync(dir).filter((e) => e.startsWith(`${base}.`));
  let current = currentOutput(target);
  if (current === undefined) {
    // Killed between renaming the old output aside and linking the new one: put the old one back.
    const legacy = entries.filter((e) => e.startsWith(`${base}${GENERATION}legacy-`)).sort().pop();
    const stat = fs.existsSync(target) || isLink(target) ? fs.lstatSync(target) : undefined;
    if (legacy && (stat === undefined || stat.isSymbolicLink())) {
      fs.rmSync(target, { force: true });
      fs.renameSync(path.join(dir, legacy), target);
      current = target;
    }
  }
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (full === current) continue;
    const m = /^(gen-(?:legacy-)?(?:[0-9a-z]+-)?|link-)(\d+)$/.exec(entry.slice(base.length + 1));
    if (!m || alive(Number(m[2]))) continue;
    // Only what synth made: its links, and generations with its marker (or renamed aside by it).
    if (!fs.existsSync(full) && !isLink(full)) continue; // restored above
    const stat = fs.lstatSync(full);
    const own = m[1] === "link-" ? stat.isSymbolicLink() : stat.isDirectory() && (m[1] === "gen-legacy-" || readMarker(full) !== undefined || readRecord()[target] === entry);
    if (own) fs.rmSync(full, { recursive: true, force: true });
  }
}
