import { principalIdentity } from "../../resources/principal";
import type { GateContext } from "../context";
import type { Rule } from "./rule";

/** Default deny's other side: whatever the model requires that the output lacks. */
export const missingFromOutput = {
  id: "missing-from-output",
  forbids: "output that lacks a grant, owner, isolation mode, binding, lookup, import or output the model requires",
  fix: "declare it through the constructs (the stacks render lib/desired-state.ts), or change the model",
  kind: "comparison",
} as const satisfies Rule;

/** A block the model requires (a grant says which privileges for whom, and why). */
export function reportMissingBlock(gate: GateContext, stack: string, address: string): void {
  const row = gate.desiredGrant(stack, address);
  gate.push("missing-from-output", {
    stack,
    resource: address,
    problem: `the model requires ${address}${row ? ` (${row.grant.privileges.join(", ")} for ${principalIdentity(row.grant.principal).name}: ${row.grant.source})` : ""}, but the output does not declare it`,
  });
}

/** A privilege the model gives that the grant lacks. */
export function reportMissingPrivilege(gate: GateContext, stack: string, address: string, privilege: string, want: readonly string[]): void {
  gate.push("missing-from-output", { stack, resource: address, privilege, problem: `the model gives ${privilege} here (${want.join(", ")}), but the grant lacks it` });
}

/** A stack of the model the output does not have. */
export function reportMissingStack(gate: GateContext, stack: string): void {
  gate.push("missing-from-output", { stack, resource: "(stack)", problem: `the model has stack ${stack}, but the output does not` });
}
