/**
 * The bundle commands' options (`bundle`, `bundle:check`: `--outputs` may be repeated, `--out`,
 * `--model`), on the one command-line helper (lib/cli/command.ts: parsing, exit codes, messages).
 * 0: done (check: passed); 1: findings; 2: bad usage or bad input, the reason on stderr.
 */
import { EXIT, UsageError, checkNotEmpty, checkPositionals, parseLine, processIo, runLine, type Io } from "../cli/command";

export { EXIT, UsageError, processIo, type Io };

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
  const options = Object.fromEntries(spec.options.map((o) => [o, { type: "string" as const, ...(o === "outputs" ? { multiple: true } : {}) }]));
  // An option npm took for itself (`npm run bundle:check --model m.yaml DIR`, without `--`) is said by parseLine.
  const line = parseLine(argv, { ...spec, options, positionals: spec.positionals.length }, name, env);
  checkPositionals(line, spec.positionals);
  const values = line.values as { out?: string; outputs?: string[]; model?: string };
  for (const o of ["out", "model"] as const) checkNotEmpty(o, values[o], "a path");
  checkNotEmpty("outputs", values.outputs, "a path");
  return {
    ...(values.out !== undefined ? { out: values.out } : {}),
    outputs: values.outputs ?? [],
    ...(values.model !== undefined ? { model: values.model } : {}),
    positionals: [...line.positionals],
    help: line.help,
  };
}

/**
 * Runs a bundle command and returns its exit code (the scripts set process.exitCode; tests call it
 * in-process). `--help` prints the usage and does nothing else.
 */
export function runBundleCommand(name: string, spec: BundleCommandSpec, argv: readonly string[], io: Io, main: (cli: BundleCommandLine) => number): number {
  return runLine(name, spec, io, () => parseBundleCommandLine(argv, spec, name), main) as number;
}
