/**
 * The policy gate, default deny: the synthesized output (or any cdktf.out, hand-edited or not) must
 * be exactly what the desired state says, and must also keep the invariants that hold for every
 * model. Synth runs it over its own output before writing it (lib/synth.ts); reviewers and CI run
 * it with `npm run --silent policy`.
 *
 * Shape: what every rule needs is indexed once (lib/gate/context.ts); one walk (lib/gate/walk.ts)
 * hands every block and grant row to the invariants, then compares each stack with the expected
 * one (lib/gate/expected.ts) in both directions and gives each difference to the rule that owns it
 * (lib/gate/owners.ts, each resource module's ownership, lib/gate/rules/). Linear in the output.
 */
import * as nodePath from "path";
import type { DesiredState } from "../desired-state";
import { grantRows } from "../output/grants";
import type { FileFinding, OutputTree } from "../output/read";
import { stackBlocks } from "../output/blocks";
import { normalizeStacks, type SynthesizedStack } from "../output/stack";
import { GateContext, type Violation } from "./context";
import { reportMissingStack } from "./rules/missing-from-output";
import { checkInvariants, compareStack } from "./walk";

export type { Violation } from "./context";

export interface PolicyResult {
  readonly violations: readonly Violation[];
  readonly stacks: number;
  readonly grants: number;
  readonly principals: number;
}

export interface GateInput {
  readonly stacks: readonly SynthesizedStack[];
  /** What the reader found about the files (an in-memory output has none). */
  readonly findings?: readonly FileFinding[];
}

/** Runs the whole gate: file findings, invariants, and the default-deny comparison. */
export function checkGate(input: GateInput | OutputTree | readonly SynthesizedStack[], desired: DesiredState): PolicyResult {
  const given: GateInput = Array.isArray(input) ? { stacks: input as readonly SynthesizedStack[] } : (input as GateInput);
  const stacks = normalizeStacks(given.stacks);
  const rows = grantRows(stacks);
  const gate = new GateContext(desired, rows);
  for (const s of stacks) if (s.file !== undefined) gate.stackDirs.set(s.name, nodePath.dirname(s.file));
  for (const f of given.findings ?? []) gate.push(f.rule, { stack: f.stack, resource: f.resource, problem: f.problem, fix: f.fix });
  const blocks = stacks.map(stackBlocks);
  checkInvariants(gate, stacks, blocks);
  stacks.forEach((s, i) => compareStack(gate, s, blocks[i]));
  const present = new Set(stacks.map((s) => s.name));
  for (const d of desired.stacks) if (!present.has(d.name)) reportMissingStack(gate, d.name);
  return {
    violations: dedupe(gate.violations).sort(compareViolations),
    stacks: stacks.length,
    grants: rows.length,
    principals: new Set(rows.map((r) => `${r.principalKind}\u0000${r.principal}`)).size,
  };
}

/** `stack resource: [rule] principal / securable / privilege: problem. Fix: fix.` */
export function formatViolation(v: Violation): string {
  const what = [v.principal, v.securable, v.privilege].filter((x) => x !== undefined).join(" / ");
  return `${v.stack} ${v.resource}: [${v.rule}] ${what ? `${what}: ` : ""}${v.problem}. Fix: ${v.fix}.`;
}

export function policySummary(result: PolicyResult, modelSource: string): string {
  const n = result.violations.length;
  const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? "" : "s"}`;
  const scope = `${plural(result.stacks, "stack")}, ${plural(result.grants, "grant")}, ${plural(result.principals, "principal")} checked against ${modelSource}`;
  if (n === 0) return `policy: passed: ${scope}; no violations.`;
  const rules = [...new Set(result.violations.map((v) => v.rule))].join(", ");
  return `policy: failed: ${plural(n, "violation")} (${rules}); ${scope}.`;
}

function compareViolations(a: Violation, b: Violation): number {
  const x = formatViolation(a);
  const y = formatViolation(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function dedupe(violations: readonly Violation[]): Violation[] {
  const seen = new Map<string, Violation>();
  for (const v of violations) {
    const clean = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as unknown as Violation;
    seen.set(formatViolation(clean), clean);
  }
  return [...seen.values()];
}
