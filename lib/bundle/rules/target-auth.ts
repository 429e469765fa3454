import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { textOf, type Node } from "../yaml-tree";

/**
 * The `workspace` fields that configure authentication, as databricks/cli v1.13.0 lists them
 * (bundle/config/validate/interpolation_in_auth_config.go). The CLI builds its workspace client
 * from them before it resolves any variable (bundle/phases/initialize.go: PopulateCurrentUser runs
 * before SetVariables and ResolveVariableReferencesWithoutResources), so `${var.x}` there is used as
 * the literal text; the CLI only warns.
 */
export const AUTH_FIELDS = [
  "host", "profile", "auth_type", "metadata_service_url", "client_id", "google_service_account", "azure_workspace_resource_id", "azure_use_msi",
  "azure_client_id", "azure_tenant_id", "azure_environment", "azure_login_app_id", "account_id", "workspace_id",
];

/**
 * Auth fields are literal: a variable there is not resolved by the CLI. An environment target's
 * `client_id` (which wins over DATABRICKS_CLIENT_ID) is its own principal's application ID, its
 * `auth_type` (which wins over DATABRICKS_AUTH_TYPE) GitHub OIDC; the sandbox, deployed by each
 * developer as themselves, sets neither.
 */
export const targetAuth: Rule = {
  id: "target-auth",
  description:
    "A `workspace` field that configures authentication holds a variable (the CLI does not resolve it and connects with the text as written), or an environment target's `client_id` or `auth_type` is not its principal and GitHub OIDC, or the sandbox sets either.",
  fix: "write auth fields literally (the generated targets pin only the host); set client_id and auth_type in the deploy job's environment, not in the bundle",
  check: ({ view }) => {
    const out: Finding[] = [];
    const { facts } = view;
    const seen = new Set<Node>();
    const literal = (node: Node, where: string) => {
      if (seen.has(node)) return;
      seen.add(node);
      const text = textOf(node);
      if (text !== undefined && /\$\{/.test(text)) {
        out.push(
          finding(
            targetAuth,
            node,
            `${where} holds a variable, which the CLI does not resolve in auth fields: it connects with ${JSON.stringify(text)} as written (it only warns)`,
            `write ${where} literally`,
            text,
          ),
        );
      }
    };
    for (const field of AUTH_FIELDS) for (const n of view.topLevel("workspace", field)) literal(n, `workspace.${field}`);
    for (const [name] of view.targets) {
      for (const field of AUTH_FIELDS) for (const n of view.inTarget(name, "workspace", field)) literal(n, `targets.${name}.workspace.${field}`);
      const t = facts.target(name);
      if (!t) continue;
      for (const n of view.effective(name, "workspace", "client_id")) {
        const id = textOf(n)?.trim().toLowerCase();
        const own = facts.applicationIds?.get(t.environment.key)?.toLowerCase();
        if (id === undefined || /\$\{/.test(id)) continue;
        if (t.sandbox) out.push(finding(targetAuth, n, `target sandbox signs in as a service principal (workspace.client_id): each developer deploys their sandbox as themselves`, "remove workspace.client_id from the sandbox target", textOf(n)));
        else if (own === undefined) out.push(finding(targetAuth, n, `target ${name}'s workspace.client_id cannot be checked without the stacks' outputs`, "pass --outputs, or remove workspace.client_id (the deploy job sets DATABRICKS_CLIENT_ID)", textOf(n)));
        else if (id !== own) {
          const other = facts.byApplicationId.get(id);
          out.push(finding(targetAuth, n, `target ${name} signs in as ${other ? `environments.${other.key}'s principal` : "a principal that is not its own"} (workspace.client_id wins over DATABRICKS_CLIENT_ID)`, `remove workspace.client_id, or set it to ${own}`, textOf(n)));
        }
      }
      for (const n of view.effective(name, "workspace", "auth_type")) {
        const type = textOf(n);
        if (type === undefined || /\$\{/.test(type)) continue;
        if (t.sandbox) out.push(finding(targetAuth, n, `target sandbox fixes the auth type (${type}) that each developer's own sign-in decides`, "remove workspace.auth_type from the sandbox target", type));
        else if (type !== "github-oidc") out.push(finding(targetAuth, n, `target ${name} signs in with ${type}, not GitHub OIDC (workspace.auth_type wins over DATABRICKS_AUTH_TYPE)`, "remove workspace.auth_type (the deploy job sets DATABRICKS_AUTH_TYPE: github-oidc)", type));
      }
    }
    return out;
  },
};
