/**
 * `grants:diff --fail-on LIST`: which kinds of access change make the command exit 1, so that CI
 * can require a reviewer's approval for them. Works on the diff's AccessChange objects only.
 */
import type { AccessChange } from "./diff";

/** `widens`: more access or less protection; `risk`: the apply itself revokes; `prod`: any change on production. */
export const FAIL_ON = ["widens", "risk", "prod"] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Reads `widens,prod`; returns an error message for anything else. */
export function parseFailOn(text: string): FailOn[] | string {
  const items = text.split(",").map((s) => s.trim());
  const unknown = items.filter((i) => !(FAIL_ON as readonly string[]).includes(i));
  if (items.length === 0 || unknown.length > 0) {
    return `--fail-on takes a comma-separated subset of ${FAIL_ON.join(", ")}; got ${JSON.stringify(text)}${unknown.length > 0 ? ` (${unknown.map((u) => JSON.stringify(u)).join(", ")} unknown)` : ""}`;
  }
  return [...new Set(items as FailOn[])];
}

const matches = (kind: FailOn, c: AccessChange): boolean => (kind === "prod" ? c.prod : c.direction === kind);

/**
 * What the changes hold of each kind asked for, e.g. `["2 widen", "1 in PROD"]`; empty when none
 * (then the command exits 0).
 */
export function failingKinds(changes: readonly AccessChange[], failOn: readonly FailOn[]): string[] {
  const words: Record<FailOn, (n: number) => string> = {
    widens: (n) => `${n} widen${n === 1 ? "" : "s"}`,
    risk: (n) => `${n} risk${n === 1 ? "" : "s"}`,
    prod: (n) => `${n} change${n === 1 ? "" : "s"} in PROD`,
  };
  return failOn.flatMap((kind) => {
    const n = changes.filter((c) => matches(kind, c)).length;
    return n > 0 ? [words[kind](n)] : [];
  });
}
