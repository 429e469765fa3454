/**
 * The shell a workflow step runs, read as data: each `run:` script's commands (and the committed
 * scripts it runs), the environment each `databricks` command sees, its working directory and the
 * bundle it loads; whatever could run a program the check cannot see is unreadable. Nothing is run.
 * The jobs and steps around it are read in workflows.ts.
 */
import * as path from "path";
import type { BundleRepository } from "./repository";
import { repoPath } from "./repository";
import { expand, simpleCommands, type SimpleCommand } from "./shell";
import type { Node } from "./yaml-tree";

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
  /** The job, as `job` or `caller job > called job` for a reusable workflow. */
  readonly job: string;
  /** The workflow file whose job runs it. */
  readonly workflow: string;
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
  /** The job's effective `permissions` (the job's own, else the workflow's, else the caller's). */
  readonly permissions: Node | undefined;
  /** The working directory, relative to the repository; undefined when the check cannot tell. */
  readonly cwd: string | undefined;
  /**
   * The directory of the bundle the CLI loads, relative to the repository ("" is the repository's
   * own): DATABRICKS_BUNDLE_ROOT (or BUNDLE_ROOT) when set, else the nearest directory at or above
   * the working directory with a databricks.yml (databricks/cli v1.13.0 bundle/root.go); undefined
   * when the check cannot tell or it is outside the repository.
   */
  readonly bundleRoot: string | undefined;
  /** How the job reaches the command (a composite action, a script), for messages. */
  readonly via: readonly string[];
}

/** Something a job runs that the check cannot read. */
export interface Unreadable {
  readonly file: string;
  readonly line: number;
  readonly job: string;
  /** What it is, naming it, e.g. `the external action some/deployer@v1`. */
  readonly what: string;
}

/** Flags of the databricks CLI that take a value (so the value is not a sub-command). */
const VALUE_FLAGS = new Set(["-t", "--target", "-p", "--profile", "--var", "-o", "--output", "--log-level", "--log-file", "--log-format", "-e", "--environment", "--cluster-id", "-c", "--var-file", "--key", "--json"]);

/**
 * Programs a step may run beside the credentials: they neither call Databricks, nor run other
 * programs, nor change the repository's files (which would deploy something other than what the
 * check read). Anything else (python, curl, make, npm, xargs, eval, sed -i, cp, ...) is unreadable.
 */
const SAFE_PROGRAMS = new Set([
  ":", "[", "[[", "]]", "basename", "cat", "chmod", "cut", "date", "df", "diff", "dirname", "du", "echo", "egrep", "exit", "false", "fgrep", "grep",
  "head", "jq", "ls", "md5sum", "mkdir", "nproc", "printenv", "printf", "pwd", "read", "readlink", "realpath", "return", "set", "sha256sum", "shift",
  "shopt", "sleep", "sort", "tail", "test", "tr", "true", "uname", "uniq", "unset", "wait", "wc", "which", "whoami",
]);
/** git sub-commands that only read. */
const GIT_READS = new Set(["status", "log", "rev-parse", "diff", "show", "describe", "ls-files", "--version", "version"]);
/** Redirection targets that are not the repository's files. */
const NOT_A_FILE = /^(\/dev\/(null|stdout|stderr)|&?[0-9]|"?\$\{?GITHUB_(ENV|OUTPUT|STEP_SUMMARY|PATH)\}?"?)$/;
/** Shell words that open or close a construct: the command is what follows them. */
const KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "case", "esac", "time", "exec", "nohup", "sudo", "function"]);
/** Environment variables that change which program runs: a job with credentials may not set them. */
export const PROGRAM_VARIABLES = new Set(["PATH", "BASH_ENV", "ENV", "LD_PRELOAD", "LD_LIBRARY_PATH", "NODE_OPTIONS", "PYTHONPATH", "PYTHONSTARTUP"]);
export const MAX_DEPTH = 8;
/** Marks a value the check cannot know (a loop variable, a script argument from elsewhere). */
const UNKNOWN = "${{ unknown }}";

export interface JobState {
  readonly workflow: string;
  readonly name: string;
  readonly permissions: Node | undefined;
  /** The repository's checkout directory in the workspace (actions/checkout `path:`). */
  root: string;
  readonly carried: EnvEntry[];
  readonly allEnv: EnvEntry[];
  readonly commands: DatabricksCommand[];
  readonly unreadable: Unreadable[];
  readonly secrets: { what: string; file: string; line: number }[];
  /** Variable names the job's commands and step settings expand. */
  readonly referenced: Set<string>;
}

export interface Scope {
  readonly job: JobState;
  readonly file: string;
  readonly env: readonly EnvEntry[];
  readonly inputs: ReadonlyMap<string, string | undefined>;
  readonly via: readonly string[];
  readonly depth: number;
  readonly defaults: { readonly shell?: string; readonly workingDirectory?: string };
  readonly stack: readonly string[];
}

export function unreadable(scope: Scope, where: { file: string; line: number }, what: string): void {
  scope.job.unreadable.push({ file: where.file, line: where.line, job: scope.job.name, what });
}

/**
 * A path in the runner's workspace (`${{ github.workspace }}`, `$GITHUB_WORKSPACE` or relative to
 * `base`), relative to the workspace; undefined when it is elsewhere or not literal.
 */
export function wsPath(base: string, p: string): string | undefined {
  const text = p.replace(/^(\$\{\{\s*github\.workspace\s*\}\}|\$\{GITHUB_WORKSPACE\}|\$GITHUB_WORKSPACE)(?=\/|$)/, "/__workspace__");
  if (/\$/.test(text)) return undefined;
  if (text.startsWith("/__workspace__")) return repoPath(text.slice("/__workspace__".length).replace(/^\//, "") || ".");
  if (text.startsWith("/") || text.startsWith("~")) return undefined;
  return repoPath(path.posix.join(base || ".", text));
}

/** A workspace path relative to the repository's checkout; undefined when it is outside it. */
export function toRepo(job: JobState, ws: string | undefined): string | undefined {
  if (ws === undefined) return undefined;
  if (job.root === "") return ws;
  const rel = path.posix.relative(job.root, ws);
  return repoPath(rel === "" ? "." : rel);
}

interface ScriptFrame {
  readonly functions: Set<string>;
}

/**
 * Reads a script's commands: `databricks` calls are recorded with the environment in scope, the
 * scripts it runs are followed, and anything that could run a program the check cannot see is
 * unreadable. `exported` collects assignments (and $GITHUB_ENV writes) for the caller.
 */
export function runScript(repo: BundleRepository, scope: Scope, script: string, firstLine: number, cwdIn: string | undefined, exported: EnvEntry[], positional: readonly string[], frame: ScriptFrame = { functions: new Set() }): void {
  const { job } = scope;
  let cwd = cwdIn;
  const local: EnvEntry[] = positional.map((v, i) => ({ name: String(i + 1), value: v, file: scope.file, line: firstLine }));
  const envNow = () => [...scope.env, ...job.carried, ...local, ...exported];
  for (const cmd of simpleCommands(script, firstLine)) {
    let words = [...cmd.words];
    const where = { file: scope.file, line: cmd.line };
    // `name() {` and `function name {`: a function, whose body the following lines are.
    const fn = /^([A-Za-z_][A-Za-z0-9_-]*)\(\)$/.exec(words[0] ?? "") ?? (words[0] === "function" ? /^([A-Za-z_][A-Za-z0-9_-]*)/.exec(words[1] ?? "") : null);
    if (fn) {
      if (SAFE_PROGRAMS.has(fn[1]) || fn[1] === "databricks" || fn[1] === "cd") unreadable(scope, where, `a shell function named ${fn[1]}, which replaces that program`);
      frame.functions.add(fn[1]);
      continue;
    }
    for (const r of cmd.redirects) {
      if (/GITHUB_PATH/.test(r.target)) unreadable(scope, where, "a write to $GITHUB_PATH, which changes which program runs");
      else if (r.op.includes(">") && !NOT_A_FILE.test(r.target)) unreadable(scope, where, `\`${cmd.text}\`, which writes ${r.target} (a file changed before the deploy is not the one the check read)`);
    }
    const toGithubEnv = cmd.redirects.some((r) => r.op.includes(">") && /GITHUB_ENV/.test(r.target));
    // The names a command expands ($X, ${X}): a variable the job sets for its own commands.
    for (const m of cmd.text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) job.referenced.add(m[1]);
    if (cmd.substitution) unreadable(scope, where, `\`${cmd.text}\`, whose command substitution runs a program the check cannot see`);
    // Keywords and `for X in ...` headers.
    while (words.length > 0 && KEYWORDS.has(words[0])) words = words.slice(1);
    if (words[0] === "for" || words[0] === "select") {
      if (words[1]) local.push({ name: words[1], value: UNKNOWN, file: scope.file, line: cmd.line });
      continue;
    }
    if (words[0] === "case" || /^[^\s]*\)$/.test(words[0] ?? "")) continue;
    // Leading NAME=value words: set for the command, or for the shell when nothing follows.
    const inline: EnvEntry[] = [];
    while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
      inline.push(assignment(words[0], scope.file, cmd.line)!);
      words = words.slice(1);
    }
    if (words.length > 0) {
      // `env A=b cmd`: A is set for cmd like a leading assignment.
      while (words[0] === "env" && words.length > 1) {
        words = words.slice(1);
        while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
          inline.push(assignment(words[0], scope.file, cmd.line)!);
          words = words.slice(1);
        }
      }
    }
    for (const e of inline) if (PROGRAM_VARIABLES.has(e.name)) unreadable(scope, where, `setting ${e.name}, which changes which program runs`);
    job.allEnv.push(...inline);
    if (words.length === 0) {
      exported.push(...inline);
      continue;
    }
    // `timeout 60 cmd`.
    if (words[0] === "timeout") words = words.slice(2);
    const program = words[0];
    const args = words.slice(1);
    if (program === undefined) continue;
    if (["export", "declare", "local", "readonly", "typeset"].includes(program)) {
      const set = args.flatMap((a) => assignment(a, scope.file, cmd.line) ?? []);
      for (const e of set) if (PROGRAM_VARIABLES.has(e.name)) unreadable(scope, where, `setting ${e.name}, which changes which program runs`);
      job.allEnv.push(...set);
      exported.push(...set);
      continue;
    }
    if (program === "printf" && args[0] === "-v" && args[1] !== undefined) {
      const e = { name: args[1], value: UNKNOWN, file: scope.file, line: cmd.line };
      if (PROGRAM_VARIABLES.has(e.name)) unreadable(scope, where, `setting ${e.name}, which changes which program runs`);
      job.allEnv.push(e);
      exported.push(e);
      continue;
    }
    if (program === "echo" || program === "printf") {
      if (toGithubEnv) {
        // `echo "NAME=value" >> $GITHUB_ENV`: the job's later steps get NAME.
        const set = args.flatMap((a) => assignment(a, scope.file, cmd.line) ?? []).map((e) => ({ ...e, githubEnv: true as const }));
        for (const e of set) if (PROGRAM_VARIABLES.has(e.name)) unreadable(scope, where, `setting ${e.name} for later steps, which changes which program runs`);
        job.allEnv.push(...set);
        exported.push(...set);
      }
      continue;
    }
    // Anything but `echo`/`printf NAME=value` (a `cat` of a file or a here-document, a `tee`) sets
    // variables for the later steps that the check does not read: PATH, TF_CLI_CONFIG_FILE, ...
    if (toGithubEnv) unreadable(scope, where, `\`${cmd.text}\`, which writes to $GITHUB_ENV what the check cannot read`);
    // `read NAME`, `printf -v NAME`: NAME gets a value the check cannot read.
    const readInto = program === "read" ? readNames(args) : [];
    if (readInto.length > 0) {
      const set = readInto.map((name) => ({ name, value: UNKNOWN, file: scope.file, line: cmd.line }));
      for (const e of set) if (PROGRAM_VARIABLES.has(e.name)) unreadable(scope, where, `setting ${e.name}, which changes which program runs`);
      job.allEnv.push(...set);
      exported.push(...set);
      continue;
    }
    if (program === "cd") {
      const target = args.filter((a) => !a.startsWith("-"))[0];
      if (target === undefined) cwd = undefined; // $HOME
      else if (cwd !== undefined) cwd = wsPath(cwd, target) ?? (() => { const v = expand(target, envNow()); return v === undefined ? undefined : wsPath(cwd, v); })();
      continue;
    }
    if (program === "databricks" || (program.startsWith("/") && program.endsWith("/databricks"))) {
      const env = [...envNow(), ...inline];
      job.commands.push({
        file: scope.file,
        line: cmd.line,
        job: job.name,
        workflow: job.workflow,
        text: cmd.text,
        args,
        words: subcommands(args),
        env,
        jobEnv: job.allEnv,
        permissions: job.permissions,
        cwd: toRepo(job, cwd),
        bundleRoot: bundleRoot(repo, job, cwd, env),
        via: scope.via,
      });
      continue;
    }
    if (frame.functions.has(program)) continue;
    if (["bash", "sh", "dash", "zsh", "source", "."].includes(program)) {
      const c = args.indexOf("-c");
      if ((program === "bash" || program === "sh" || program === "dash" || program === "zsh") && c >= 0) {
        const text = args[c + 1];
        if (text === undefined) unreadable(scope, where, `\`${cmd.text}\`, a shell without a script`);
        else runScript(repo, scope, text, cmd.line, cwd, exported, [], frame);
        continue;
      }
      const fileArg = args.find((a) => !a.startsWith("-"));
      if (fileArg === undefined) {
        unreadable(scope, where, `\`${cmd.text}\`, a shell that reads its script from elsewhere`);
        continue;
      }
      followScript(repo, scope, where, cmd, fileArg, args.slice(args.indexOf(fileArg) + 1), cwd, program === "source" || program === "." ? exported : [], envNow());
      continue;
    }
    if (!program.startsWith("/") && program.includes("/")) {
      followScript(repo, scope, where, cmd, program, args, cwd, [], envNow());
      continue;
    }
    if (program === "pip" || program === "pip3" || ((program === "python" || program === "python3") && args[0] === "-m" && args[1] === "pip")) {
      const pipArgs = program.startsWith("python") ? args.slice(2) : args;
      // Installing the repository's own package runs its setup code with the job's credentials.
      const local = pipArgs.some((a, i) => a === "." || a.startsWith("./") || a.startsWith("../") || (a === "-e" && pipArgs[i + 1] !== undefined) || a === "--editable");
      if (local) unreadable(scope, where, `\`${cmd.text}\`, which runs the package's own setup code`);
      continue;
    }
    if (SAFE_PROGRAMS.has(program)) continue;
    if (program === "git" && GIT_READS.has(args.filter((a) => !a.startsWith("-") || a === "--version")[0] ?? "")) continue;
    unreadable(scope, where, `\`${cmd.text}\` (${program} is not a program the check reads)`);
  }
}

function followScript(repo: BundleRepository, scope: Scope, where: { file: string; line: number }, cmd: SimpleCommand, file: string, args: readonly string[], cwd: string | undefined, exported: EnvEntry[], env: readonly EnvEntry[]): void {
  const name = expand(file, env) ?? (wsPath("", file) !== undefined ? file : undefined);
  const rel = name === undefined || cwd === undefined ? undefined : toRepo(scope.job, wsPath(cwd, name));
  const text = rel === undefined ? undefined : repo.files.read(rel);
  if (rel === undefined || text === undefined || text.kind !== "file") {
    unreadable(scope, where, `\`${cmd.text}\`, which runs ${file}${rel !== undefined && text?.kind === "missing" ? ", which is not in the repository" : ", which the check cannot locate in the repository"}`);
    return;
  }
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text.text)?.slice(1) ?? [];
  const interpreter = shebang[0]?.endsWith("/env") ? shebang[1] : shebang[0]?.split("/").pop();
  if (interpreter !== undefined && !/^(bash|sh|dash)$/.test(interpreter)) {
    unreadable(scope, where, `\`${cmd.text}\`, a ${interpreter} script (only shell scripts are read)`);
    return;
  }
  if (interpreter === undefined && !/\.(sh|bash)$/.test(rel)) {
    unreadable(scope, where, `\`${cmd.text}\`, which runs ${rel}, not a shell script`);
    return;
  }
  if (scope.depth >= MAX_DEPTH || scope.stack.includes(rel)) {
    unreadable(scope, where, `\`${cmd.text}\`, scripts nested more than ${MAX_DEPTH} deep or in a cycle`);
    return;
  }
  const positional = args.map((a) => expand(a, env) ?? UNKNOWN);
  runScript(repo, { ...scope, file: rel, via: [...scope.via, `${where.file}:${where.line} runs ${rel}`], depth: scope.depth + 1, stack: [...scope.stack, rel] }, text.text, 1, cwd, exported, positional);
}

function bundleRoot(repo: BundleRepository, job: JobState, cwd: string | undefined, env: readonly EnvEntry[]): string | undefined {
  const variable = [...env].reverse().find((e) => e.name === "DATABRICKS_BUNDLE_ROOT") ?? [...env].reverse().find((e) => e.name === "BUNDLE_ROOT");
  if (variable) {
    if (cwd === undefined) return undefined;
    const value = wsPath(cwd, variable.value) !== undefined ? variable.value : expand(variable.value, env);
    const dir = value === undefined ? undefined : toRepo(job, wsPath(cwd, value));
    return dir !== undefined && repo.files.hasRootFile(dir) ? dir : undefined;
  }
  let dir = toRepo(job, cwd);
  while (dir !== undefined) {
    if (repo.files.hasRootFile(dir)) return dir;
    if (dir === "") return undefined;
    dir = dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "";
  }
  return undefined;
}

/** The variables `read` assigns: its operands, and the array of `-a NAME`. */
function readNames(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-a" && args[i + 1] !== undefined) out.push(args[++i]);
    else if (/^-[dinNptu]$/.test(a)) i++;
    else if (!a.startsWith("-")) out.push(a);
  }
  return out.filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
}

function assignment(token: string, file: string, line: number): EnvEntry | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(token);
  return m ? { name: m[1], value: m[2], file, line } : undefined;
}

function subcommands(args: readonly string[]): string[] {
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

