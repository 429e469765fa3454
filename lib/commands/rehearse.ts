// `npm run --silent rehearse -- [STACK ...] [--workspace FILE] [--apply] [--json FILE] [--env]`:
// terraform plans against the stand-in provider (lib/rehearse/rehearse.ts), on the one command-line
// helper (lib/cli/command.ts). What takes time (cdktf, the stand-in, terraform) is loaded only after
// the command line is read, so that --help and bad usage answer at once.
import * as fs from "fs";
import * as path from "path";
import { InputError, UsageError, checkNotEmpty, parseLine, runLine, type Io, type LineSpec } from "../cli/command";
import type { EnvironmentModel } from "../model/types";
import { REHEARSE_USAGE } from "../rehearse/command";

const NAME = "rehearse";

const SPEC: LineSpec = {
  ...REHEARSE_USAGE,
  options: { workspace: { type: "string" }, apply: { type: "boolean" }, json: { type: "string" }, env: { type: "boolean" } },
  positionals: "any",
  // npm answers `npm run rehearse --help` itself: an option it took is the more useful message.
  npmBeforeHelp: true,
};

interface RehearseLine {
  readonly help: boolean;
  readonly stacks: readonly string[];
  readonly workspace?: string;
  readonly apply: boolean;
  readonly json?: string;
  readonly env: boolean;
}

function parseRehearseLine(argv: readonly string[], env: NodeJS.ProcessEnv): RehearseLine {
  const line = parseLine(argv, SPEC, NAME, env);
  if (line.help) return { help: true, stacks: [], apply: false, env: false };
  for (const [option, value] of Object.entries(line.values)) checkNotEmpty(option, value, "a value");
  const v = line.values as { workspace?: string; apply?: boolean; json?: string; env?: boolean };
  if (v.env && (line.positionals.length > 0 || v.apply || v.json !== undefined)) {
    throw new UsageError("--env takes no stacks, --apply or --json: it only prints the environment for running terraform or the cdktf CLI yourself");
  }
  return { help: false, stacks: [...line.positionals], ...(v.workspace !== undefined ? { workspace: v.workspace } : {}), apply: v.apply === true, ...(v.json !== undefined ? { json: v.json } : {}), env: v.env === true };
}

/** Runs the command on `argv`; resolves to its exit code. */
export function rehearseCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): number | Promise<number> {
  return runLine(NAME, REHEARSE_USAGE, io, () => parseRehearseLine(argv, env), (line) => rehearseMain(line, io));
}

/** Bad input the rehearsal's readers report (an unknown stack, a workspace file that is not one). */
function asInputError(e: unknown): never {
  const { RehearseInputError } = require("../rehearse/rehearse") as typeof import("../rehearse/rehearse");
  const { WorkspaceFileError } = require("../../stand-in/workspace/file") as typeof import("../../stand-in/workspace/file");
  if (e instanceof RehearseInputError || e instanceof WorkspaceFileError) throw new InputError(e.message);
  throw e;
}

async function rehearseMain(line: RehearseLine, io: Io): Promise<number> {
  const { loadEnvironmentModel, modelFile } = require("../model/load") as typeof import("../model/load");
  const model = loadEnvironmentModel(modelFile());
  if (line.env) return printEnv(model, line, io);
  const { rehearse, selectStacks } = require("../rehearse/rehearse") as typeof import("../rehearse/rehearse");
  const { checkTerraform, terraformEnv } = require("../rehearse/terraform") as typeof import("../rehearse/terraform");
  const { readWorkspace } = require("../../stand-in/workspace/file") as typeof import("../../stand-in/workspace/file");
  try {
    // Bad input first (exit 2), before terraform is even looked for.
    const { desiredState } = require("../desired-state") as typeof import("../desired-state");
    selectStacks(desiredState(model).stacks, line.stacks);
    if (line.workspace !== undefined && fs.existsSync(line.workspace)) readWorkspace(line.workspace);
  } catch (e) {
    asInputError(e);
  }
  const problem = await checkTerraform(terraformEnv({}));
  if (problem) throw new InputError(problem);
  try {
    const result = await rehearse({
      model,
      stacks: line.stacks,
      ...(line.workspace !== undefined ? { workspace: line.workspace } : {}),
      apply: line.apply,
      ...(line.json !== undefined ? { json: line.json } : {}),
      projectDir: process.cwd(),
      log: (l) => io.stderr(`${l}\n`),
    });
    // Each stack's line, then what the guard refuses in its plan: the result, on stdout.
    const { formatFinding } = require("../rehearse/plan-guard") as typeof import("../rehearse/plan-guard");
    for (const o of result.outcomes) io.stdout([o.line, ...o.findings.map((f) => formatFinding(o.stack, f))].map((l) => `${l}\n`).join(""));
    return result.code;
  } catch (e) {
    return asInputError(e);
  }
}

/** `--env`: installs the stand-in where plain terraform and the cdktf CLI find it, and prints how. */
function printEnv(model: EnvironmentModel, line: RehearseLine, io: Io): number {
  const { envInstallDir, prepareEnvDir, shellQuote } = require("../rehearse/command") as typeof import("../rehearse/command");
  const { installStandIn } = require("../../stand-in/install") as typeof import("../../stand-in/install");
  const { seedWorkspace } = require("../../stand-in/seed") as typeof import("../../stand-in/seed");
  const { readWorkspace, writeWorkspaceAtomically } = require("../../stand-in/workspace/file") as typeof import("../../stand-in/workspace/file");
  const dir = envInstallDir(process.cwd());
  try {
    prepareEnvDir(dir);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  let workspace: string;
  try {
    if (line.workspace !== undefined) {
      workspace = path.resolve(line.workspace);
      if (fs.existsSync(workspace)) readWorkspace(workspace);
      else writeWorkspaceAtomically(workspace, seedWorkspace(model));
    } else {
      workspace = path.join(dir, "workspace.json");
      writeWorkspaceAtomically(workspace, seedWorkspace(model));
    }
  } catch (e) {
    return asInputError(e);
  }
  const install = installStandIn(path.join(dir, "stand-in"), workspace);
  for (const name of ["TF_CLI_CONFIG_FILE", "UC_STAND_IN_WORKSPACE", "CHECKPOINT_DISABLE", "CDKTF_DISABLE_PLUGIN_CACHE_ENV"]) io.stdout(`export ${name}=${shellQuote(install.env[name])}\n`);
  // A plugin cache of the user's own would keep the stand-in too, for a real init to find later.
  io.stdout("unset TF_PLUGIN_CACHE_DIR\n");
  io.stderr(
    `${NAME}: the stand-in is installed in ${dir} (kept after this command; the next --env replaces it; remove it with rm -rf when done).\n` +
      `${NAME}: the workspace is ${workspace}${line.workspace === undefined ? " (the model's pre-deploy workspace)" : ""}.\n` +
      `${NAME}: then: npx cdktf diff STACK --skip-provider-lock; npx cdktf deploy STACK --auto-approve --skip-provider-lock\n`,
  );
  return 0;
}
