import type { GateContext } from "../context";
import type { ExtraBlock, Rule } from "./rule";

/** `databricks_grants` on any securable revokes what it does not list (lib/resources/grant.ts: why databricks_grant). */
export const authoritativeGrants = {
  id: "authoritative-grants",
  forbids: "databricks_grants (authoritative) on any other securable",
  fix: "declare each (securable, principal) pair with its own databricks_grant",
  kind: "comparison",
  claimsType: (kind: "resource" | "data", type: string, body) => kind === "resource" && type === "databricks_grants" && body.metastore === undefined,
  extraBlock: (gate: GateContext, b: ExtraBlock) =>
    gate.push("authoritative-grants", {
      stack: b.stack,
      resource: b.address,
      problem: "databricks_grants is authoritative: on every apply it revokes every privilege on its securable it does not list, including any granted outside this stack",
    }),
} as const satisfies Rule;
