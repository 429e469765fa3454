import type { Rule } from "../rule";
import { finding } from "../rule";
import { deploysOf } from "../deploys";

/** The incident's workflows called `databricks deploy --environment`, which is not a bundle deploy. */
export const workflowOldDeploy: Rule = {
  id: "workflow-old-deploy",
  description: "A workflow deploys with the old `databricks deploy --environment` form.",
  fix: "deploy with `databricks bundle deploy -t <target>`",
  check: ({ commands }) =>
    deploysOf(commands)
      .filter((d) => d.old)
      .map((d) => finding(workflowOldDeploy, d.command, `job "${d.command.job}" deploys with the old command`, `write \`databricks bundle deploy -t ${d.targets[0] ?? "<target>"}\``, d.command.text)),
};
