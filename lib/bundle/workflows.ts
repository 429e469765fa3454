/**
 * The GitHub Actions workflows of the bundle repository, read as data: every job with what it can
 * reach (Databricks credentials: DATABRICKS_* in its environment, secrets, an OIDC token), every
 * `databricks` command it runs with the environment it runs in, and every step the check cannot
 * read. Local composite actions and local reusable workflows are followed (with their inputs),
 * committed shell scripts a step runs are read like a `run:` script; nothing is ever run.
 *
 * What a step can see, as GitHub documents it: the workflow's, job's and step's `env`, what earlier
 * steps wrote to $GITHUB_ENV, inline `NAME=value` and `export`; a reusable workflow gets none of
 * the caller's env, only its `with:` inputs and `secrets:`; a composite action's steps see the
 * job's env and the calling step's.
 */
import * as path from "path";
import type { BundleRepository, RepoFile } from "./repository";
import { repoPath } from "./repository";
import { simpleCommands, type SimpleCommand } from "./shell";
import { at, entriesOf, scalars, textOf, type Node } from "./yaml-tree";

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

export interface WorkflowJob {
  readonly workflow: string;
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly permissions: Node | undefined;
  /** How the job can reach Databricks credentials; empty when it cannot. */
  readonly credentials: readonly { readonly what: string; readonly file: string; readonly line: number }[];
  readonly commands: readonly DatabricksCommand[];
  /** What it runs that the check cannot read (reported only when the job holds credentials). */
  readonly unreadable: readonly Unreadable[];
}

export interface Workflows {
  readonly jobs: readonly WorkflowJob[];
  /** Every `databricks` command of every job. */
  readonly commands: readonly DatabricksCommand[];
}

/** Flags of the databricks CLI that take a value (so the value is not a sub-command). */
const VALUE_FLAGS = new Set(["-t", "--target", "-p", "--profile", "--var", "-o", "--output", "--log-level", "--log-file", "--log-format", "-e", "--environment", "--cluster-id", "-c", "--var-file", "--key", "--json"]);

/**
 * External actions a deploy job may use beside its credentials: they set up the runner and cannot
 * deploy (checked by name, any version). Any other external action in such a job is unreadable.
 */
export const KNOWN_ACTIONS = ["actions/checkout", "actions/setup-python", "actions/setup-node", "actions/setup-java", "actions/upload-artifact", "databricks/setup-cli"];
/** `actions/checkout` refs that are the commit the workflow runs for (the one the check read). */
const OWN_REFS = [/^\$\{\{\s*github\.sha\s*\}\}$/, /^\$\{\{\s*github\.ref\s*\}\}$/];

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
const PROGRAM_VARIABLES = new Set(["PATH", "BASH_ENV", "ENV", "LD_PRELOAD", "LD_LIBRARY_PATH", "NODE_OPTIONS", "PYTHONPATH", "PYTHONSTARTUP"]);
const MAX_DEPTH = 8;
/** Marks a value the check cannot know (a loop variable, a script argument from elsewhere). */
const UNKNOWN = "${{ unknown }}";

interface JobState {
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
}

interface Scope {
  readonly job: JobState;
  readonly file: string;
  readonly env: readonly EnvEntry[];
  readonly inputs: ReadonlyMap<string, string | undefined>;
  readonly via: readonly string[];
  readonly depth: number;
  readonly defaults: { readonly shell?: string; readonly workingDirectory?: string };
  readonly stack: readonly string[];
}

export function readWorkflows(repo: BundleRepository): Workflows {
  const called = new Set<string>();
  for (const wf of repo.workflows) {
    for (const [, job] of entriesOf(at(wf.root, "jobs"))) {
      const uses = textOf(at(job, "uses"));
      const local = uses?.startsWith("./") ? repoPath(uses.slice(2)) : undefined;
      if (local !== undefined) called.add(local);
    }
  }
  const jobs: WorkflowJob[] = [];
  for (const wf of repo.workflows) {
    // A workflow that only runs when called is read through its callers, with their inputs.
    const on = at(wf.root, "on");
    const onlyCalled = (textOf(on) === "workflow_call" || (on?.kind === "map" && [...on.entries.keys()].every((k) => k === "workflow_call"))) && called.has(wf.path);
    if (onlyCalled) continue;
    for (const [name, jobNode] of entriesOf(at(wf.root, "jobs"))) {
      jobs.push(...readJob(repo, wf, jobNode, { name, inputs: new Map(), callerPermissions: undefined, depth: 0, stack: [wf.path] }));
    }
  }
  return { jobs, commands: jobs.flatMap((j) => j.commands) };
}

interface JobContext {
  readonly name: string;
  readonly inputs: ReadonlyMap<string, string | undefined>;
  readonly callerPermissions: Node | undefined;
  readonly depth: number;
  readonly stack: readonly string[];
}

function readJob(repo: BundleRepository, wf: RepoFile, jobNode: Node, ctx: JobContext): WorkflowJob[] {
  const permissions = at(jobNode, "permissions") ?? at(wf.root, "permissions") ?? ctx.callerPermissions;
  const uses = textOf(at(jobNode, "uses"));
  if (uses !== undefined) return readCalledWorkflow(repo, wf, jobNode, uses, permissions, ctx);

  const job: JobState = { workflow: ctx.stack[0], name: ctx.name, permissions, root: "", carried: [], allEnv: [], commands: [], unreadable: [], secrets: [] };
  const envOfWorkflow = envOf(at(wf.root, "env"), ctx.inputs);
  const envOfJob = envOf(at(jobNode, "env"), ctx.inputs);
  job.allEnv.push(...envOfWorkflow, ...envOfJob);
  // A secret given to actions/checkout (a token or key to clone) is GitHub's, not Databricks'.
  const steps0 = at(jobNode, "steps");
  const checkoutInputs = new Set<Node>(
    (steps0?.kind === "seq" ? steps0.items : []).filter((st) => /^actions\/checkout@/i.test(textOf(at(st, "uses")) ?? "")).flatMap((st) => [...scalars(at(st, "with"))].map((x) => x.node as Node)),
  );
  for (const { node } of [...scalars(at(wf.root, "env")), ...scalars(jobNode)]) if (!checkoutInputs.has(node)) noteSecrets(job, node);
  const defaults = {
    shell: textOf(at(jobNode, "defaults", "run", "shell")) ?? textOf(at(wf.root, "defaults", "run", "shell")),
    workingDirectory: textOf(at(jobNode, "defaults", "run", "working-directory")) ?? textOf(at(wf.root, "defaults", "run", "working-directory")),
  };
  const scope: Scope = { job, file: wf.path, env: [...envOfWorkflow, ...envOfJob], inputs: ctx.inputs, via: [], depth: ctx.depth, defaults, stack: ctx.stack };
  // Steps in a job container run the image's programs (its `databricks` too); a service container
  // given credentials runs code the check cannot read.
  const container = at(jobNode, "container");
  if (container) unreadable(scope, container, `the job container ${textOf(container) ?? textOf(at(container, "image")) ?? ""}, whose programs the steps run`.replace(/ ,/, ","));
  for (const [name, service] of entriesOf(at(jobNode, "services"))) {
    if ([...scalars(service)].some(({ node }) => /DATABRICKS_|secrets\./.test(`${textOf(node) ?? ""}`)) || entriesOf(at(service, "env")).some(([k]) => /^DATABRICKS_/.test(k))) {
      unreadable(scope, service, `the service container ${name} (${textOf(at(service, "image")) ?? "an image"}), given credentials`);
    }
  }
  const steps = at(jobNode, "steps");
  runSteps(repo, scope, steps?.kind === "seq" ? steps.items : []);
  return [finish(job, wf.path, jobNode.line, permissions)];
}

function finish(job: JobState, file: string, line: number, permissions: Node | undefined): WorkflowJob {
  const credentials: { what: string; file: string; line: number }[] = [];
  const seen = new Set<string>();
  for (const e of job.allEnv) {
    if (/^DATABRICKS_/.test(e.name) && !/^DATABRICKS_BUNDLE_/.test(e.name) && !seen.has(e.name)) {
      seen.add(e.name);
      credentials.push({ what: e.name, file: e.file, line: e.line });
    }
  }
  for (const s of job.secrets) if (!seen.has(s.what)) (seen.add(s.what), credentials.push(s));
  if (idTokenWrite(permissions)) credentials.push({ what: "id-token: write", file: permissions?.file ?? file, line: permissions?.line ?? line });
  return { workflow: job.workflow, file, line, name: job.name, permissions, credentials, commands: job.commands, unreadable: job.unreadable };
}

/** `permissions: write-all`, or `id-token: write`. */
export function idTokenWrite(p: Node | undefined): boolean {
  return p?.kind === "scalar" ? textOf(p) === "write-all" : textOf(at(p, "id-token")) === "write";
}

function noteSecrets(job: JobState, node: Node): void {
  const text = textOf(node);
  if (text === undefined) return;
  for (const m of text.matchAll(/\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[)/g)) {
    if (m[1] === "GITHUB_TOKEN") continue;
    job.secrets.push({ what: m[1] ? `secrets.${m[1]}` : "secrets[...]", file: node.file, line: node.line });
  }
}

function readCalledWorkflow(repo: BundleRepository, wf: RepoFile, jobNode: Node, uses: string, permissions: Node | undefined, ctx: JobContext): WorkflowJob[] {
  const usesNode = at(jobNode, "uses")!;
  const withNode = at(jobNode, "with");
  const secretsNode = at(jobNode, "secrets");
  const job: JobState = { workflow: ctx.stack[0], name: ctx.name, permissions, root: "", carried: [], allEnv: [], commands: [], unreadable: [], secrets: [] };
  for (const { node } of [...scalars(withNode), ...scalars(secretsNode)]) noteSecrets(job, node);
  if (secretsNode) job.secrets.push({ what: textOf(secretsNode) === "inherit" ? "secrets: inherit" : "secrets", file: secretsNode.file, line: secretsNode.line });
  const local = uses.startsWith("./") ? repoPath(uses.slice(2)) : undefined;
  const called = local === undefined ? undefined : repo.files.yaml(local);
  if (!uses.startsWith("./") || !called) {
    job.unreadable.push({
      file: usesNode.file,
      line: usesNode.line,
      job: ctx.name,
      what: uses.startsWith("./") ? `the reusable workflow ${uses}, which is not a workflow file in the repository` : `the external reusable workflow ${uses}`,
    });
    return [finish(job, wf.path, jobNode.line, permissions)];
  }
  if (ctx.depth >= MAX_DEPTH || ctx.stack.includes(called.path)) {
    job.unreadable.push({ file: usesNode.file, line: usesNode.line, job: ctx.name, what: `the reusable workflow ${uses}, called ${ctx.depth >= MAX_DEPTH ? `more than ${MAX_DEPTH} levels deep` : "in a cycle"}` });
    return [finish(job, wf.path, jobNode.line, permissions)];
  }
  // The called workflow's inputs: the caller's `with:` (literal values), else the declared defaults.
  const inputs = new Map<string, string | undefined>();
  for (const [name, decl] of entriesOf(at(called.root, "on", "workflow_call", "inputs"))) {
    const d = textOf(at(decl, "default"));
    if (d !== undefined) inputs.set(name, substituteInputs(d, ctx.inputs));
  }
  for (const [name, v] of entriesOf(withNode)) inputs.set(name, literalOrUndefined(substituteInputs(textOf(v) ?? "", ctx.inputs)));
  const out: WorkflowJob[] = [];
  // A job whose credentials are only `secrets:` passed to the called workflow shows them there.
  for (const [name, calledJob] of entriesOf(at(called.root, "jobs"))) {
    const jobs = readJob(repo, called, calledJob, { name: `${ctx.name} > ${name}`, inputs, callerPermissions: permissions, depth: ctx.depth + 1, stack: [...ctx.stack, called.path] });
    for (const j of jobs) {
      const extra = job.secrets.filter((s) => !j.credentials.some((c) => c.what === s.what));
      out.push(extra.length > 0 ? { ...j, credentials: [...j.credentials, ...extra] } : j);
    }
  }
  return out;
}

/** A value with `${{ ... }}` left is not literal. */
function literalOrUndefined(v: string): string | undefined {
  return /\$\{\{/.test(v) ? undefined : v;
}

/** `${{ inputs.x }}` replaced by the input's literal value; an unknown one stays (and is not literal). */
function substituteInputs(text: string, inputs: ReadonlyMap<string, string | undefined>): string {
  return text.replace(/\$\{\{\s*inputs\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g, (whole, name: string) => inputs.get(name) ?? whole);
}

function envOf(node: Node | undefined, inputs: ReadonlyMap<string, string | undefined>): EnvEntry[] {
  return entriesOf(node).map(([name, v]) => ({ name, value: substituteInputs(textOf(v) ?? "", inputs), file: v.file, line: v.line }));
}

function runSteps(repo: BundleRepository, scope: Scope, steps: readonly Node[]): void {
  const { job } = scope;
  for (const step of steps) {
    const stepEnv = envOf(at(step, "env"), scope.inputs);
    job.allEnv.push(...stepEnv);
    for (const e of stepEnv) if (PROGRAM_VARIABLES.has(e.name)) unreadable(scope, e, `the step's ${e.name}, which changes which program runs`);
    const uses = textOf(at(step, "uses"));
    if (uses !== undefined) {
      runAction(repo, { ...scope, env: [...scope.env, ...stepEnv] }, step, uses);
      continue;
    }
    const run = at(step, "run");
    const script = textOf(run);
    if (script === undefined || !run) continue;
    const shell = textOf(at(step, "shell")) ?? scope.defaults.shell;
    if (shell !== undefined && !/^(bash|sh)(\s|$)/.test(shell)) {
      unreadable(scope, at(step, "shell") ?? run, `a \`run:\` script in the shell ${JSON.stringify(shell)}`);
      continue;
    }
    const wd = textOf(at(step, "working-directory")) ?? scope.defaults.workingDirectory;
    const cwd = wd === undefined ? "" : wsPath("", substituteInputs(wd, scope.inputs));
    const first = run.kind === "scalar" && run.block ? run.line + 1 : run.line;
    const exported: EnvEntry[] = [];
    runScript(repo, { ...scope, env: [...scope.env, ...stepEnv] }, substituteInputs(script, scope.inputs), first, cwd, exported, []);
    // What a step writes to $GITHUB_ENV is set for the job's later steps.
    job.carried.push(...exported.filter((e) => (e as EnvEntry & { githubEnv?: true }).githubEnv));
  }
}

function runAction(repo: BundleRepository, scope: Scope, step: Node, uses: string): void {
  const { job } = scope;
  const where = at(step, "uses")!;
  const withNode = at(step, "with");
  if (!/^actions\/checkout@/i.test(uses)) for (const { node } of scalars(withNode)) noteSecrets(job, node);
  if (/^actions\/checkout@/i.test(uses)) {
    // Another repository, or another commit of this one, is not what the check read.
    const repository = at(withNode, "repository");
    const ref = at(withNode, "ref");
    if (repository) unreadable(scope, repository, `a checkout of ${textOf(repository) ?? "another repository"}, whose bundle and scripts the check did not read`);
    else if (ref && !OWN_REFS.some((re) => re.test(textOf(ref)?.trim() ?? ""))) unreadable(scope, ref, `a checkout of ${textOf(ref) ?? "another ref"}, not the commit the check read`);
    const p = textOf(at(withNode, "path"));
    if (p !== undefined && !repository) job.root = wsPath("", p) ?? job.root;
  }
  if (!uses.startsWith("./")) {
    const name = uses.split("@")[0].toLowerCase();
    if (!KNOWN_ACTIONS.includes(name)) unreadable(scope, where, uses.startsWith("docker://") ? `the container action ${uses}` : `the external action ${uses}`);
    return;
  }
  const dir = repoPath(uses.slice(2));
  const inDir = (f: string) => (dir ? `${dir}/${f}` : f);
  const file = dir === undefined ? undefined : (repo.files.yaml(inDir("action.yml")) ?? repo.files.yaml(inDir("action.yaml")));
  if (!file) {
    unreadable(scope, where, `the action ${uses}, which has no action.yml in the repository`);
    return;
  }
  const using = textOf(at(file.root, "runs", "using"));
  if (using !== "composite") {
    unreadable(scope, where, `the ${using ?? "unknown"} action ${uses} (only composite actions are read)`);
    return;
  }
  if (scope.depth >= MAX_DEPTH || scope.stack.includes(file.path)) {
    unreadable(scope, where, `the action ${uses}, used ${scope.depth >= MAX_DEPTH ? `more than ${MAX_DEPTH} levels deep` : "in a cycle"}`);
    return;
  }
  const inputs = new Map<string, string | undefined>();
  for (const [name, decl] of entriesOf(at(file.root, "inputs"))) {
    const d = textOf(at(decl, "default"));
    if (d !== undefined) inputs.set(name, literalOrUndefined(substituteInputs(d, scope.inputs)));
  }
  for (const [name, v] of entriesOf(withNode)) inputs.set(name, literalOrUndefined(substituteInputs(textOf(v) ?? "", scope.inputs)));
  for (const { node } of scalars(at(file.root, "runs"))) noteSecrets(job, node);
  const steps = at(file.root, "runs", "steps");
  runSteps(repo, { ...scope, file: file.path, inputs, via: [...scope.via, `${where.file}:${where.line} uses ${uses}`], depth: scope.depth + 1, defaults: {}, stack: [...scope.stack, file.path] }, steps?.kind === "seq" ? steps.items : []);
}

function unreadable(scope: Scope, where: { file: string; line: number }, what: string): void {
  scope.job.unreadable.push({ file: where.file, line: where.line, job: scope.job.name, what });
}

/**
 * A path in the runner's workspace (`${{ github.workspace }}`, `$GITHUB_WORKSPACE` or relative to
 * `base`), relative to the workspace; undefined when it is elsewhere or not literal.
 */
function wsPath(base: string, p: string): string | undefined {
  const text = p.replace(/^(\$\{\{\s*github\.workspace\s*\}\}|\$\{GITHUB_WORKSPACE\}|\$GITHUB_WORKSPACE)(?=\/|$)/, "/__workspace__");
  if (/\$/.test(text)) return undefined;
  if (text.startsWith("/__workspace__")) return repoPath(text.slice("/__workspace__".length).replace(/^\//, "") || ".");
  if (text.startsWith("/") || text.startsWith("~")) return undefined;
  return repoPath(path.posix.join(base || ".", text));
}

/** A workspace path relative to the repository's checkout; undefined when it is outside it. */
function toRepo(job: JobState, ws: string | undefined): string | undefined {
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
function runScript(repo: BundleRepository, scope: Scope, script: string, firstLine: number, cwdIn: string | undefined, exported: EnvEntry[], positional: readonly string[], frame: ScriptFrame = { functions: new Set() }): void {
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
    const toGithubEnv = cmd.redirects.some((r) => /GITHUB_ENV/.test(r.target));
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
    for (const e of inline) if (PROGRAM_VARIABLES.has(e.name)) unreadable(scope, where, `setting ${e.name}, which changes which program runs`);
    job.allEnv.push(...inline);
    if (words.length === 0) {
      exported.push(...inline);
      continue;
    }
    // `env A=b cmd`, `timeout 60 cmd`.
    while (words[0] === "env" && words.length > 1) {
      words = words.slice(1);
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
        inline.push(assignment(words[0], scope.file, cmd.line)!);
        words = words.slice(1);
      }
    }
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
    if (toGithubEnv && program !== "cat") unreadable(scope, where, `\`${cmd.text}\`, which writes to $GITHUB_ENV what the check cannot read`);
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

function assignment(token: string, file: string, line: number): EnvEntry | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(token);
  return m ? { name: m[1], value: m[2], file, line } : undefined;
}

/** Shell words with quotes removed (no expansion: `$X` stays as written). */
export function shellWords(text: string): string[] {
  return simpleCommands(text, 1).flatMap((c) => c.words);
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

/** The values of a flag (`-t X`, `-t=X`, `--target X`, `--target=X`, `-tX` for short ones). */
export function flagValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    for (const n of names) {
      if (a === n && i + 1 < args.length) out.push(args[i + 1]);
      else if (a.startsWith(`${n}=`)) out.push(a.slice(n.length + 1));
      else if (/^-[a-z]$/.test(n) && a.startsWith(n) && a.length > 2) out.push(a[2] === "=" ? a.slice(3) : a.slice(2));
    }
  }
  return out;
}

/**
 * A value as the step sees it: `$X`, `${X}`, `$1`, `${{ env.X }}` replaced from the environment in
 * scope when they name a literal there; undefined when anything else remains (`${{ inputs.x }}`,
 * secrets, `${X:-default}`, a command substitution).
 */
export function expand(value: string, env: readonly EnvEntry[], depth = 0): string | undefined {
  const lookup = (name: string) => {
    const entry = [...env].reverse().find((e) => e.name === name);
    return entry === undefined || depth > 4 ? undefined : expand(entry.value, env, depth + 1);
  };
  let unresolved = false;
  const text = value
    .replace(/\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, n) => lookup(n) ?? ((unresolved = true), ""))
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9])\}|\$([A-Za-z_][A-Za-z0-9_]*|[0-9])/g, (_, a, b) => lookup(a ?? b) ?? ((unresolved = true), ""));
  return unresolved || /\$\{\{|\$\{|\$\(|`/.test(text) ? undefined : text;
}

