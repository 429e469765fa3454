/**
 * The access verdict (npm run verdict, lib/verdict) played by someone who wants Dev to read or write
 * prod unnoticed: issue 17's four classes, each replayed as the verdict job meets it, in a git
 * repository holding the base commit and the pull request's merge commit (data: the verdict's code is
 * this checkout's, as in CI, where it is the base branch's), with the head job's artifact crafted on
 * disk. Every attempt ends in "approval required" or a failed check; the honest pull request still
 * shows its diff and needs approval; one that changes only a comment of the model needs none.
 * (The workflow's side of each class, from the parsed files: __tests__/workflows/workflows.test.ts.)
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { parseEnvironmentModel } from "../../lib/model/load";
import type { SynthesizedStack } from "../../lib/output/stack";
import { LIMITS, readHeadArtifact } from "../../lib/verdict/artifact";
import { computeVerdict, type ComputedVerdict, type Verdict } from "../../lib/verdict/verdict";
import { DEFAULT_MODEL_TEXT, ROOT, defaultModelData, synthOutput } from "../helpers";
import { runInProcess } from "../run-command";

const FULL_TEXT = fs.readFileSync(path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml"), "utf8");
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", HOME: os.tmpdir() };

/**
 * A repository whose base commit holds `files`, and pull requests on top of it: commits only (the
 * verdict reads commits, never a work tree), each written by one `git fast-import`.
 */
class Repo {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "verdict-repo-"));
  readonly base: string;
  constructor(files: Record<string, string>) {
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: this.dir, env: GIT_ENV });
    this.base = this.commit(files);
  }
  /** A commit on the base with these changes (null: deleted; `->x`: a symbolic link to x). */
  pr(changes: Record<string, string | null>): string {
    return this.commit(changes, this.base);
  }
  private commit(changes: Record<string, string | null>, parent?: string): string {
    const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
    const lines = ["commit refs/heads/work", "mark :1", "committer t <t@example.com> 0 +0000", data("change").trimEnd(), ...(parent ? [`from ${parent}`] : [])];
    for (const [file, content] of Object.entries(changes)) {
      if (content === null) lines.push(`D ${file}`);
      else if (content.startsWith("->")) lines.push(`M 120000 inline ${file}`, data(content.slice(2)).trimEnd());
      else lines.push(`M 100644 inline ${file}`, data(content).trimEnd());
    }
    const marks = path.join(this.dir, ".git", "marks");
    execFileSync("git", ["fast-import", "--quiet", "--force", `--export-marks=${marks}`], { cwd: this.dir, env: GIT_ENV, input: `${lines.join("\n")}\n` });
    return fs.readFileSync(marks, "utf8").trim().split(" ")[1];
  }
}

/** cdktf's manifest for stacks written the standard way. */
function writeOutput(dir: string, stacks: readonly SynthesizedStack[]): void {
  const manifest = { version: "0.21.0", stacks: Object.fromEntries(stacks.map((s) => [s.name, { name: s.name, constructPath: s.name, synthesizedStackPath: `stacks/${s.name}/cdk.tf.json`, workingDirectory: `stacks/${s.name}`, annotations: [], dependencies: [] }])) };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  for (const s of stacks) {
    fs.mkdirSync(path.join(dir, "stacks", s.name), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", s.name, "cdk.tf.json"), JSON.stringify(s.json, null, 2));
  }
}

const outputOf = (modelText: string) => synthOutput(parseEnvironmentModel(modelText, "environments.yaml"));

/** The head job's artifact as it uploads it: commit, environments.yaml, cdktf.out; `edit` plays the attacker. */
function artifact(commit: string, modelText: string, opts: { stacks?: readonly SynthesizedStack[]; edit?: (dir: string) => void } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "head-output-"));
  fs.writeFileSync(path.join(dir, "commit"), `${commit}\n`);
  fs.writeFileSync(path.join(dir, "environments.yaml"), modelText);
  writeOutput(path.join(dir, "cdktf.out"), opts.stacks ?? outputOf(modelText));
  opts.edit?.(dir);
  return dir;
}

const withModel = (text: string, edit: (d: any) => void) => {
  const d = require("yaml").parse(text);
  edit(d);
  return stringify(d);
};
const HONEST = DEFAULT_MODEL_TEXT.replace("  dev: { dev: read, staging: read }", "  dev: { dev: read, staging: read, prod: read }");
/** A comment on a schema list, and nothing else: a pull request that needs no approval. */
const COMMENT_ONLY = DEFAULT_MODEL_TEXT.replace("      schemas: [bronze, silver, gold, models]\n      bucket: ref-ml-core-prod", "      schemas: [bronze, silver, gold, models] # models: what staging promotes\n      bucket: ref-ml-core-prod");
const stackFile = (dir: string, stack: string) => path.join(dir, "cdktf.out", "stacks", stack, "cdk.tf.json");
const editStack = (dir: string, stack: string, edit: (j: any) => void) => {
  const j = JSON.parse(fs.readFileSync(stackFile(dir, stack), "utf8"));
  edit(j);
  fs.writeFileSync(stackFile(dir, stack), JSON.stringify(j, null, 2));
};

const BASE_FILES = {
  "environments.yaml": DEFAULT_MODEL_TEXT,
  "README.md": "# docs\n",
  "docs/index.md": "# index\n",
  "package.json": '{ "scripts": { "grants:diff": "node scripts/run-ts.js scripts/grants-diff.ts" } }\n',
  "lib/review/diff.ts": "// the grants diff\n",
  "lib/gate/check.ts": "// the gate\n",
  "lib/old.ts": "export {};\n",
  ".github/workflows/pull-request.yml": "name: pull request\n",
};

let repo: Repo;
let baseOut: string;

beforeAll(() => {
  repo = new Repo(BASE_FILES);
  // The base branch's model, as the verdict job's checkout has it (the verdict reads the model of
  // the base from its work tree; commits are read from git).
  fs.writeFileSync(path.join(repo.dir, "environments.yaml"), DEFAULT_MODEL_TEXT);
  baseOut = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "base-")), "cdktf.out");
  writeOutput(baseOut, outputOf(DEFAULT_MODEL_TEXT));
});

/** The verdict job's run: this checkout's code, the repository's base, the artifact as data. */
function verdict(merge: string, head: string, opts: { baseOut?: string | null; baseModelFile?: string; base?: string; repo?: Repo } = {}): Verdict {
  const r = opts.repo ?? repo;
  return computeVerdict({
    repo: r.dir,
    baseCommit: opts.base ?? r.base,
    mergeCommit: merge,
    headDir: head,
    baseModelFile: opts.baseModelFile ?? path.join(r.dir, "environments.yaml"),
    ...(opts.baseOut === null ? {} : { baseOut: opts.baseOut ?? baseOut }),
  });
}

/** A pull request of these changes, its artifact made from its model, judged. */
function judge(changes: Record<string, string | null>, opts: { modelText?: string; stacks?: readonly SynthesizedStack[]; edit?: (dir: string) => void; baseOut?: string | null } = {}): Verdict {
  const merge = repo.pr(changes);
  const modelText = opts.modelText ?? changes["environments.yaml"] ?? DEFAULT_MODEL_TEXT;
  return verdict(merge, artifact(merge, modelText, opts), { baseOut: opts.baseOut });
}

const computed = (v: Verdict): ComputedVerdict => {
  if (!v.computed) throw new Error(`not computed: ${v.reason}`);
  return v;
};
/** What a reviewer and the jobs below see of a verdict. */
const outcome = (v: Verdict) => ({ approval: v.approval, check: v.check, plan: v.plan });
const REQUIRED_FAILED = { approval: "required", check: "failed", plan: false };

describe("the honest pull request and the harmless ones", () => {
  it("shows Dev getting read on prod and requires the approval; the check passes and the output is planned", () => {
    const v = computed(judge({ "environments.yaml": HONEST }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.judged).toEqual([]);
    expect(v.failing).toEqual(["1 widen", "1 change in PROD"]);
    expect(v.changes.map((c) => [c.direction, c.prod, c.kind, c.principal, c.securable])).toEqual([["widens", true, "grant", "Databricks - Dev", "prod"]]);
  });

  it("needs no approval for a pull request that changes only a comment of the model (on prod's schemas)", () => {
    expect(COMMENT_ONLY).not.toBe(DEFAULT_MODEL_TEXT);
    const v = computed(judge({ "environments.yaml": COMMENT_ONLY }));
    expect(outcome(v)).toEqual({ approval: "none", check: "passed", plan: true });
    expect(v.changes).toEqual([]);
    expect(v.changed.map((f) => f.path)).toEqual(["environments.yaml"]);
  });

  it("needs no approval for the docs (README.md, docs/**/*.md), nor for reordering the model", () => {
    expect(outcome(judge({ "README.md": "# better docs\n", "docs/guide/setup.md": "# set-up\n" }))).toEqual({ approval: "none", check: "passed", plan: true });
    const d = defaultModelData();
    const reordered = stringify({ ...d, groups: Object.fromEntries(Object.entries(d.groups).reverse()), access: Object.fromEntries(Object.entries(d.access).reverse()) });
    expect(outcome(judge({ "environments.yaml": reordered }))).toEqual({ approval: "none", check: "passed", plan: true });
  });

  it("synthesizes the base itself at another folder depth (the README's recipe) without reporting the local state path as a risk", () => {
    const v = computed(judge({ "environments.yaml": HONEST }, { baseOut: null }));
    expect(v.changes.map((c) => [c.kind, c.direction, c.resource])).toEqual([["grant", "widens", "databricks_grant.catalog_prod__group_dev"]]);
  });
});

describe("class 1: the pull request's own code decides whether it needs approval", () => {
  it.each([
    ["edits package.json's scripts", { "package.json": '{ "scripts": { "grants:diff": "echo No access changes" } }\n' }, ["package.json"]],
    ["edits the grants diff", { "lib/review/diff.ts": "// reports nothing\n" }, ["lib/review/diff.ts"]],
    ["edits the workflow", { ".github/workflows/pull-request.yml": "name: pull request\n# verdict: none\n" }, [".github/workflows/pull-request.yml"]],
    ["adds a file in a new directory", { "tools/approve.sh": "exit 0\n" }, ["tools/approve.sh"]],
    ["hides code under docs/", { "docs/verdict.ts": "export const verdict = 'none';\n" }, ["docs/verdict.ts"]],
    ["moves code into the docs", { "lib/old.ts": null, "docs/old.md": "export {};\n" }, ["lib/old.ts"]],
    ["names a file like the model in another case", { "Environments.yaml": DEFAULT_MODEL_TEXT }, ["Environments.yaml"]],
  ])("requires the approval when it %s, whatever its diff says", (_what, changes, judged) => {
    const v = computed(judge(changes as Record<string, string | null>));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.judged).toEqual(judged);
    expect(v.reasons[0]).toMatch(/changes \d+ files? that decides? access or the output/);
  });

  it("still shows the widening when a pull request changes the diff's code and the model together", () => {
    const v = computed(judge({ "environments.yaml": HONEST, "lib/review/diff.ts": "// hides prod\n" }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.failing).toEqual(["1 widen", "1 change in PROD"]);
  });

  it("does not plan output the base branch's policy refuses when the pull request changes the gate; it needs the approval and its code owners", () => {
    const v = computed(
      judge({ "lib/gate/check.ts": "// allows Dev on prod\n" }, { edit: (dir) => editStack(dir, "ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges = ["MODIFY", "SELECT", "USE_CATALOG", "USE_SCHEMA"])) }),
    );
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: false });
    expect(v.violations.join("\n")).toContain("[write-outside-own-environment]");
    expect(v.failing).toContain("1 widen");
  });

  it("treats a model file that is a symbolic link as the judge's (and cannot read a model from it)", () => {
    const merge = repo.pr({ "environments.yaml": "->lib/old.ts" });
    const v = verdict(merge, artifact(merge, DEFAULT_MODEL_TEXT));
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
  });
});

describe("class 2: the pull request's output or runner made to look like the base", () => {
  it("fails the check when a change of the model alone comes with the base's output (the diff would show nothing)", () => {
    const v = computed(judge({ "environments.yaml": HONEST }, { stacks: outputOf(DEFAULT_MODEL_TEXT) }));
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.violations.join("\n")).toContain("[missing-from-output]");
  });

  it("fails the check when the output grants Dev write on prod that the (comment-only) model does not give", () => {
    const v = computed(judge({ "environments.yaml": COMMENT_ONLY }, { edit: (dir) => editStack(dir, "ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_dev = { catalog: "prod", principal: "Databricks - Dev", privileges: ["MODIFY"] })) }));
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.failing).toEqual(["1 widen", "1 change in PROD"]);
  });

  it("fails the check on a grant hidden in a repeated JSON key (JSON.parse keeps the last, terraform merges both)", () => {
    const v = computed(
      judge({ "environments.yaml": COMMENT_ONLY }, {
        edit: (dir) => {
          const text = fs.readFileSync(stackFile(dir, "ref-prod"), "utf8");
          fs.writeFileSync(stackFile(dir, "ref-prod"), text.replace('"resource": {', '"resource": { "databricks_grant": { "x": { "catalog": "prod", "principal": "Databricks - Dev", "privileges": ["MODIFY"] } },'));
        },
      }),
    );
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.violations.join("\n")).toContain("[duplicate-key]");
  });

  it.each([
    ["is missing (the head job failed or uploaded nothing)", (dir: string) => fs.rmSync(dir, { recursive: true }), /is missing/],
    ["holds an override file beside a stack", (dir: string) => fs.writeFileSync(path.join(dir, "cdktf.out/stacks/ref-prod/prod_override.tf.json"), "{}"), /holds what the head job never uploads: cdktf\.out\/stacks\/ref-prod\/prod_override\.tf\.json/],
    ["brings code (node_modules, package.json)", (dir: string) => {
      fs.mkdirSync(path.join(dir, "node_modules/cdktf"), { recursive: true });
      fs.writeFileSync(path.join(dir, "node_modules/cdktf/index.js"), "process.exit(0)");
      fs.writeFileSync(path.join(dir, "package.json"), "{}");
    }, /never uploads: node_modules\/cdktf\/index\.js, package\.json/],
    ["links a stack to a file elsewhere", (dir: string) => {
      fs.rmSync(stackFile(dir, "ref-prod"));
      fs.symlinkSync("/etc/hostname", stackFile(dir, "ref-prod"));
    }, /is a symbolic link/],
    ["names a stack that climbs out of the output", (dir: string) => {
      const m = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out/manifest.json"), "utf8"));
      m.stacks["../../x"] = m.stacks["ref-dev"];
      fs.writeFileSync(path.join(dir, "cdktf.out/manifest.json"), JSON.stringify(m));
    }, /names the stack "\.\.\/\.\.\/x"/],
    ["has a manifest that is not JSON", (dir: string) => fs.writeFileSync(path.join(dir, "cdktf.out/manifest.json"), "{"), /manifest\.json is not JSON/],
    ["lacks a stack the manifest lists", (dir: string) => fs.rmSync(path.dirname(stackFile(dir, "ref-prod")), { recursive: true }), /configuration is missing: cdktf\.out\/stacks\/ref-prod\/cdk\.tf\.json/],
    ["was built from another commit", (dir: string) => fs.writeFileSync(path.join(dir, "commit"), "0".repeat(40)), /not from the pull request's merge commit/],
    ["carries another model than the pull request's", (dir: string) => fs.writeFileSync(path.join(dir, "environments.yaml"), HONEST), /not synthesized from the pull request's environments\.yaml/],
    ["nests directories deeper than any output", (dir: string) => fs.mkdirSync(path.join(dir, "cdktf.out/stacks/ref-dev/a/b"), { recursive: true }), /nested deeper than the output ever is/],
  ])("fails the check when the artifact %s", (_what, edit, reason) => {
    const v = judge({ "environments.yaml": COMMENT_ONLY }, { edit });
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.computed ? "" : v.reason).toMatch(reason);
  });
});

describe("the artifact's size", () => {
  it("refuses more files or bytes than any output has, before reading them", () => {
    const merge = repo.pr({});
    const head = artifact(merge, DEFAULT_MODEL_TEXT);
    expect(() => readHeadArtifact(head, merge, { ...LIMITS, files: 5 })).toThrow(/holds more than 5 files/);
    expect(() => readHeadArtifact(head, merge, { ...LIMITS, bytes: 1024 })).toThrow(/holds more than 1024 bytes/);
    expect(readHeadArtifact(head, merge).files).toHaveLength(6);
  });
});

describe("class 3: a base that cannot be judged from fails closed", () => {
  it.each([
    ["the base model is not valid", { baseModelFile: "BROKEN" }, /is not a valid model|not valid YAML|must be a mapping/],
    ["the base does not synthesize (a rename to an address it does not declare)", { baseModelFile: "MOVED", baseOut: null }, /the base branch did not synthesize/],
    ["the base output is missing", { baseOut: "/nonexistent/cdktf.out" }, /no such directory/],
    ["the base commit is not in the repository", { base: "1".repeat(40) }, /git diff .* failed/],
  ])("when %s", (_what, opts, reason) => {
    const merge = repo.pr({ "environments.yaml": COMMENT_ONLY });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "base-model-"));
    const files: Record<string, string> = {
      BROKEN: "metastore: [\n",
      MOVED: withModel(DEFAULT_MODEL_TEXT, (d) => (d.moved = { "ref-dev": { "databricks_grant.gone": "databricks_grant.nowhere" } })),
    };
    const o = { ...opts } as { baseModelFile?: string; baseOut?: string | null; base?: string };
    if (o.baseModelFile) {
      fs.writeFileSync(path.join(tmp, "environments.yaml"), files[o.baseModelFile]);
      o.baseModelFile = path.join(tmp, "environments.yaml");
    }
    const v = verdict(merge, artifact(merge, COMMENT_ONLY), o);
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.computed ? "" : v.reason).toMatch(reason);
  });

  it("fails closed on a model larger than the loader reads (before parsing it)", () => {
    const huge = `${COMMENT_ONLY}# ${"x".repeat(300 * 1024)}\n`;
    const merge = repo.pr({ "environments.yaml": huge });
    const v = verdict(merge, artifact(merge, huge, { stacks: outputOf(DEFAULT_MODEL_TEXT) }));
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.computed ? "" : v.reason).toMatch(/is \d+ bytes; a model is read up to 262144/);
  });

  it("fails closed when the merge commit was not fetched, or is not a commit ID", () => {
    expect(outcome(verdict("2".repeat(40), artifact("2".repeat(40), COMMENT_ONLY)))).toEqual(REQUIRED_FAILED);
    const v = verdict("HEAD", artifact(repo.base, COMMENT_ONLY));
    expect(v.computed ? "" : v.reason).toMatch(/full commit ID/);
  });
});

describe("class 4: safety facts that live only in the model", () => {
  it("requires the approval when a principal is taken off legacyServicePrincipals (the output does not change)", () => {
    const lifted = withModel(DEFAULT_MODEL_TEXT, (d) => delete d.legacyServicePrincipals["github-service-principal"]);
    const v = computed(judge({ "environments.yaml": lifted }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.failing).toEqual(["1 risk", "1 change in PROD"]);
  });

  it("fails the check when sandbox.storage points into prod's bucket (the model loader refuses it)", () => {
    const storage = withModel(DEFAULT_MODEL_TEXT, (d) => (d.sandbox.storage = { externalLocation: "sandboxes", url: "s3://ref-ml-core-prod-workspace-bucket/sandboxes" }));
    const merge = repo.pr({ "environments.yaml": storage });
    const v = verdict(merge, artifact(merge, storage, { stacks: outputOf(DEFAULT_MODEL_TEXT) }));
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.computed ? "" : v.reason).toContain("sandbox.storage.url: lies in environments.prod.catalog.bucket");
  });

  it("requires the approval, marked PROD, when who can sign in as production's deploying principal changes", () => {
    const full = new Repo({ "environments.yaml": FULL_TEXT });
    fs.writeFileSync(path.join(full.dir, "environments.yaml"), FULL_TEXT);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "base-full-")), "cdktf.out");
    writeOutput(out, outputOf(FULL_TEXT));
    const moved = FULL_TEXT.replace("repository: refresh-os/uc-env-isolation", "repository: refresh-os/uc-env-isolation-fork");
    expect(moved).not.toBe(FULL_TEXT);
    const merge = full.pr({ "environments.yaml": moved });
    const v = computed(verdict(merge, artifact(merge, moved), { repo: full, baseOut: out }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    const prod = v.changes.find((c) => c.kind === "trust" && c.principal === "ml-pipelines-prod-service-principal")!;
    expect(prod).toMatchObject({ direction: "risk", prod: true });
    expect(prod.summary).toContain("+trusts subject repo:refresh-os/uc-env-isolation-fork:environment:prod");
  });
});

describe("npm run verdict, the command the verdict job runs", () => {
  const run = (args: string[]) => {
    const cwd = process.cwd();
    process.chdir(repo.dir);
    return runInProcess("verdict", args).finally(() => process.chdir(cwd));
  };
  const outputs = (file: string): Record<string, string> => Object.fromEntries(fs.readFileSync(file, "utf8").trim().split("\n").map((l) => l.split("=") as [string, string]));

  it("exits 0 with the outputs and the report for the honest pull request: approval required, planned, the artifact's digest", async () => {
    const merge = repo.pr({ "environments.yaml": HONEST });
    const head = artifact(merge, HONEST);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verdict-out-"));
    const r = await run(["--head", head, "--base-commit", repo.base, "--merge-commit", merge, "--report", path.join(dir, "report"), "--github-output", path.join(dir, "out"), "--base-out", baseOut]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^### Access verdict: 👀 approval required\n/);
    const o = outputs(path.join(dir, "out"));
    expect(o).toEqual({ approval: "required", plan: "true", result: "passed", digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(fs.readdirSync(path.join(dir, "report")).sort()).toEqual(["grants-diff.md", "grants-diff.mmd", "verdict.md"]);
    expect(fs.readFileSync(path.join(dir, "report", "grants-diff.md"), "utf8")).toContain("| **+ widens** | **PROD** | grant | Databricks - Dev (group) | catalog prod |");
    // The plan job's check: the same artifact passes, a changed one does not.
    expect((await run(["--digest", head, "--expect", o.digest])).status).toBe(0);
    editStack(head, "ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_dev.privileges = ["ALL_PRIVILEGES"]));
    const changed = await run(["--digest", head, "--expect", o.digest]);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toMatch(/^[0-9a-f]{64}\nverdict: .* is not the output the verdict accepted \(digest [0-9a-f]{64}, expected [0-9a-f]{64}\); nothing may plan it\n$/);
    expect(changed.stderr).toBe("");
  });

  it("exits 0 with approval=none for a comment-only change, 1 for a refused model-only output, 2 (approval required) when it cannot compute", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verdict-out-"));
    const merge = repo.pr({ "environments.yaml": COMMENT_ONLY });
    const go = async (head: string, name: string) => {
      const r = await run(["--head", head, "--base-commit", repo.base, "--merge-commit", merge, "--github-output", path.join(dir, name), "--base-out", baseOut]);
      return { status: r.status, stderr: r.stderr, ...outputs(path.join(dir, name)) } as Record<string, string | number>;
    };
    expect(await go(artifact(merge, COMMENT_ONLY), "none")).toMatchObject({ status: 0, approval: "none", plan: "true", result: "passed" });
    const forged = artifact(merge, COMMENT_ONLY, { edit: (d) => editStack(d, "ref-dev", (j) => delete j.resource.databricks_grant.catalog_dev__group_dev) });
    expect(await go(forged, "failed")).toMatchObject({ status: 1, approval: "required", plan: "false", result: "failed" });
    const missing = await go(path.join(dir, "no-artifact"), "missing");
    expect(missing).toMatchObject({ status: 2, approval: "required", plan: "false", result: "not-computed" });
    expect(missing.digest ?? "").toBe("");
    expect(missing.stderr).toContain("verdict: not computed, so approval is required and the check fails");
  });

  it("rejects bad usage before doing anything: a missing commit, a report directory that is not empty", async () => {
    expect((await run(["--head", "x", "--base-commit", repo.base])).stderr).toContain("--merge-commit is required");
    const full = fs.mkdtempSync(path.join(os.tmpdir(), "verdict-out-"));
    fs.writeFileSync(path.join(full, "keep"), "");
    const r = await run(["--head", "x", "--base-commit", repo.base, "--merge-commit", repo.base, "--report", full]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("must be a new or empty directory");
    expect(fs.readdirSync(full)).toEqual(["keep"]);
  });

  it("runs as the verdict job runs it (a real process, the base synthesized by it): the honest pull request needs approval", () => {
    const merge = repo.pr({ "environments.yaml": HONEST });
    const head = artifact(merge, HONEST);
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "run-ts.js"), path.join(ROOT, "scripts", "verdict.ts"), "--head", head, "--base-commit", repo.base, "--merge-commit", merge], { cwd: repo.dir, encoding: "utf8", env: { ...process.env, ENVIRONMENTS_FILE: undefined } });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout).toContain("- **Grants diff**: 1 widen, 1 change in PROD (below).");
  });
});

describe("a model that drops a schema (the address manifest beside it records the schema)", () => {
  it("judges the output with the pull request's manifest: the forget passes the policy, and needs the approval as a risk", () => {
    const { addressManifest } = require("../../lib/review/addresses") as typeof import("../../lib/review/addresses");
    const { desiredState } = require("../../lib/desired-state") as typeof import("../../lib/desired-state");
    const manifest = addressManifest(desiredState(parseEnvironmentModel(DEFAULT_MODEL_TEXT, "environments.yaml")));
    const dropped = DEFAULT_MODEL_TEXT.replace("      name: dev\n      schemas: [bronze, silver, gold, models]", "      name: dev\n      schemas: [bronze, silver, models]");
    expect(dropped).not.toBe(DEFAULT_MODEL_TEXT);
    const stacks = synthOutput({ ...parseEnvironmentModel(dropped, "environments.yaml"), history: manifest });
    expect(JSON.stringify(stacks.find((s) => s.name === "ref-dev")!.json)).toContain('"removed"');
    const v = computed(judge({ "environments.yaml": dropped, "terraform-addresses.json": `${JSON.stringify(manifest, null, 2)}\n` }, { stacks }));
    expect(v.violations).toEqual([]);
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.changes.map((c) => [c.direction, c.summary])).toContainEqual(["risk", expect.stringMatching(/^schema forgotten: Terraform stops managing it/)]);
  });

  it("fails the check when the output forgets a schema the pull request's manifest never recorded (a forget outside the model)", () => {
    const dropped = DEFAULT_MODEL_TEXT.replace("      name: dev\n      schemas: [bronze, silver, gold, models]", "      name: dev\n      schemas: [bronze, silver, models]");
    const stacks = synthOutput(parseEnvironmentModel(dropped, "environments.yaml")).map((s) => ({ ...s, json: s.name === "ref-dev" ? { ...s.json, removed: [{ from: "databricks_schema.dev__gold", lifecycle: { destroy: false } }] } : s.json }));
    const v = computed(judge({ "environments.yaml": dropped }, { stacks }));
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.violations.join("\n")).toContain("[state-guard]");
  });
});

describe("a model-only pull request that forgets a grant instead of revoking it", () => {
  it("fails the check: the base's loader refuses a manifest that forgets anything but a catalog, schema or principal", () => {
    const { addressManifest } = require("../../lib/review/addresses") as typeof import("../../lib/review/addresses");
    const { desiredState } = require("../../lib/desired-state") as typeof import("../../lib/desired-state");
    const manifest = addressManifest(desiredState(parseEnvironmentModel(DEFAULT_MODEL_TEXT, "environments.yaml")));
    const forged = { ...manifest, "ref-prod": { ...manifest["ref-prod"], forgotten: { "databricks_grant.catalog_prod__group_prod_readonly": "grant on catalog prod to group Databricks - Prod - ReadOnly" } } };
    const narrowed = DEFAULT_MODEL_TEXT.replace("  prod_readonly: { prod: read }\n", "");
    expect(narrowed).not.toBe(DEFAULT_MODEL_TEXT);
    const stacks = synthOutput(parseEnvironmentModel(narrowed, "environments.yaml")).map((s) =>
      s.name === "ref-prod" ? { ...s, json: { ...s.json, removed: [{ from: "databricks_grant.catalog_prod__group_prod_readonly", lifecycle: { destroy: false } }] } } : s,
    );
    const v = judge({ "environments.yaml": narrowed, "terraform-addresses.json": `${JSON.stringify(forged, null, 2)}\n` }, { stacks });
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.computed ? "" : v.reason).toMatch(/only catalogs, schemas and service principals are ever forgotten/);
  });
});

describe("open paths only: the model's own guards and the address manifest", () => {
  const { addressManifest } = require("../../lib/review/addresses") as typeof import("../../lib/review/addresses");
  const { desiredState } = require("../../lib/desired-state") as typeof import("../../lib/desired-state");
  const manifestOf = (text: string) => JSON.parse(JSON.stringify(addressManifest(desiredState(parseEnvironmentModel(text, "environments.yaml")))));
  const manifestText = (m: unknown) => `${JSON.stringify(m, null, 2)}\n`;
  /** A pull request judged against a base whose checkout records its addresses, as the live repository's does. */
  const judgeRecorded = (changes: Record<string, string | null>, opts: { stacks?: readonly SynthesizedStack[] } = {}): Verdict => {
    const recorded = new Repo({ ...BASE_FILES, "terraform-addresses.json": manifestText(manifestOf(DEFAULT_MODEL_TEXT)) });
    fs.writeFileSync(path.join(recorded.dir, "environments.yaml"), DEFAULT_MODEL_TEXT);
    fs.writeFileSync(path.join(recorded.dir, "terraform-addresses.json"), manifestText(manifestOf(DEFAULT_MODEL_TEXT)));
    const merge = recorded.pr(changes);
    return verdict(merge, artifact(merge, changes["environments.yaml"] ?? DEFAULT_MODEL_TEXT, opts), { repo: recorded });
  };

  it("requires the approval, marked PROD, when production's applies stop waiting for a reviewer (approval: none)", () => {
    const v = computed(judge({ "environments.yaml": withModel(DEFAULT_MODEL_TEXT, (d) => (d.environments.prod.approval = "none")) }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.changes.map((c) => [c.direction, c.prod, c.resource])).toEqual([["risk", true, "environments.prod.approval"]]);
  });

  it("requires the approval when a code owner is added: any one owner may approve a change to the code alone", () => {
    const v = computed(judge({ "environments.yaml": withModel(DEFAULT_MODEL_TEXT, (d) => (d.codeOwners = ["@attacker"])) }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.changes.map((c) => [c.direction, c.summary.split(" (")[0]])).toEqual([["risk", "code owners: +@attacker"]]);
  });

  it.each([
    ["aims dev's bundles at prod's bucket", (d: any) => (d.environments.dev.catalog.bucket = "ref-ml-core-prod-workspace-bucket"), /is the same bucket as environments\.dev\.catalog\.bucket/],
    ["puts dev's catalog storage in prod's bucket", (d: any) => (d.environments.dev.catalog.storageRoot = "s3://ref-ml-core-prod-workspace-bucket/dev"), /lies in environments\.prod\.catalog\.bucket/],
    ["copies prod's access into dev's with a YAML merge key", (d: any) => (d.access.dev = { "<<": { prod: "all" }, dev: "read" }), /access\.dev\.<<|is not an environment|unknown/],
  ])("fails the check when the model %s (the base branch's loader refuses it)", (_what, edit, reason) => {
    const text = withModel(DEFAULT_MODEL_TEXT, edit);
    const merge = repo.pr({ "environments.yaml": text });
    const v = verdict(merge, artifact(merge, text, { stacks: outputOf(DEFAULT_MODEL_TEXT) }));
    expect(outcome(v)).toEqual(REQUIRED_FAILED);
    expect(v.computed ? "" : v.reason).toMatch(reason);
  });

  it("requires the approval when the Dev group's name is swapped for a look-alike (a Cyrillic е): its grants move to another principal", () => {
    const v = computed(judge({ "environments.yaml": withModel(DEFAULT_MODEL_TEXT, (d) => (d.groups.dev = "Databricks - D\u0435v")) }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.changes.filter((c) => c.kind === "grant" && c.direction === "widens").map((c) => c.principal)).toContain("Databricks - D\u0435v");
  });

  it("requires the approval, marked PROD, when terraform-addresses.json stops recording a prod schema (dropping it later would destroy it)", () => {
    const m = manifestOf(DEFAULT_MODEL_TEXT);
    delete m["ref-prod"].addresses["databricks_schema.prod__gold"];
    // The same base, with the manifest left alone: nothing to approve.
    expect(outcome(judgeRecorded({ "environments.yaml": COMMENT_ONLY }))).toEqual({ approval: "none", check: "passed", plan: true });
    const v = computed(judgeRecorded({ "terraform-addresses.json": manifestText(m) }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.changes.map((c) => [c.direction, c.prod, c.resource])).toEqual([["risk", true, "databricks_schema.prod__gold"]]);
    expect(v.changes[0].summary).toMatch(/would DESTROY it instead of forgetting it/);
  });

  it("requires the approval when terraform-addresses.json drops prod's whole record, or rewrites what an address stands for", () => {
    const dropped = manifestOf(DEFAULT_MODEL_TEXT);
    delete dropped["ref-prod"];
    const v = computed(judgeRecorded({ "terraform-addresses.json": manifestText(dropped) }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.changes.filter((c) => c.direction === "risk" && c.prod).map((c) => c.resource)).toEqual(expect.arrayContaining(["databricks_catalog.prod", "databricks_schema.prod__gold", "databricks_service_principal.prod"]));
    const rewritten = manifestOf(DEFAULT_MODEL_TEXT);
    rewritten["ref-prod"].addresses["databricks_catalog.prod"] = "catalog elsewhere";
    expect(outcome(judgeRecorded({ "terraform-addresses.json": manifestText(rewritten) }))).toEqual({ approval: "required", check: "passed", plan: true });
  });

  it.each([
    ["a prod catalog recorded under ref-dev", (m: any) => (m["ref-dev"].addresses["databricks_catalog.prod"] = "catalog prod")],
    ["a prod principal listed as forgotten by ref-dev", (m: any) => (m["ref-dev"].forgotten = { "databricks_service_principal.prod": "service principal ml-pipelines-prod-service-principal" })],
    ["a schema recorded in prod that the model never had", (m: any) => (m["ref-prod"].addresses["databricks_schema.prod__ghost"] = "schema prod.ghost")],
  ])("requires the approval for %s in terraform-addresses.json: the removed block it brings is a risk", (_what, edit) => {
    const m = manifestOf(DEFAULT_MODEL_TEXT);
    edit(m);
    const stacks = synthOutput({ ...parseEnvironmentModel(DEFAULT_MODEL_TEXT, "environments.yaml"), history: m });
    const v = computed(judgeRecorded({ "terraform-addresses.json": manifestText(m) }, { stacks }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.changes.some((c) => c.direction === "risk" && c.resource.startsWith("removed "))).toBe(true);
  });

  it("requires the approval for a retiring stack the model adds with a forged record: its apply destroys or forgets what its state holds", () => {
    const m = manifestOf(DEFAULT_MODEL_TEXT);
    m["ref-qa"] = { addresses: { "databricks_catalog.qa": "catalog qa", "databricks_grant.catalog_qa__group_dev": "grant on catalog qa to group Databricks - Dev" }, imports: {} };
    const text = withModel(DEFAULT_MODEL_TEXT, (d) => (d.retired = { qa: { stack: "ref-qa", workspace: { host: "https://dbc-99999999-9999.cloud.databricks.com", profile: "ref-qa" } } }));
    const stacks = synthOutput({ ...parseEnvironmentModel(text, "environments.yaml"), history: m });
    const v = computed(judge({ "environments.yaml": text, "terraform-addresses.json": manifestText(m) }, { stacks }));
    expect(outcome(v)).toEqual({ approval: "required", check: "passed", plan: true });
    expect(v.changes.map((c) => [c.direction, c.stack, c.resource])).toEqual([["risk", "ref-qa", "(stack)"]]);
  });

  it("lists a new name for the plan principal, which only labels the reports, without requiring the approval", () => {
    const full = new Repo({ "environments.yaml": FULL_TEXT });
    fs.writeFileSync(path.join(full.dir, "environments.yaml"), FULL_TEXT);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "base-full-")), "cdktf.out");
    writeOutput(out, outputOf(FULL_TEXT));
    const renamed = withModel(FULL_TEXT, (d) => (d.github.planServicePrincipal.name = "uc-env-isolation-plan-2"));
    const merge = full.pr({ "environments.yaml": renamed });
    const v = computed(verdict(merge, artifact(merge, renamed), { repo: full, baseOut: out }));
    expect(outcome(v)).toEqual({ approval: "none", check: "passed", plan: true });
    expect(v.changes.map((c) => [c.direction, c.resource])).toEqual([["neutral", "github.planServicePrincipal.name"]]);
  });
});
