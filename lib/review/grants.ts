/**
 * The grants that synthesized output declares, with securables and principals resolved to the
 * names a reviewer reads (a group's display name, a service principal's display name).
 */
import { UUID } from "../model/load";
import { normalizePrivileges } from "../permissions";
import { parseReference, referenceAddress, referencedBlock, type StackJson, type SynthesizedStack } from "./output";

/** Securable attributes of `databricks_grant(s)`, in the provider's words. */
export const SECURABLE_ATTRIBUTES = [
  "metastore",
  "catalog",
  "schema",
  "table",
  "volume",
  "model",
  "function",
  "external_location",
  "storage_credential",
  "foreign_connection",
  "share",
  "recipient",
  "pipeline",
  "credential",
] as const;

/** Securable types that live inside a catalog, named `catalog.schema[.object]`. */
export const IN_CATALOG: ReadonlySet<string> = new Set(["catalog", "schema", "table", "volume", "model", "function"]);

export type PrincipalKind = "group" | "service_principal" | "user" | "unresolved";

export interface GrantRow {
  readonly stack: string;
  /** Terraform address, e.g. `databricks_grant.catalog_dev__group_dev`. */
  readonly resource: string;
  readonly resourceType: "databricks_grant" | "databricks_grants";
  readonly securableType: string;
  /** The securable's name (metastore ID for the metastore); unresolved references stay as written. */
  readonly securable: string;
  /** Readable principal name. */
  readonly principal: string;
  readonly principalKind: PrincipalKind;
  /** Where the principal came from: a data source or resource address, or the literal. */
  readonly principalRef: string;
  /** Sorted. */
  readonly privileges: readonly string[];
  /** Problems resolving this row (a reference to something the output does not declare). */
  readonly unresolved: readonly string[];
}

/** Every grant in every stack: one row per `databricks_grant`, one per principal of `databricks_grants`. */
export function grantRows(stacks: readonly SynthesizedStack[]): GrantRow[] {
  const rows: GrantRow[] = [];
  for (const { name: stack, json } of stacks) {
    for (const resourceType of ["databricks_grant", "databricks_grants"] as const) {
      for (const [name, block] of Object.entries(json.resource?.[resourceType] ?? {})) {
        const resource = `${resourceType}.${name}`;
        const { securableType, securable, unresolved: unresolvedSecurable } = grantSecurable(json, resource, block);
        const entries =
          resourceType === "databricks_grant"
            ? [{ principal: block.principal, privileges: block.privileges }]
            : asArray(block.grant).map((g) => g as { principal?: unknown; privileges?: unknown });
        for (const entry of entries) {
          const unresolved = [...unresolvedSecurable];
          const p = resolvePrincipal(json, entry.principal, unresolved);
          rows.push({
            stack,
            resource,
            resourceType,
            securableType,
            securable,
            principal: p.name,
            principalKind: p.kind,
            principalRef: p.ref,
            privileges: normalizePrivileges(asArray(entry.privileges).map(String)),
            unresolved,
          });
        }
      }
    }
  }
  return rows.sort(compareRows);
}

/** What a `databricks_grant(s)` block is on, resolved to a name; problems go to `unresolved`. */
export function grantSecurable(
  stack: StackJson,
  resource: string,
  block: { readonly [attr: string]: unknown },
): { securableType: string; securable: string; unresolved: string[] } {
  const attr = SECURABLE_ATTRIBUTES.find((a) => block[a] !== undefined);
  const unresolved: string[] = [];
  if (!attr) return { securableType: "(none)", securable: "(none)", unresolved: [`${resource} names no securable`] };
  return { securableType: attr, securable: resolveName(stack, block[attr], unresolved), unresolved };
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

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** A securable name: a literal, or a reference to a catalog/schema declared in the same stack. */
export function resolveName(stack: StackJson, value: unknown, unresolved: string[]): string {
  const ref = parseReference(value);
  if (!ref) return String(value);
  const block = referencedBlock(stack, ref);
  if (!block) {
    unresolved.push(`${String(value)} refers to ${referenceAddress(ref)}, which the stack does not declare`);
    return String(value);
  }
  if (ref.attribute === "name" && typeof block.name === "string") return block.name;
  if (ref.attribute === "id" && ref.type === "databricks_schema" && typeof block.name === "string") {
    return `${String(block.catalog_name)}.${block.name}`;
  }
  if (ref.attribute === "id" && typeof block.name === "string") return block.name;
  unresolved.push(`${String(value)} cannot be resolved to a name`);
  return String(value);
}

/** A principal: a group by display name, a service principal by application ID, a user by e-mail. */
function resolvePrincipal(
  stack: StackJson,
  value: unknown,
  unresolved: string[],
): { name: string; kind: PrincipalKind; ref: string } {
  const ref = parseReference(value);
  if (!ref) {
    const literal = String(value);
    if (UUID.test(literal.toLowerCase())) return { name: literal, kind: "service_principal", ref: literal };
    if (literal.includes("@")) return { name: literal, kind: "user", ref: literal };
    return { name: literal, kind: "group", ref: literal };
  }
  const address = referenceAddress(ref);
  const block = referencedBlock(stack, ref);
  if (!block) {
    unresolved.push(`principal ${String(value)} refers to ${address}, which the stack does not declare`);
    return { name: String(value), kind: "unresolved", ref: address };
  }
  if (ref.type === "databricks_group" && ref.attribute === "display_name" && typeof block.display_name === "string") {
    return { name: block.display_name, kind: "group", ref: address };
  }
  if (ref.type === "databricks_service_principal" && ref.attribute === "application_id") {
    const name = typeof block.display_name === "string" ? block.display_name : typeof block.application_id === "string" ? block.application_id : undefined;
    if (name) return { name, kind: "service_principal", ref: address };
  }
  if (ref.type === "databricks_user" && ref.attribute === "user_name" && typeof block.user_name === "string") {
    return { name: block.user_name, kind: "user", ref: address };
  }
  unresolved.push(`principal ${String(value)} is not a group display name, service principal application_id or user name`);
  return { name: String(value), kind: "unresolved", ref: address };
}

/** The identity of a (securable, principal) pair across stacks. */
export function pairKey(row: GrantRow): string {
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
