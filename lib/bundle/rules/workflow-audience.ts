import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { deploysOf } from "../deploys";
import { expand } from "../shell";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * With GitHub OIDC on a workspace host, the Databricks SDK asks GitHub for a token whose audience
 * is DATABRICKS_TOKEN_AUDIENCE, else the workspace's token endpoint (databricks-sdk-go v0.171.0,
 * which CLI v1.13.0 uses: config/experimental/auth/oidc/tokensource.go determineAudience;
 * config/auth_oidc.go passes the account ID only for account hosts). This project's federation
 * policies accept the account ID as audience and nothing else (docs/ci-setup.md#bootstrapping-oidc), so
 * an OIDC deploy without it cannot sign in, and one with another audience signs in elsewhere.
 */
export const workflowAudience: Rule = {
  id: "workflow-audience",
  description: "A workflow deploys with GitHub OIDC without DATABRICKS_TOKEN_AUDIENCE set to the account ID, the one audience the federation policies accept.",
  fix: "set DATABRICKS_TOKEN_AUDIENCE to the Databricks account ID (environments.yaml's account.id) in the deploy job's env",
  check: ({ view, commands }) => {
    const out: Finding[] = [];
    const account = view.facts.model.account?.id.toLowerCase();
    const jobsSeen = new Set<string>();
    for (const d of deploysOf(commands)) {
      const c = d.command;
      const authType = [...c.env].reverse().find((e) => e.name === "DATABRICKS_AUTH_TYPE");
      if (!authType || expand(authType.value, c.env) !== "github-oidc") continue; // workflow-auth's finding
      const audiences = c.env.filter((e) => e.name === "DATABRICKS_TOKEN_AUDIENCE");
      const fix = account ? `set DATABRICKS_TOKEN_AUDIENCE: ${view.facts.model.account!.id}` : workflowAudience.fix;
      const job = `${c.workflow}\0${c.job}`;
      if (audiences.length === 0 && !jobsSeen.has(job)) {
        jobsSeen.add(job);
        out.push(finding(workflowAudience, c, `job "${c.job}" signs in with GitHub OIDC without DATABRICKS_TOKEN_AUDIENCE: the token's audience is then the workspace's token endpoint, which the federation policies reject`, fix));
      }
      for (const e of audiences) {
        const value = expand(e.value, c.env)?.trim().toLowerCase();
        if (value === undefined) {
          // Without account.id in the model the check cannot know it: a repository variable is what the project's own workflows use.
          if (account || !/^\$\{\{\s*vars\.[A-Za-z0-9_]+\s*\}\}$/.test(e.value.trim())) {
            out.push(finding(workflowAudience, e, `job "${c.job}" sets DATABRICKS_TOKEN_AUDIENCE to a value the check cannot read${account ? "; the model has the account ID" : ""}`, fix, e.value));
          }
        } else if (account ? value !== account : !UUID.test(value)) {
          out.push(finding(workflowAudience, e, `job "${c.job}" asks for a token with the audience ${value}, ${account ? "not the account ID" : "which is no account ID"}: the federation policies reject it`, fix, e.value));
        }
      }
    }
    return out;
  },
};
