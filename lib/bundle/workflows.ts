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
import type { BundleRepository, RepoFile } from "./repository";
import { repoPath } from "./repository";
import { at, entriesOf, scalars, textOf, type Node } from "./yaml-tree";
import { MAX_DEPTH, PROGRAM_VARIABLES, runScript, unreadable, wsPath, type DatabricksCommand, type EnvEntry, type JobState, type Scope, type Unreadable } from "./workflow-script";

export type { DatabricksCommand, EnvEntry, Unreadable } from "./workflow-script";


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
  /** Every environment variable the job sets (workflow, job, step and action env, scripts, $GITHUB_ENV). */
  readonly env: readonly EnvEntry[];
  /** Variable names its commands and step settings expand (`$X`, `${{ env.X }}`). */
  readonly referenced: ReadonlySet<string>;
}

export interface Workflows {
  readonly jobs: readonly WorkflowJob[];
  /** Every `databricks` command of every job. */
  readonly commands: readonly DatabricksCommand[];
}

/**
 * External actions a deploy job may use beside its credentials: they set up the runner and cannot
 * deploy (checked by name, any version). Any other external action in such a job is unreadable.
 */
/** The Databricks CLI whose behaviour bundle:check follows (docs/bundles.md#conformance-with-the-databricks-cli); a deploy job installs exactly it. */
export const CLI_VERSION = "1.13.0";

export const KNOWN_ACTIONS = ["actions/checkout", "actions/setup-python", "actions/setup-node", "actions/setup-java", "actions/upload-artifact", "databricks/setup-cli"];
/** `actions/checkout` refs that are the commit the workflow runs for (the one the check read). */
const OWN_REFS = [/^\$\{\{\s*github\.sha\s*\}\}$/, /^\$\{\{\s*github\.ref\s*\}\}$/];

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

  const job: JobState = { workflow: ctx.stack[0], name: ctx.name, permissions, root: "", carried: [], allEnv: [], commands: [], unreadable: [], secrets: [], referenced: new Set() };
  const envOfWorkflow = envOf(at(wf.root, "env"), ctx.inputs);
  const envOfJob = envOf(at(jobNode, "env"), ctx.inputs);
  job.allEnv.push(...envOfWorkflow, ...envOfJob);
  // A secret given to actions/checkout (a token or key to clone) is GitHub's, not Databricks'.
  const steps0 = at(jobNode, "steps");
  const checkoutInputs = new Set<Node>(
    (steps0?.kind === "seq" ? steps0.items : []).filter((st) => /^actions\/checkout@/i.test(textOf(at(st, "uses")) ?? "")).flatMap((st) => [...scalars(at(st, "with"))].map((x) => x.node as Node)),
  );
  for (const { node } of [...scalars(at(wf.root, "env")), ...scalars(jobNode)]) if (!checkoutInputs.has(node)) noteSecrets(job, node);
  noteEnvReferences(job, jobNode);
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
  return { workflow: job.workflow, file, line, name: job.name, permissions, credentials, commands: job.commands, unreadable: job.unreadable, env: job.allEnv, referenced: job.referenced };
}

/** `permissions: write-all`, or `id-token: write`. */
export function idTokenWrite(p: Node | undefined): boolean {
  return p?.kind === "scalar" ? textOf(p) === "write-all" : textOf(at(p, "id-token")) === "write";
}

/** `${{ env.X }}` in a job's or an action's settings: X is used by the workflow itself. */
function noteEnvReferences(job: JobState, node: Node | undefined): void {
  for (const { node: n } of scalars(node)) for (const m of (textOf(n) ?? "").matchAll(/\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)/g)) job.referenced.add(m[1]);
}

/**
 * A `shell:` the check reads as the shell it names: bash or sh, with `{0}` (the script) and only
 * options that change how the script fails or is traced. Anything else runs more than the script
 * (`bash -c "source ./x.sh; bash {0}"`, `bash -l {0}` reads a profile).
 */
export function plainShell(shell: string): boolean {
  const words = shell.trim().split(/\s+/);
  if (words[0] !== "bash" && words[0] !== "sh") return false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === "{0}" || w === "--noprofile" || w === "--norc" || /^-[euxv]+$/.test(w)) continue;
    if (/^-[euxv]*o$/.test(w) && words[i + 1] === "pipefail") {
      i++;
      continue;
    }
    return false;
  }
  return true;
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
  const job: JobState = { workflow: ctx.stack[0], name: ctx.name, permissions, root: "", carried: [], allEnv: [], commands: [], unreadable: [], secrets: [], referenced: new Set() };
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
    if (shell !== undefined && !plainShell(shell)) {
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
    const [action, ref] = uses.split("@");
    const name = action.toLowerCase();
    if (!KNOWN_ACTIONS.includes(name)) {
      unreadable(scope, where, uses.startsWith("docker://") ? `the container action ${uses}` : `the external action ${uses}`);
      return;
    }
    // A tag or a branch can be moved to other code, which would then run with the job's credentials.
    if (!/^[0-9a-f]{40}$/.test(ref ?? "")) unreadable(scope, where, `the action ${uses} at a tag or branch, not a commit (it can be moved to other code)`);
    if (name === "databricks/setup-cli") {
      const version = at(withNode, "version");
      const v = textOf(version)?.trim().replace(/^v/, "");
      if (v !== CLI_VERSION) unreadable(scope, version ?? where, `the Databricks CLI ${v === undefined ? "setup-cli picks with no version (the latest)" : v} rather than ${CLI_VERSION}, the one whose behaviour the check follows`);
    }
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
  noteEnvReferences(job, at(file.root, "runs"));
  const steps = at(file.root, "runs", "steps");
  runSteps(repo, { ...scope, file: file.path, inputs, via: [...scope.via, `${where.file}:${where.line} uses ${uses}`], depth: scope.depth + 1, defaults: {}, stack: [...scope.stack, file.path] }, steps?.kind === "seq" ? steps.items : []);
}

