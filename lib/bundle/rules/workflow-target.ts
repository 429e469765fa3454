import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { SANDBOX_TARGET } from "../facts";
import { deploysOf } from "../deploys";

/**
 * Every CI bundle command names one known environment target literally, so that its workspace and
 * credentials can be checked: no default target (the sandbox), no target from an input or a matrix,
 * in whichever way the CLI takes it (`-t`, `--environment`, DATABRICKS_BUNDLE_TARGET, the older
 * DATABRICKS_BUNDLE_ENV: lib/bundle/deploys.ts). And it loads the bundle the check read: the
 * repository's own databricks.yml, not one in a subdirectory or DATABRICKS_BUNDLE_ROOT's.
 */
export const workflowTarget: Rule = {
  id: "workflow-target",
  description:
    "A workflow runs a bundle command without naming a target, with a target the check cannot read (an input, a matrix value), to a target the model does not know or to `sandbox`, or on a bundle other than the repository's own (DATABRICKS_BUNDLE_ROOT, a working directory with its own databricks.yml).",
  fix: "name the environment's target literally: `databricks bundle deploy -t prod`, one job per environment, from the repository's root",
  check: ({ view, commands }) => {
    const out: Finding[] = [];
    for (const d of deploysOf(commands)) {
      const c = d.command;
      if (d.written.length === 0) out.push(finding(workflowTarget, c, `job "${c.job}" runs \`${c.text}\` on the default target (the developer sandbox)`, workflowTarget.fix, c.text));
      d.targets.forEach((t, i) => {
        const from = d.from.startsWith("-") ? "" : ` (from ${d.from})`;
        if (t === undefined) out.push(finding(workflowTarget, c, `job "${c.job}" runs a bundle command on a target that is not written literally${from}`, workflowTarget.fix, d.written[i]));
        else if (t === SANDBOX_TARGET) out.push(finding(workflowTarget, c, `job "${c.job}" deploys the developer sandbox from CI${from}`, workflowTarget.fix, t));
        else if (!view.facts.target(t)) out.push(finding(workflowTarget, c, `job "${c.job}" runs a bundle command on target ${t}${from}, which is no environment of the model`, workflowTarget.fix, t));
      });
      if (c.bundleRoot !== "") {
        const why = d.rootVariable
          ? `${d.rootVariable.name}=${d.rootVariable.value}`
          : c.cwd === undefined
            ? "a working directory the check cannot tell"
            : `the working directory ${c.cwd || "."}, whose nearest databricks.yml is not the repository's`;
        out.push(finding(workflowTarget, c, `job "${c.job}" runs \`${c.text}\` on a bundle the check did not read (${why})`, "run bundle commands from the repository's root, without DATABRICKS_BUNDLE_ROOT; keep one bundle per repository", c.bundleRoot ?? why));
      }
    }
    return out;
  },
};
