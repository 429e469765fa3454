/**
 * The review commands' options (`npm run grants`, `policy`, `grants:diff`, `audit`, `verdict`,
 * `plan-guard`, `deploy-check`, `github-check`): `--out`, `--format`, `--model`, ... and each
 * command's own flags, on the one command-line helper (lib/cli/command.ts: parsing, exit codes,
 * messages). 0: done (policy: passed); 1: policy violations; 2: bad usage or bad input (a missing or
 * malformed cdktf.out, an invalid model), with the reason on stderr and nothing on stdout.
 */
import { loadEnvironmentModel, modelFile } from "../model/load";
import type { EnvironmentModel } from "../model/types";
import { UsageError, checkNotEmpty, checkPositionals, parseLine, processIo, runLine, runScript, type LineSpec, type OptionSpec } from "../cli/command";
import { FAIL_ON } from "./fail-on";

export { EXIT, UsageError, lastCommand } from "../cli/command";

export type Format = "md" | "json" | "mermaid";
export const FORMATS: readonly Format[] = ["md", "json", "mermaid"];

export interface CommandSpec {
  /** e.g. `npm run --silent grants -- [--out DIR] [--format md|json]`. */
  readonly usage: string;
  /** One paragraph: what the command does and its options. */
  readonly help: string;
  readonly options: readonly ("out" | "format" | "model" | "base-model" | "head-model" | "env" | "fail-on")[];
  /** Names of the required positional arguments, e.g. `["BASE_DIR", "HEAD_DIR"]`. */
  readonly positionals?: readonly string[];
  /** A command's own string options (`--head DIR`), read from CommandLine.flags. */
  readonly flags?: readonly string[];
}

export interface CommandLine {
  readonly out: string;
  readonly format: Format;
  /** Only when `--model` was given. */
  readonly model?: string;
  /** Only when `--base-model` / `--head-model` were given (grants:diff). */
  readonly baseModel?: string;
  readonly headModel?: string;
  /** Every `--env` given, in order (repeatable); empty when none. */
  readonly envs: readonly string[];
  /** Only when `--fail-on` was given (the command reads it). */
  readonly failOn?: string;
  readonly positionals: readonly string[];
  readonly help: boolean;
  /** The values of the command's own options (CommandSpec.flags) that were given. */
  readonly flags: { readonly [name: string]: string | undefined };
}

/** Values an option takes, to tell a stray `mermaid` left by npm (`npm run grants --format mermaid`). */
const OPTION_VALUES: { readonly [option: string]: (value: string) => boolean } = {
  format: (v) => (FORMATS as readonly string[]).includes(v),
  "fail-on": (v) => v.split(",").every((x) => (FAIL_ON as readonly string[]).includes(x.trim())),
};

/** The command's line as the one helper parses it (lib/cli/command.ts): its options, then its own flags. */
function lineSpec(spec: CommandSpec): LineSpec {
  const options: { [name: string]: OptionSpec } = {};
  for (const o of [...spec.options, ...(spec.flags ?? [])]) options[o] = { type: "string", ...(o === "env" ? { multiple: true } : {}), ...(OPTION_VALUES[o] ? { value: OPTION_VALUES[o] } : {}) };
  return { ...spec, options, positionals: (spec.positionals ?? []).length };
}

/**
 * Parses a review command's arguments. `name` (the npm script) lets it tell options npm took for
 * itself (`npm run grants --format mermaid`, without `--`) and say how to pass them.
 */
export function parseCommandLine(argv: readonly string[], spec: CommandSpec, name?: string, env: NodeJS.ProcessEnv = process.env): CommandLine {
  const line = parseLine(argv, lineSpec(spec), name, env);
  checkPositionals(line, spec.positionals ?? []);
  const values = line.values as { out?: string; format?: string; model?: string; "base-model"?: string; "head-model"?: string; env?: string[]; "fail-on"?: string };
  const format = values.format ?? "md";
  if (!FORMATS.includes(format as Format)) throw new UsageError(`--format must be ${FORMATS.slice(0, -1).join(", ")} or ${FORMATS[FORMATS.length - 1]}, got ${JSON.stringify(format)}`);
  for (const o of ["out", "model", "base-model", "head-model"] as const) checkNotEmpty(o, values[o], "a path");
  checkNotEmpty("env", values.env, "an environment key");
  const flags = Object.fromEntries((spec.flags ?? []).map((f) => [f, line.values[f] as string | undefined]));
  for (const [f, v] of Object.entries(flags)) checkNotEmpty(f, v, "a value");
  return {
    out: values.out ?? "cdktf.out",
    format: format as Format,
    model: values.model,
    baseModel: values["base-model"],
    headModel: values["head-model"],
    envs: values.env ?? [],
    failOn: values["fail-on"],
    positionals: [...line.positionals],
    help: line.help,
    flags,
  };
}

/** The environment model for the policy: `--model`, else ENVIRONMENTS_FILE, else environments.yaml. */
export function loadModel(file: string | undefined): EnvironmentModel {
  return loadEnvironmentModel(file ?? modelFile());
}

/** A command: its name (in messages), its usage and help, and what it does with the parsed line. */
export interface Command {
  readonly name: string;
  readonly spec: CommandSpec;
  readonly main: (cli: CommandLine) => number | Promise<number>;
}

export function defineCommand(name: string, spec: CommandSpec, main: Command["main"]): Command {
  return { name, spec, main };
}

/** Runs a command on the process's arguments and sets its exit code (a script's only line). */
export function runCommand(command: Command): void {
  runScript((io) => runLine(command.name, command.spec, io, () => parseCommandLine(process.argv.slice(2), command.spec, command.name), command.main));
}

/**
 * Runs a command on `argv`, as its script would: usage and help, exit codes, messages on stderr.
 * Resolves to the exit code (also set as process.exitCode).
 */
export async function executeCommand(command: Command, argv: readonly string[]): Promise<number> {
  const code = await runLine(command.name, command.spec, processIo, () => parseCommandLine(argv, command.spec, command.name), command.main);
  process.exitCode = code;
  return code;
}
