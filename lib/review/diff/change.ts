/**
 * A change the grants diff lists: what kind, which way (lib/review/severity.ts), whether it is
 * production's, where it is declared and what it does; how changes are ordered; and what the
 * analysers share (lib/review/diff/: one per kind of change).
 */
import type { SynthesizedStack } from "../../output/stack";
import { forgottenAddresses } from "../../output/blocks";
import { resourceType } from "../../resources/index";
import { DIFF_ORDER, type Severe } from "../severity";
import type { PlannedAction } from "../terraform-plan";
import { MODEL_HEADING } from "./model-facts";

export type ChangeKind =
  | "grant"
  | "authoritative"
  | "re-grant"
  | "owner"
  | "principal"
  | "catalog"
  | "binding"
  | "protection"
  /** Who can sign in as a principal (a federation policy's trust): trust.ts. */
  | "trust"
  /** Any other difference in the configuration: listed under its heading (CONFIG_HEADINGS). */
  | "config";

/** Where a non-access difference is listed, in this order. */
export const CONFIG_HEADINGS = [MODEL_HEADING, "stack", "provider", "backend and state", "import, moved, removed", "catalogs and schemas", "principals and lookups", "other resources", "outputs and variables"] as const;
export type ConfigHeading = (typeof CONFIG_HEADINGS)[number];

export interface AccessChange extends Severe {
  readonly kind: ChangeKind;
  /** Where the change is declared: HEAD's stack, or BASE's for a removal. */
  readonly stack: string;
  readonly resource: string;
  readonly securableType?: string;
  readonly securable?: string;
  /**
   * For a protection, binding or owner change: the attribute's values. A grant change has no
   * attribute; its before and after are the privilege lists (sorted; empty when granted or revoked).
   */
  readonly before?: unknown;
  readonly after?: unknown;
  /** For a `config` change: the heading it is listed under. */
  readonly heading?: ConfigHeading;
  /**
   * What Terraform does to the resource (lib/review/terraform-plan.ts: HEAD planned over BASE's
   * state); absent where it changes no resource (a lookup, a provider, an output).
   */
  readonly terraform?: PlannedAction;
}

/** A change before production is decided (diffOutputs marks it). */
export type Change = Omit<AccessChange, "prod">;

const KIND_ORDER: readonly ChangeKind[] = ["grant", "owner", "trust", "authoritative", "re-grant", "binding", "protection", "principal", "catalog", "config"];

export function compareChanges(a: AccessChange, b: AccessChange): number {
  const keys = (c: AccessChange) => [
    c.prod ? 0 : 1,
    DIFF_ORDER.indexOf(c.direction),
    KIND_ORDER.indexOf(c.kind),
    c.securableType ?? "",
    c.securable ?? "",
    c.principal ?? "",
    c.stack,
    c.resource,
    c.attribute ?? "",
  ];
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

/**
 * Where a block's change is listed: its resource module's heading; a type the model never produces
 * by what its name says it is.
 */
export function typeHeading(type: string, data: boolean): ConfigHeading {
  const module = resourceType(data ? "data" : "resource", type);
  if (module) return module.heading;
  return type === "databricks_catalog" || type === "databricks_schema" ? "catalogs and schemas" : /service_principal|group|user/.test(type) || data ? "principals and lookups" : "other resources";
}

export function addedRemoved<T>(before: Map<string, T>, after: Map<string, T>, change: (item: T, added: boolean) => Change): Change[] {
  return [
    ...[...after].filter(([k]) => !before.has(k)).map(([, v]) => change(v, true)),
    ...[...before].filter(([k]) => !after.has(k)).map(([, v]) => change(v, false)),
  ];
}

/**
 * Whether HEAD's stack forgets an address (`removed` with `lifecycle.destroy = false`): the object
 * stays where it is, unmanaged. Otherwise a resource whose block is gone is destroyed: Terraform
 * drops `prevent_destroy` together with the block.
 */
export function forgets(head: readonly SynthesizedStack[], stack: string, address: string): boolean {
  let byStack = forgottenByStack.get(head);
  if (!byStack) {
    byStack = new Map();
    for (const h of head) if (!byStack.has(h.name)) byStack.set(h.name, forgottenAddresses(h));
    forgottenByStack.set(head, byStack);
  }
  return byStack.get(stack)?.has(address) ?? false;
}

/** Each output's stacks' forgotten addresses, read once per output (asked once per removed catalog, schema or principal). */
const forgottenByStack = new WeakMap<readonly SynthesizedStack[], Map<string, ReadonlySet<string>>>();

/** What happens to a stateful object whose block HEAD no longer has. */
export function goneSummary(head: readonly SynthesizedStack[], stack: string, address: string, what: string): string {
  return forgets(head, stack, address)
    ? `${what} forgotten: Terraform stops managing it (removed block, destroy = false); it stays in the workspace${what === "service principal" ? "" : " with its data"}`
    : `${what} removed: Terraform DESTROYS it${what === "service principal" ? "" : " and its data"} (prevent_destroy leaves with the block; the stack needs a removed block with destroy = false)`;
}

