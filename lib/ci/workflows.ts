/**
 * The parts of the GitHub Actions workflows that follow the environment model: deploy.yml (one job
 * per workspace stack, in the model's order) and the stack matrices of pull-request.yml (plans) and
 * audit.yml, read from the desired state (lib/desired-state.ts: its workspace stacks, each with its
 * environment and approval). `npm run update` writes them from environments.yaml, so adding,
 * renaming or removing an environment is a model edit, not a workflow edit; __tests__/workflows
 * checks the committed files against these renderings.
 */
import type { DesiredState, DesiredWorkspaceStack } from "../desired-state";

/** The workspace stacks, in the model's order. */
function workspaceStacks(desired: DesiredState): DesiredWorkspaceStack[] {
  return desired.stacks.flatMap((s) => (s.kind === "workspace" ? [s] : []));
}

export const DEPLOY_WORKFLOW = ".github/workflows/deploy.yml";
export const PULL_REQUEST_WORKFLOW = ".github/workflows/pull-request.yml";
export const AUDIT_WORKFLOW = ".github/workflows/audit.yml";
/** The workflows with a `stack: [...]` matrix over every workspace stack. */
export const MATRIX_WORKFLOWS = [PULL_REQUEST_WORKFLOW, AUDIT_WORKFLOW] as const;

/** The repository variable that holds a stack's deploying principal's application ID. */
export function clientIdVariable(stack: string): string {
  return `DATABRICKS_CLIENT_ID_${stack.toUpperCase().replace(/-/g, "_")}`;
}

/** deploy.yml for the model: one job per workspace stack, each needing the one before it. */
export function renderDeployWorkflow(desired: DesiredState): string {
  const stacks = workspaceStacks(desired);
  const order = stacks.map((s) => `${s.name} (\`${s.environment.key}\`)`).join(", then ");
  const header = [
    "# Generated from environments.yaml by `npm run update` (lib/ci/workflows.ts); do not edit by hand.",
    "#",
    ...comment(
      `Every push to main deploys the stacks in the model's order, each in the GitHub environment named after ` +
        `its environment key: ${order}. Each stack is planned first; its apply waits for an approval where the model ` +
        `asks for one (${stacks.filter((s) => s.environment.approval === "required").map((s) => `\`${s.environment.key}\``).join(", ") || "none"}: the reviewers of that ` +
        `GitHub environment approve the plan they read). A stack deploys only after the one before it succeeded, ` +
        `and one deploy runs at a time (a newer push waits). docs/deploying.md#in-ci.`,
    ),
    "#",
    "# Each job names one stack and the GitHub environment the model gives it; deploy-stack.yml checks",
    "# the pair against environments.yaml and takes the workspace host from there, so no job can aim a",
    "# stack at another environment's workspace. __tests__/workflows checks this file against the model.",
  ];
  const jobs = stacks.map(({ name, environment: env }, i) =>
    [
      `  ${name}:`,
      `    name: ${name}`,
      ...(i > 0 ? [`    needs: ${stacks[i - 1].name}`] : []),
      "    uses: ./.github/workflows/deploy-stack.yml",
      "    permissions:",
      "      actions: read",
      "      contents: read",
      "      id-token: write",
      "    with:",
      `      stack: ${name}`,
      `      environment: ${env.key}`,
      `      client-id-variable: ${clientIdVariable(name)}`,
      `      approval: ${env.approval}`,
    ].join("\n"),
  );
  // One deploy at a time, never cancelled: a plan is applied only over the state it was made from, and
  // stopping an apply midway leaves it half done. A newer push's run waits (and replaces one already waiting).
  const concurrency = ["concurrency:", "  group: deploy", "  cancel-in-progress: false"];
  return [...header, "name: deploy", "", "on:", "  push:", "    branches: [main]", "", "permissions: {}", "", ...concurrency, "", "jobs:", jobs.join("\n\n"), ""].join("\n");
}

/** `text` as `# ` comment lines of at most 100 characters. */
function comment(text: string): string[] {
  const lines: string[] = [];
  let line = "#";
  for (const word of text.split(" ")) {
    if (line.length + 1 + word.length > 100) {
      lines.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  return [...lines, line];
}

const MATRIX_LINE = /^(\s+stack: )\[[^\]\n]*\]$/m;

/**
 * A workflow with its stack matrix set to the model's stacks (the one `stack: [...]` line); the
 * rest of the file is left as written.
 */
export function withStackMatrix(text: string, desired: DesiredState, file: string = PULL_REQUEST_WORKFLOW): string {
  if (!MATRIX_LINE.test(text)) throw new Error(`${file} has no stack matrix line (\`stack: [...]\`) to update`);
  return text.replace(MATRIX_LINE, `$1[${workspaceStacks(desired).map((s) => s.name).join(", ")}]`);
}
