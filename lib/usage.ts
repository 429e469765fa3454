/**
 * `--help` and bad usage for the commands that take no arguments (synth, update, addresses:update;
 * the review commands have lib/review/cli.ts): usage on stdout for --help, exit 2 with the usage on stderr
 * for anything else, before the script does anything.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";

/** The committed environment model, which `update` and `addresses:update` refresh the generated files of. */
export const LIVE_MODEL = "environments.yaml";

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

/** A command line as npm passed it on: the command's name (its npm script), its options, what it got. */
export interface NpmRun {
  /** The npm script, e.g. `grants:diff`. */
  readonly name: string;
  /** The arguments the command got. */
  readonly argv: readonly string[];
  /** The command's options (without `--`). */
  readonly options: readonly string[];
  /** Arguments it did not expect (every positional, for a command that takes none). */
  readonly strays: readonly string[];
  /** Whether a stray is a value of an option (`mermaid` of `--format`). */
  readonly values?: { readonly [option: string]: (value: string) => boolean };
  /** How many positional arguments the command takes. @default 0 */
  readonly positionals?: number;
  /** The options that take no value (`--apply`). @default - none */
  readonly booleans?: readonly string[];
}

/**
 * npm reads the options before `--` as its own: `npm run grants --format mermaid` keeps `--format`
 * (and sets npm_config_format, or for a name npm knows, nothing) and passes on the stray `mermaid`.
 * Returns the fix when that is what happened: a stray that is a value of one of the command's
 * options, or an option npm took as a flag (npm_config_<option>=true while this script runs).
 */
export function npmTookOptions(run: NpmRun, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return npmTook(run, env)?.message;
}

/** npmTookOptions, with the options npm took. */
export function npmTook(run: NpmRun, env: NodeJS.ProcessEnv = process.env): { readonly taken: readonly string[]; readonly message: string } | undefined {
  const given = (o: string) => run.argv.some((a) => a === `--${o}` || a.startsWith(`--${o}=`));
  const taken: { option: string; value?: string }[] = [];
  const left = [...run.strays];
  for (const o of run.options) {
    if (given(o)) continue;
    // A value that is also an existing path (a directory named prod) is taken as the path it names.
    const i = left.findIndex((p) => run.values?.[o]?.(p) === true && !fs.existsSync(p));
    if (i !== -1) taken.push({ option: o, value: left.splice(i, 1)[0] });
    else if (env.npm_lifecycle_event === run.name && env[`npm_config_${o.replace(/-/g, "_")}`] === "true") taken.push({ option: o });
  }
  if (taken.length === 0) return undefined;
  for (const t of taken) if (run.booleans?.includes(t.option)) t.value = "";
  // One option without its value and one argument too many (a command without positionals): that is its value.
  const missing = taken.filter((t) => t.value === undefined);
  if (missing.length === 1 && (run.positionals ?? 0) === 0 && left.length === 1) missing[0].value = left.splice(0, 1)[0];
  const names = taken.map((t) => `--${t.option}`).join(" and ");
  const plural = taken.length > 1 ? "s" : "";
  const got = run.strays.length > 0 ? `, so ${run.name} got ${run.strays.map((a) => JSON.stringify(a)).join(" ")} as argument${run.strays.length > 1 ? "s" : ""}` : `, so ${run.name} never got ${taken.length > 1 ? "them" : "it"}`;
  const rest = [...run.argv];
  for (const t of taken) if (t.value) rest.splice(rest.indexOf(t.value), 1);
  const fixed = taken.every((t) => t.value !== undefined)
    ? `npm run --silent ${run.name} -- ${[...rest, ...taken.flatMap((t) => [`--${t.option}`, ...(t.value === "" ? [] : [t.value!])])].map(shellWord).join(" ")}`
    : `npm run --silent ${run.name} -- ${taken.map((t) => (t.value === "" ? `--${t.option}` : `--${t.option} ...`)).join(" ")}`;
  return {
    taken: taken.map((t) => t.option),
    message: `npm took ${names} as its own option${plural} (npm reads the options before \`--\`)${got}. Fix: put \`--\` before the command's options: \`${fixed}\``,
  };
}

/** A word as a shell reads it back. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * Parses `argv` (the script's own arguments): returns normally for none; prints the help and exits
 * 0 for --help/-h; prints the problem and the usage on stderr and exits 2 for anything else.
 */
export function handleUsage(name: string, spec: Usage, argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): void {
  let help = false;
  try {
    const { values } = parseArgs({ args: [...argv], options: { help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
    help = values.help === true;
  } catch (e) {
    process.stderr.write(`${name}: ${usageProblem(name, spec, argv, e as Error, [], env)}\nusage: ${spec.usage}\n`);
    process.exit(2);
  }
  if (help) {
    process.stdout.write(`usage: ${spec.usage}\n\n${spec.help}\n`);
    process.exit(0);
  }
}

/**
 * The model file a recording command may use: only the committed environments.yaml. Another model
 * (ENVIRONMENTS_FILE) would overwrite the committed manifests with its addresses; exit 2 saying so.
 */
export function refuseOtherModel(name: string, committed: string, env: NodeJS.ProcessEnv = process.env): void {
  const other = env.ENVIRONMENTS_FILE;
  if (!other) return;
  if (path.resolve(other) === path.resolve(committed)) return;
  process.stderr.write(
    `${name}: ENVIRONMENTS_FILE=${other} is not the committed model ${committed}; ${name} records the committed model's ` +
      `generated files (terraform-addresses.json and the snapshots), and another model's would overwrite them. ` +
      `Fix: unset ENVIRONMENTS_FILE, or copy that model over ${committed} if it is meant to replace it ` +
      `(README, "Adopting the project for another organisation").\n`,
  );
  process.exit(2);
}

/** An option of a command that takes options: a flag (boolean) or a value (string). */
export type OptionSpec = { readonly type: "boolean" } | { readonly type: "string" };

/**
 * Parses a command that takes options and positional arguments the way `handleUsage` does a
 * command without: --help/-h prints the usage and help and exits 0; an unknown option, a missing
 * value or an empty one prints the problem and the usage on stderr and exits 2. Returns the values
 * (absent options are absent) and the positional arguments.
 */
export function handleOptions<O extends { readonly [name: string]: OptionSpec }>(
  name: string,
  spec: Usage,
  options: O,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): { values: { [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : string }; positionals: string[] } {
  const usageError = (message: string): never => {
    process.stderr.write(`${name}: ${message}\nusage: ${spec.usage}\n`);
    process.exit(2);
  };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: true });
  } catch (e) {
    return usageError(usageProblem(name, spec, argv, e as Error, Object.keys(options), env));
  }
  // An option npm took (`npm run rehearse --apply`) never reaches the command: say so rather than run without it.
  const booleans = Object.keys(options).filter((o) => options[o].type === "boolean");
  const took = npmTookOptions({ name, argv, options: Object.keys(options), strays: parsed.positionals, positionals: Infinity, booleans }, env);
  if (took !== undefined) usageError(took);
  if (parsed.values.help === true) {
    process.stdout.write(`usage: ${spec.usage}\n\n${spec.help}\n`);
    process.exit(0);
  }
  for (const [option, value] of Object.entries(parsed.values)) if (value === "") usageError(`--${option} needs a value`);
  const { help: _help, ...values } = parsed.values;
  return { values: values as { [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : string }, positionals: parsed.positionals };
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
