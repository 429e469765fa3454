import type { Finding, Rule } from "../rule";
import { finding } from "../rule";

/**
 * Default deny over CI: a job that can reach Databricks credentials (DATABRICKS_* in its
 * environment, a secret, an OIDC token) must show the check everything it runs with them. Local
 * composite actions, local reusable workflows and committed shell scripts are followed
 * (lib/bundle/workflows.ts); an external action or reusable workflow, a program the check does not
 * know, a command substitution or a change to PATH is a finding that names it.
 */
export const workflowUnreadable: Rule = {
  id: "workflow-unreadable",
  description:
    "A workflow job that can reach Databricks credentials runs something the check cannot read (an external action or reusable workflow, an action not pinned to a commit, a CLI other than the one the check follows, a non-shell script, an unknown program, a command substitution, a PATH change), or holds credentials but runs no databricks command.",
  fix: "keep deploy jobs to checkout and setup-cli, each pinned to a commit (setup-cli with `version: 1.13.0`), and `databricks bundle` commands (in the workflow, a local composite action or a committed shell script); run everything else in a job without Databricks credentials",
  check: ({ jobs }) => {
    const out: Finding[] = [];
    for (const job of jobs) {
      if (job.credentials.length === 0) continue;
      const holds = `job "${job.name}" holds Databricks credentials (${job.credentials.slice(0, 3).map((c) => c.what).join(", ")}${job.credentials.length > 3 ? ", ..." : ""})`;
      for (const u of job.unreadable) out.push(finding(workflowUnreadable, u, `${holds} and runs ${u.what}, which the check cannot read`, workflowUnreadable.fix));
      if (job.unreadable.length === 0 && job.commands.length === 0) {
        out.push(finding(workflowUnreadable, { file: job.file, line: job.line }, `${holds} but runs no databricks command the check can read`, "remove the credentials from the job, or run its deploy where the check can read it"));
      }
    }
    return out;
  },
};
