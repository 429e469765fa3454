/**
 * The deploy's plan, guard, summary and apply steps (deploy-stack.yml: plan job, then apply job),
 * run against the stand-in with the real terraform, as the jobs run them: `terraform plan -out`,
 * `show -json`, `npm run deploy-check` (guard and summary), the plan file's hash checked, then
 * `terraform apply` of exactly that file. An honest change is applied; a stale plan is refused; a
 * plan that drops a schema is stopped with nothing destroyed; the summary shows a new Dev grant on
 * prod as PROD.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { parseEnvironmentModel } from "../../lib/model/load";
import type { SynthesizedStack } from "../../lib/output/stack";
import { synthOutput } from "../helpers";
import { FULL_MODEL, Lab, REFERENCE_MODEL, ROOT, requireTerraform, tmpDir } from "./support";

beforeAll(requireTerraform);

const baseData = (): any => require("yaml").parse(fs.readFileSync(REFERENCE_MODEL, "utf8"));

/** A cdktf output directory holding `stacks`, and the model beside it, as the plan job has them. */
function project(data: any): { dir: string; out: string; model: string; stacks: SynthesizedStack[] } {
  const dir = tmpDir("uc-e2e-deploy-project-");
  const model = path.join(dir, "environments.yaml");
  fs.writeFileSync(model, stringify(data));
  const stacks = synthOutput(parseEnvironmentModel(stringify(data), model));
  const out = path.join(dir, "cdktf.out");
  fs.mkdirSync(path.join(out, "stacks"), { recursive: true });
  fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify({ stacks: Object.fromEntries(stacks.map((s) => [s.name, { name: s.name, synthesizedStackPath: `stacks/${s.name}/cdk.tf.json`, workingDirectory: `stacks/${s.name}` }])) }));
  for (const s of stacks) {
    fs.mkdirSync(path.join(out, "stacks", s.name));
    fs.writeFileSync(path.join(out, "stacks", s.name, "cdk.tf.json"), JSON.stringify(s.json, null, 2));
  }
  return { dir, out, model, stacks };
}

interface PlanJob {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly summary: string;
  readonly planFile: string;
  readonly sha256: string;
}

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

/**
 * The plan job's steps for one stack: plan -out, show -json, deploy-check (over `existingSummary`,
 * when given, at --summary). `planned` is the output terraform plans, when not `p` itself: the
 * plan of another commit's output, checked against the reviewed one.
 */
function planJob(lab: Lab, stack: string, p: ReturnType<typeof project>, name: string, existingSummary?: string, planned: ReturnType<typeof project> = p): PlanJob {
  lab.setConfig(stack, planned.stacks.find((s) => s.name === stack)!.json);
  const plan = lab.terraform(stack, ["plan", "-input=false", "-no-color", "-lock=false", `-out=${name}`]);
  if (plan.status !== 0) throw new Error(`plan failed: ${plan.stderr}`);
  const planFile = path.join(lab.stackDir(stack), name);
  const json = path.join(p.dir, `${name}.json`);
  fs.writeFileSync(json, lab.terraform(stack, ["show", "-json", name]).stdout);
  const text = path.join(p.dir, `${name}.txt`);
  fs.writeFileSync(text, plan.stdout);
  const summary = path.join(p.dir, `${name}.md`);
  if (existingSummary !== undefined) fs.writeFileSync(summary, existingSummary);
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "run-ts.js"), path.join(ROOT, "scripts", "deploy-check.ts"), "--stack", stack, "--plan-file", planFile, "--plan", json, "--plan-text", text, "--commit", COMMIT, "--out", p.out, "--model", p.model, "--summary", summary], { encoding: "utf8" });
  if (r.status === 2 && existingSummary === undefined) throw new Error(`deploy-check: ${r.stderr}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr, summary: fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "", planFile, sha256: crypto.createHash("sha256").update(fs.readFileSync(planFile)).digest("hex") };
}

/** The apply job's steps: the plan file's hash checked against the plan job's, then `terraform apply FILE`. */
function applyJob(lab: Lab, stack: string, job: PlanJob) {
  const sha = crypto.createHash("sha256").update(fs.readFileSync(job.planFile)).digest("hex");
  if (sha !== job.sha256) return { status: 1, stdout: "", stderr: `plan file sha256 ${sha} is not the plan job's ${job.sha256}` };
  return lab.terraform(stack, ["apply", "-input=false", "-no-color", path.basename(job.planFile)]);
}

describe("deploy: plan, guard and summary, then apply exactly that plan", () => {
  const lab = new Lab(REFERENCE_MODEL);
  beforeAll(() => {
    for (const stack of lab.stacks) {
      lab.init(stack);
      const r = lab.apply(stack);
      if (r.status !== 0) throw new Error(`first apply of ${stack} failed: ${r.stderr}`);
    }
  }, 180_000);
  afterAll(() => lab.remove());

  it("applies an honest change (Dev given read on prod) after showing it as PROD, and a second plan is empty", () => {
    const d = baseData();
    d.access.dev.prod = "read";
    const job = planJob(lab, "ref-prod", project(d), "honest.tfplan");
    expect(job.status).toBe(0);
    expect(job.stdout).toContain(`ref-prod: plan file sha256 ${job.sha256} (commit ${COMMIT})`);
    expect(job.summary).toContain("### Plan for ref-prod (**PROD**)");
    expect(job.summary).toContain("Terraform: `Plan: 1 to add, 0 to change, 0 to destroy.`");
    expect(job.summary).toContain("| **+ widens** | **PROD** | Databricks - Dev (group) | catalog prod | read (+EXECUTE +READ_VOLUME +SELECT +USE_CATALOG +USE_SCHEMA) | create | `databricks_grant.catalog_prod__group_dev` |");
    expect(job.summary).toContain(`plan file sha256 \`${job.sha256}\``);
    const applied = applyJob(lab, "ref-prod", job);
    expect(applied.status).toBe(0);
    expect(applied.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
    expect(lab.plan("ref-prod").stdout).toMatch(/No changes\./);
  });

  it("rejects --summary naming a file it did not write (exit 2, the file left as it was), and writes over its own earlier summary", () => {
    const foreign = planJob(lab, "ref-prod", project(baseData()), "foreign.tfplan", "# Release notes\n");
    expect({ status: foreign.status, stdout: foreign.stdout, summary: foreign.summary }).toEqual({ status: 2, stdout: "", summary: "# Release notes\n" });
    expect(foreign.stderr).toMatch(/^deploy-check: \S+foreign\.tfplan\.md exists and was not written by deploy-check --summary; .* Fix: give a path that does not exist yet, or move \S+ away first\n$/);
    const again = planJob(lab, "ref-prod", project(baseData()), "again.tfplan", "### Plan for ref-prod (**PROD**)\n\nan earlier run\n");
    expect(again.status).toBe(0);
    expect(again.summary).toMatch(/^### Plan for ref-prod \(\*\*PROD\*\*\)\n\nTerraform: `(Plan|No changes)/);
    expect(again.summary).toContain(`plan file sha256 \`${again.sha256}\``);
    expect(again.summary).not.toContain("an earlier run");
  });

  it("refuses a stale plan: the state changed after it was made (terraform's own check)", () => {
    const first = baseData();
    first.access.dev.prod = "read";
    first.access.prod_readonly.prod = "use";
    const stale = planJob(lab, "ref-prod", project(first), "stale.tfplan");
    expect(stale.status).toBe(0);
    const second = baseData();
    second.access.dev.prod = "read";
    second.access.prod_readonly.prod = "browse";
    const newer = planJob(lab, "ref-prod", project(second), "newer.tfplan");
    expect(applyJob(lab, "ref-prod", newer).status).toBe(0);
    const r = applyJob(lab, "ref-prod", stale);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Saved plan is stale/);
  });

  it("refuses a plan file other than the one the plan job hashed", () => {
    const d = baseData();
    d.access.dev.prod = "read";
    const job = planJob(lab, "ref-prod", project(d), "hashed.tfplan");
    fs.appendFileSync(job.planFile, "x");
    expect(applyJob(lab, "ref-prod", job)).toMatchObject({ status: 1, stderr: expect.stringMatching(/is not the plan job's/) });
  });

  it("rejects a plan of another commit's output (Dev given MODIFY on prod) checked against the reviewed one (Dev reading prod): each value it does not give is named, nothing is applied", () => {
    const reviewed = baseData();
    reviewed.access.dev.prod = "read";
    const other = baseData();
    other.access.dev.prod = ["USE_CATALOG", "USE_SCHEMA", "SELECT", "MODIFY"];
    const job = planJob(lab, "ref-prod", project(reviewed), "other-commit.tfplan", undefined, project(other));
    expect(job.status).toBe(1);
    const mismatches = job.stdout.split("\n").filter((l) => l.includes("this plan is not of this output"));
    expect(mismatches).toEqual([
      expect.stringMatching(/^ref-prod: databricks_grant\.catalog_prod__group_dev: terraform plans privileges = \["MODIFY","SELECT","USE_CATALOG","USE_SCHEMA"\], but the synthesized stack says \["EXECUTE","READ_VOLUME","SELECT","USE_CATALOG","USE_SCHEMA"\]: /),
    ]);
    expect(job.stdout).toMatch(/ref-prod: deploy guard: FAILED: .*1 value other than the output's; nothing is applied/);
    expect(job.summary).toContain("**Guard: FAILED** (nothing will be applied)");
  });

  it("stops a plan that drops a schema before any apply (its model without the manifest): the guard fails, nothing is destroyed", () => {
    const d = baseData();
    d.environments.dev.catalog.schemas = ["bronze", "silver", "models"];
    const job = planJob(lab, "ref-dev", project(d), "drop.tfplan");
    expect(job.status).toBe(1);
    expect(job.stdout).toContain("ref-dev: databricks_schema.dev__gold would be DESTROYED");
    expect(job.summary).toContain("**Destroyed, replaced or forgotten: 1**");
    expect(job.summary).toContain("- `databricks_schema.dev__gold`: **delete**");
    expect(job.summary).toContain("**Guard: FAILED** (nothing will be applied)");
    // The workflow applies only after the plan job passed: the schema is still there.
    expect(Object.keys(lab.workspace().catalogs.dev.schemas)).toContain("gold");
  });
});

/**
 * An honest plan is of its own output: the first deploy of each stack (the adopted catalog
 * imported), and the account stack once the workspace stacks are applied, each checked by
 * deploy-check against the output it was planned from, pass with no value mismatch.
 */
describe("deploy: honest plans pass the plan-of-this-output check", () => {
  const fullData = (): any => require("yaml").parse(fs.readFileSync(FULL_MODEL, "utf8"));

  it.each([
    ["the reference model", () => baseData(), ["ref-dev", "ref-staging", "ref-prod"]],
    ["the full model (adopted schemas and grants, isolated catalogs, the account stack)", () => fullData(), ["ref-dev", "ref-staging", "ref-prod", "ref-account"]],
  ] as const)("passes the first deploy of every stack of %s, imports included, with no value mismatch", (_what, data, stacks) => {
    const p = project(data());
    const lab = new Lab(p.model);
    try {
      expect(lab.stacks).toEqual(stacks);
      for (const stack of lab.stacks) {
        lab.init(stack);
        const job = planJob(lab, stack, p, `${stack}.tfplan`);
        expect({ stack, status: job.status, mismatches: job.stdout.split("\n").filter((l) => /not of this output|does not explain|DESTROYED|REPLACED/.test(l)) }).toEqual({ stack, status: 0, mismatches: [] });
        expect(job.stdout).toContain(`${stack}: deploy guard: passed`);
        if (stack !== "ref-account") expect(job.summary).toMatch(/Terraform: `Plan: \d+ to import, \d+ to add/);
        const applied = applyJob(lab, stack, job);
        expect(applied.status).toBe(0);
      }
    } finally {
      lab.remove();
    }
  }, 300_000);
});
