import type { GateContext } from "../context";
import { reportNotProduced } from "./unknown-construct";
import type { ExtraBlock, Rule } from "./rule";

/** Owns the federation policies (lib/resources/federation-policy.ts): who can sign in as a principal. */
export const federationTrust = {
  id: "federation-trust",
  forbids: "a federation policy that trusts other tokens than the model's: a deploying principal only its own GitHub environment's, the plan principal only pull_request tokens and the deploy branch's plan jobs, the account as audience",
  fix: "write the subject, issuer and audience the model gives (lib/desired-state.ts)",
  kind: "comparison",
  claimsType: (kind: "resource" | "data", type: string) => kind === "resource" && type.includes("federation_policy"),
  extraBlock: (gate: GateContext, b: ExtraBlock) => reportNotProduced(gate, "federation-trust", b),
} as const satisfies Rule;
