import type { GateContext } from "../context";
import type { ExtraBlock, Rule } from "./rule";

/** Resources that carry a secret in Terraform state; CI authenticates through OIDC instead. */
const SECRET_RESOURCES: ReadonlySet<string> = new Set(["databricks_token", "databricks_service_principal_secret", "databricks_obo_token", "databricks_git_credential", "databricks_secret"]);

export const secretResource = {
  id: "secret-resource",
  forbids: "resources that create long-lived secrets (tokens, service principal secrets)",
  fix: "remove it; CI signs in through OIDC federation",
  kind: "comparison",
  claimsType: (kind: "resource" | "data", type: string) => kind === "resource" && SECRET_RESOURCES.has(type),
  extraBlock: (gate: GateContext, b: ExtraBlock) => gate.push("secret-resource", { stack: b.stack, resource: b.address, problem: `${b.type} creates a long-lived secret and stores it in Terraform state` }),
} as const satisfies Rule;
