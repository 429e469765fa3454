/**
 * Runs a command script (scripts/<name>.ts) in this process, as `npm run --silent <name> -- ARGS`
 * would, and returns its exit code and what it wrote: the same code path as the real process
 * (argument parsing, runCommand, exit codes, streams), without a node start-up for each case.
 * Each command file also keeps one test through a real process.
 */
import * as path from "path";
import { executeCommand, type Command } from "../lib/review/cli";
import { ROOT } from "./helpers";

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** The commands defined in lib/commands: run through their definition, loaded once per test file. */
const COMMANDS: Record<string, () => Command> = {
  policy: () => require("../lib/commands/policy").policyCommand,
  grants: () => require("../lib/commands/grants").grantsCommand,
  "grants-diff": () => require("../lib/commands/grants-diff").grantsDiffCommand,
  audit: () => require("../lib/commands/audit").auditCommand,
  verdict: () => require("../lib/commands/verdict").verdictCommand,
  "plan-guard": () => require("../lib/commands/plan-guard").planGuardCommand,
  "deploy-check": () => require("../lib/commands/deploy-check").deployCheckCommand,
  "github-check": () => require("../lib/commands/github-check").githubCheckCommand,
};

/** Receives every chunk written to stdout or stderr, in the order written (what a terminal shows). */
export type Transcript = (chunk: string) => void;

export function runInProcess(script: string, args: readonly string[], env: Record<string, string | undefined> = {}, transcript?: Transcript): Promise<{ status: number; stdout: string; stderr: string }> {
  const command = COMMANDS[script];
  if (command) return captured(env, () => executeCommand(command(), args), transcript);
  return runFileInProcess(path.join(ROOT, "scripts", `${script}.ts`), args, env, transcript);
}

/** The same for any entry file (`main.ts`, `scripts/bench.js`, ...): required afresh each time. */
export function runFileInProcess(file: string, args: readonly string[], env: Record<string, string | undefined> = {}, transcript?: Transcript): Promise<{ status: number; stdout: string; stderr: string }> {
  return captured(env, async () => {
    const savedArgv = process.argv;
    process.argv = [process.execPath, file, ...args];
    try {
      let cli!: typeof import("../lib/cli/command");
      jest.isolateModules(() => {
        cli = require("../lib/cli/command");
        require(file);
      });
      const code = await cli.lastCommand;
      // A script that sets process.exitCode itself rather than through the command helper.
      return typeof process.exitCode === "number" ? process.exitCode : code;
    } finally {
      process.argv = savedArgv;
    }
  }, transcript);
}

/** Runs `body` with the environment changed by `env`, the streams captured and process.exit turned into a result. */
async function captured(env: Record<string, string | undefined>, body: () => Promise<number>, transcript?: Transcript): Promise<{ status: number; stdout: string; stderr: string }> {
  const saved = { exitCode: process.exitCode, exit: process.exit, out: process.stdout.write, err: process.stderr.write, env: { ...process.env } };
  let stdout = "";
  let stderr = "";
  process.exitCode = undefined;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), transcript?.(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), transcript?.(String(chunk)), true)) as typeof process.stderr.write;
  process.exit = ((code?: number) => {
    throw new Exit(code ?? 0);
  }) as typeof process.exit;
  let status: number;
  try {
    status = await body();
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    status = e.code;
  } finally {
    process.exit = saved.exit;
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    for (const k of Object.keys(process.env)) if (!(k in saved.env)) delete process.env[k];
    Object.assign(process.env, saved.env);
  }
  process.exitCode = saved.exitCode;
  return { status, stdout, stderr };
}

/**
 * `npm run synth` without arguments, in this process and this module registry: main.ts's body
 * (main.ts only wires: the usage check, then these calls). Much cheaper than runFileInProcess(main.ts),
 * which loads cdktf afresh each time; __tests__/e2e/docs-examples.test.ts checks that the two print the
 * same, and synth-cli.test.ts runs main.ts itself.
 */
export function runSynthInProcess(env: Record<string, string | undefined> = {}, transcript?: Transcript): Promise<{ status: number; stdout: string; stderr: string }> {
  return captured(
    env,
    async () => {
      const { buildApp } = require("../lib/app") as typeof import("../lib/app");
      const { desiredState } = require("../lib/desired-state") as typeof import("../lib/desired-state");
      const { loadEnvironmentModel, modelFile } = require("../lib/model/load") as typeof import("../lib/model/load");
      const { synthAtomically } = require("../lib/synth") as typeof import("../lib/synth");
      synthAtomically((outdir) => {
        const model = loadEnvironmentModel(modelFile());
        const desired = desiredState(model);
        return { app: buildApp(model, outdir, process.cwd(), desired), model, desired };
      });
      return typeof process.exitCode === "number" ? process.exitCode : 0;
    },
    transcript,
  );
}
