/**
 * How a catalog or schema is protected: `lifecycle.prevent_destroy` always, `force_destroy` never,
 * and an adopted one (the model states no comment) keeps the comment it has. The renderers, the
 * gate's expected JSON, the catalog-protection invariant and the diff's protection rows read it here.
 */
import type { TerraformResourceLifecycle } from "../cdk";
import { text } from "../output/stack";
import type { Expected } from "./json";

/**
 * Why `ignore_changes = [comment]` without a comment: an optional attribute left out of the
 * configuration is planned as a removal (terraform-plugin-sdk v2, schema.go diffString), so the
 * first plan of an adopted catalog or schema would clear the comment it has.
 */
export function protectedLifecycle(comment: string | undefined): TerraformResourceLifecycle {
  return comment !== undefined ? { preventDestroy: true } : { preventDestroy: true, ignoreChanges: ["comment"] };
}

/** protectedLifecycle as the gate expects it in the JSON. */
export function expectedLifecycle(comment: string | undefined): Expected {
  return comment !== undefined ? { prevent_destroy: true } : { prevent_destroy: true, ignore_changes: ["comment"] };
}

/** A protection flag the diff compares: how to read it from a block, and which value is weaker. */
export interface ProtectionFlag {
  readonly attribute: "prevent_destroy" | "force_destroy" | "isolation_mode";
  /** Catalogs only (isolation). */
  readonly catalogOnly: boolean;
  readonly read: (block: { readonly [attr: string]: unknown }) => string;
  readonly weakerWhen: string;
}

export const PROTECTION_FLAGS: readonly ProtectionFlag[] = [
  { attribute: "prevent_destroy", catalogOnly: false, read: (b) => text((b.lifecycle as { prevent_destroy?: unknown } | undefined)?.prevent_destroy === true), weakerWhen: "false" },
  { attribute: "force_destroy", catalogOnly: false, read: (b) => text(b.force_destroy !== undefined && b.force_destroy !== false), weakerWhen: "true" },
  // Unset is OPEN (the provider's default): reachable from every workspace on the metastore.
  { attribute: "isolation_mode", catalogOnly: true, read: (b) => text(b.isolation_mode ?? "OPEN"), weakerWhen: "OPEN" },
];

/** The lifecycle blocks that protect and nothing else (the diff shows no other attribute for them). */
export function onlyProtects(lifecycle: unknown, canonical: (v: unknown) => string): boolean {
  return [canonical(expectedLifecycle("")), canonical(expectedLifecycle(undefined))].includes(canonical(lifecycle));
}
