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

export function runInProcess(script: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  const command = COMMANDS[script];
  if (command) return captured(env, () => executeCommand(command(), args));
  return runFileInProcess(path.join(ROOT, "scripts", `${script}.ts`), args, env);
}

/** The same for any entry file (`main.ts`, `scripts/bench.js`, ...): required afresh each time. */
export function runFileInProcess(file: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
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
  });
}

/** Runs `body` with the environment changed by `env`, the streams captured and process.exit turned into a result. */
async function captured(env: Record<string, string | undefined>, body: () => Promise<number>): Promise<{ status: number; stdout: string; stderr: string }> {
  const saved = { exitCode: process.exitCode, exit: process.exit, out: process.stdout.write, err: process.stderr.write, env: { ...process.env } };
  let stdout = "";
  let stderr = "";
  process.exitCode = undefined;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
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
