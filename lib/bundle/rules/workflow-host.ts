import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { hostnameOf } from "../facts";
import { deploysOf, knownTargets } from "../deploys";
import { expand, flagValues } from "../shell";

/**
 * A deploy step's DATABRICKS_HOST (or --profile) is its target's workspace: the incident's prod
 * workflow pointed at the dev workspace. The host is not a secret: a value from a secret or a
 * variable cannot be checked, so it is refused; leave it unset and the target's host applies.
 */
export const workflowHost: Rule = {
  id: "workflow-host",
  description: "A workflow deploys a target with DATABRICKS_HOST (or --profile, DATABRICKS_CONFIG_PROFILE, DATABRICKS_CONFIG_FILE) that is not the target's workspace, or that the check cannot read.",
  fix: "set DATABRICKS_HOST to the target's workspace host literally, or remove it (the target pins its host)",
  check: ({ view, commands }) => {
    const out: Finding[] = [];
    for (const d of deploysOf(commands)) {
      const c = d.command;
      for (const t of knownTargets(d, view.facts)) {
        const fix = `set DATABRICKS_HOST to ${t.environment.workspace.host} for target ${t.name}, or remove it`;
        for (const e of c.env.filter((e) => e.name === "DATABRICKS_HOST")) {
          const value = expand(e.value, c.env);
          const host = value === undefined ? undefined : hostnameOf(value);
          if (host === t.hostname) continue;
          const other = host === undefined ? undefined : view.facts.byHostname.get(host);
          const problem =
            value === undefined
              ? `job "${c.job}" deploys target ${t.name} with a DATABRICKS_HOST the check cannot read (a secret or variable)`
              : other
                ? `job "${c.job}" deploys target ${t.name} to environments.${other.key}'s workspace`
                : `job "${c.job}" deploys target ${t.name} to a workspace that is not its own`;
          out.push(finding(workflowHost, e, problem, fix, e.value));
        }
        // A profile picks the workspace and credentials from a config file the check cannot read.
        for (const e of c.env.filter((e) => e.name === "DATABRICKS_CONFIG_PROFILE" || e.name === "DATABRICKS_CONFIG_FILE")) {
          out.push(finding(workflowHost, e, `job "${c.job}" deploys target ${t.name} with ${e.name}, which points the CLI at a configuration the check cannot read`, "remove it: CI authenticates with OIDC and the target pins its host", e.value));
        }
        for (const p of flagValues(c.args, ["-p", "--profile"])) {
          const env = view.facts.byProfile.get(p.trim().toLowerCase());
          if (env?.key !== t.environment.key) {
            out.push(finding(workflowHost, c, `job "${c.job}" deploys target ${t.name} with profile ${p}${env ? `, environments.${env.key}'s` : ""}`, "remove --profile: CI authenticates with OIDC and the target pins its host", p));
          }
        }
      }
    }
    return out;
  },
};
