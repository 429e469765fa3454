// `npm run --silent rehearse -- [STACK ...] [--workspace FILE] [--apply] [--json FILE] [--env]`: terraform plans against the stand-in provider.
import * as fs from "fs";
import * as path from "path";
import { handleOptions } from "../lib/usage";
import { REHEARSE_USAGE } from "../lib/rehearse/command";

const NAME = "rehearse";
const { values, positionals } = handleOptions(NAME, REHEARSE_USAGE, {
  workspace: { type: "string" },
  apply: { type: "boolean" },
  json: { type: "string" },
  env: { type: "boolean" },
});

const badUsage = (message: string): never => {
  process.stderr.write(`${NAME}: ${message}\nusage: ${REHEARSE_USAGE.usage}\n`);
  process.exit(2);
};
if (values.env && (positionals.length > 0 || values.apply || values.json !== undefined)) {
  badUsage("--env takes no stacks, --apply or --json: it only prints the environment for running terraform or the cdktf CLI yourself");
}

// Loaded after the usage check, so that --help and bad usage answer without loading cdktf.
const { ModelError, formatIssue } = require("../lib/model/errors") as typeof import("../lib/model/errors");
const { loadEnvironmentModel, modelFile } = require("../lib/model/load") as typeof import("../lib/model/load");
const { RehearseInputError, rehearse, selectStacks } = require("../lib/rehearse/rehearse") as typeof import("../lib/rehearse/rehearse");
const { checkTerraform, terraformEnv } = require("../lib/rehearse/terraform") as typeof import("../lib/rehearse/terraform");
const { WorkspaceFileError, readWorkspace, writeWorkspaceAtomically } = require("../stand-in/workspace/file") as typeof import("../stand-in/workspace/file");

function fail(message: string, code: 1 | 2): never {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<number> {
  let model;
  try {
    model = loadEnvironmentModel(modelFile());
  } catch (e) {
    if (e instanceof ModelError) fail(`the environment model ${e.source} is not valid:\n${e.issues.map((i) => `  - ${formatIssue(e.source, i)}`).join("\n")}`, 2);
    throw e;
  }
  if (values.env) return printEnv(model);
  try {
    // Bad input first (exit 2), before terraform is even looked for.
    const { desiredState } = require("../lib/desired-state") as typeof import("../lib/desired-state");
    selectStacks(desiredState(model).stacks, positionals);
    if (values.workspace !== undefined && fs.existsSync(values.workspace)) readWorkspace(values.workspace);
  } catch (e) {
    if (e instanceof RehearseInputError || e instanceof WorkspaceFileError) fail(e.message, 2);
    throw e;
  }
  const problem = await checkTerraform(terraformEnv({}));
  if (problem) fail(problem, 2);
  try {
    const result = await rehearse({
      model,
      stacks: positionals,
      ...(values.workspace !== undefined ? { workspace: values.workspace } : {}),
      apply: values.apply === true,
      ...(values.json !== undefined ? { json: values.json } : {}),
      projectDir: process.cwd(),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    // Each stack's line, then what the guard refuses in its plan: the result, on stdout.
    const { formatFinding } = require("../lib/rehearse/plan-guard") as typeof import("../lib/rehearse/plan-guard");
    for (const o of result.outcomes) process.stdout.write([o.line, ...o.findings.map((f) => formatFinding(o.stack, f))].map((l) => `${l}\n`).join(""));
    return result.code;
  } catch (e) {
    if (e instanceof RehearseInputError || e instanceof WorkspaceFileError) fail(e.message, 2);
    throw e;
  }
}

function printEnv(model: import("../lib/model/types").EnvironmentModel): number {
  const { envInstallDir, prepareEnvDir, shellQuote } = require("../lib/rehearse/command") as typeof import("../lib/rehearse/command");
  const { installStandIn } = require("../stand-in/install") as typeof import("../stand-in/install");
  const { seedWorkspace } = require("../stand-in/seed") as typeof import("../stand-in/seed");
  const dir = envInstallDir(process.cwd());
  try {
    prepareEnvDir(dir);
  } catch (e) {
    fail((e as Error).message, 2);
  }
  let workspace: string;
  if (values.workspace !== undefined) {
    workspace = path.resolve(values.workspace);
    if (fs.existsSync(workspace)) readWorkspace(workspace);
    else writeWorkspaceAtomically(workspace, seedWorkspace(model));
  } else {
    workspace = path.join(dir, "workspace.json");
    writeWorkspaceAtomically(workspace, seedWorkspace(model));
  }
  const install = installStandIn(path.join(dir, "stand-in"), workspace);
  for (const name of ["TF_CLI_CONFIG_FILE", "UC_STAND_IN_WORKSPACE", "CHECKPOINT_DISABLE"]) process.stdout.write(`export ${name}=${shellQuote(install.env[name])}\n`);
  process.stderr.write(
    `${NAME}: the stand-in is installed in ${dir} (kept after this command; the next --env replaces it; remove it with rm -rf when done).\n` +
      `${NAME}: the workspace is ${workspace}${values.workspace === undefined ? " (the model's pre-deploy workspace)" : ""}.\n` +
      `${NAME}: then: npx cdktf diff STACK --skip-provider-lock; npx cdktf deploy STACK --auto-approve --skip-provider-lock\n`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof WorkspaceFileError) fail(error.message, 2);
    process.stderr.write(`${NAME}: failed unexpectedly (a bug; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
