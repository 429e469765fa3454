/**
 * Command-line plumbing of `bundle` and `bundle:check`: the review commands' exit codes and usage
 * errors (lib/review/cli.ts), with the bundle commands' own options (`--outputs` may be repeated).
 * 0: done (check: passed); 1: findings; 2: bad usage or bad input, the reason on stderr.
 */
import { parseArgs } from "util";
import { ModelError, formatIssue } from "../model/errors";
import { npmTookOptions } from "../usage";
import { EXIT, UsageError } from "../review/cli";
import { BundleInputError } from "./errors";

export { EXIT, UsageError };

export interface BundleCommandSpec {
  readonly usage: string;
  readonly help: string;
  readonly options: readonly ("out" | "outputs" | "model")[];
  readonly positionals: readonly string[];
}

export interface BundleCommandLine {
  readonly out?: string;
  readonly outputs: readonly string[];
  readonly model?: string;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

export function parseBundleCommandLine(argv: readonly string[], spec: BundleCommandSpec, name?: string, env: NodeJS.ProcessEnv = process.env): BundleCommandLine {
  const options: Record<string, { type: "string"; multiple?: boolean }> = {};
  for (const o of spec.options) options[o] = o === "outputs" ? { type: "string", multiple: true } : { type: "string" };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split(". To specify")[0]);
  }
  const values = parsed.values as { out?: string; outputs?: string[]; model?: string; help?: boolean };
  if (name !== undefined && !values.help) {
    // An option npm took for itself (`npm run bundle:check --model m.yaml DIR`, without `--`).
    const took = npmTookOptions({ name, argv, options: spec.options, strays: parsed.positionals, positionals: spec.positionals.length }, env);
    if (took !== undefined) throw new UsageError(took);
  }
  if (!values.help && parsed.positionals.length !== spec.positionals.length) {
    throw new UsageError(
      spec.positionals.length === 0
        ? `unexpected argument ${JSON.stringify(parsed.positionals[0])}`
        : `expected ${spec.positionals.join(" and ")}, got ${parsed.positionals.length === 0 ? "nothing" : parsed.positionals.map((p) => JSON.stringify(p)).join(" ")}`,
    );
  }
  for (const o of ["out", "model"] as const) if (values[o] === "") throw new UsageError(`--${o} needs a path`);
  if ((values.outputs ?? []).some((o) => o === "")) throw new UsageError("--outputs needs a path");
  return {
    ...(values.out !== undefined ? { out: values.out } : {}),
    outputs: values.outputs ?? [],
    ...(values.model !== undefined ? { model: values.model } : {}),
    positionals: parsed.positionals,
    help: values.help === true,
  };
}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * Runs a bundle command and returns its exit code (the scripts set process.exitCode; tests call it
 * in-process). `--help` prints the usage and does nothing else.
 */
export function runBundleCommand(name: string, spec: BundleCommandSpec, argv: readonly string[], io: Io, main: (cli: BundleCommandLine) => number): number {
  try {
    const cli = parseBundleCommandLine(argv, spec, name);
    if (cli.help) {
      io.stdout(`usage: ${spec.usage}\n\n${spec.help}\n`);
      return EXIT.ok;
    }
    return main(cli);
  } catch (error) {
    if (error instanceof UsageError) io.stderr(`${name}: ${error.message}\nusage: ${spec.usage}\n`);
    else if (error instanceof BundleInputError) io.stderr(`${name}: ${error.message}\n`);
    else if (error instanceof ModelError) {
      io.stderr(`${name}: the environment model ${error.source} is not valid:\n${error.issues.map((i) => `  - ${formatIssue(error.source, i)}`).join("\n")}\n`);
    } else io.stderr(`${name}: failed unexpectedly (a bug; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.badInput;
  }
}

export const processIo: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
