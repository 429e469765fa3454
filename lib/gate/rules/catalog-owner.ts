import type { Rule } from "./rule";

/** Owns a catalog's (and a schema's) `owner` (lib/resources/catalog.ts, schema.ts). */
export const catalogOwner = {
  id: "catalog-owner",
  forbids: "a catalog (or schema) owned by anyone but its environment's deploying principal declared in the same stack",
  fix: "owner = the stack's databricks_service_principal application_id (GovernedCatalog does)",
  kind: "comparison",
} as const satisfies Rule;
