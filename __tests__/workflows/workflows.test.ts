/**
 * The GitHub Actions workflows (.github/workflows): valid against the workflow schema, and the
 * contract that keeps a deploy from ever reaching the wrong workspace, checked against the live
 * model (environments.yaml), whose stacks `npm run update` writes into deploy.yml and the plan matrix.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { validateWorkflow } from "@action-validator/core";
import { MATRIX_WORKFLOWS, clientIdVariable, renderDeployWorkflow, withStackMatrix } from "../../lib/ci/workflows";
import { verdictCommand } from "../../lib/commands/verdict";
import { parseCommandLine } from "../../lib/review/cli";
import { loadEnvironmentModel } from "../../lib/model/load";
import { desiredState } from "../../lib/desired-state";
import { LIVE_MODEL_FILE, ROOT } from "../helpers";

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: { readonly [key: string]: unknown };
  readonly env?: { readonly [key: string]: unknown };
}

interface Job {
  readonly name?: string;
  readonly if?: string;
  readonly needs?: string | readonly string[];
  readonly uses?: string;
  readonly with?: { readonly [key: string]: unknown };
  readonly environment?: unknown;
  readonly concurrency?: unknown;
  readonly permissions?: unknown;
  readonly strategy?: { readonly matrix?: { readonly [key: string]: unknown } };
  readonly outputs?: { readonly [key: string]: string };
  readonly env?: { readonly [key: string]: unknown };
  readonly steps?: readonly Step[];
}

interface Workflow {
  readonly name?: string;
  readonly on: { readonly [event: string]: any };
  readonly permissions?: unknown;
  readonly concurrency?: unknown;
  readonly env?: { readonly [key: string]: unknown };
  readonly jobs: { readonly [id: string]: Job };
}

const DIR = path.join(ROOT, ".github", "workflows");
const FILES = fs
  .readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const TEXT: Readonly<Record<string, string>> = Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(DIR, f), "utf8")]));
const WORKFLOW: Readonly<Record<string, Workflow>> = Object.fromEntries(FILES.map((f) => [f, parse(TEXT[f]) as Workflow]));

const model = loadEnvironmentModel(LIVE_MODEL_FILE);
const STACKS = model.environments.map((e) => e.stackName);

const jobsOf = (file: string): [string, Job][] => Object.entries(WORKFLOW[file].jobs);
const stepsOf = (job: Job): readonly Step[] => job.steps ?? [];
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : typeof job.needs === "string" ? [job.needs] : [...job.needs]);
const runText = (job: Job): string => stepsOf(job).map((s) => s.run ?? "").join("\n");
/** The workflow file a job calls (`uses: ./.github/workflows/x.yml`), if it calls one. */
const calledFile = (job: Job): string | undefined =>
  job.uses?.startsWith("./.github/workflows/") ? path.basename(job.uses) : undefined;
const effectivePermissions = (file: string, job: Job): unknown => job.permissions ?? WORKFLOW[file].permissions;
const grantsIdToken = (permissions: unknown): boolean =>
  permissions === "write-all" || (typeof permissions === "object" && permissions !== null && (permissions as Record<string, unknown>)["id-token"] === "write");

/** Every `env` map of a job: the workflow's, the job's and its steps'. */
function envMaps(file: string, job: Job): { readonly [key: string]: unknown }[] {
  return [WORKFLOW[file].env ?? {}, job.env ?? {}, ...stepsOf(job).map((s) => s.env ?? {})];
}

/** Whether a job (or a workflow it calls) authenticates with GitHub OIDC. */
function usesGithubOidc(file: string, job: Job): boolean {
  const called = calledFile(job);
  if (called) return jobsOf(called).some(([, j]) => usesGithubOidc(called, j));
  return envMaps(file, job).some((env) => env.DATABRICKS_AUTH_TYPE === "github-oidc");
}

describe("the workflow files", () => {
  it("are the pull request checks, the deploy and the one-stack deploy it calls, the nightly audit, and the tests on CDK Terrain", () => {
    expect(FILES).toEqual(["audit.yml", "cdk-terrain.yml", "deploy-stack.yml", "deploy.yml", "pull-request.yml"]);
  });

  it.each(FILES)("%s is valid against the GitHub Actions workflow schema", (file) => {
    const { errors } = validateWorkflow(TEXT[file]);
    expect(errors).toEqual([]);
  });

  it("rejects a workflow that breaks the schema (the validator is really checking)", () => {
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    concurrency: { group: g, cancel-in-progress: nope }\n    steps:\n      - run: echo ok\n";
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow(broken.replace("nope", "false")).errors).toEqual([]);
  });

  it.each(FILES)("%s references no secret but the GitHub token", (file) => {
    const secrets = [...TEXT[file].matchAll(/\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[|:\s*inherit)/g)].map((m) => m[1] ?? m[0]);
    expect(secrets.filter((name) => name !== "GITHUB_TOKEN")).toEqual([]);
    expect(TEXT[file]).not.toMatch(/DATABRICKS_TOKEN\s*[:=]|DATABRICKS_CLIENT_SECRET|DATABRICKS_PASSWORD|AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
  });

  it.each(FILES)("%s pins every action to a full commit SHA, with its exact version in a comment", (file) => {
    const lines = TEXT[file].split("\n").filter((l) => /^\s*(?:-\s+)?uses:/.test(l));
    const parsed = jobsOf(file).flatMap(([, j]) => [j.uses, ...stepsOf(j).map((s) => s.uses)]).filter((u) => u !== undefined);
    expect(lines).toHaveLength(parsed.length); // every `uses:` is on a line of its own, so the scan sees them all
    for (const line of lines) {
      const [, ref, comment] = /uses:\s*(\S+)\s*(?:#\s*(.*))?$/.exec(line)!;
      if (ref.startsWith("./")) continue; // this repository's own workflow, at the same commit
      expect({ line: line.trim(), pinned: /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/.test(ref) }).toEqual({ line: line.trim(), pinned: true });
      expect({ line: line.trim(), version: /^v\d+\.\d+\.\d+\b/.test(comment ?? "") }).toEqual({ line: line.trim(), version: true });
    }
  });

  it("pins each action to the same commit everywhere", () => {
    const shas = new Map<string, Set<string>>();
    for (const file of FILES) {
      for (const [, action, sha] of TEXT[file].matchAll(/uses:\s*([^\s@]+)@([0-9a-f]{40})/g)) {
        shas.set(action, (shas.get(action) ?? new Set()).add(sha));
      }
    }
    expect([...shas].filter(([, s]) => s.size > 1).map(([a]) => a)).toEqual([]);
  });

  it("set up terraform 1.11 (S3 native locking needs >= 1.10), one exact version, without the wrapper", () => {
    const setups = FILES.flatMap((f) => jobsOf(f).flatMap(([, j]) => stepsOf(j))).filter((s) => s.uses?.startsWith("hashicorp/setup-terraform@"));
    expect(setups.length).toBeGreaterThanOrEqual(2); // the pull request plans and the deploy
    for (const s of setups) {
      expect(s.with?.terraform_wrapper).toBe(false);
      expect(String(s.with?.terraform_version)).toMatch(/^1\.11\.\d+$/);
    }
    expect(new Set(setups.map((s) => s.with?.terraform_version)).size).toBe(1);
  });

  it.each(FILES)("%s grants nothing by default, and every job says what it needs", (file) => {
    expect([{}, { contents: "read" }]).toContainEqual(WORKFLOW[file].permissions);
    for (const [id, job] of jobsOf(file)) expect({ id, permissions: job.permissions !== undefined }).toEqual({ id, permissions: true });
  });

  it.each(FILES)("%s lets every job that authenticates with GitHub OIDC request an ID token", (file) => {
    for (const [id, job] of jobsOf(file)) {
      if (usesGithubOidc(file, job)) expect({ id, idToken: grantsIdToken(effectivePermissions(file, job)) }).toEqual({ id, idToken: true });
    }
  });

  it.each(FILES)("%s authenticates to Databricks only with GitHub OIDC", (file) => {
    // Each env map once (the workflow's own env is every job's).
    const maps = [...new Set(jobsOf(file).flatMap(([, j]) => envMaps(file, j)))];
    const authTypes = maps.map((e) => e.DATABRICKS_AUTH_TYPE).filter((t) => t !== undefined);
    expect(authTypes.filter((t) => t !== "github-oidc")).toEqual([]);
    // ...and sets it nowhere else (a run script exporting it would escape this check).
    expect(TEXT[file].match(/DATABRICKS_AUTH_TYPE/g)?.length ?? 0).toBe(authTypes.length);
  });

  it.each(FILES)("%s never writes a workspace host: hosts come from the model (scripts/ci-env.ts)", (file) => {
    for (const [, job] of jobsOf(file)) for (const env of envMaps(file, job)) expect(env).not.toHaveProperty("DATABRICKS_HOST");
    expect(TEXT[file]).not.toMatch(/DATABRICKS_HOST=/);
    for (const e of model.environments) expect(TEXT[file]).not.toContain(new URL(e.workspace.host).hostname);
    expect(TEXT[file]).not.toMatch(/\.cloud\.databricks\.com|\.azuredatabricks\.net|\.gcp\.databricks\.com/);
  });

  it("never runs a fork's code with this repository's privileges (no pull_request_target)", () => {
    for (const file of FILES) expect(WORKFLOW[file].on).not.toHaveProperty("pull_request_target");
  });
});

describe("pull-request.yml: the pull request never judges itself, and its code never meets a credential", () => {
  const wf = WORKFLOW["pull-request.yml"];
  const jobs = jobsOf("pull-request.yml");
  const { head, verdict, plan, report } = wf.jobs;
  const approval = wf.jobs["access-approval"];
  const skipped = wf.jobs["plan-skipped"];
  const BASE_SHA = "${{ github.event.pull_request.base.sha }}";
  const checkouts = (job: Job) => stepsOf(job).filter((s) => s.uses?.startsWith("actions/checkout@"));
  const runLines = (job: Job) => stepsOf(job).flatMap((s) => (s.run ?? "").split("\n").map((l) => l.trim()));
  /** Everything in a job that a pull request's code could have written: what the head job leaves behind. */
  const readsHead = (job: Job) => JSON.stringify(job).includes("needs.head.");
  /** A job that holds something worth stealing, or decides: an ID token, a write permission, an environment, or the verdict. */
  /** Jobs that run the pull request's own code: they hold nothing, and no trusted job reads what they do. */
  const PR_CODE_JOBS = ["head", "rehearsal"];
  const privileged = (id: string, job: Job) => {
    const perms = (job.permissions ?? {}) as Record<string, string>;
    return id === "verdict" || job.environment !== undefined || Object.values(perms).includes("write");
  };

  it("runs on pull requests to main, and never as pull_request_target or workflow_run (which run with the base's privileges)", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.on.pull_request.branches).toEqual(["main"]);
  });

  it("has the jobs a repository admin requires by name: tests and synth, access verdict, access approval", () => {
    expect(jobs.map(([id, j]) => [id, j.name])).toEqual([
      ["head", "tests and synth"],
      ["rehearsal", "rehearsal (real terraform)"],
      ["verdict", "access verdict"],
      ["access-approval", "access approval"],
      ["plan", "plan ${{ matrix.stack }}"],
      ["plan-skipped", "plan (skipped for a fork)"],
      ["report", "report"],
    ]);
  });

  it("runs the pull request's code in the head job alone: every other checkout is the base commit", () => {
    for (const [id, job] of jobs) {
      for (const c of checkouts(job)) {
        expect({ id, ref: c.with?.ref, persist: c.with?.["persist-credentials"] }).toEqual({ id, ref: PR_CODE_JOBS.includes(id) ? undefined : BASE_SHA, persist: false });
      }
    }
    expect(checkouts(head)).toHaveLength(1); // the merge commit, as GitHub gives it
    expect(jobs.filter(([, j]) => checkouts(j).length > 0).map(([id]) => id)).toEqual(["head", "rehearsal", "verdict", "plan"]);
  });

  it("gives the rehearsal job (pull request code, the real terraform offline) nothing to steal either, and nothing reads what it does", () => {
    const rehearsal = jobs.find(([id]) => id === "rehearsal")![1];
    expect(rehearsal.permissions).toEqual({ contents: "read" });
    expect(rehearsal.environment).toBeUndefined();
    expect(JSON.stringify(rehearsal)).not.toMatch(/secrets\.|vars\.|github\.token|id-token/);
    expect(stepsOf(rehearsal).map((s) => s.run).filter(Boolean)).toEqual(["npm ci --ignore-scripts --no-audit --no-fund", "npm run --silent test:e2e"]);
    expect(stepsOf(rehearsal).find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"))?.with).toMatchObject({ terraform_version: "1.11.4" });
    expect(jobs.filter(([, j]) => [j.needs ?? []].flat().includes("rehearsal")).map(([id]) => id)).toEqual([]);
  });

  it("gives the head job nothing to steal: a read-only token, no ID token, no environment, no secret, no variable", () => {
    expect(head.permissions).toEqual({ contents: "read" });
    expect(head.environment).toBeUndefined();
    expect(JSON.stringify(head)).not.toMatch(/secrets\.|vars\.|github\.token/);
    expect(envMaps("pull-request.yml", head).flatMap((e) => Object.keys(e)).filter((k) => /DATABRICKS|AWS|TOKEN/.test(k))).toEqual([]);
  });

  it("runs the tests and synth in the head job, and uploads the output (dereferenced: cdktf.out is a link) and the model as data", () => {
    const runs = stepsOf(head).map((s) => s.run ?? "");
    expect(runs).toContain("npm test");
    expect(runs).toContain("npm run synth");
    const keep = runs.find((r) => r.includes("head-output"))!;
    expect(keep).toContain('cp -RL cdktf.out "$out/cdktf.out"');
    expect(keep).toContain('cp environments.yaml "$out/environments.yaml"');
    expect(keep).toContain('git rev-parse HEAD > "$out/commit"');
    const upload = stepsOf(head).find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.with).toMatchObject({ name: "head-output", path: "${{ runner.temp }}/head-output", "if-no-files-found": "error" });
  });

  it("runs the verdict job on the base branch's code only, over the artifact as data, with no cache and nothing the head job set", () => {
    expect(verdict.permissions).toEqual({ contents: "read" });
    expect(verdict.environment).toBeUndefined();
    expect(readsHead(verdict)).toBe(false);
    const runs = stepsOf(verdict).map((s) => s.run ?? "");
    expect(runs).toContain("npm ci --omit=dev --ignore-scripts --no-audit --no-fund");
    expect(runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r))).toEqual(["npm ci --omit=dev --ignore-scripts --no-audit --no-fund"]);
    const step = stepsOf(verdict).find((s) => s.id === "verdict")!;
    expect(step.run).toBe(
      'npm run --silent verdict -- --head "$RUNNER_TEMP/head-output" --base-commit "$BASE_SHA" --merge-commit "$MERGE_SHA" --report "$RUNNER_TEMP/verdict" --github-output "$GITHUB_OUTPUT" | tee -a "$GITHUB_STEP_SUMMARY"',
    );
    expect(step.env).toEqual({ BASE_SHA, MERGE_SHA: "${{ github.sha }}" });
    expect(step["continue-on-error" as keyof Step]).toBeUndefined(); // its exit code is the check's
    expect(step.if).toBeUndefined(); // after any failed step it does not run: outputs empty, approval required
  });

  it("lets nothing the pull request's code wrote reach a trusted job: no cache restored, no head output read, the artifact only downloaded by name into RUNNER_TEMP", () => {
    for (const [id, job] of jobs.filter(([id]) => !PR_CODE_JOBS.includes(id))) {
      for (const s of stepsOf(job)) {
        expect({ id, cache: s.uses?.startsWith("actions/cache") ?? false }).toEqual({ id, cache: false });
        // setup-node v5 and later restore an npm cache unasked when package.json names npm as its packageManager.
        if (s.uses?.startsWith("actions/setup-node@")) expect({ id, cache: s.with?.cache, auto: s.with?.["package-manager-cache"] }).toEqual({ id, cache: undefined, auto: false });
        if (s.uses?.startsWith("actions/download-artifact@")) {
          expect({ id, path: String(s.with?.path).startsWith("${{ runner.temp }}/") }).toEqual({ id, path: true });
          expect({ id, named: s.with?.name !== undefined || s.with?.pattern !== undefined }).toEqual({ id, named: true });
        }
      }
      // Only the report shows the head job's outcomes, through env (never as an expression in a script).
      if (id !== "report") expect({ id, readsHead: readsHead(job) }).toEqual({ id, readsHead: false });
    }
    expect(stepsOf(report).filter((s) => s.uses?.startsWith("actions/download-artifact@")).map((s) => s.with?.name ?? s.with?.pattern)).toEqual(["verdict", "plan-*"]);
  });

  it("runs no file from the pull request in a job that holds a privilege or decides: base checkout, no local action, no working directory, its output only as data", () => {
    // Where the pull request's output may appear in such a job, each as data to base code or terraform.
    const allowed = [
      /--head "\$RUNNER_TEMP\/head-output" --base-commit/, // the verdict reads it
      /^npm run --silent verdict -- --digest "\$RUNNER_TEMP\/head-output" --expect "\$DIGEST"$/, // its digest, checked
      /^export ENVIRONMENTS_FILE="\$RUNNER_TEMP\/head-output\/environments\.yaml" CDKTF_OUTDIR="\$RUNNER_TEMP\/head-output\/cdktf\.out"$/, // ci-env.ts reads the model
      /^dir="\$RUNNER_TEMP\/head-output\/cdktf\.out\/stacks\/\$STACK"$/, // terraform reads the accepted configuration
      /^npm run --silent plan-guard -- "\$base" "\$RUNNER_TEMP\/head-output\/cdktf\.out" --stack "\$STACK" --plan "\$out\/plan\.json" > "\$out\/guard\.txt"$/, // the plan guard reads it
    ];
    const judged = jobs.filter(([id, job]) => privileged(id, job));
    expect(judged.map(([id]) => id)).toEqual(["verdict", "access-approval", "plan", "report"]);
    for (const [id, job] of judged) {
      expect({ id, wd: stepsOf(job).some((s) => "working-directory" in s) }).toEqual({ id, wd: false });
      expect({ id, local: stepsOf(job).some((s) => s.uses?.startsWith("./")) }).toEqual({ id, local: false });
      for (const line of runLines(job).filter((l) => l.includes("head-output"))) {
        expect({ id, line, allowed: allowed.some((re) => re.test(line)) }).toEqual({ id, line, allowed: true });
      }
      // Scripts run from the checkout only: the base branch's files.
      for (const line of runLines(job)) expect({ id, line, runsElsewhere: /\b(node|bash|sh|source|npx)\s+["$]/.test(line) }).toEqual({ id, line, runsElsewhere: false });
    }
  });

  it("puts no expression into a script: every value reaches a run step through env (no title, branch or output can inject shell)", () => {
    for (const [id, job] of jobs) for (const s of stepsOf(job)) expect({ id, step: s.name ?? s.run?.slice(0, 40), expr: (s.run ?? "").includes("${{") }).toEqual({ id, step: s.name ?? s.run?.slice(0, 40), expr: false });
  });

  it("calls npm run verdict with command lines it accepts (the verdict's and the plan's digest check)", () => {
    const lines = [...runLines(verdict), ...runLines(plan)].filter((l) => l.startsWith("npm run --silent verdict -- "));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const args = [...line.replace("npm run --silent verdict -- ", "").split(" | ")[0].matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
      const cli = parseCommandLine(args, verdictCommand.spec);
      expect(Object.entries(cli.flags).filter(([, v]) => v !== undefined).map(([k]) => k).sort()).toEqual(line.includes("--digest") ? ["digest", "expect"] : ["base-commit", "github-output", "head", "merge-commit", "report"]);
    }
  });

  it("runs the verdict even when the head job failed (a job skipped by its condition would count as passed)", () => {
    expect(needsOf(verdict)).toEqual(["head"]);
    expect(verdict.if).toBe("${{ !cancelled() }}");
  });

  it("takes the verdict's outputs from the verdict command's own step only", () => {
    expect(verdict.outputs).toEqual({
      approval: "${{ steps.verdict.outputs.approval }}",
      plan: "${{ steps.verdict.outputs.plan }}",
      digest: "${{ steps.verdict.outputs.digest }}",
      result: "${{ steps.verdict.outputs.result }}",
    });
    const writers = stepsOf(verdict).filter((s) => (s.run ?? "").includes("GITHUB_OUTPUT"));
    expect(writers.map((s) => s.id)).toEqual(["verdict"]);
  });

  it("makes the access approval wait unless the verdict said `none`: a failed, skipped or missing verdict never skips it, and an approval never replaces a failed verdict", () => {
    expect(approval).toMatchObject({ needs: "verdict", if: "${{ !cancelled() && needs.verdict.outputs.approval != 'none' }}", environment: "access-review", permissions: {} });
    expect(stepsOf(approval)[0].env).toEqual({ VERDICT: "${{ needs.verdict.result }}" });
    expect(runText(approval)).toMatch(/if \[ "\$VERDICT" != success \]; then[\s\S]*exit 1/);
  });

  it("plans only output the base branch's policy accepted in the verdict, checked by digest, with base code and no cache", () => {
    expect(needsOf(plan)).toEqual(["verdict"]);
    expect(plan.if).toBe("needs.verdict.outputs.plan == 'true' && github.event.pull_request.head.repo.full_name == github.repository");
    const runs = stepsOf(plan).map((s) => s.run ?? "");
    const digest = runs.findIndex((r) => r.includes("--digest"));
    const hostStep = runs.findIndex((r) => r.includes("scripts/ci-env.ts"));
    const planStep = runs.findIndex((r) => r.includes('terraform -chdir="$dir" plan'));
    expect(stepsOf(plan)[digest].env).toEqual({ DIGEST: "${{ needs.verdict.outputs.digest }}" });
    expect(digest).toBeGreaterThan(stepsOf(plan).findIndex((s) => s.uses?.startsWith("actions/download-artifact@")));
    expect(hostStep).toBeGreaterThan(digest);
    expect(planStep).toBeGreaterThan(hostStep);
    expect(runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r))).toEqual(["npm ci --omit=dev --ignore-scripts --no-audit --no-fund"]);
    expect(runs.join("\n")).not.toMatch(/npm run synth|TF_PLUGIN_CACHE/);
    expect(JSON.stringify(plan)).not.toMatch(/TF_PLUGIN_CACHE|plugin-cache/);
    expect(runs[planStep]).toMatch(/terraform -chdir="\$dir" plan [^\n]*-lock=false/); // a plan must never hold the lock a deploy needs
    expect(runs[planStep]).not.toMatch(/\bapply\b/);
  });

  it("holds an ID token only in the plan jobs, as the read-only plan principal, never a deploying one", () => {
    expect(jobs.filter(([, j]) => grantsIdToken(j.permissions)).map(([id]) => id)).toEqual(["plan"]);
    expect(plan.env?.DATABRICKS_CLIENT_ID).toBe("${{ vars.DATABRICKS_PLAN_CLIENT_ID }}");
    expect(TEXT["pull-request.yml"]).not.toContain("DATABRICKS_CLIENT_ID_");
    expect(TEXT["pull-request.yml"]).not.toContain("vars.AWS_STATE_ROLE_ARN");
    expect(plan.environment).toBeUndefined(); // the deploy environments' OIDC subjects stay the deploys' alone
  });

  it("plans every stack of the model, in the model's order", () => {
    expect(plan.strategy?.matrix).toEqual({ stack: STACKS });
    expect(plan.env?.STACK).toBe("${{ matrix.stack }}");
  });

  it("skips the plans of a fork's pull request (no OIDC token) and says why", () => {
    expect(skipped.if).toBe("github.event.pull_request.head.repo.full_name != github.repository");
    expect(runText(skipped)).toContain("GITHUB_STEP_SUMMARY");
    expect(runText(skipped)).toMatch(/fork.*no OIDC identity token/);
  });

  it("reports the tests, the verdict, the approval (from the verdict's output) and every plan in one comment, found by its marker and updated", () => {
    expect(needsOf(report)).toEqual(["head", "verdict", "plan", "plan-skipped"]);
    expect(report.if).toBe("${{ !cancelled() }}"); // a superseded, cancelled run must not overwrite the newer report
    const write = stepsOf(report).find((s) => s.name === "Write the report")!;
    expect(write.env?.APPROVAL).toBe("${{ needs.verdict.outputs.approval }}");
    expect(write.run).toContain('if [ "$APPROVAL" = none ]; then');
    expect(write.run).toMatch(/<details><summary>changed grants as a diagram<\/summary>"\n\s+echo\n\s+echo '```mermaid'\n\s+section "\$art\/verdict\/grants-diff\.mmd"/);
    const marker = /<!-- uc-env-isolation:pull-request-report -->/;
    expect(runText(report)).toMatch(marker);
    const post = stepsOf(report).find((s) => s.uses?.startsWith("actions/github-script@"))!;
    const script = String(post.with?.script);
    expect(script).toMatch(marker);
    expect(script.indexOf("updateComment")).toBeLessThan(script.indexOf("createComment"));
    expect(post.if).toBe("env.FORK != 'true'"); // a fork's token cannot comment: the job summary is its report
  });

  it("lets only the report job write, and only to pull requests", () => {
    expect(report.permissions).toEqual({ "pull-requests": "write" });
    for (const [id, job] of jobs.filter(([id]) => id !== "report")) {
      const writes = Object.entries((job.permissions ?? {}) as Record<string, string>).filter(([scope, level]) => level === "write" && scope !== "id-token");
      expect({ id, writes }).toEqual({ id, writes: [] });
    }
  });
});

describe("the files npm run update writes from the model", () => {
  // As rendered from environments.yaml: __tests__/live/live-model.test.ts (checks.ts), which the
  // day-2 flows also run on their copies. Here: the renderer gives every model the same contract.
  const models = ["reference.yaml", "other-org.yaml", "full.yaml"].map((f) => loadEnvironmentModel(path.join(ROOT, "__tests__", "fixtures", "models", f)));

  it.each(models.map((m) => [path.basename(m.source), m] as const))("renders deploy.yml for %s: valid, one job per stack in the model's order, each after the one before, in its own environment", (_, m) => {
    const text = renderDeployWorkflow(desiredState(m));
    expect(validateWorkflow(text).errors).toEqual([]);
    const jobs = Object.values((parse(text) as Workflow).jobs);
    expect(jobs.map((j) => j.with?.stack)).toEqual(m.environments.map((e) => e.stackName));
    jobs.forEach((j, i) => {
      expect(needsOf(j)).toEqual(i === 0 ? [] : [Object.keys((parse(text) as Workflow).jobs)[i - 1]]);
      expect(j.with?.environment ?? j.with?.["github-environment"]).toBe(m.environments[i].key);
    });
  });

  it.each(MATRIX_WORKFLOWS)("renders the stack matrix of %s for another organisation's model", (file) => {
    const other = models[1];
    const text = withStackMatrix(fs.readFileSync(path.join(ROOT, file), "utf8"), desiredState(other), file);
    expect(validateWorkflow(text).errors).toEqual([]);
    expect(text).toContain(`stack: [${other.environments.map((e) => e.stackName).join(", ")}]`);
  });
});

describe("every workflow: no job that can obtain an identity runs a pull request's files", () => {
  const BASE_SHA = "${{ github.event.pull_request.base.sha }}";
  /** A job holds an identity: an ID token (Databricks or a cloud role through OIDC), or a write token. */
  const holdsIdentity = (file: string, job: Job): boolean => {
    const called = calledFile(job);
    if (called) return jobsOf(called).some(([, j]) => holdsIdentity(called, j));
    const perms = effectivePermissions(file, job);
    return grantsIdToken(perms) || (typeof perms === "object" && perms !== null && Object.values(perms).includes("write")) || perms === "write-all";
  };

  it.each(FILES)("%s runs on events whose code is reviewed (main, a schedule, a call) or, on pull requests, with the base's files in every job that holds an identity", (file) => {
    const events = Object.keys(WORKFLOW[file].on);
    expect(events.filter((e) => !["pull_request", "push", "schedule", "workflow_dispatch", "workflow_call"].includes(e))).toEqual([]); // never pull_request_target or workflow_run
    if (events.includes("push")) expect(WORKFLOW[file].on.push).toEqual({ branches: ["main"] });
    for (const [id, job] of jobsOf(file)) {
      if (!holdsIdentity(file, job)) continue;
      const checkouts = stepsOf(job).filter((s) => s.uses?.startsWith("actions/checkout@"));
      if (events.includes("pull_request")) {
        // The pull request's merge commit is checked out when `ref` is left out: every such job names the base.
        for (const c of checkouts) expect({ file, id, ref: c.with?.ref }).toEqual({ file, id, ref: BASE_SHA });
        for (const s of stepsOf(job)) expect({ file, id, step: s.uses ?? s.run?.slice(0, 40), local: s.uses?.startsWith("./") ?? false }).toEqual({ file, id, step: s.uses ?? s.run?.slice(0, 40), local: false });
      } else {
        // Runs on main's own commit (or, dispatched, on a branch the environment's deployment rule must allow).
        for (const c of checkouts) expect({ file, id, ref: c.with?.ref }).toEqual({ file, id, ref: undefined });
      }
    }
  });
});

describe("deploy.yml: push to main deploys the stacks in the model's order", () => {
  const wf = WORKFLOW["deploy.yml"];
  const jobs = jobsOf("deploy.yml");
  const jobFor = (stack: string) => jobs.find(([, j]) => j.with?.stack === stack)!;

  it("runs on pushes to main only (no dispatch from another branch)", () => {
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
  });

  it("has one job per stack of the model, each deploying exactly one stack into the model's GitHub environment for it, with the model's approval", () => {
    expect(jobs.map(([, j]) => j.with?.stack).sort()).toEqual([...STACKS].sort());
    for (const [id, job] of jobs) {
      const env = model.environments.find((e) => e.stackName === job.with?.stack)!;
      expect({ id, uses: job.uses }).toEqual({ id, uses: "./.github/workflows/deploy-stack.yml" });
      expect({ id, with: job.with }).toEqual({
        id,
        with: { stack: env.stackName, environment: env.key, "client-id-variable": clientIdVariable(env.stackName), approval: env.approval },
      });
    }
  });

  it("asks for an approval where the model does: by default production and the environment before it", () => {
    expect(model.environments.filter((e) => e.approval === "required").map((e) => e.key)).toEqual(["staging", "prod"]);
    expect(jobFor(model.production.stackName)[1].with?.approval).toBe("required");
  });

  it("deploys in the model's order, each stack only after the one before it succeeded", () => {
    model.environments.forEach((env, i) => {
      const [, job] = jobFor(env.stackName);
      expect({ stack: env.stackName, needs: needsOf(job) }).toEqual({
        stack: env.stackName,
        needs: i === 0 ? [] : [jobFor(model.environments[i - 1].stackName)[0]],
      });
      expect(job.if).toBeUndefined(); // no always(): a failed stack stops the ones after it
    });
  });

  it("runs one deploy at a time and cancels none in progress (a plan is applied only over the state it was made from)", () => {
    expect(wf.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
    for (const [, job] of jobs) expect(job.concurrency).toBeUndefined();
  });
});

describe("deploy-stack.yml: plan, then approve, then apply exactly that plan", () => {
  const wf = WORKFLOW["deploy-stack.yml"];
  const jobs = jobsOf("deploy-stack.yml");
  const plan = WORKFLOW["deploy-stack.yml"].jobs.plan;
  const apply = WORKFLOW["deploy-stack.yml"].jobs.apply;
  const runs = (job: Job) => stepsOf(job).map((s) => s.run ?? "");
  const env = (job: Job, key: string) => job.env?.[key] ?? wf.env?.[key];

  it("is only called by another workflow, with the stack, its GitHub environment, its client-id variable and its approval; two jobs", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_call"]);
    expect(Object.keys(wf.on.workflow_call.inputs).sort()).toEqual(["approval", "client-id-variable", "environment", "stack"]);
    expect(jobs.map(([id]) => id)).toEqual(["plan", "apply"]);
    expect(wf.permissions).toEqual({});
  });

  it("plans without an approval, as the read-only plan principal, outside any GitHub environment", () => {
    expect(plan.environment).toBeUndefined();
    expect(plan.env?.DATABRICKS_CLIENT_ID).toBe("${{ vars.DATABRICKS_PLAN_CLIENT_ID }}");
    expect(plan.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(TEXT["deploy-stack.yml"]).not.toMatch(/secrets\./);
    const aws = stepsOf(plan).filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws.map((s) => s.with?.["role-to-assume"])).toEqual(["${{ vars.AWS_STATE_PLAN_ROLE_ARN }}"]);
  });

  it("runs the policy, then plans, then checks the plan (deploy-check: guard and summary) before anything is uploaded", () => {
    const r = runs(plan);
    const at = (pred: (x: string) => boolean) => r.findIndex(pred);
    expect(at((x) => x === "npm run synth")).toBeLessThan(at((x) => x === "npm run --silent policy"));
    expect(at((x) => x === "npm run --silent policy")).toBeLessThan(at((x) => x.includes("terraform -chdir")));
    expect(at((x) => x.includes(" plan -input=false"))).toBeLessThan(at((x) => x.includes("npm run --silent deploy-check")));
    const check = r.find((x) => x.includes("npm run --silent deploy-check"))!;
    expect(check).toContain('--stack "$STACK" --plan-file "$out/tfplan" --plan "$out/plan.json" --plan-text "$out/plan.txt" --commit "$GITHUB_SHA" --summary "$out/summary.md"');
    expect(check).toContain('cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"');
    expect(check).toContain("[ $status -eq 0 ] || exit $status"); // a failed guard fails the job: no digest, no apply
    expect(plan.outputs?.digest).toBe("${{ steps.check.outputs.digest }}");
    const upload = stepsOf(plan).findIndex((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload).toBeGreaterThan(stepsOf(plan).findIndex((s) => s.id === "check"));
    expect(stepsOf(plan)[upload].with).toMatchObject({ name: "deploy-plan-${{ inputs.stack }}", path: "${{ runner.temp }}/deploy" });
  });

  it("applies in the stack's GitHub environment, as its own principal, only after the plan job and only when it changes something", () => {
    expect(apply.environment).toBe("${{ inputs.environment }}");
    expect(needsOf(apply)).toEqual(["plan"]);
    expect(apply.if).toBe("needs.plan.outputs.changes == 'true'");
    expect(apply.env?.DATABRICKS_CLIENT_ID).toBe("${{ vars[inputs.client-id-variable] }}");
    expect(env(apply, "DATABRICKS_AUTH_TYPE")).toBe("github-oidc");
    expect(env(apply, "TF_VAR_databricks_profile")).toBe("");
    expect(apply.permissions).toEqual({ actions: "read", contents: "read", "id-token": "write" });
  });

  it("checks the GitHub settings the approvals rest on before anything else that matters, failing closed", () => {
    const r = runs(apply);
    const check = r.findIndex((x) => x.startsWith("npm run --silent github-check -- "));
    expect(r[check]).toBe('npm run --silent github-check -- --repository "$GITHUB_REPOSITORY" --environment "$DEPLOY_ENVIRONMENT" --approval "$APPROVAL" --format md | tee -a "$GITHUB_STEP_SUMMARY"');
    expect(check).toBeLessThan(r.findIndex((x) => x.includes("terraform")));
    expect(stepsOf(apply)[stepsOf(apply).findIndex((s) => s.run === r[check])].if).toBeUndefined(); // always runs
  });

  it("applies only a plan produced by the plan job for the same commit: downloaded by name, its sha256 and commit checked, then applied as a file", () => {
    const r = runs(apply);
    const download = stepsOf(apply).find((s) => s.uses?.startsWith("actions/download-artifact@"))!;
    expect(download.with).toEqual({ name: "deploy-plan-${{ inputs.stack }}", path: "${{ runner.temp }}/deploy" });
    expect(apply.env?.DIGEST).toBe("${{ needs.plan.outputs.digest }}");
    const verify = r.find((x) => x.includes("sha256sum"))!;
    expect(verify).toContain('[ -n "$DIGEST" ] && [ "$digest" = "$DIGEST" ]');
    expect(verify).toContain('[ "$(cat "$out/commit")" = "$GITHUB_SHA" ]');
    const applyLine = r.join("\n").split("\n").filter((l) => /\bterraform\b.*\bapply\b/.test(l));
    expect(applyLine).toEqual(['          terraform -chdir="$dir" apply -input=false -no-color -lock-timeout=10m "$RUNNER_TEMP/deploy/tfplan" 2>&1 | tee "$RUNNER_TEMP/apply.txt"'.trim()].map((l) => expect.stringContaining(l)));
    expect(TEXT["deploy-stack.yml"]).not.toMatch(/-target|-auto-approve|cdktf deploy|terraform destroy/);
    // Every step after the commit check runs only when this commit is still the newest on main.
    const newest = stepsOf(apply).findIndex((s) => s.id === "newest");
    for (const s of stepsOf(apply).slice(newest + 1)) expect({ step: s.name ?? s.run?.slice(0, 30), if: s.if }).toEqual({ step: s.name ?? s.run?.slice(0, 30), if: expect.stringContaining("steps.newest.outputs.apply == 'true'") });
  });

  it("checks at run time that it runs in the model's environment for the stack, with the stack's variable and approval", () => {
    const check = runs(plan).find((x) => x.includes('"$DEPLOY_ENVIRONMENT" = "$MODEL_ENVIRONMENT"'))!;
    expect(check).toContain('"$CLIENT_ID_VARIABLE" = "DATABRICKS_CLIENT_ID_$(echo "$STACK" | tr \'a-z-\' \'A-Z_\')"');
    expect(check).toContain('"$APPROVAL" = "$MODEL_APPROVAL"');
    expect(check).toContain('"$STATE_BACKEND" != local');
    expect(wf.env?.DEPLOY_ENVIRONMENT).toBe("${{ inputs.environment }}");
    expect(wf.env?.STACK).toBe("${{ inputs.stack }}");
  });

  it("takes DATABRICKS_HOST from the model for the stack, before terraform runs, in both jobs", () => {
    for (const job of [plan, apply]) {
      const r = runs(job);
      const host = r.indexOf('node scripts/run-ts.js scripts/ci-env.ts "$STACK" >> "$GITHUB_ENV"');
      expect(host).toBeGreaterThan(r.indexOf("npm run synth"));
      expect(host).toBeLessThan(r.findIndex((x) => x.includes("terraform ")));
    }
  });

  it("restores no cache: setup-node's automatic npm cache is off in both jobs", () => {
    for (const [id, job] of jobs) {
      for (const s of stepsOf(job).filter((x) => x.uses?.startsWith("actions/setup-node@"))) expect({ id, cache: s.with?.cache, auto: s.with?.["package-manager-cache"] }).toEqual({ id, cache: undefined, auto: false });
      expect({ id, cache: stepsOf(job).some((x) => x.uses?.startsWith("actions/cache")) }).toEqual({ id, cache: false });
    }
  });

  it("checks out the pushed commit only, without credentials, and runs nothing from elsewhere", () => {
    for (const [id, job] of jobs) {
      for (const c of stepsOf(job).filter((s) => s.uses?.startsWith("actions/checkout@"))) expect({ id, with: c.with }).toEqual({ id, with: { "persist-credentials": false } });
      expect({ id, local: stepsOf(job).some((s) => s.uses?.startsWith("./")) }).toEqual({ id, local: false });
    }
  });
});

describe("audit.yml: the nightly access audit", () => {
  const wf = WORKFLOW["audit.yml"];
  const { audit, report } = wf.jobs;
  const runs = stepsOf(audit).map((s) => s.run ?? "");

  it("runs nightly and on demand, never on a push or a pull request", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
  });

  it("audits every stack of the model, each with its own environment from the model", () => {
    expect(audit.strategy?.matrix).toEqual({ stack: STACKS });
    const hostStep = runs.indexOf('node scripts/run-ts.js scripts/ci-env.ts "$STACK" >> "$GITHUB_ENV"');
    const auditStep = runs.findIndex((r) => r.includes('npm run --silent audit -- --env "$MODEL_ENVIRONMENT" --format md'));
    expect(hostStep).toBeGreaterThan(runs.indexOf("npm run synth"));
    expect(auditStep).toBeGreaterThan(hostStep);
  });

  it("signs in as the audit identity with GitHub OIDC, in its own GitHub environment, never as a deploying or plan principal", () => {
    expect(audit.env?.DATABRICKS_AUTH_TYPE).toBe("github-oidc");
    expect(audit.env?.DATABRICKS_CLIENT_ID).toBe("${{ vars.DATABRICKS_AUDIT_CLIENT_ID }}");
    expect(audit.environment).toBe("audit");
    expect(TEXT["audit.yml"]).not.toMatch(/DATABRICKS_CLIENT_ID_|DATABRICKS_PLAN_CLIENT_ID|AWS_STATE/);
    expect(audit.permissions).toEqual({ actions: "read", contents: "read", "id-token": "write" });
  });

  it("checks first that the audit environment deploys from main only (github-check), before the identity is used", () => {
    const check = runs.findIndex((r) => r.startsWith("npm run --silent github-check -- "));
    expect(runs[check]).toBe('npm run --silent github-check -- --repository "$GITHUB_REPOSITORY" --environment audit --approval none --format md | tee -a "$GITHUB_STEP_SUMMARY"');
    expect(check).toBeLessThan(runs.findIndex((r) => r.includes("npm run --silent audit")));
  });

  it("installs the Databricks CLI from a pinned release, the version in the comment", () => {
    const setup = stepsOf(audit).find((s) => s.uses?.startsWith("databricks/setup-cli@"))!;
    const version = /# v(\d+\.\d+\.\d+)/.exec(TEXT["audit.yml"].split("\n").find((l) => l.includes("databricks/setup-cli@"))!)![1];
    expect(String(setup.with?.version)).toBe(version);
    expect(stepsOf(audit).indexOf(setup)).toBeLessThan(runs.findIndex((r) => r.includes("npm run --silent audit")));
  });

  it("changes nothing: no terraform, no deploy, no CLI command but the audit's", () => {
    expect(TEXT["audit.yml"]).not.toMatch(/\bterraform\b|cdktf (deploy|destroy)|databricks (grants|catalogs|workspace-bindings|api)\b/);
  });

  it("keeps one issue, found by its marker: updated while there is drift, closed by a clean run, left alone when an audit failed", () => {
    expect(needsOf(report)).toEqual(["audit"]);
    expect(report.if).toBe("${{ !cancelled() }}");
    expect(report.permissions).toEqual({ issues: "write" });
    const marker = /<!-- uc-env-isolation:access-audit -->/;
    expect(runText(report)).toMatch(marker);
    const post = stepsOf(report).find((s) => s.uses?.startsWith("actions/github-script@"))!;
    const script = String(post.with?.script);
    expect(script).toMatch(marker);
    expect(script.indexOf("issues.update")).toBeLessThan(script.indexOf("issues.create("));
    expect(script).toContain('state: "closed"');
    expect(post.if).toBe("env.FAILED != 'true'");
  });
});

describe("the actions the workflows pin, and the Node they run on", () => {
  interface PinnedAction {
    readonly action: string;
    readonly version: string;
    readonly sha: string;
    readonly using: string;
    readonly inputs: readonly string[];
    readonly read: string;
    readonly checked: string;
  }
  // What each action's action.yml declares at the pinned commit, as read from the action's
  // repository (the table says where); GitHub runs JavaScript actions on Node 24 only since Node 20
  // left its runners (2026-09-16).
  const TABLE = JSON.parse(fs.readFileSync(path.join(ROOT, ".github", "pinned-actions.json"), "utf8")) as { actions: readonly PinnedAction[] };
  const pins = FILES.flatMap((file) =>
    TEXT[file]
      .split("\n")
      .map((line) => /uses:\s*([^\s@]+)@([0-9a-f]{40})\s*#\s*(v\S+)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, action, sha, version]) => ({ file, action, sha, version })),
  );
  const steps = FILES.flatMap((file) => jobsOf(file).flatMap(([, j]) => stepsOf(j).map((s) => ({ file, step: s }))));
  /** The current LTS line: Active LTS from 2026-10-28 to 2027-10-20 (nodejs/Release, schedule.json), Node 24 in maintenance since 2026-10-20. */
  const CURRENT_LTS = 26;

  /** What is wrong with the pins, against the table: a missing row, another commit or version, a runtime GitHub no longer runs. */
  function pinProblems(found: readonly { file: string; action: string; sha: string; version: string }[], table: readonly PinnedAction[]): string[] {
    const problems: string[] = [];
    for (const p of found) {
      const row = table.find((r) => r.action === p.action);
      if (!row) problems.push(`${p.file}: ${p.action} is not in .github/pinned-actions.json`);
      else if (row.sha !== p.sha || row.version !== p.version) problems.push(`${p.file}: ${p.action}@${p.sha} # ${p.version}, the table has ${row.sha} # ${row.version}`);
      else if (!["node24", "composite"].includes(row.using)) problems.push(`${p.file}: ${p.action} ${p.version} runs on ${row.using}`);
    }
    for (const r of table) if (!found.some((p) => p.action === r.action)) problems.push(`.github/pinned-actions.json: ${r.action} is pinned by no workflow`);
    return problems;
  }

  it("pins every action to its row of .github/pinned-actions.json (same commit, same version), each running on Node 24 or composite; no row unused", () => {
    expect(pins.length).toBeGreaterThan(20);
    expect(pinProblems(pins, TABLE.actions)).toEqual([]);
    expect(new Set(TABLE.actions.map((r) => r.action)).size).toBe(TABLE.actions.length);
  });

  it("rejects a pin to a commit the table does not name, an action the table lacks, an action on node20, and a row no workflow uses", () => {
    const checkout = TABLE.actions.find((r) => r.action === "actions/checkout")!;
    const old = { file: "x.yml", action: "actions/checkout", sha: "11bd71901bbe5b1630ceea73d27597364c9af683", version: "v4.2.2" };
    expect(pinProblems([old], [checkout])).toEqual([`x.yml: actions/checkout@${old.sha} # v4.2.2, the table has ${checkout.sha} # ${checkout.version}`]);
    expect(pinProblems([old], [{ ...checkout, sha: old.sha, version: "v4.2.2", using: "node20" }])).toEqual(["x.yml: actions/checkout v4.2.2 runs on node20"]);
    expect(pinProblems([{ ...old, action: "actions/cache" }], [checkout])).toEqual(["x.yml: actions/cache is not in .github/pinned-actions.json", ".github/pinned-actions.json: actions/checkout is pinned by no workflow"]);
  });

  it("records for each row what its action.yml declares at the pinned commit and where it was read", () => {
    for (const r of TABLE.actions) {
      expect(r.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(r.version).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(r.read).toBe(`action.yml at tag ${r.version} (commit ${r.sha}) of github.com/${r.action}`);
      expect(r.inputs.length).toBeGreaterThan(0);
      expect(r.checked.length).toBeGreaterThan(40);
    }
  });

  it("passes each action only inputs its action.yml declares at the pinned commit (no input renamed or removed by the upgrade)", () => {
    for (const { file, step } of steps) {
      if (!step.uses || step.uses.startsWith("./")) continue;
      const row = TABLE.actions.find((r) => r.action === step.uses!.split("@")[0])!;
      for (const input of Object.keys(step.with ?? {})) expect({ file, action: row.action, input, declared: row.inputs.includes(input) }).toEqual({ file, action: row.action, input, declared: true });
    }
  });

  it(`runs the workflows' own jobs on the current LTS line, Node ${CURRENT_LTS}, but the rehearsal on Node 22 (the cdktf CLI's terminal helper has no binary for a later Node), while package.json keeps Node 20 the floor`, () => {
    const setups = FILES.flatMap((file) => jobsOf(file).flatMap(([id, j]) => stepsOf(j).filter((s) => s.uses?.startsWith("actions/setup-node@")).map((s) => ({ file, id, node: s.with?.["node-version"] }))));
    expect(setups.length).toBeGreaterThanOrEqual(8);
    for (const s of setups) expect(s).toEqual({ ...s, node: s.file === "pull-request.yml" && s.id === "rehearsal" ? 22 : CURRENT_LTS });
    // The floor these machines test (they have Node 20 only); in the copy renamed to CDK Terrain, the fork's.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ENGINES_NODE } = require("../../scripts/rename-to-cdktn.js") as { ENGINES_NODE: string };
    expect(pkg.engines).toEqual({ node: pkg.dependencies.cdktn === undefined ? ">=20" : ENGINES_NODE });
  });
});

describe("cdk-terrain.yml: the tests on CDK Terrain, in a renamed copy", () => {
  const wf = WORKFLOW["cdk-terrain.yml"];
  const jobs = jobsOf("cdk-terrain.yml");
  const [[, job]] = jobs;
  const runs = stepsOf(job).map((s) => s.run ?? "");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ENGINES_NODE } = require("../../scripts/rename-to-cdktn.js") as { ENGINES_NODE: string };

  it("runs on pull requests to main and pushes to main, one job", () => {
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] }, push: { branches: ["main"] } });
    expect(jobs.map(([id, j]) => [id, j.name])).toEqual([["tests-on-cdktn", "tests on CDK Terrain"]]);
  });

  it("holds nothing worth taking, like the head job (it runs the pull request's code): a read-only token, no ID token, no environment, no secret, no variable, no cache", () => {
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(job.permissions).toEqual({ contents: "read" });
    expect(job.environment).toBeUndefined();
    expect(TEXT["cdk-terrain.yml"]).not.toMatch(/secrets\.|vars\.|github\.token|id-token|DATABRICKS|AWS_/);
    const checkout = stepsOf(job).find((s) => s.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with).toEqual({ "persist-credentials": false });
    const node = stepsOf(job).find((s) => s.uses?.startsWith("actions/setup-node@"))!;
    expect(node.with).toEqual({ "node-version": 26, "package-manager-cache": false });
    expect(stepsOf(job).some((s) => s.uses?.startsWith("actions/cache") || s.uses?.startsWith("actions/upload-artifact"))).toBe(false);
    // Nothing reads what it does.
    for (const file of FILES) expect(TEXT[file]).not.toContain("needs.tests-on-cdktn");
  });

  it("runs on a Node the fork accepts (cdktn-cli 0.24.0 needs >= 22.19)", () => {
    const floor = Number(/^>=(\d+)\./.exec(ENGINES_NODE)![1]);
    expect(Number(stepsOf(job).find((s) => s.uses?.startsWith("actions/setup-node@"))!.with?.["node-version"])).toBeGreaterThanOrEqual(floor);
  });

  it("renames into a new directory outside the checkout, installs the fork's packages there from an empty cache without cdktf, and runs npm test there", () => {
    expect(runs.filter(Boolean)).toEqual([
      'node scripts/rename-to-cdktn.js "$RUNNER_TEMP/cdktn"',
      expect.stringContaining('cd "$RUNNER_TEMP/cdktn"\nnpm install --legacy-peer-deps --ignore-scripts --no-audit --no-fund --cache "$RUNNER_TEMP/npm-cache"\n'),
      'cd "$RUNNER_TEMP/cdktn"\nnpm test\n',
    ]);
    expect(runs.join("\n")).toMatch(/if \[ -e node_modules\/cdktf \] \|\| \[ -e node_modules\/cdktf-cli \]; then[\s\S]*exit 1/);
    for (const s of stepsOf(job)) expect({ step: s.name ?? s.uses, expr: (s.run ?? "").includes("${{"), continueOnError: "continue-on-error" in s }).toEqual({ step: s.name ?? s.uses, expr: false, continueOnError: false });
  });
});

describe("the report steps read the artifacts as download-artifact lays them out (v5 and later: one matching artifact lands in the path itself)", () => {
  /** Runs a step's script as GitHub does (bash -eo pipefail) with RUNNER_TEMP set up by `layout`. */
  function runStep(file: string, jobId: string, stepName: string, env: Record<string, string>, layout: (art: string) => void): { status: number | null; stderr: string; temp: string } {
    const step = stepsOf(WORKFLOW[file].jobs[jobId]).find((s) => s.name === stepName)!;
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "wf-step-"));
    fs.mkdirSync(path.join(temp, "artifacts"));
    layout(path.join(temp, "artifacts"));
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, RUNNER_TEMP: temp, GITHUB_STEP_SUMMARY: path.join(temp, "summary"), GITHUB_ENV: path.join(temp, "env"), RUN_URL: "https://example.invalid/run", ...env },
    });
    return { status: r.status, stderr: r.stderr, temp };
  }
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };

  const PR_ENV = { HEAD_SHA: "a".repeat(40), BASE_REF: "main", BASE_SHA: "b".repeat(40), TESTS: "success", SYNTH: "success", VERDICT: "success", APPROVAL: "none", PLAN: "true", PLANS: "success", FORK: "false" };
  it.each([
    ["one plan artifact per stack, each in its own directory", (art: string) => ["ref-dev", "ref-prod"].forEach((s, i) => write(path.join(art, `plan-${i}-${s}`, "summary.md"), `PLAN OF ${s}\n`)), ["PLAN OF ref-dev", "PLAN OF ref-prod"]],
    ["a single plan artifact, unpacked into the path itself", (art: string) => write(path.join(art, "summary.md"), "PLAN OF ref-dev\n"), ["PLAN OF ref-dev"]],
  ])("pull-request.yml's report shows every plan: %s", (_name, layout, expected) => {
    const r = runStep("pull-request.yml", "report", "Write the report", PR_ENV, (art) => {
      write(path.join(art, "verdict", "verdict.md"), "VERDICT\n");
      layout(art);
    });
    try {
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      const report = fs.readFileSync(path.join(r.temp, "report.md"), "utf8");
      for (const line of expected) expect(report).toContain(line);
      expect(report).not.toContain("No plan reported");
    } finally {
      fs.rmSync(r.temp, { recursive: true, force: true });
    }
  });

  it.each([
    ["one artifact per stack, each in its own directory", (art: string) => ["ref-dev", "ref-prod"].forEach((s, i) => (write(path.join(art, `audit-${i}-${s}`, "status"), i === 1 ? "1\n" : "0\n"), write(path.join(art, `audit-${i}-${s}`, "summary.md"), `AUDIT OF ${s}\n`))), ["AUDIT OF ref-dev", "AUDIT OF ref-prod"], "DRIFT=true"],
    ["a single artifact, unpacked into the path itself", (art: string) => (write(path.join(art, "status"), "0\n"), write(path.join(art, "summary.md"), "AUDIT OF ref-dev\n")), ["AUDIT OF ref-dev"], "DRIFT=false"],
  ])("audit.yml's issue body has every audit: %s", (_name, layout, expected, drift) => {
    const r = runStep("audit.yml", "report", "Write the issue body", {}, layout);
    try {
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      const body = fs.readFileSync(path.join(r.temp, "body.md"), "utf8");
      for (const line of expected) expect(body).toContain(line);
      expect(body).not.toContain("No audit reported");
      expect(fs.readFileSync(path.join(r.temp, "env"), "utf8")).toBe(`${drift}\nFAILED=false\n`);
    } finally {
      fs.rmSync(r.temp, { recursive: true, force: true });
    }
  });

  it("fails the audit report when no artifact came (nothing to read is not a clean audit)", () => {
    const r = runStep("audit.yml", "report", "Write the issue body", {}, () => undefined);
    try {
      expect(r.status).toBe(0);
      expect(fs.readFileSync(path.join(r.temp, "body.md"), "utf8")).toContain("No audit reported");
      expect(fs.readFileSync(path.join(r.temp, "env"), "utf8")).toBe("DRIFT=false\nFAILED=true\n");
    } finally {
      fs.rmSync(r.temp, { recursive: true, force: true });
    }
  });
});
