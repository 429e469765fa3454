/**
 * The command examples of the documentation (README.md, CONTRIBUTING.md, docs/), read and run, so
 * that no page can show an output the command no longer gives.
 *
 * The format, as a page writes it:
 *
 *   ```console
 *   $ npm run --silent policy -- --out /tmp/hand.out      # exit 1
 *   <what the command prints: stdout and stderr, in the order written, as a terminal shows them>
 *   $ cp -rL cdktf.out /tmp/hand.out
 *   ```
 *
 * - Every ```console block is an example; ```sh, ```text and other blocks are never run (recipes
 *   that need a workspace, GitHub or the registry, and recorded output, say so in their text).
 * - A line starting `$ ` is a command; the lines after it, up to the next command or the end of
 *   the block, are its output, compared exactly. A line `[...]` stands for any number of lines
 *   (for long outputs; use it sparingly). A command with no lines after it prints nothing.
 * - `# exit N` at the end of a command line: it must exit N (default 0).
 * - `2>/dev/null` at the end of a command: only its stdout is compared.
 * - Setup is written as commands too, visible to the reader: `cp -rL cdktf.out /tmp/hand.out`,
 *   a `node -e` edit, `sed`, a file written with a here-document (`cat > /tmp/x <<'EOF'`, its
 *   lines up to `EOF` being part of the command). Commands that are not
 *   `npm run --silent NAME [-- ARGS]` run through bash as real processes.
 * - A page's blocks run in order, in one temporary copy of the repository (never the checkout)
 *   whose model is the reference organisation's (the frozen __tests__/fixtures/models/reference.yaml,
 *   as environments.yaml, with its address manifest): a deliberate edit of the live model never
 *   breaks a page. Paths under /tmp/ are a scratch directory of that copy; the only normalisation
 *   of the output is that directory's path written back as /tmp.
 * - ```console e2e blocks run in `npm run test:e2e` (__tests__/e2e/docs-examples.test.ts) as real
 *   processes in a full copy of the repository, for commands that run terraform or jest
 *   (`rehearse`, `update`); every other block runs in `npm test`, the npm commands in-process
 *   (__tests__/run-command.ts), which costs no node start-up.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers";

export interface Step {
  /** The command as written after `$ `, without the `# exit N` comment and the `2>/dev/null`. */
  readonly command: string;
  /** 1-based line of the command in its file. */
  readonly line: number;
  readonly exit: number;
  readonly stdoutOnly: boolean;
  readonly expected: readonly string[];
}

export interface Block {
  readonly file: string;
  readonly line: number;
  readonly e2e: boolean;
  readonly steps: readonly Step[];
}

/** The pages whose examples are run: README.md, CONTRIBUTING.md and every Markdown file under docs/. */
export function documentationFiles(root = ROOT): string[] {
  const files = ["README.md", "CONTRIBUTING.md"].filter((f) => fs.existsSync(path.join(root, f)));
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith(".md")) files.push(r);
    }
  };
  if (fs.existsSync(path.join(root, "docs"))) walk("docs");
  return files;
}

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const EXIT = /\s+#\s*exit\s+(\d+)\s*$/;
const STDOUT_ONLY = /\s+2>\s*\/dev\/null\s*$/;
const HEREDOC = /<<-?\s*'?"?([A-Za-z_]+)'?"?\s*$/;

/** The fenced code blocks of a page: info string, first line, content lines (indentation of the fence removed). */
export function fencedBlocks(markdown: string): { info: string; line: number; lines: string[] }[] {
  const lines = markdown.split("\n");
  const out: { info: string; line: number; lines: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close && close[2][0] === fence[0] && close[2].length >= fence.length && close[3].trim() === "") break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    out.push({ info: info.trim(), line: i + 1, lines: body });
    i = j;
  }
  return out;
}

/** The ```console blocks of a page as examples. Throws, naming the line, on a block that is not one. */
export function parseExamples(markdown: string, file: string): Block[] {
  const blocks: Block[] = [];
  for (const b of fencedBlocks(markdown)) {
    const [language, ...attributes] = b.info.split(/\s+/);
    if (language !== "console") continue;
    const unknown = attributes.filter((a) => a !== "e2e");
    if (unknown.length > 0) throw new Error(`${file}:${b.line}: unknown attribute ${unknown.join(" ")} on a console block (only e2e)`);
    const steps: { command: string; line: number; exit: number; stdoutOnly: boolean; expected: string[] }[] = [];
    let heredoc: string | undefined;
    b.lines.forEach((text, k) => {
      if (heredoc !== undefined) {
        // A here-document's lines belong to its command, up to the terminator.
        const step = steps[steps.length - 1];
        steps[steps.length - 1] = { ...step, command: `${step.command}\n${text}` };
        if (text === heredoc) heredoc = undefined;
      } else if (text.startsWith("$ ")) {
        let command = text.slice(2);
        let exit = 0;
        const e = EXIT.exec(command);
        if (e) {
          exit = Number(e[1]);
          command = command.slice(0, e.index);
        }
        const stdoutOnly = STDOUT_ONLY.test(command);
        if (stdoutOnly) command = command.replace(STDOUT_ONLY, "");
        steps.push({ command: command.trim(), line: b.line + 1 + k, exit, stdoutOnly, expected: [] });
        heredoc = HEREDOC.exec(command)?.[1];
      } else if (steps.length === 0) {
        throw new Error(`${file}:${b.line + 1 + k}: a console block must start with a command line ("$ ..."), got ${JSON.stringify(text)}`);
      } else {
        steps[steps.length - 1].expected.push(text);
      }
    });
    if (steps.length === 0) throw new Error(`${file}:${b.line}: an empty console block`);
    if (heredoc !== undefined) throw new Error(`${file}:${b.line}: a here-document without its terminator ${heredoc}`);
    blocks.push({ file, line: b.line, e2e: attributes.includes("e2e"), steps });
  }
  return blocks;
}

/**
 * Words of a command line as a POSIX shell splits them, for the forms an example may use with npm:
 * plain words, '...' and "..." (no expansion inside; `$`, backquotes and `\` in double quotes are
 * refused), and VAR=value prefixes. Anything that needs a shell (pipes, redirections, `;`, `&&`,
 * substitutions, globs) is refused, naming it.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in ${text}`);
      word = (word ?? "") + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unclosed " in ${text}`);
      const inner = text.slice(i + 1, end);
      if (/[$`\\]/.test(inner)) throw new Error(`"${inner}" needs a shell's expansion; npm examples take plain words`);
      word = (word ?? "") + inner;
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (/[|&;<>()$`\\*?[\]{}~#]/.test(c)) {
      throw new Error(`${JSON.stringify(c)} in ${JSON.stringify(text)} needs a shell; npm examples take plain words`);
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

export interface NpmCommand {
  readonly env: Record<string, string>;
  /** The npm script's name (`grants:diff`). */
  readonly script: string;
  readonly args: readonly string[];
}

/**
 * `[VAR=value ...] npm run --silent NAME [-- ARGS]`, or undefined when the line is not an npm run
 * (it then runs through bash). Throws on an npm line the test cannot run as written, saying why.
 */
export function npmCommand(command: string): NpmCommand | undefined {
  if (!/^([A-Z_][A-Z0-9_]*=\S*\s+)*npm\s/.test(command)) return undefined;
  const words = shellWords(command);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const w = words.shift()!;
    env[w.slice(0, w.indexOf("="))] = w.slice(w.indexOf("=") + 1);
  }
  if (words[1] !== "run" || words[2] !== "--silent" || words.length < 4) {
    throw new Error(`${JSON.stringify(command)}: examples run npm scripts as \`npm run --silent NAME [-- ARGS]\` (without --silent npm prints its own header lines first)`);
  }
  const script = words[3];
  const rest = words.slice(4);
  if (rest.length > 0 && rest[0] !== "--") throw new Error(`${JSON.stringify(command)}: write \`--\` before the command's arguments (npm takes options before it for itself)`);
  return { env, script, args: rest.slice(1) };
}

/** The npm scripts of package.json. */
export function npmScripts(root = ROOT): Record<string, string> {
  return (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
}

/**
 * Whether `actual` (the command's output) is what the example shows: line by line, exactly, a
 * `[...]` line matching any run of lines. The final newline of the output is not a line.
 */
export function outputMatches(expected: readonly string[], actual: string): boolean {
  const lines = actual === "" ? [] : actual.replace(/\n$/, "").split("\n");
  const parts: string[][] = [[]];
  for (const l of expected) {
    if (l === "[...]") parts.push([]);
    else parts[parts.length - 1].push(l);
  }
  if (parts.length === 1) return parts[0].length === lines.length && parts[0].every((l, i) => l === lines[i]);
  const at = (i: number, part: string[]) => part.every((l, k) => lines[i + k] === l);
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first.length + last.length > lines.length || !at(0, first) || !at(lines.length - last.length, last)) return false;
  let i = first.length;
  for (const part of parts.slice(1, -1)) {
    let found = -1;
    for (let j = i; j + part.length <= lines.length - last.length; j++) {
      if (at(j, part)) {
        found = j;
        break;
      }
    }
    if (found < 0) return false;
    i = found + part.length;
  }
  return true;
}

/** `/tmp/` in a command, as the scratch directory of the copy the example runs in. */
export function withScratch(command: string, scratch: string): string {
  return command.replace(/(^|[\s='"])\/tmp(?=\/|\s|$)/g, `$1${scratch}`);
}

/** An output with the scratch directory written back as /tmp (the one normalisation). */
export function withoutScratch(output: string, scratch: string): string {
  let out = output;
  for (const p of new Set([scratch, fs.realpathSync(scratch)])) out = out.split(p).join("/tmp");
  return out;
}

/**
 * The reference organisation's model as a user's environments.yaml: the frozen fixture without its
 * FROZEN note (the lines from `# FROZEN` to the first bare `#`), its first line naming the schema
 * beside it. Its lines then have the numbers they have in the shipped environments.yaml.
 */
export function referenceModelText(): string {
  const lines = fs.readFileSync(path.join(ROOT, "__tests__", "fixtures", "models", "reference.yaml"), "utf8").split("\n");
  const start = lines.findIndex((l) => l.startsWith("# FROZEN"));
  const end = lines.findIndex((l, i) => i > start && l === "#");
  if (start !== 1 || end < 0) throw new Error("__tests__/fixtures/models/reference.yaml: no FROZEN note on lines 2 to the first bare '#'; update referenceModelText()");
  return ["# yaml-language-server: $schema=./environments.schema.json", ...lines.slice(end + 1)].join("\n");
}

/** The address manifest `npm run addresses:update` records for a model text. */
export function manifestText(modelText: string): string {
  const { parseEnvironmentModel } = require("../../lib/model/load") as typeof import("../../lib/model/load");
  const { desiredState } = require("../../lib/desired-state") as typeof import("../../lib/desired-state");
  const { addressManifest } = require("../../lib/review/addresses") as typeof import("../../lib/review/addresses");
  return `${JSON.stringify(addressManifest(desiredState(parseEnvironmentModel(modelText, "environments.yaml"))), null, 2)}\n`;
}

export interface Copy {
  /** The copy of the repository the commands run in. */
  readonly repo: string;
  /** What /tmp stands for in the examples. */
  readonly scratch: string;
  /** Removes it all. */
  readonly remove: () => void;
}

/**
 * What the in-process examples need of a repository: the reference model and its manifest,
 * cdktf.json, package.json, node_modules (a link), and the fixture directories a page's commands
 * name (`fixtures`: a list, or true for all of __tests__/fixtures). Never the checkout itself.
 */
export function smallCopy(fixtures: boolean | readonly string[]): Copy {
  const os = require("os") as typeof import("os");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-docs-"));
  const repo = path.join(dir, "repo");
  const scratch = path.join(dir, "tmp");
  fs.mkdirSync(repo);
  fs.mkdirSync(scratch);
  const model = referenceModelText();
  fs.writeFileSync(path.join(repo, "environments.yaml"), model);
  fs.writeFileSync(path.join(repo, "terraform-addresses.json"), manifestText(model));
  for (const f of ["cdktf.json", "package.json", "environments.schema.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
  const dirs = fixtures === true ? ["__tests__/fixtures"] : fixtures === false ? [] : fixtures;
  for (const d of dirs) fs.cpSync(path.join(ROOT, d), path.join(repo, d), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
  return { repo, scratch, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The environment a command runs with: this process's, without what would point it elsewhere. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", ...extra };
  for (const k of Object.keys(env)) if (/^(ENVIRONMENTS_FILE|CDKTF_|DATABRICKS_|FAKE_DATABRICKS_|UC_STAND_IN_|npm_)/.test(k) && !(k in extra)) delete env[k];
  return env;
}

/** Runs a command line through bash in `cwd`, stdout and stderr in the order written. */
export function runInShell(command: string, cwd: string, stdoutOnly: boolean, env: NodeJS.ProcessEnv = cleanEnv()): { status: number; output: string } {
  const { spawnSync } = require("child_process") as typeof import("child_process");
  const r = spawnSync("bash", ["-c", `exec 2>${stdoutOnly ? "/dev/null" : "&1"}\n${command}`], { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? 1, output: r.stdout };
}

/** A script that only runs the command it imports: its code, comments and imports aside, is `runCommand(xCommand);`. */
export function thinCommandScript(file: string): boolean {
  if (!file.endsWith(".ts") || !fs.existsSync(file)) return false;
  const code = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !/^\s*(\/\/|import\s)/.test(l));
  return code.length === 1 && /^runCommand\(\w+Command\);$/.test(code[0].trim());
}

/**
 * Runs an npm script in this process, in `cwd`, as `npm run --silent NAME -- ARGS` runs it there:
 * the script's file through run-command.ts (the commands' own code path, no node start-up).
 */
export async function runNpmInProcess(npm: NpmCommand, cwd: string, scratch: string, stdoutOnly: boolean): Promise<{ status: number; output: string }> {
  const { runFileInProcess, runInProcess, runSynthInProcess } = require("../run-command") as typeof import("../run-command");
  const line = npmScripts()[npm.script];
  if (line === undefined) throw new Error(`no npm script "${npm.script}" in package.json`);
  const m = /^node (?:scripts\/run-ts\.js )?(\S+\.(?:ts|js))$/.exec(line);
  if (!m) throw new Error(`npm script "${npm.script}" (${line}) is not a node script the examples can run in-process`);
  const file = path.join(ROOT, m[1]);
  const env: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (/^(ENVIRONMENTS_FILE|CDKTF_|DATABRICKS_|FAKE_DATABRICKS_)/.test(k)) env[k] = undefined;
  for (const [k, v] of Object.entries(npm.env)) env[k] = withScratch(v, scratch);
  const args = npm.args.map((a) => withScratch(a, scratch));
  let output = "";
  let stdout = "";
  const saved = process.cwd();
  process.chdir(cwd);
  try {
    const transcript = (chunk: string) => void (output += chunk);
    // The script file itself (what npm runs), not only the command it defines, unless the file is
    // nothing but `runCommand(<its command>)`: a script may answer an option before the command does
    // (`policy --rules`). The shortcuts run the same code in this module registry, without loading
    // the modules afresh (runFileInProcess isolates them).
    const r =
      m[1] === "main.ts" && args.length === 0
        ? await runSynthInProcess(env, transcript)
        : thinCommandScript(file)
          ? await runInProcess(path.basename(file, ".ts"), args, env, transcript)
          : await runFileInProcess(file, args, env, transcript);
    stdout = r.stdout;
    return { status: r.status, output: stdoutOnly ? stdout : output };
  } finally {
    process.chdir(saved);
  }
}

/**
 * `UC_DOCS_WRITE=1 npx jest __tests__/docs/examples.test.ts` (or the e2e file) writes each
 * command's real output and exit code into its page instead of failing, like `jest -u` for
 * snapshots: for writing a new example, or after a deliberate change of a command's output. Review
 * the diff it makes.
 */
export const WRITE = process.env.UC_DOCS_WRITE === "1";
const written = new Map<string, { step: Step; status: number; output: string }[]>();

/** Runs one step of an example and checks it: the exit code and the output, as the page shows them. */
export async function checkStep(step: Step, copy: Copy, inProcess: boolean, file = ""): Promise<void> {
  // Through bash, npm included, for e2e examples (which may show what npm does with a command line).
  const npm = inProcess ? npmCommand(step.command) : undefined;
  const r = npm ? await runNpmInProcess(npm, copy.repo, copy.scratch, step.stdoutOnly) : runInShell(withScratch(step.command, copy.scratch), copy.repo, step.stdoutOnly);
  const output = withoutScratch(r.output, copy.scratch);
  if (r.status === step.exit && outputMatches(step.expected, output)) return;
  if (WRITE) {
    written.set(file, [...(written.get(file) ?? []), { step, status: r.status, output }]);
    return;
  }
  expect({ status: r.status, output: output.replace(/\n$/, "") }).toEqual({ status: step.exit, output: step.expected.join("\n") });
}

/** In UC_DOCS_WRITE mode: writes the outputs recorded for `file` into it. */
export function writeOutputs(file: string): void {
  const results = written.get(file);
  if (!WRITE || !results) return;
  const abs = path.join(ROOT, file);
  const lines = fs.readFileSync(abs, "utf8").split("\n");
  for (const { step, status, output } of [...results].sort((a, b) => b.step.line - a.step.line)) {
    const at = step.line - 1;
    const indent = /^\s*/.exec(lines[at])![0];
    const [first, ...rest] = step.command.split("\n");
    const command = `${indent}$ ${first}${step.stdoutOnly ? " 2>/dev/null" : ""}${status !== 0 ? `   # exit ${status}` : ""}`;
    const indented = (l: string) => (l === "" ? "" : `${indent}${l}`);
    const out = output === "" ? [] : output.replace(/\n$/, "").split("\n").map(indented);
    lines.splice(at, 1 + rest.length + step.expected.length, command, ...rest.map(indented), ...out);
  }
  fs.writeFileSync(abs, lines.join("\n"));
  written.delete(file);
}

/**
 * A full copy of the repository (the files git knows, new ones included; node_modules a link), its
 * model the reference organisation's (referenceModelText) with every file generated from it
 * refreshed (`npm run update`'s refresh, in this process), and no output yet: a fresh clone of the
 * repository as the pages describe it. For the e2e examples, which run as real processes.
 */
export function fullCopy(): Copy {
  const os = require("os") as typeof import("os");
  const { execFileSync } = require("child_process") as typeof import("child_process");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-docs-e2e-"));
  const repo = path.join(dir, "repo");
  const scratch = path.join(dir, "tmp");
  fs.mkdirSync(scratch);
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const f of files) {
    if (!fs.existsSync(path.join(ROOT, f))) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
  fs.writeFileSync(path.join(repo, "environments.yaml"), referenceModelText());
  const { refreshGenerated } = require("../../scripts/lib/generated") as typeof import("../../scripts/lib/generated");
  refreshGenerated(repo);
  for (const e of fs.readdirSync(repo)) if (e === "cdktf.out" || e.startsWith("cdktf.out.")) fs.rmSync(path.join(repo, e), { recursive: true, force: true });
  return { repo, scratch, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The fixture directories (`__tests__/fixtures/<dir>`) the commands of some blocks name. */
export function fixtureDirs(blocks: readonly Block[]): string[] {
  const dirs = new Set<string>();
  for (const b of blocks) for (const st of b.steps) for (const m of st.command.matchAll(/__tests__\/fixtures\/([\w.-]+)/g)) dirs.add(`__tests__/fixtures/${m[1]}`);
  return [...dirs].sort();
}
