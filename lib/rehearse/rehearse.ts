/**
 * A rehearsal: the real terraform plans (and with `apply`, applies) the synthesized stacks against
 * the stand-in provider and a workspace file. Everything happens in a temporary directory: the
 * synthesized output, one copy of each stack directory whose backend an override file replaces by
 * a local state file (taken from / written back to the workspace file's `states`), the stand-in's
 * mirror and CLI configuration. Only the workspace file given (with apply) and the --json file are
 * written outside it.
 *
 * Order: the workspace stacks do not depend on each other's state for a plan, so they are planned
 * in parallel. Applies run one stack at a time in model order (dev before staging before prod:
 * promotion grants name the previous environment's catalog and schema). The account stack looks
 * up the deploying principals by display name, which exist only once the workspace stacks are
 * applied: it is always planned against the workspace as the workspace stacks' applies leave it
 * (without --apply, against a scratch copy in which they were applied), and with --apply it is
 * applied only after them (refused when they have never been applied in the workspace file).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildApp } from "../app";
import { checkOwnFile, writeOwnFile, type OwnFile } from "../cli/write";
import { desiredState, type DesiredStack } from "../desired-state";
import { checkGate, formatViolation } from "../gate/check";
import { readOutputTree } from "../output/read";
import type { EnvironmentModel } from "../model/types";
import { duplicateLogicalIds } from "../synth";
import { installStandIn, type StandInInstall } from "../../stand-in/install";
import { seedWorkspace } from "../../stand-in/seed";
import { readWorkspace, updateWorkspace, writeWorkspaceAtomically } from "../../stand-in/workspace/file";
import type { WorkspaceFile } from "../../stand-in/workspace/types";
import { guardPlan, type GuardFinding } from "./plan-guard";
import { applySummary, planSummary, runTerraform, terraformEnv, terraformErrors, type TerraformRun } from "./terraform";

/** Bad input (unknown stack, unreadable workspace file, a model synth refuses): exit 2. */
export class RehearseInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RehearseInputError";
  }
}

export interface RehearseOptions {
  readonly model: EnvironmentModel;
  /** Stack names; empty: every stack of the model (workspace stacks in model order, then the account stack). */
  readonly stacks: readonly string[];
  /** The workspace file to start from (and, with `apply`, to write back); absent: the model's pre-deploy workspace. */
  readonly workspace?: string;
  readonly apply: boolean;
  /** Where to write `{ "<stack>": <terraform show -json of its plan> }`. */
  readonly json?: string;
  /** Where model-relative paths resolve (the project). */
  readonly projectDir: string;
  /** Progress and problems, for stderr. */
  readonly log: (line: string) => void;
}

export interface StackOutcome {
  readonly stack: string;
  /** `STACK: <terraform's summary>` or `STACK: failed: ...`. */
  readonly line: string;
  readonly plan?: unknown;
  readonly findings: readonly GuardFinding[];
  readonly failed: boolean;
}

export interface RehearseResult {
  /** 0: planned (and applied); 1: a guarded resource would be destroyed or replaced, or terraform failed. */
  readonly code: 0 | 1;
  readonly outcomes: readonly StackOutcome[];
}

/** The stacks to rehearse, in order: workspace stacks in model order, then the account stack. */
export function selectStacks(all: readonly DesiredStack[], names: readonly string[]): DesiredStack[] {
  const known = all.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new RehearseInputError(`unknown stack ${unknown.map((n) => JSON.stringify(n)).join(", ")}; the model's stacks are ${known.join(", ")}`);
  const ordered = [...all.filter((s) => s.kind === "workspace"), ...all.filter((s) => s.kind === "account")];
  return names.length === 0 ? ordered : ordered.filter((s) => names.includes(s.name));
}

/** Synthesizes the model into `outdir` (refusing what `npm run synth` refuses). */
export function synthesizeInto(model: EnvironmentModel, outdir: string, projectDir: string): DesiredStack[] {
  const desired = desiredState(model);
  const app = buildApp(model, outdir, projectDir, desired);
  const collisions = duplicateLogicalIds(app);
  if (collisions.length > 0) throw new RehearseInputError(`synth refused:\n${collisions.map((c) => `  - ${c}`).join("\n")}`);
  app.synth();
  const { violations } = checkGate(readOutputTree(outdir), desired);
  if (violations.length > 0) throw new RehearseInputError(`synth refused: the output breaks the policy:\n${violations.map((v) => `  - ${formatViolation(v)}`).join("\n")}`);
  return [...desired.stacks];
}

/** A world: a workspace file, the stand-in pointed at it, and one working directory per stack. */
class World {
  readonly env: NodeJS.ProcessEnv;
  constructor(
    readonly dir: string,
    readonly workspaceFile: string,
    install: StandInInstall,
    private readonly outdir: string,
  ) {
    this.env = terraformEnv({ ...install.env, UC_STAND_IN_WORKSPACE: workspaceFile });
  }

  stackDir(stack: string): string {
    return path.join(this.dir, "stacks", stack);
  }

  stateFile(stack: string): string {
    return path.join(this.dir, "states", `${stack}.tfstate`);
  }

  /** Copies the stack's synthesized directory, replaces its backend by a local state file, seeds the state from the workspace file. */
  prepare(stack: string): void {
    const dir = this.stackDir(stack);
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(path.dirname(this.stateFile(stack)), { recursive: true });
    fs.copyFileSync(path.join(this.outdir, "stacks", stack, "cdk.tf.json"), path.join(dir, "cdk.tf.json"));
    // Terraform merges *_override.tf.json files last; an override's backend replaces the original one whole.
    fs.writeFileSync(path.join(dir, "rehearsal_override.tf.json"), `${JSON.stringify({ terraform: { backend: { local: { path: this.stateFile(stack) } } } }, null, 2)}\n`);
    const state = readWorkspace(this.workspaceFile).states[stack];
    if (state !== undefined) fs.writeFileSync(this.stateFile(stack), `${JSON.stringify(state, null, 2)}\n`);
  }

  terraform(stack: string, args: readonly string[]): Promise<TerraformRun> {
    return runTerraform(args, this.stackDir(stack), this.env);
  }

  /** Records the stack's state file in the workspace file's `states`. */
  recordState(stack: string): void {
    const file = this.stateFile(stack);
    if (!fs.existsSync(file)) return;
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    updateWorkspace(this.workspaceFile, (ws) => {
      ws.states[stack] = state;
    });
  }
}

interface Planned {
  readonly run: TerraformRun;
  readonly summary?: string;
  readonly plan?: unknown;
  readonly error?: string;
}

async function initAndPlan(world: World, stack: string): Promise<Planned> {
  world.prepare(stack);
  const init = await world.terraform(stack, ["init", "-input=false", "-no-color"]);
  if (init.code !== 0) return { run: init, error: `terraform init failed:\n${terraformErrors(init)}` };
  const plan = await world.terraform(stack, ["plan", "-input=false", "-no-color", "-out=tfplan"]);
  if (plan.code !== 0) return { run: plan, error: `terraform plan failed:\n${terraformErrors(plan)}` };
  const show = await world.terraform(stack, ["show", "-json", "tfplan"]);
  if (show.code !== 0) return { run: show, error: `terraform show -json failed:\n${terraformErrors(show)}` };
  let json: unknown;
  try {
    json = JSON.parse(show.stdout);
  } catch (e) {
    return { run: show, error: `terraform show -json printed something that is not JSON: ${(e as Error).message}` };
  }
  const summary = planSummary(plan.stdout);
  if (!summary) return { run: plan, error: `terraform plan printed no summary line:\n${plan.stdout}` };
  return { run: plan, summary, plan: json };
}

async function applyPlan(world: World, stack: string): Promise<{ summary?: string; error?: string }> {
  const apply = await world.terraform(stack, ["apply", "-input=false", "-no-color", "tfplan"]);
  world.recordState(stack);
  if (apply.code !== 0) return { error: `terraform apply failed:\n${terraformErrors(apply)}` };
  const summary = applySummary(apply.stdout);
  return summary ? { summary } : { error: `terraform apply printed no summary line:\n${apply.stdout}` };
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim() !== "" && !/^terraform \w+ failed:$/.test(l.trim())) ?? text).replace(/^│\s*/, "").trim();
}

/** Runs the rehearsal. Throws RehearseInputError on bad input before terraform runs. */
export async function rehearse(opts: RehearseOptions): Promise<RehearseResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "uc-rehearse-"));
  // Interrupted (Ctrl-C reaches terraform too): the temporary directory goes all the same.
  const interrupted = (signal: NodeJS.Signals) => {
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    return await rehearseIn(tmp, opts);
  } finally {
    process.removeListener("SIGINT", interrupted);
    process.removeListener("SIGTERM", interrupted);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `--json FILE`: a file of plans this command wrote before, `{ "<stack>": <terraform show -json> }`. */
export const PLANS_FILE: OwnFile = {
  writer: "rehearse --json",
  what: 'a JSON object of plans, { "<stack>": <terraform show -json of its plan> }',
  isOwn: (text) => {
    try {
      const plans: unknown = JSON.parse(text);
      return typeof plans === "object" && plans !== null && !Array.isArray(plans) && Object.values(plans).every((p) => typeof p === "object" && p !== null && typeof (p as { format_version?: unknown }).format_version === "string");
    } catch {
      return false;
    }
  },
};

async function rehearseIn(tmp: string, opts: RehearseOptions): Promise<RehearseResult> {
  const { log } = opts;
  // Before any work: a --json path holding something else is refused now, not after the plans.
  if (opts.json !== undefined) checkOwnFile(opts.json, PLANS_FILE);
  const outdir = path.join(tmp, "cdktf.out");
  const all = synthesizeInto(opts.model, outdir, opts.projectDir);
  const selected = selectStacks(all, opts.stacks);
  const workspaceStacks = all.filter((s) => s.kind === "workspace");

  // The world: a copy of the workspace file (or the pre-deploy seed).
  let start: WorkspaceFile;
  if (opts.workspace !== undefined && fs.existsSync(opts.workspace)) {
    try {
      start = readWorkspace(opts.workspace);
    } catch (e) {
      throw new RehearseInputError((e as Error).message);
    }
  } else {
    start = seedWorkspace(opts.model);
    if (opts.workspace !== undefined) log(`rehearse: ${opts.workspace} does not exist: starting from the model's pre-deploy workspace${opts.apply ? "; the result is written there" : ""}`);
  }
  const account = selected.find((s) => s.kind === "account");
  if (account && opts.apply) {
    const unapplied = workspaceStacks.filter((s) => !selected.includes(s) && start.states[s.name] === undefined).map((s) => s.name);
    if (unapplied.length > 0) {
      throw new RehearseInputError(
        `${account.name} looks up the deploying principals of the workspace stacks by display name, so it is applied after them; ` +
          `${unapplied.join(", ")} ${unapplied.length === 1 ? "has" : "have"} never been applied in this workspace. Fix: rehearse them first, or together: npm run rehearse -- ${[...unapplied, account.name].join(" ")} --apply${opts.workspace ? ` --workspace ${opts.workspace}` : ""}`,
      );
    }
  }

  const mainDir = path.join(tmp, "world");
  fs.mkdirSync(mainDir, { recursive: true });
  const mainFile = path.join(mainDir, "workspace.json");
  writeWorkspaceAtomically(mainFile, start);
  const install = installStandIn(path.join(tmp, "stand-in"), mainFile);
  const world = new World(mainDir, mainFile, install, outdir);

  const outcomes = new Map<string, StackOutcome>();
  const plans: { [stack: string]: unknown } = {};
  let stop = false;
  const record = (stack: string, p: Planned, applied?: { summary?: string; error?: string }): boolean => {
    if (p.error !== undefined || p.summary === undefined) {
      log(`${stack}: ${p.error}`);
      outcomes.set(stack, { stack, line: `${stack}: failed: ${firstLine(p.error ?? "")}`, findings: [], failed: true });
      return false;
    }
    plans[stack] = p.plan;
    // The guard's findings are the result: the command prints them under the stack's line (stdout).
    const findings = guardPlan(p.plan);
    const failed = applied?.error !== undefined;
    if (failed) log(`${stack}: ${applied!.error}`);
    const applyText = applied === undefined ? "" : applied.summary !== undefined ? ` ${applied.summary}` : ` Apply failed: ${firstLine(applied.error ?? "")}`;
    outcomes.set(stack, { stack, line: `${stack}: ${p.summary}${applyText}`, plan: p.plan, findings, failed });
    return findings.length === 0 && !failed;
  };

  const selectedWorkspace = selected.filter((s) => s.kind === "workspace");
  if (opts.apply) {
    for (const s of selectedWorkspace) {
      const p = await initAndPlan(world, s.name);
      // A plan the guard refuses is not applied (nor is anything after it).
      const ok = p.error === undefined && guardPlan(p.plan).length === 0;
      if (!record(s.name, p, ok ? await applyPlan(world, s.name) : undefined) || !ok) {
        stop = true;
        break;
      }
    }
  } else {
    const results = await Promise.all(selectedWorkspace.map(async (s) => [s.name, await initAndPlan(world, s.name)] as const));
    for (const [name, p] of results) record(name, p);
  }

  if (account && !stop) {
    let target: World | undefined = world;
    if (!opts.apply) {
      // The workspace as the workspace stacks' applies leave it: apply them to a scratch copy.
      const scratchDir = path.join(tmp, "scratch");
      fs.mkdirSync(scratchDir, { recursive: true });
      const scratchFile = path.join(scratchDir, "workspace.json");
      fs.copyFileSync(mainFile, scratchFile);
      const scratch = new World(scratchDir, scratchFile, install, outdir);
      log(`${account.name}: planned against the workspace as ${workspaceStacks.map((s) => s.name).join(", ")} leave it after their apply (it looks up their deploying principals by display name; deploy them first)`);
      for (const s of workspaceStacks) {
        const p = await initAndPlan(scratch, s.name);
        const applied = p.error === undefined ? await applyPlan(scratch, s.name) : undefined;
        const error = p.error ?? applied?.error;
        if (error !== undefined) {
          log(`${account.name}: cannot prepare its workspace: applying ${s.name} to a scratch copy failed: ${error}`);
          outcomes.set(account.name, { stack: account.name, line: `${account.name}: failed: applying ${s.name} first failed: ${firstLine(error)}`, findings: [], failed: true });
          target = undefined;
          break;
        }
      }
      if (target !== undefined) target = scratch;
    }
    if (target !== undefined) {
      const p = await initAndPlan(target, account.name);
      const ok = p.error === undefined && guardPlan(p.plan).length === 0;
      record(account.name, p, opts.apply && ok ? await applyPlan(target, account.name) : undefined);
    }
  }

  if (opts.apply) {
    if (opts.workspace !== undefined) {
      writeWorkspaceAtomically(path.resolve(opts.workspace), readWorkspace(mainFile));
      const partial = [...outcomes.values()].some((o) => o.failed);
      log(
        partial
          ? `rehearse: an apply failed part-way; ${opts.workspace} holds what was applied (as a real workspace would), with each stack's state`
          : `rehearse: wrote the workspace after the apply to ${opts.workspace}`,
      );
    } else {
      log("rehearse: applied to a temporary copy of the pre-deploy workspace, now removed; pass --workspace FILE to keep the result");
    }
  }
  if (opts.json !== undefined && Object.keys(plans).length > 0) {
    writeOwnFile(path.resolve(opts.json), `${JSON.stringify(plans, null, 2)}\n`, PLANS_FILE);
  }
  const ordered = selected.map((s) => outcomes.get(s.name)).filter((o): o is StackOutcome => o !== undefined);
  for (const s of selected) if (!outcomes.has(s.name)) log(`${s.name}: not rehearsed: an earlier stack failed or was refused`);
  const bad = ordered.some((o) => o.failed || o.findings.length > 0) || ordered.length < selected.length;
  return { code: bad ? 1 : 0, outcomes: ordered };
}
