import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_MODEL_FILE, ROOT } from "../helpers";
import { badModelFile } from "../fixtures/bad-models/cases";
import { FIXTURES } from "./support";
import { runInProcess } from "../run-command";
import { buildApp } from "../../lib/app";
import { loadEnvironmentModel } from "../../lib/model/load";
import { synthToDirectory } from "../../lib/synth";

/** The reference model, as the commands' default model (they read the live one otherwise). */
const REFERENCE_ENV = { ...process.env, ENVIRONMENTS_FILE: DEFAULT_MODEL_FILE };

/**
 * Runs a review command as `npm run` does: `node scripts/run-ts.js scripts/<script>.ts ...`. Each
 * command keeps a run as a real process: policy and grants here, grants-diff in robustness.test.ts.
 */
function runProcess(script: "grants" | "policy" | "grants-diff", ...args: string[]) {
  const r = spawnSync(process.execPath, ["scripts/run-ts.js", `scripts/${script}.ts`, ...args], { cwd: ROOT, encoding: "utf8", env: REFERENCE_ENV });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, in this process (see run-command.ts): most cases; each command keeps a real process run. */
function run(script: "grants" | "policy" | "grants-diff", ...args: string[]) {
  return runInProcess(script, args, { ENVIRONMENTS_FILE: DEFAULT_MODEL_FILE });
}

/** The app's own synth of `modelFile`, in this process (synth-cli.test.ts runs it as a process); returns the output directory. */
function synthesize(modelFile: string): string {
  const out = path.join(tempDir(), "cdktf.out");
  synthToDirectory((staging) => {
    const model = loadEnvironmentModel(modelFile);
    return { app: buildApp(model, staging, path.dirname(out)), model };
  }, out);
  return out;
}

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-review-"));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("npm run policy", () => {
  it("passes the output the app synthesizes from the reference model: exit 0, one summary line", async () => {
    const out = synthesize(DEFAULT_MODEL_FILE);
    const r = runProcess("policy", "--out", out, "--model", DEFAULT_MODEL_FILE); // through a real process
    expect(r).toMatchObject({ status: 0, stderr: "" });
    expect(r.stdout).toMatch(/^policy: passed: 3 stacks, \d+ grants, 6 principals checked against .*reference\.yaml; no violations\.\n$/);
  });

  it("fails an injected violation: exit 1, one line per violation and the count on stdout, nothing on stderr", async () => {
    const r = await run("policy", "--out", path.join(FIXTURES, "policy", "prod-aimed-at-dev"));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: "" });
    expect(r.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/^ref-prod provider.databricks: \[provider-workspace\] host /),
      expect.stringMatching(/^ref-prod variable.databricks_profile: \[provider-workspace\] default is "ref-dev"/),
      expect.stringMatching(/^policy: failed: 2 violations \(provider-workspace\)/),
    ]);
  });

  it("rejects an invalid model with exit 2 and the model's own message", async () => {
    const bad = badModelFile("prod-shares-dev-host");
    const r = await run("policy", "--out", path.join(FIXTURES, "clean"), "--model", bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("environments.prod.workspace.host: is the same workspace host as environments.dev.workspace.host");
    expect(r.stdout).toBe("");
  });
});

describe("bad input to the review commands", () => {
  const noManifest = tempDir();
  const malformed = tempDir();
  fs.cpSync(path.join(FIXTURES, "policy", "token-in-provider"), malformed, { recursive: true });
  fs.writeFileSync(path.join(malformed, "stacks", "ref-dev", "cdk.tf.json"), '{"resource": ');

  it.each([
    ["grants", ["--out", "/nonexistent/cdktf.out"], "/nonexistent/cdktf.out: no such directory"],
    ["policy", ["--out", noManifest], `${noManifest}: not a cdktf output directory (no manifest.json)`],
    ["policy", ["--out", malformed], "cdk.tf.json: is not valid JSON"],
    ["grants-diff", [path.join(FIXTURES, "clean"), malformed], "cdk.tf.json: is not valid JSON"],
    ["grants-diff", [path.join(FIXTURES, "clean")], "grants:diff: expected BASE_DIR and HEAD_DIR, got"],
    ["grants", ["--format", "html"], 'grants: --format must be md, json or mermaid, got "html"'],
    ["policy", ["--verbose"], "policy: Unknown option '--verbose'"],
    ["grants", ["extra"], 'grants: unexpected argument "extra"'],
  ] as const)("%s %j: exit 2 with a clear message and nothing on stdout", async (script, args, message) => {
    const r = await run(script, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe("");
  });

  it("prints the usage with an unknown flag", async () => {
    expect((await run("grants-diff", "--bogus", "a", "b")).stderr).toContain("usage: npm run --silent grants:diff -- BASE_DIR HEAD_DIR [--format md|json|mermaid] [--base-model FILE] [--head-model FILE] [--model FILE] [--fail-on LIST]");
  });
});

describe("npm run grants and grants:diff", () => {
  it("prints only the JSON with `npm run --silent grants -- --format json`", async () => {
    const r = spawnSync("npm", ["run", "--silent", "grants", "--", "--out", path.join(FIXTURES, "clean"), "--format", "json"], { cwd: ROOT, encoding: "utf8", env: REFERENCE_ENV });
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toEqual({ stack: expect.any(String), resource: expect.any(String), securableType: "catalog", securable: "dev", principal: expect.any(String), principalKind: expect.any(String), privileges: expect.any(Array) });
  });

  it("says so in one line for identical outputs, and lists a widening change as JSON", async () => {
    expect(await run("grants-diff", path.join(FIXTURES, "clean"), path.join(FIXTURES, "clean"))).toEqual({ status: 0, stdout: "No access changes and no other configuration changes.\n", stderr: "" });
    const r = await run("grants-diff", path.join(FIXTURES, "diff", "base"), path.join(FIXTURES, "diff", "widen"), "--format", "json");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ prod: true, direction: "widens", kind: "grant", added: ["MODIFY"] })]);
  });

  it("names the plan principal, which grants name by application ID, from the model", async () => {
    const full = path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml");
    const out = synthesize(full);
    const rows = JSON.parse((await run("grants", "--out", out, "--format", "json", "--model", full)).stdout) as { principal: string }[];
    expect(rows.filter((r) => r.principal === "uc-env-isolation-plan")).toHaveLength(3);
    expect(rows.some((r) => r.principal === "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f")).toBe(false);
  });
});

describe("npm run grants:diff over files terraform reads besides cdk.tf.json", () => {
  it("lists an extra file both sides have when its content changed (an override re-aimed at dev)", async () => {
    const copy = (name: string, override: object) => {
      const dir = path.join(tempDir(), name);
      fs.cpSync(path.join(FIXTURES, "clean"), dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "stacks", "ref-prod", "override.tf.json"), JSON.stringify(override));
      return dir;
    };
    const base = copy("base", { "//": "x" });
    const head = copy("head", { provider: { databricks: { host: "https://dbc-a72d6af9-df3d.cloud.databricks.com" } } });
    const r = await run("grants-diff", base, head, "--model", DEFAULT_MODEL_FILE);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("No access changes and no other configuration changes.");
    expect(r.stdout).toContain("`stacks/ref-prod/override.tf.json` | unexpected-file:");
    expect(r.stdout).toContain("its content differs from BASE's");
    // The same file unchanged on both sides is no change of this pull request.
    expect((await run("grants-diff", base, base, "--model", DEFAULT_MODEL_FILE)).stdout).toBe("No access changes and no other configuration changes.\n");
  });
});

describe("npm run grants:diff -- --fail-on", () => {
  const base = path.join(FIXTURES, "diff", "base");
  const diff = (head: string, failOn: string) => run("grants-diff", base, path.join(FIXTURES, "diff", head), "--fail-on", failOn, "--model", DEFAULT_MODEL_FILE);

  it.each([
    ["widen", "widens", 1, "1 widen"],
    ["widen", "prod", 1, "1 change in PROD"],
    ["widen", "risk", 0, ""],
    ["narrow", "widens,risk", 0, ""],
    ["narrow", "prod", 1, "1 change in PROD"],
    ["remove", "widens,risk,prod", 1, "in PROD"],
  ])("%s with --fail-on %s exits %i, the diff on stdout and the reason on stderr", async (head, failOn, status, reason) => {
    const r = await diff(head, failOn);
    expect(r.status).toBe(status);
    expect(r.stdout).toMatch(/^### Access changes: /);
    if (status === 0) expect(r.stderr).toBe("");
    else expect(r.stderr).toMatch(new RegExp(`^grants:diff: --fail-on ${failOn}: .*${reason}.*; exit 1`));
  });

  it("exits 0 for no change whatever it fails on", async () => {
    expect(await run("grants-diff", base, base, "--fail-on", "widens,risk,prod")).toEqual({ status: 0, stdout: "No access changes and no other configuration changes.\n", stderr: "" });
  });

  it("rejects an unknown kind: exit 2, the kinds it takes, nothing on stdout", async () => {
    const r = await diff("widen", "widens,prodd");
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: "" });
    expect(r.stderr).toContain('--fail-on takes a comma-separated subset of widens, risk, prod; got "widens,prodd" ("prodd" unknown)');
  });
});
