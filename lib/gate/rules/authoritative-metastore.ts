import { text } from "../../output/stack";
import type { GateContext } from "../context";
import type { ExtraBlock, Rule } from "./rule";

/** `databricks_grants` on the shared metastore would revoke every other team's metastore grants. */
export const authoritativeMetastore = {
  id: "authoritative-metastore",
  forbids: "databricks_grants (authoritative) on the shared metastore",
  fix: "declare each (metastore, principal) pair with its own databricks_grant",
  kind: "comparison",
  claimsType: (kind: "resource" | "data", type: string, body) => kind === "resource" && type === "databricks_grants" && body.metastore !== undefined,
  extraBlock: (gate: GateContext, b: ExtraBlock) =>
    gate.push("authoritative-metastore", {
      stack: b.stack,
      resource: b.address,
      securable: `metastore ${text(b.body.metastore)}`,
      problem: "databricks_grants is authoritative: on the shared metastore it revokes every metastore grant it does not list, other teams' included",
    }),
} as const satisfies Rule;
