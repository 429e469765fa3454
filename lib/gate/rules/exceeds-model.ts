import { pairKey } from "../../output/grants";
import type { GateContext } from "../context";
import type { ExtraBlock, Rule } from "./rule";

/** Owns a grant's privileges and principal beyond the model's (lib/resources/grant.ts). */
export const exceedsModel = {
  id: "exceeds-model",
  forbids: "a principal holding more on a securable than the permission model gives it",
  fix: "remove the privilege, or give it in the model and synthesize again",
  kind: "comparison",
  extraBlock: (gate: GateContext, b: ExtraBlock) => reportExtraGrant(gate, "exceeds-model", b),
} as const satisfies Rule;

/**
 * A `databricks_grant` the model does not declare there: what it grants beyond what the invariants
 * already reported (a retired principal, a write outside the own environment), as a second
 * declaration of a pair another stack owns or as a grant the model does not give at all.
 */
export function reportExtraGrant(gate: GateContext, rule: "exceeds-model" | "unresolved-reference", b: ExtraBlock): void {
  const { stack, address } = b;
  if (gate.isClaimed(stack, address, "principal")) return; // a retired principal: reported as such
  const row = gate.row(stack, address);
  const privileges = (row?.privileges ?? []).filter((p) => !gate.isClaimed(stack, address, "privileges", p));
  if (row && row.privileges.length > 0 && privileges.length === 0) return;
  const elsewhere = row ? gate.desiredPair(pairKey(row)) : undefined;
  gate.push(rule, {
    stack,
    resource: address,
    principal: row?.principal,
    securable: row ? `${row.securableType} ${row.securable}` : undefined,
    privilege: privileges.length > 0 ? privileges.join(", ") : undefined,
    problem: row?.unresolved.length
      ? row.unresolved.join("; ")
      : elsewhere
        ? `a second declaration of a pair the model declares in ${elsewhere.stack} databricks_grant.${elsewhere.grant.id} (${elsewhere.grant.privileges.join(", ")})`
        : `a grant the model does not give: the model gives ${row?.principal ?? "this principal"} nothing on ${row ? `${row.securableType} ${row.securable}` : "this securable"}`,
    fix: elsewhere ? `remove it; ${elsewhere.stack} owns the pair` : `remove it, or give it in the model (${gate.model.source}) and synthesize again`,
  });
}

/** A privilege a grant the model declares holds beyond the model's. */
export function reportExtraPrivilege(gate: GateContext, stack: string, address: string, privilege: string, want: readonly string[]): void {
  const row = gate.row(stack, address);
  gate.push("exceeds-model", {
    stack,
    resource: address,
    principal: row?.principal,
    securable: row ? `${row.securableType} ${row.securable}` : undefined,
    privilege,
    problem: `the model gives ${row?.principal ?? "this principal"} only ${want.join(", ")} here`,
    fix: `remove ${privilege} from this grant, or give it in the model (${gate.model.source}) and synthesize again`,
  });
}
