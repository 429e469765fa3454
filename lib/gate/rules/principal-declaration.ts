import { text } from "../../output/stack";
import { show } from "../../resources/json";
import type { GateContext } from "../context";
import { reportNotProduced } from "./unknown-construct";
import type { ExtraBlock, Rule } from "./rule";

/** Resource types that create or change principals or their membership. */
const PRINCIPAL_RESOURCES: ReadonlySet<string> = new Set([
  "databricks_group",
  "databricks_user",
  "databricks_service_principal",
  "databricks_group_member",
  "databricks_group_role",
  "databricks_user_role",
  "databricks_service_principal_role",
]);
/** Data sources that look principals up. */
const PRINCIPAL_LOOKUPS: ReadonlySet<string> = new Set(["databricks_group", "databricks_service_principal", "databricks_user", "databricks_service_principals", "databricks_users", "databricks_groups"]);

/**
 * Principals are the model's: each workspace stack creates only its own deployer and looks up the
 * model's groups and principals by the model's identifiers; a grant names one of them.
 */
export const principalDeclaration = {
  id: "principal-declaration",
  forbids: "principals other than the model's: a created group or user, a service principal other than the stack's own deployer, an application_id pinned on it, a lookup by anything but the model's identifier, a grant naming another principal",
  fix: "grant to and look up the model's principals only, by the model's identifiers",
  kind: "comparison",
  claimsType: (kind: "resource" | "data", type: string) => (kind === "data" ? PRINCIPAL_LOOKUPS : PRINCIPAL_RESOURCES).has(type),
  extraBlock: (gate: GateContext, b: ExtraBlock) => {
    if (b.kind === "data") {
      reportNotProduced(gate, "principal-declaration", b, "remove it; grant to and look up the model's principals only");
      return;
    }
    const claims = gate.model.environments.find((e) => e.servicePrincipal === b.body.display_name);
    gate.push("principal-declaration", {
      stack: b.stack,
      resource: b.address,
      principal: b.body.display_name !== undefined ? text(b.body.display_name) : undefined,
      problem: `creates or changes a principal (${b.type} ${show(b.body.display_name ?? b.body.user_name ?? b.body)})${claims ? `, named like environment ${claims.key}'s deploying principal` : ""}; the model lets each workspace stack create only its own deployer and never groups, users or memberships`,
    });
  },
} as const satisfies Rule;
