/**
 * Synthesizes the app atomically: into a temporary directory beside the output directory, checked,
 * then moved into place. A failed run (bad model, failed check, crash) leaves the previous output
 * untouched and writes nothing; a successful one never mixes old and new stacks.
 */
import * as fs from "fs";
import * as path from "path";
import type { App } from "cdktf";
import { ModelError } from "./model/errors";
import { readSynthOutput, type SynthesizedStack } from "./review/output";
import { duplicatePairs, grantRows } from "./review/grants";

export interface BuiltApp {
  readonly app: App;
  /** Printed once to stderr after a successful synth. */
  readonly warnings: readonly string[];
  /** Application IDs no grant may name (retired principals). */
  readonly legacyPrincipals?: readonly string[];
}

/** A whole-output rule that synth enforces (the review tools check more). */
export class SynthCheckError extends Error {
  constructor(readonly violations: readonly string[]) {
    super(`synth refused: ${violations.length} violation(s) in the synthesized output; nothing was written:\n${violations.map((v) => `  - ${v}`).join("\n")}`);
    this.name = "SynthCheckError";
  }
}

/** Rules every synthesized output must pass before it is written. */
export function synthChecks(stacks: readonly SynthesizedStack[], legacyPrincipals: readonly string[] = []): string[] {
  const rows = grantRows(stacks);
  const violations: string[] = [];
  for (const dupes of duplicatePairs(rows)) {
    const r = dupes[0];
    violations.push(
      `${r.securableType} ${r.securable} / ${r.principal}: declared by ${dupes.map((d) => `${d.stack} ${d.resource}`).join(" and ")}; ` +
        "each (securable, principal) pair must be declared by exactly one stack, or the stacks fight over it",
    );
  }
  for (const r of rows) {
    if (r.resourceType === "databricks_grants" && r.securableType === "metastore") {
      violations.push(`${r.stack} ${r.resource}: databricks_grants on the shared metastore would revoke every grant it does not list; use databricks_grant`);
    }
    for (const u of r.unresolved) violations.push(`${r.stack} ${r.resource}: ${u}`);
    if (legacyPrincipals.includes(r.principal)) {
      violations.push(`${r.stack} ${r.resource}: grants to the retired service principal ${r.principal}; grant to the environment's own principal instead`);
    }
  }
  return [...new Set(violations)];
}

/**
 * Runs `build` against a temporary directory beside `outdir`, synthesizes, checks, and swaps the
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
    const violations = synthChecks(readSynthOutput(staging), built.legacyPrincipals);
    if (violations.length > 0) throw new SynthCheckError(violations);
    carryOverWorkingFiles(target, staging);
    swap(target, staging);
    return built.warnings;
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
