/**
 * `--help` and bad usage for the commands that take no arguments (synth, update, addresses:update;
 * the review commands have lib/review/cli.ts): usage on stdout for --help, exit 2 with the usage on stderr
 * for anything else, before the script does anything.
 */
import * as path from "path";
import { parseArgs } from "util";

/** The committed environment model, which `update` and `addresses:update` refresh the generated files of. */
export const LIVE_MODEL = "environments.yaml";

export interface Usage {
  /** e.g. `npm run update`. */
  readonly usage: string;
  /** What the command does, its inputs and what it writes. */
  readonly help: string;
}

/**
 * Parses `argv` (the script's own arguments): returns normally for none; prints the help and exits
 * 0 for --help/-h; prints the problem and the usage on stderr and exits 2 for anything else.
 */
export function handleUsage(name: string, spec: Usage, argv: readonly string[] = process.argv.slice(2)): void {
  let help = false;
  try {
    const { values } = parseArgs({ args: [...argv], options: { help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
    help = values.help === true;
  } catch (e) {
    process.stderr.write(`${name}: ${(e as Error).message.split(". To specify")[0]}\nusage: ${spec.usage}\n`);
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
): { values: { [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : string }; positionals: string[] } {
  const usageError = (message: string): never => {
    process.stderr.write(`${name}: ${message}\nusage: ${spec.usage}\n`);
    process.exit(2);
  };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: true });
  } catch (e) {
    return usageError((e as Error).message.split(". To specify")[0]);
  }
  if (parsed.values.help === true) {
    process.stdout.write(`usage: ${spec.usage}\n\n${spec.help}\n`);
    process.exit(0);
  }
  for (const [option, value] of Object.entries(parsed.values)) if (value === "") usageError(`--${option} needs a value`);
  const { help: _help, ...values } = parsed.values;
  return { values: values as { [K in keyof O]?: O[K] extends { type: "boolean" } ? boolean : string }, positionals: parsed.positionals };
}
