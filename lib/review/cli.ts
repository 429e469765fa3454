/**
 * Command-line plumbing shared by `npm run grants`, `policy` and `grants:diff`: argument parsing
 * and exit codes. 0: done (policy: passed); 1: policy violations; 2: bad usage or bad input (a
 * missing or malformed cdktf.out, an invalid model), with the reason on stderr and nothing on stdout.
 */
import { parseArgs } from "util";
import { loadEnvironmentModel, modelFile } from "../model/load";
import { ModelError, formatIssue } from "../model/errors";
import type { EnvironmentModel } from "../model/types";
import { npmTookOptions } from "../usage";
import { FAIL_ON } from "./fail-on";
import { ReviewInputError } from "../output/stack";

export const EXIT = { ok: 0, violations: 1, badInput: 2 } as const;

export type Format = "md" | "json" | "mermaid";
export const FORMATS: readonly Format[] = ["md", "json", "mermaid"];

/** Wrong arguments: the message and the usage go to stderr (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

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

/**
 * Parses a review command's arguments. `name` (the npm script) lets it tell options npm took for
 * itself (`npm run grants --format mermaid`, without `--`) and say how to pass them.
 */
export function parseCommandLine(argv: readonly string[], spec: CommandSpec, name?: string, env: NodeJS.ProcessEnv = process.env): CommandLine {
  const options = Object.fromEntries([...spec.options, ...(spec.flags ?? [])].map((o) => [o, { type: "string" as const, multiple: o === "env" }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's messages name the option ("Unknown option '--outt'"); keep them, drop the advice to use "--".
    throw new UsageError((e as Error).message.split(". To specify")[0]);
  }
  const values = parsed.values as { out?: string; format?: string; model?: string; "base-model"?: string; "head-model"?: string; env?: string[]; "fail-on"?: string; help?: boolean };
  const names = spec.positionals ?? [];
  if (name !== undefined && !values.help) {
    const took = npmTookOptions({ name, argv, options: [...spec.options, ...(spec.flags ?? [])], strays: parsed.positionals, values: OPTION_VALUES, positionals: names.length }, env);
    // A value npm left behind is an error however many arguments there are; an option it took
    // silently (npm_config_<option>=true) too: the command would run without it.
    if (took !== undefined) throw new UsageError(took);
  }
  if (!values.help && parsed.positionals.length !== names.length) {
    throw new UsageError(
      names.length === 0
        ? `unexpected argument ${JSON.stringify(parsed.positionals[0])}`
        : `expected ${names.join(" and ")}, got ${parsed.positionals.length === 0 ? "nothing" : parsed.positionals.map((p) => JSON.stringify(p)).join(" ")}`,
    );
  }
  const format = values.format ?? "md";
  if (!FORMATS.includes(format as Format)) throw new UsageError(`--format must be ${FORMATS.slice(0, -1).join(", ")} or ${FORMATS[FORMATS.length - 1]}, got ${JSON.stringify(format)}`);
  for (const o of ["out", "model", "base-model", "head-model"] as const) {
    if (values[o] === "") throw new UsageError(`--${o} needs a path`);
  }
  if (values.env?.includes("")) throw new UsageError("--env needs an environment key");
  const flags = Object.fromEntries((spec.flags ?? []).map((f) => [f, (parsed.values as Record<string, string | undefined>)[f]]));
  for (const [f, v] of Object.entries(flags)) if (v === "") throw new UsageError(`--${f} needs a value`);
  return {
    out: values.out ?? "cdktf.out",
    format: format as Format,
    model: values.model,
    baseModel: values["base-model"],
    headModel: values["head-model"],
    envs: values.env ?? [],
    failOn: values["fail-on"],
    positionals: parsed.positionals,
    help: values.help === true,
    flags,
  };
}

/** The environment model for the policy: `--model`, else ENVIRONMENTS_FILE, else environments.yaml. */
export function loadModel(file: string | undefined): EnvironmentModel {
  return loadEnvironmentModel(file ?? modelFile());
}

/**
 * Runs a command: `main` returns the exit code (or a promise of it, for a command that waits on
 * another program) and writes its result to stdout. Bad usage and bad input print a clear message
 * on stderr and exit 2; so does a crash (with the stack, as a bug), so that CI never reads a crash
 * as "policy violated" (1) or "passed" (0).
 */
/** The exit code of the last command run in this process, once it is known (for tests that run commands in-process). */
export let lastCommand: Promise<number> = Promise.resolve(EXIT.ok);

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
export function runCommand(command: Command): void;
export function runCommand(name: string, spec: CommandSpec, main: Command["main"]): void;
export function runCommand(first: Command | string, spec?: CommandSpec, main?: Command["main"]): void {
  const command = typeof first === "string" ? defineCommand(first, spec!, main!) : first;
  lastCommand = executeCommand(command, process.argv.slice(2));
}

/**
 * Runs a command on `argv`, as its script would: usage and help, exit codes, messages on stderr.
 * Resolves to the exit code (also set as process.exitCode).
 */
export function executeCommand(command: Command, argv: readonly string[]): Promise<number> {
  return new Promise<number>((resolve) => {
    runCommandNow(command.name, command.spec, command.main, argv, resolve);
  });
}

function runCommandNow(name: string, spec: CommandSpec, main: Command["main"], argv: readonly string[], done: (code: number) => void): void {
  let code: number | Promise<number>;
  try {
    const cli = parseCommandLine(argv, spec, name);
    if (cli.help) {
      process.stdout.write(`usage: ${spec.usage}\n\n${spec.help}\n`);
      code = EXIT.ok;
    } else {
      code = main(cli);
    }
  } catch (error) {
    code = failed(name, spec, error);
  }
  // exitCode, not exit(): a large report piped to another process is flushed before node exits.
  const finish = (c: number) => {
    process.exitCode = c;
    done(c);
  };
  if (typeof code === "number") finish(code);
  else code.then(finish, (error) => finish(failed(name, spec, error)));
}

function failed(name: string, spec: CommandSpec, error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`${name}: ${error.message}\nusage: ${spec.usage}\n`);
  } else if (error instanceof ReviewInputError) {
    process.stderr.write(`${name}: ${error.message}\n`);
  } else if (error instanceof ModelError) {
    process.stderr.write(`${name}: the environment model ${error.source} is not valid:\n${error.issues.map((i) => `  - ${formatIssue(error.source, i)}`).join("\n")}\n`);
  } else {
    process.stderr.write(`${name}: failed unexpectedly (a bug; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`);
  }
  return EXIT.badInput;
}
