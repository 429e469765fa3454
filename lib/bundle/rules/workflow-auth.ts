import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { deploysOf, knownTargets } from "../deploys";
import { at, textOf } from "../yaml-tree";
import { expand } from "../shell";

/** Long-lived credentials a deploy must not use: GitHub OIDC gives a short-lived token per run. */
const LONG_LIVED = ["DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET", "DATABRICKS_PASSWORD"];

/**
 * Deploys authenticate with GitHub OIDC (workload identity federation): DATABRICKS_AUTH_TYPE
 * github-oidc, `permissions: id-token: write`, and no token or client secret anywhere in the job.
 * A literal DATABRICKS_CLIENT_ID must be the target's principal (retired ones: retired-principal).
 */
export const workflowAuth: Rule = {
  id: "workflow-auth",
  description: "A workflow deploys with a long-lived token or client secret instead of GitHub OIDC, or as another environment's principal.",
  fix: "authenticate with OIDC: permissions id-token: write, DATABRICKS_AUTH_TYPE: github-oidc, DATABRICKS_CLIENT_ID the environment principal's application ID, no token or secret",
  check: ({ view, commands }) => {
    const out: Finding[] = [];
    for (const d of deploysOf(commands)) {
      const c = d.command;
      for (const e of [...c.jobEnv, ...c.env].filter((e) => LONG_LIVED.includes(e.name))) {
        out.push(finding(workflowAuth, e, `job "${c.job}" deploys with the long-lived credential ${e.name}`, workflowAuth.fix, e.value));
      }
      for (const other of commands.filter((o) => o.file === c.file && o.job === c.job && o.words[0] === "configure")) {
        out.push(finding(workflowAuth, other, `job "${other.job}" configures a long-lived credential with \`databricks configure\``, workflowAuth.fix, other.text));
      }
      const authType = [...c.env].reverse().find((e) => e.name === "DATABRICKS_AUTH_TYPE");
      if (!authType || expand(authType.value, c.env) !== "github-oidc") {
        out.push(finding(workflowAuth, authType ?? c, `job "${c.job}" does not deploy with GitHub OIDC (DATABRICKS_AUTH_TYPE: github-oidc)`, workflowAuth.fix, ...(authType ? [authType.value] : [])));
      }
      const p = c.permissions;
      const idToken = p?.kind === "scalar" ? textOf(p) === "write-all" : textOf(at(p, "id-token")) === "write";
      if (!idToken) out.push(finding(workflowAuth, p ?? c, `job "${c.job}" cannot get an OIDC token (permissions lack id-token: write)`, workflowAuth.fix));
      const ids = view.facts.applicationIds;
      if (ids) {
        for (const t of knownTargets(d, view.facts)) {
          for (const e of c.env.filter((e) => e.name === "DATABRICKS_CLIENT_ID")) {
            const value = expand(e.value, c.env)?.trim().toLowerCase();
            const owner = value === undefined ? undefined : view.facts.byApplicationId.get(value);
            if (owner && owner.key !== t.environment.key) {
              out.push(finding(workflowAuth, e, `job "${c.job}" deploys target ${t.name} as environments.${owner.key}'s principal`, `set DATABRICKS_CLIENT_ID to ${ids.get(t.environment.key)}`, e.value));
            }
          }
        }
      }
    }
    return out;
  },
};
