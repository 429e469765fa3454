/**
 * How severe a change or finding is, in the same words wherever one is shown (the grants diff,
 * the deploy summary an approver reads, the audit's report): its direction and mark, whether it is
 * production's, and the order they are listed in.
 */
import type { DesiredProduction } from "../desired-state";
import { productionOf } from "../desired-state";
import type { EnvironmentModel } from "../model/types";
import { blocksOfType } from "../output/blocks";
import { normalizeStacks, type SynthesizedStack } from "../output/stack";
import { CATALOG } from "../resources/catalog";

/**
 * widens: more access or less protection; risk: the apply itself revokes access (an authoritative
 * grant, a grant recreated at another address), or (the audit) access the model does not allow;
 * narrows: less access or more protection.
 */
export type Direction = "widens" | "risk" | "narrows" | "neutral";

export const MARK: { readonly [D in Direction]: string } = { widens: "+ widens", risk: "! risk", narrows: "- narrows", neutral: "~" };

/** A change's mark in a table cell: the ones a reviewer must not miss in bold. */
export function markCell(direction: Direction): string {
  return direction === "widens" || direction === "risk" ? `**${MARK[direction]}**` : MARK[direction];
}

/** A change's production cell. */
export function prodCell(prod: boolean, otherwise = ""): string {
  return prod ? "**PROD**" : otherwise;
}

/** `, **N in PROD**` after a count, when any is production's. */
export function inProd(n: number): string {
  return n > 0 ? `, **${n} in PROD**` : "";
}

/**
 * What a change of the grants diff (and of the deploy summary) and a finding of the audit have in
 * common: which way it goes, whether it is production's, whom it is about, the privileges it adds
 * or takes, and what it says.
 */
export interface Severe {
  readonly direction: Direction;
  /** Touches production (its stack, catalog, workspace or principals). */
  readonly prod: boolean;
  /** A principal as a reader names it (a service principal by display name when known). */
  readonly principal?: string;
  readonly principalKind?: string;
  /** Privileges granted and revoked (the diff), or live but not declared and declared but not live (the audit). */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  /** For an owner, protection, isolation or binding change: the attribute. */
  readonly attribute?: string;
  /** The change in words, without the markers. */
  readonly summary: string;
}

/** The diff and the deploy summary list widening first; the audit lists risk first (access the model does not allow is the most urgent there). */
export const DIFF_ORDER: readonly Direction[] = ["widens", "risk", "narrows", "neutral"];
export const AUDIT_ORDER: readonly Direction[] = ["risk", "widens", "narrows", "neutral"];

const WORD: { readonly [D in Direction]: string } = { widens: "widen", risk: "risk", narrows: "narrow", neutral: "other" };

/** `2 widen, 1 risk`: how many of each direction, in the given order, leaving out the empty ones. */
export function directionCounts(items: readonly { readonly direction: Direction }[], order: readonly Direction[]): string {
  return order
    .map((d) => [items.filter((c) => c.direction === d).length, WORD[d]] as const)
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(", ");
}

/** Whether widening a privilege list is what `now` does over `was`, narrowing, or neither, by effective privileges. */
export function privilegeDirection(was: readonly string[], now: readonly string[], includes: (held: readonly string[], p: string) => boolean): "widens" | "narrows" | "neutral" {
  return now.some((p) => !includes(was, p)) ? "widens" : was.some((p) => !includes(now, p)) ? "narrows" : "neutral";
}

// --- production ------------------------------------------------------------------------------------

/** Which stacks and catalogs are production. */
export interface ProdScope {
  readonly stacks: ReadonlySet<string>;
  readonly catalogs: ReadonlySet<string>;
  /** Principals whose sign-in is production's (trust changes); undefined without a model: every one. */
  readonly principals?: ReadonlySet<string>;
  /** Production's workspace IDs (a binding or an assignment on them is production's). */
  readonly workspaces?: ReadonlySet<string>;
}

/**
 * Production: from the models given, each one's production (lib/desired-state.ts productionOf:
 * its stack, catalog, workspace and principals), marked when either side says so. Pass the BASE
 * side's model: a pull request's own model alone cannot un-mark production. Without any model, the
 * stacks whose name contains "prod". Either way, also every catalog those stacks declare.
 */
export function prodScope(inputs: readonly (readonly SynthesizedStack[])[], ...models: readonly (EnvironmentModel | undefined)[]): ProdScope {
  const outputs = inputs.map(normalizeStacks);
  const known: DesiredProduction[] = models.filter((m): m is EnvironmentModel => m !== undefined).map(productionOf);
  const stacks = new Set(known.length > 0 ? known.map((p) => p.stack) : outputs.flat().map((s) => s.name).filter((n) => /prod/i.test(n)));
  // Unity Catalog names are case-insensitive: kept lower-case, compared lower-case.
  const catalogs = new Set(known.map((p) => p.catalog.toLowerCase()));
  for (const s of outputs.flat()) {
    if (!stacks.has(s.name)) continue;
    for (const b of blocksOfType(s, CATALOG.type)) if (typeof b.body.name === "string") catalogs.add(b.body.name.toLowerCase());
  }
  const workspaces = new Set(known.flatMap((p) => (p.workspaceId !== undefined ? [String(p.workspaceId)] : [])));
  return { stacks, catalogs, workspaces, ...(known.length > 0 ? { principals: new Set(known.flatMap((p) => p.principals)) } : {}) };
}

/** Whether a securable is in one of production's catalogs (the metastore is everyone's). */
export function inProdCatalog(catalogs: ReadonlySet<string>, securableType: string | undefined, securable: string | undefined): boolean {
  return securable !== undefined && securableType !== "metastore" && catalogs.has(securable.split(".")[0].trim().toLowerCase());
}
