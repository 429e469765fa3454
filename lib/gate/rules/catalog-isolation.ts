import type { GateContext } from "../context";
import { reportNotProduced } from "./unknown-construct";
import type { ExtraBlock, Rule } from "./rule";

/** Owns a catalog's isolation mode and the workspace bindings (lib/resources/catalog.ts, workspace-binding.ts). */
export const catalogIsolation = {
  id: "catalog-isolation",
  forbids: "an isolation_mode other than the model's (ISOLATED with every workspace ID known, else unset: new catalogs OPEN, adopted ones keep theirs), and workspace bindings other than the model's read-only ones",
  fix: "leave isolation and bindings to GovernedCatalog (the desired state decides them)",
  kind: "comparison",
  claimsType: (kind: "resource" | "data", type: string) => kind === "resource" && type.includes("workspace_binding"),
  extraBlock: (gate: GateContext, b: ExtraBlock) => reportNotProduced(gate, "catalog-isolation", b),
} as const satisfies Rule;
