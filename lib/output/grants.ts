/**
 * The grants that synthesized output declares, with securables and principals resolved to the
 * names a reviewer reads (a group's display name, a service principal's display name).
 */
import { normalizePrivileges } from "../permissions";
import { resolveName, resolvePrincipal, type PrincipalKind } from "./references";
import { ReviewInputError, normalizeStacks, stackLocation, type SynthesizedStack } from "./stack";
import { blocksOfType } from "./blocks";
import { SECURABLE_ATTRIBUTES } from "../resources/grant";

export type { PrincipalKind };

/** A (securable, principal) pair as a reviewer names it: what a grant is on, and to whom. */
export interface GrantPair {
  readonly securableType: string;
  /** The securable's name (metastore ID for the metastore); unresolved references stay as written. */
  readonly securable: string;
  /** Readable principal name. */
  readonly principal: string;
  readonly principalKind: PrincipalKind;
}

/** One principal's privileges on one securable, as one block of one stack declares them. */
export interface GrantRow extends GrantPair {
  readonly stack: string;
  /** Terraform address, e.g. `databricks_grant.catalog_dev__group_dev`. */
  readonly resource: string;
  readonly resourceType: "databricks_grant" | "databricks_grants";
  /** Where the principal came from: a data source or resource address, or the literal. */
  readonly principalRef: string;
  /** Sorted. */
  readonly privileges: readonly string[];
  /** Problems resolving this row (a reference to something the output does not declare). */
  readonly unresolved: readonly string[];
}

/** Every grant in every stack: one row per `databricks_grant`, one per principal of `databricks_grants`. */
export function grantRows(input: readonly SynthesizedStack[]): GrantRow[] {
  const rows: GrantRow[] = [];
  for (const stackOutput of normalizeStacks(input)) {
    const { name: stack, json } = stackOutput;
    for (const resourceType of ["databricks_grant", "databricks_grants"] as const) {
      for (const { address: resource, body: block } of blocksOfType(stackOutput, resourceType)) {
        const { securableType, securable, unresolved: unresolvedSecurable } = grantSecurable(stackOutput, resource, block);
        // normalizeStacks made `grant` a list of objects.
        const entries =
          resourceType === "databricks_grant"
            ? [{ at: resource, principal: block.principal, privileges: block.privileges }]
            : ((block.grant ?? []) as { principal?: unknown; privileges?: unknown }[]).map((g, i) => ({ at: `${resource}.grant[${i}]`, ...g }));
        for (const entry of entries) {
          const unresolved = [...unresolvedSecurable];
          const bad = (problem: string): never => {
            throw new ReviewInputError(`${stackLocation(stackOutput)}: ${entry.at}: ${problem}.`);
          };
          const p = resolvePrincipal(json, entry.principal, unresolved, bad);
          rows.push({
            stack,
            resource,
            resourceType,
            securableType,
            securable,
            principal: p.name,
            principalKind: p.kind,
            principalRef: p.ref,
            privileges: privilegeList(entry.privileges, unresolved, bad),
            unresolved,
          });
        }
      }
    }
  }
  return rows.sort(compareRows);
}

/**
 * A grant's privileges: a list of names. An expression (`${var.x}`) is decided at apply time, so
 * it goes to `unresolved` (the policy fails it); anything else is not Terraform a grant accepts.
 */
function privilegeList(value: unknown, unresolved: string[], bad: (problem: string) => never): string[] {
  const expression = (v: string) => unresolved.push(`privileges ${v === value ? "is" : "hold"} ${v}, an expression decided at apply time, not checked here; list the privileges literally`);
  if (typeof value === "string") {
    if (value.includes("${")) {
      expression(value);
      return [];
    }
    return bad(`privileges is ${JSON.stringify(value)}, not a list (write [${JSON.stringify(value)}])`);
  }
  if (!Array.isArray(value)) return bad(`privileges is ${value === undefined ? "missing" : JSON.stringify(value)}, not a list of privilege names`);
  const names: string[] = [];
  for (const p of value) {
    if (typeof p !== "string") return bad(`privileges holds ${JSON.stringify(p)}, not a privilege name`);
    if (p.includes("${")) expression(p);
    else names.push(p);
  }
  return normalizePrivileges(names);
}

/** What a `databricks_grant(s)` block is on, resolved to a name; problems go to `unresolved`. */
export function grantSecurable(
  stack: SynthesizedStack,
  resource: string,
  block: { readonly [attr: string]: unknown },
): { securableType: string; securable: string; unresolved: string[] } {
  const attr = SECURABLE_ATTRIBUTES.find((a) => block[a] !== undefined && block[a] !== null);
  const unresolved: string[] = [];
  if (!attr) return { securableType: "(none)", securable: "(none)", unresolved: [`${resource} names no securable`] };
  const value = block[attr];
  if (typeof value !== "string" && typeof value !== "number") {
    throw new ReviewInputError(`${stackLocation(stack)}: ${resource}: ${attr} is ${JSON.stringify(value)}, not a name.`);
  }
  return { securableType: attr, securable: resolveName(stack.json, value, unresolved), unresolved };
}

export function compareRows(a: GrantRow, b: GrantRow): number {
  return (
    cmp(a.securableType, b.securableType) ||
    cmp(a.securable, b.securable) ||
    cmp(a.principal, b.principal) ||
    cmp(a.stack, b.stack) ||
    cmp(a.resource, b.resource)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The identity of a (securable, principal) pair across stacks. */
export function pairKey(row: GrantPair): string {
  return `${row.securableType}\u0000${row.securable}\u0000${row.principalKind}\u0000${row.principal}`;
}

/** Pairs declared more than once across all stacks: each must have exactly one owner. */
export function duplicatePairs(rows: readonly GrantRow[]): GrantRow[][] {
  const byPair = new Map<string, GrantRow[]>();
  for (const row of rows) {
    const list = byPair.get(pairKey(row)) ?? [];
    list.push(row);
    byPair.set(pairKey(row), list);
  }
  return [...byPair.values()].filter((list) => list.length > 1);
}
