import type { Rule } from "../rule";
import { finding } from "../rule";
import { isBundleCommand } from "../deploys";

/** `databricks` commands that change nothing and select no target. */
const HARMLESS = [/^(--version|-v|version|help|--help)$/, /^auth (describe|env|profiles|token)$/, /^current-user me$/, /^bundle (init|schema|help)$/];

/**
 * CI changes a workspace through the bundle, which the other rules judge; any other `databricks`
 * command (`grants update`, `api post`, `jobs create`, `workspace import`, ...) changes it in a way
 * nothing here reads.
 */
export const workflowCommand: Rule = {
  id: "workflow-command",
  description: "A workflow runs a `databricks` command other than a bundle command (`grants update`, `api post`, `jobs create`, ...): a change the check cannot judge.",
  fix: "make the change in the bundle (a resource) or in environments.yaml (grants), not with the CLI in CI",
  check: ({ commands }) =>
    commands
      .filter((c) => !isBundleCommand(c) && !HARMLESS.some((re) => re.test(c.words.slice(0, 2).join(" ")) || re.test(c.args[0] ?? "")))
      .map((c) => finding(workflowCommand, c, `job "${c.job}" runs \`${c.text}\`, which changes the workspace outside the bundle`, workflowCommand.fix, c.text)),
};
