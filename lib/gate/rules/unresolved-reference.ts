import type { GateContext } from "../context";
import { reportExtraGrant } from "./exceeds-model";
import type { ExtraBlock, Rule } from "./rule";

/** Owns a grant whose principal or securable the reader cannot resolve (lib/output/references.ts). */
export const unresolvedReference = {
  id: "unresolved-reference",
  forbids: "a grant naming its principal or securable through an expression the gate cannot resolve to the model's",
  fix: "name what the model names: the stack's own lookups and resources, or literals",
  kind: "comparison",
  extraBlock: (gate: GateContext, b: ExtraBlock) => reportExtraGrant(gate, "unresolved-reference", b),
} as const satisfies Rule;
