/**
 * The GitHub Actions workflows of the bundle repository, read as data: every `databricks` command
 * in a `run:` script with the environment it runs in (workflow, job and step `env`, inline
 * `NAME=value`, `export`, and `>> $GITHUB_ENV` writes of earlier steps) and the job's permissions.
 * Scripts are tokenised, never run.
 */
import type { RepoFile } from "./repository";
import { at, entriesOf, textOf, type Node } from "./yaml-tree";

export interface EnvEntry {
  readonly name: string;
  /** The value as written (may hold `${{ ... }}` or `$X`). */
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

export interface DatabricksCommand {
  readonly file: string;
  readonly line: number;
  readonly job: string;
  /** The command as written, one line. */
  readonly text: string;
  /** Arguments after `databricks`. */
  readonly args: readonly string[];
  /** Sub-commands (arguments that are not flags or flag values), e.g. ["bundle", "deploy"]. */
  readonly words: readonly string[];
  /** Environment in scope, innermost last. */
  readonly env: readonly EnvEntry[];
  /** Every env assignment of the job's steps (any step: GITHUB_ENV writes carry over). */
  readonly jobEnv: readonly EnvEntry[];
  /** The job's effective `permissions` (the job's own, else the workflow's). */
  readonly permissions: Node | undefined;
}

/** Flags of the databricks CLI that take a value (so the value is not a sub-command). */
const VALUE_FLAGS = new Set(["-t", "--target", "-p", "--profile", "--var", "-o", "--output", "--log-level", "--log-file", "--log-format", "-e", "--environment", "--cluster-id", "-c", "--var-file"]);

export function databricksCommands(workflows: readonly RepoFile[]): DatabricksCommand[] {
  const out: DatabricksCommand[] = [];
  for (const wf of workflows) {
    const workflowEnv = envOf(at(wf.root, "env"));
    for (const [job, jobNode] of entriesOf(at(wf.root, "jobs"))) {
      const permissions = at(jobNode, "permissions") ?? at(wf.root, "permissions");
      const jobLevelEnv = envOf(at(jobNode, "env"));
      const steps = at(jobNode, "steps");
      const stepList = steps?.kind === "seq" ? steps.items : [];
      const scripts = stepList.map((s) => ({ step: s, env: envOf(at(s, "env")), lines: scriptLines(at(s, "run")) }));
      const jobEnv = [...workflowEnv, ...jobLevelEnv, ...scripts.flatMap((s) => [...s.env, ...s.lines.flatMap((l) => assignments(l.text, wf.path, l.line))])];
      const carried: EnvEntry[] = [];
      for (const s of scripts) {
        const exported: EnvEntry[] = [];
        for (const l of s.lines) {
          for (const segment of l.text.split(/&&|\|\||;|\|(?!\|)/)) {
            const tokens = shellWords(segment);
            const i = tokens.findIndex((t) => /(^|\/)databricks$/.test(t));
            if (i < 0) {
              exported.push(...assignments(segment, wf.path, l.line));
              continue;
            }
            const inline = tokens.slice(0, i).flatMap((t) => assignment(t, wf.path, l.line));
            const args = tokens.slice(i + 1);
            out.push({
              file: wf.path,
              line: l.line,
              job,
              text: segment.trim(),
              args,
              words: words(args),
              env: [...workflowEnv, ...jobLevelEnv, ...carried, ...s.env, ...exported, ...inline],
              jobEnv,
              permissions,
            });
          }
        }
        // `echo "NAME=value" >> $GITHUB_ENV` sets NAME for the job's later steps.
        carried.push(...s.lines.filter((l) => /GITHUB_ENV/.test(l.text)).flatMap((l) => assignments(l.text, wf.path, l.line)));
      }
    }
  }
  return out;
}

function envOf(node: Node | undefined): EnvEntry[] {
  return entriesOf(node).map(([name, v]) => ({ name, value: textOf(v) ?? "", file: v.file, line: v.line }));
}

/** A `run:` script as logical lines (continuations joined), each with its line in the file. */
function scriptLines(node: Node | undefined): { text: string; line: number }[] {
  const text = textOf(node);
  if (text === undefined || !node) return [];
  const first = node.kind === "scalar" && node.block ? node.line + 1 : node.line;
  const out: { text: string; line: number }[] = [];
  const raw = text.split("\n");
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let joined = raw[i];
    while (/\\\s*$/.test(joined) && i + 1 < raw.length) joined = joined.replace(/\\\s*$/, " ") + raw[++i];
    const code = joined.replace(/(^|\s)#.*$/, "");
    if (code.trim() !== "") out.push({ text: code, line: first + start });
  }
  return out;
}

/** `NAME=value` words of a line (inline, `export NAME=...`, `echo "NAME=..." >> $GITHUB_ENV`). */
function assignments(text: string, file: string, line: number): EnvEntry[] {
  const found: EnvEntry[] = [];
  for (const token of shellWords(text)) found.push(...assignment(token, file, line));
  return found;
}

function assignment(token: string, file: string, line: number): EnvEntry[] {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(token);
  return m ? [{ name: m[1], value: m[2], file, line }] : [];
}

/** Shell words with quotes removed (no expansion: `$X` stays as written). */
export function shellWords(text: string): string[] {
  const out: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = "";
      inWord = false;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) out.push(word);
  return out;
}

function words(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("-")) {
      if (VALUE_FLAGS.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The values of a flag (`-t X`, `-t=X`, `--target X`, `--target=X`, `-tX` for short ones). */
export function flagValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    for (const n of names) {
      if (a === n && i + 1 < args.length) out.push(args[i + 1]);
      else if (a.startsWith(`${n}=`)) out.push(a.slice(n.length + 1));
      else if (/^-[a-z]$/.test(n) && a.startsWith(n) && a.length > 2 && a[2] !== "=") out.push(a.slice(2));
    }
  }
  return out;
}

/**
 * A value as the step sees it: `$X`, `${X}`, `${{ env.X }}` replaced from the environment in scope
 * when they name a literal there; undefined when anything else remains (`${{ inputs.x }}`, secrets).
 */
export function expand(value: string, env: readonly EnvEntry[], depth = 0): string | undefined {
  const lookup = (name: string) => {
    const entry = [...env].reverse().find((e) => e.name === name);
    return entry === undefined || depth > 4 ? undefined : expand(entry.value, env, depth + 1);
  };
  let unresolved = false;
  const text = value
    .replace(/\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, n) => lookup(n) ?? ((unresolved = true), ""))
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => lookup(a ?? b) ?? ((unresolved = true), ""));
  return unresolved || /\$\{\{/.test(text) ? undefined : text;
}
