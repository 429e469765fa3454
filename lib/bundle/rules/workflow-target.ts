import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { SANDBOX_TARGET } from "../facts";
import { deploysOf } from "../deploys";

/**
 * Every CI deploy names one known environment target literally, so that its workspace and
 * credentials can be checked: no default target (the sandbox), no target from an input or a matrix.
 */
export const workflowTarget: Rule = {
  id: "workflow-target",
  description: "A workflow deploys without naming a target, with a target the check cannot read (an input, a matrix value), or to a target the model does not know or to `sandbox`.",
  fix: "name the environment's target literally: `databricks bundle deploy -t prod`, one job per environment",
  check: ({ view, commands }) => {
    const out: Finding[] = [];
    for (const d of deploysOf(commands)) {
      const c = d.command;
      if (d.written.length === 0) out.push(finding(workflowTarget, c, `job "${c.job}" deploys the default target (the developer sandbox)`, workflowTarget.fix, c.text));
      d.targets.forEach((t, i) => {
        if (t === undefined) out.push(finding(workflowTarget, c, `job "${c.job}" deploys a target that is not written literally`, workflowTarget.fix, d.written[i]));
        else if (t === SANDBOX_TARGET) out.push(finding(workflowTarget, c, `job "${c.job}" deploys the developer sandbox from CI`, workflowTarget.fix, t));
        else if (!view.facts.target(t)) out.push(finding(workflowTarget, c, `job "${c.job}" deploys target ${t}, which is no environment of the model`, workflowTarget.fix, t));
      });
    }
    return out;
  },
};
