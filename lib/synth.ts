/**
 * Synthesizes the app atomically: into a temporary directory beside the output directory, checked,
 * then moved into place. A failed run (bad model, failed check, crash) leaves the previous output
 * untouched and writes nothing; a successful one never mixes old and new stacks.
 */
import * as fs from "fs";
import * as path from "path";
import type { App } from "cdktf";
import { ModelError } from "./model/errors";
import type { EnvironmentModel } from "./model/types";
import { allowListOf } from "./review/allow-list";
import { readSynthOutput } from "./review/output";
import { checkPolicy, formatViolation } from "./review/policy";

export interface BuiltApp {
  readonly app: App;
  /** The model the app was built from: the allow-list of the policy check, and the warnings. */
  readonly model: EnvironmentModel;
}

/** Synthesized output that breaks the policy: nothing is written. */
export class SynthCheckError extends Error {
  constructor(readonly violations: readonly string[]) {
    super(
      `synth refused: the synthesized output breaks the policy (${violations.length} violation(s)); nothing was written:\n` +
        violations.map((v) => `  - ${v}`).join("\n"),
    );
    this.name = "SynthCheckError";
  }
}

/**
 * Runs `build` against a temporary directory beside `outdir`, synthesizes, checks the output with
 * the policy gate (lib/review/policy.ts: ownership, allow-list, providers, secrets, protection), and
 * swaps the
 * result into `outdir`. Terraform's working files in the old stack directories (.terraform, lock
 * files) are carried over, so `cdktf deploy` does not re-download providers after every synth.
 * On any failure the temporary directory is removed, `outdir` is untouched, and the error is thrown.
 * Returns the warnings to print.
 */
export function synthToDirectory(build: (outdir: string) => BuiltApp, outdir: string): readonly string[] {
  const target = path.resolve(outdir);
  const staging = `${target}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const built = build(staging);
    built.app.synth();
    // The same gate as `npm run policy`: whatever the constructs produced must pass it.
    const { violations } = checkPolicy(readSynthOutput(staging), allowListOf(built.model));
    if (violations.length > 0) throw new SynthCheckError(violations.map(formatViolation));
    carryOverWorkingFiles(target, staging);
    swap(target, staging);
    return built.model.warnings;
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The app's entry: synthesizes into CDKTF_OUTDIR (set by the cdktf CLI) or cdktf.out, prints the
 * warnings once, and on a user error prints the message (no stack trace) and exits 1.
 */
export function synthAtomically(build: (outdir: string) => BuiltApp, outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out"): void {
  let warnings: readonly string[];
  try {
    warnings = synthToDirectory(build, outdir);
  } catch (error) {
    if (error instanceof ModelError || error instanceof SynthCheckError) {
      process.stderr.write(`error: ${error.message}\n`);
    } else {
      process.stderr.write(`error: synth failed unexpectedly (a bug; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
}

function carryOverWorkingFiles(previous: string, next: string): void {
  const stacksDir = path.join(previous, "stacks");
  if (!fs.existsSync(stacksDir)) return;
  for (const stack of fs.readdirSync(stacksDir)) {
    const to = path.join(next, "stacks", stack);
    if (!fs.existsSync(to)) continue; // a stack that no longer exists: dropped with the old output
    for (const entry of fs.readdirSync(path.join(stacksDir, stack))) {
      if (!fs.existsSync(path.join(to, entry))) fs.renameSync(path.join(stacksDir, stack, entry), path.join(to, entry));
    }
  }
}

function swap(target: string, staging: string): void {
  const old = `${target}.old-${process.pid}`;
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(staging, target);
  fs.rmSync(old, { recursive: true, force: true });
}
