/**
 * End-to-end support: the real terraform (1.11.x) against the stand-in provider. These tests run in
 * their own jest run (`npm run test:e2e`, jest.e2e.config.js), never inside `npm test`; where
 * terraform is missing they fail, naming the version to install.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installStandIn } from "../../stand-in/install";
import { seedWorkspace } from "../../stand-in/seed";
import { readWorkspace, writeWorkspaceAtomically } from "../../stand-in/workspace/file";
import type { WorkspaceFile } from "../../stand-in/workspace/types";
import { loadEnvironmentModel } from "../../lib/model/load";
import { synthesizeInto } from "../../lib/rehearse/rehearse";
import { TERRAFORM_VERSION, terraformEnv } from "../../lib/rehearse/terraform";

export const ROOT = path.resolve(__dirname, "..", "..");
export const REFERENCE_MODEL = path.join(ROOT, "__tests__", "fixtures", "models", "reference.yaml");
export const FULL_MODEL = path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml");

/** Fails (never skips) when terraform 1.11.x is not on PATH. */
export function requireTerraform(): void {
  const r = spawnSync("terraform", ["version", "-json"], { encoding: "utf8" });
  const version = r.status === 0 ? (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version : undefined;
  if (!version || !/^1\.11\./.test(version)) {
    throw new Error(`the end-to-end tests need terraform ${TERRAFORM_VERSION} on PATH (found ${version ?? "none"}); install terraform ${TERRAFORM_VERSION}`);
  }
}

export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run --silent rehearse -- ARGS` as a real process, in `cwd`. */
export function rehearseCli(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const cwd = opts.cwd ?? ROOT;
  const r = spawnSync(process.execPath, [path.join(cwd, "scripts", "run-ts.js"), path.join(cwd, "scripts", "rehearse.ts"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
  });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A laboratory for one model: its synthesized stacks, a workspace file (the pre-deploy seed unless
 * changed), the stand-in installed, and one terraform working directory per stack (its backend a
 * local state file in the lab). `init` runs once per directory; cases edit the configuration.
 */
export class Lab {
  readonly dir = tmpDir("uc-e2e-lab-");
  readonly outdir = path.join(this.dir, "cdktf.out");
  readonly workspaceFile = path.join(this.dir, "workspace.json");
  readonly env: NodeJS.ProcessEnv;
  readonly stacks: string[];

  constructor(modelFile: string = REFERENCE_MODEL) {
    const model = loadEnvironmentModel(modelFile);
    this.stacks = synthesizeInto(model, this.outdir, this.dir).map((s) => s.name);
    writeWorkspaceAtomically(this.workspaceFile, seedWorkspace(model));
    const install = installStandIn(path.join(this.dir, "stand-in"), this.workspaceFile);
    this.env = terraformEnv(install.env);
    for (const stack of this.stacks) {
      const dir = this.stackDir(stack);
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(path.join(this.outdir, "stacks", stack, "cdk.tf.json"), path.join(dir, "cdk.tf.json"));
      fs.writeFileSync(path.join(dir, "lab_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: path.join(this.dir, `${stack}.tfstate`) } } } }));
    }
  }

  stackDir(stack: string): string {
    return path.join(this.dir, "stacks", stack);
  }

  terraform(stack: string, args: readonly string[]): Run {
    const r = spawnSync("terraform", [...args], { cwd: this.stackDir(stack), encoding: "utf8", env: this.env });
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }

  init(stack: string): void {
    const r = this.terraform(stack, ["init", "-input=false", "-no-color"]);
    if (r.status !== 0) throw new Error(`terraform init of ${stack} failed:\n${r.stdout}\n${r.stderr}`);
  }

  plan(stack: string): Run & { json: any } {
    const r = this.terraform(stack, ["plan", "-input=false", "-no-color", "-out=tfplan"]);
    if (r.status !== 0) return { ...r, json: undefined };
    const show = this.terraform(stack, ["show", "-json", "tfplan"]);
    return { ...r, json: JSON.parse(show.stdout) };
  }

  apply(stack: string): Run {
    return this.terraform(stack, ["apply", "-input=false", "-no-color", "-auto-approve"]);
  }

  /** The stack's configuration (cdk.tf.json), to edit. */
  config(stack: string): any {
    return JSON.parse(fs.readFileSync(path.join(this.stackDir(stack), "cdk.tf.json"), "utf8"));
  }

  setConfig(stack: string, config: unknown): void {
    fs.writeFileSync(path.join(this.stackDir(stack), "cdk.tf.json"), JSON.stringify(config, null, 2));
  }

  workspace(): WorkspaceFile {
    return readWorkspace(this.workspaceFile);
  }

  editWorkspace(change: (ws: WorkspaceFile) => void): void {
    const ws = this.workspace();
    change(ws);
    writeWorkspaceAtomically(this.workspaceFile, ws);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Terraform's summary line of a plan. */
export function summaryOf(stdout: string): string {
  return /^(Plan: .*|No changes\..*)$/m.exec(stdout)?.[1] ?? `(no summary) ${stdout.slice(-500)}`;
}

/** Files a rehearsal must never leave in the checkout. */
export function strayFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name === ".git") continue;
      const p = path.join(rel, e.name);
      if (e.name === ".terraform" || e.name === ".terraform.lock.hcl" || e.name.endsWith(".tfstate") || e.name === "tfplan") out.push(p);
      if (e.isDirectory() && e.name !== ".terraform") walk(p);
    }
  };
  walk(".");
  return out.sort();
}
