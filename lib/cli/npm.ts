/**
 * What npm does to a command line before the command sees it: it reads the options before `--` as
 * its own. Every command tells that apart from a user's mistake and says the line that works.
 */
import * as fs from "fs";

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

