/**
 * The one command-line helper every command runs through: parsing its arguments (Node's parser,
 * strict), telling options npm took for itself from a user's mistake, `--help`, and running it:
 * exit codes and messages the same for every command. 0: done (a check passed); 1: the check found
 * something; 2: bad usage (the problem and the usage on stderr, nothing on stdout), bad input (the
 * reason on stderr), or a crash (with the stack, as a bug), so that CI never reads a crash as a
 * verdict. Each command's own options are checked by the command (lib/review/cli.ts,
 * lib/bundle/cli.ts), its usage and help stated with it.
 */
import { parseArgs } from "util";
import { ModelError, formatIssue } from "../model/errors";
import { EXIT, InputError, UsageError } from "./errors";
import { npmTook, npmTookOptions } from "./npm";

export { EXIT, InputError, UsageError } from "./errors";

export interface Usage {
  /** e.g. `npm run update`. */
  readonly usage: string;
  /** What the command does, its inputs and what it writes. */
  readonly help: string;
  /**
   * What to say about an option the command does not take but a user may reach for, e.g. synth's
   * `--out`: `it writes to $CDKTF_OUTDIR: CDKTF_OUTDIR=DIR npm run synth`.
   * @default - Node's message alone
   */
  readonly optionHints?: { readonly [option: string]: string };
}

/** An option: a flag, or one value (or several, `multiple`). */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** Repeatable: `--outputs a --outputs b`. */
  readonly multiple?: boolean;
  /** Whether a stray argument is a value of this option (npm took `--format` and left `mermaid`). */
  readonly value?: (v: string) => boolean;
}

export interface LineSpec extends Usage {
  readonly options: { readonly [name: string]: OptionSpec };
  /** How many positional arguments the command takes; `any` for a list. */
  readonly positionals: number | "any";
  /** Node's parser refuses any positional argument (a command that takes neither options nor arguments). */
  readonly noArguments?: boolean;
  /**
   * An option npm took is said even with --help (a command whose --help npm never passes anyway).
   * @default - --help answers first
   */
  readonly npmBeforeHelp?: boolean;
}

export interface ParsedLine {
  readonly values: { readonly [name: string]: string | readonly string[] | boolean | undefined };
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/**
 * Parses `argv` (the command's own arguments; `name`, its npm script, to tell options npm took).
 * Throws UsageError with the problem; the caller checks its own option values after.
 */
export function parseLine(argv: readonly string[], spec: LineSpec, name?: string, env: NodeJS.ProcessEnv = process.env): ParsedLine {
  const names = Object.keys(spec.options);
  const options = Object.fromEntries(Object.entries(spec.options).map(([o, s]) => [o, { type: s.type, ...(s.multiple ? { multiple: true } : {}) }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: !spec.noArguments, strict: true });
  } catch (e) {
    throw new UsageError(usageProblem(name ?? "", spec, argv, e as Error, names, env));
  }
  const help = parsed.values.help === true;
  if (name !== undefined && (spec.npmBeforeHelp || !help)) {
    const values = Object.fromEntries(Object.entries(spec.options).flatMap(([o, s]) => (s.value ? [[o, s.value] as const] : [])));
    const booleans = names.filter((o) => spec.options[o].type === "boolean");
    const took = npmTookOptions({ name, argv, options: names, strays: parsed.positionals, ...(Object.keys(values).length > 0 ? { values } : {}), positionals: spec.positionals === "any" ? Infinity : spec.positionals, ...(booleans.length > 0 ? { booleans } : {}) }, env);
    // A value npm left behind is an error however many arguments there are; an option it took
    // silently (npm_config_<option>=true) too: the command would run without it.
    if (took !== undefined) throw new UsageError(took);
  }
  const { help: _help, ...values } = parsed.values;
  return { values: values as ParsedLine["values"], positionals: parsed.positionals, help };
}

/** The positional arguments the command takes, by name: exactly those (`expected X and Y, got ...`). */
export function checkPositionals(line: ParsedLine, names: readonly string[]): void {
  if (line.help || line.positionals.length === names.length) return;
  throw new UsageError(
    names.length === 0
      ? `unexpected argument ${JSON.stringify(line.positionals[0])}`
      : `expected ${names.join(" and ")}, got ${line.positionals.length === 0 ? "nothing" : line.positionals.map((p) => JSON.stringify(p)).join(" ")}`,
  );
}

/** An option given with an empty value: `--out needs a path`. */
export function checkNotEmpty(option: string, value: string | readonly string[] | boolean | undefined, needs: string): void {
  if (value === "" || (Array.isArray(value) && value.includes(""))) throw new UsageError(`--${option} needs ${needs}`);
}

/**
 * The message for a command line Node's parser refused: npm's taking of an option first (`npm run
 * synth --out DIR` leaves synth a stray `DIR`), else Node's words and the hint for the option.
 */
function usageProblem(name: string, spec: Usage, argv: readonly string[], error: Error, options: readonly string[], env: NodeJS.ProcessEnv): string {
  const message = error.message.split(". To specify")[0];
  const stray = /^Unexpected argument '(.*?)'/.exec(message)?.[1];
  const unknown = /^Unknown option '(.*?)'$/.exec(message)?.[1];
  const hinted = Object.keys(spec.optionHints ?? {});
  // A stray left by npm: it took one of the command's options, or one the command does not take but has a hint for.
  const took = stray !== undefined ? npmTook({ name, argv, options: [...options, ...hinted], strays: argv.filter((a) => !a.startsWith("-")) }, env) : undefined;
  const takenHint = hinted.find((o) => took?.taken.includes(o));
  if (takenHint !== undefined) return `npm took --${takenHint} as its own option (npm reads the options before \`--\`), and ${name} takes no --${takenHint} either: ${spec.optionHints![takenHint]}`;
  if (took !== undefined) return took.message;
  const hint = unknown !== undefined ? spec.optionHints?.[unknown.replace(/^-+/, "").split("=")[0]] : undefined;
  return hint !== undefined ? `${message}: ${name} takes no ${unknown}; ${hint}` : message;
}

// --- running ----------------------------------------------------------------------------------------

/** Where a command writes: the process's streams, or a test's. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/**
 * Runs a command's `main` on its parsed line: `--help` prints the usage and help (exit 0); a
 * failure prints its message (usage error, bad input, an invalid model, a crash) and gives 2.
 * Returns the exit code, or a promise of it when `main` waits on another program.
 */
export function runLine<L>(name: string, usage: Usage, io: Io, parse: () => L & { readonly help: boolean }, main: (line: L) => number | Promise<number>): number | Promise<number> {
  let code: number | Promise<number>;
  try {
    const line = parse();
    if (line.help) {
      io.stdout(`usage: ${usage.usage}\n\n${usage.help}\n`);
      return EXIT.ok;
    }
    code = main(line);
  } catch (error) {
    return failed(name, usage, io, error);
  }
  return typeof code === "number" ? code : code.then((c) => c, (error) => failed(name, usage, io, error));
}

/** What a failure says, and its exit code (always 2). */
export function failed(name: string, usage: Usage, io: Io, error: unknown): number {
  if (error instanceof UsageError) {
    io.stderr(`${name}: ${error.message}\nusage: ${usage.usage}\n`);
  } else if (error instanceof InputError) {
    io.stderr(`${name}: ${error.message}\n`);
  } else if (error instanceof ModelError) {
    io.stderr(`${name}: the environment model ${error.source} is not valid:\n${error.issues.map((i) => `  - ${formatIssue(error.source, i)}`).join("\n")}\n`);
  } else {
    io.stderr(`${name}: failed unexpectedly (a bug; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`);
  }
  return EXIT.badInput;
}

/** The exit code of the last command run in this process, once it is known (for tests that run commands in-process). */
export let lastCommand: Promise<number> = Promise.resolve(EXIT.ok);

/** Runs a command as a script's only line: its exit code becomes the process's (exitCode, so that a large output piped on is flushed first). */
export function runScript(run: (io: Io) => number | Promise<number>): void {
  lastCommand = Promise.resolve(run(processIo)).then((code) => {
    process.exitCode = code;
    return code;
  });
}

/**
 * For a script with no options of its own that does its work at the top level (synth, update):
 * --help prints the usage and exits 0; anything else prints the problem and the usage and exits 2,
 * before the script loads anything heavy.
 */
export function exitOnUsage(name: string, usage: Usage, argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): void {
  const code = runLine(name, usage, processIo, () => parseLine(argv, { ...usage, options: {}, positionals: 0, noArguments: true }, name, env), () => -1) as number;
  if (code !== -1) process.exit(code);
}
