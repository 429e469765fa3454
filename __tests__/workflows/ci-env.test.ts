import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironmentModel, parseEnvironmentModel } from "../../lib/model/load";
import { buildApp } from "../../lib/app";
import { synthToDirectory } from "../../lib/synth";
import { runFileInProcess } from "../run-command";
import type { SynthesizedStack } from "../../lib/output/stack";
import { CiEnvError, ciEnvironment, githubEnvLines } from "../../scripts/ci-env";
import { DEFAULT_MODEL_FILE, defaultModel, defaultModelData, modelFrom, ROOT, synthOutput } from "../helpers";

const model = defaultModel();
const output = synthOutput(model);
const full = parseEnvironmentModel(fs.readFileSync(path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml"), "utf8"), "full.yaml");
const fullOutput = synthOutput(full);

/** The synthesized output with one stack's provider host replaced. */
function withProviderHost(stacks: readonly SynthesizedStack[], stack: string, host: string): SynthesizedStack[] {
  return stacks.map((s) =>
    s.name === stack ? { ...s, json: { ...s.json, provider: { databricks: [{ ...s.json.provider!.databricks[0], host }] } } } : s,
  );
}

describe("scripts/ci-env.ts: a CI job's environment for one stack", () => {
  it.each(model.environments.map((e) => [e.stackName, e] as const))("gives %s the host, environment and backend the model names", (stack, env) => {
    expect(githubEnvLines(ciEnvironment(model, stack, output))).toEqual([
      `DATABRICKS_HOST=${env.workspace.host}`,
      `MODEL_ENVIRONMENT=${env.key}`,
      `MODEL_APPROVAL=${env.approval}`,
      "STATE_BACKEND=local",
    ]);
  });

  it("with remote state and the account in the model, adds the state region and the token audience (the account ID)", () => {
    expect(githubEnvLines(ciEnvironment(full, "ref-prod", fullOutput, "refresh-os/uc-env-isolation"))).toEqual([
      `DATABRICKS_HOST=${full.environments.find((e) => e.key === "prod")!.workspace.host}`,
      "MODEL_ENVIRONMENT=prod",
      "MODEL_APPROVAL=required",
      "STATE_BACKEND=s3",
      "STATE_AWS_REGION=us-east-1",
      `DATABRICKS_TOKEN_AUDIENCE=${full.account!.id}`,
    ]);
  });

  it("rejects an unknown stack and names the known ones", () => {
    expect(() => ciEnvironment(model, "ref-qa", output)).toThrow(CiEnvError);
    expect(() => ciEnvironment(model, "ref-qa", output)).toThrow('unknown stack "ref-qa": environments.yaml declares ref-dev, ref-staging, ref-prod');
  });

  it("rejects a stack name in another case (stack names are exact)", () => {
    expect(() => ciEnvironment(model, "REF-PROD", output)).toThrow("unknown stack");
  });

  it("rejects the account stack: CI holds no account-admin identity", () => {
    expect(() => ciEnvironment(full, "ref-account", fullOutput)).toThrow("ref-account is the account-level stack");
  });

  it("rejects synthesized output that aims ref-prod at dev's workspace", () => {
    const devHost = model.environments.find((e) => e.key === "dev")!.workspace.host;
    const prodHost = model.environments.find((e) => e.key === "prod")!.workspace.host;
    expect(() => ciEnvironment(model, "ref-prod", withProviderHost(output, "ref-prod", devHost))).toThrow(
      `the synthesized databricks provider host is "${devHost}", but environments.yaml environments.prod.workspace.host is "${prodHost}"`,
    );
  });

  it("rejects a model stack that the synthesized output lacks", () => {
    expect(() => ciEnvironment(model, "ref-prod", output.filter((s) => s.name !== "ref-prod"))).toThrow(
      "stack ref-prod is not in the synthesized output",
    );
  });

  it("rejects a job in another repository than the one the federation policies trust", () => {
    expect(() => ciEnvironment(full, "ref-dev", fullOutput, "someone/fork")).toThrow(
      'this job runs in someone/fork, but full.yaml github.repository is "refresh-os/uc-env-isolation"',
    );
  });

  it("rejects a value with a line break rather than write two variables to $GITHUB_ENV", () => {
    const ci = ciEnvironment(model, "ref-dev", output);
    expect(() => githubEnvLines({ ...ci, stateBackend: "local\nDATABRICKS_HOST=https://evil.example" })).toThrow(CiEnvError);
  });

  it("follows a renamed stack in the model", () => {
    const data = defaultModelData();
    data.environments.prod.stack = "uc-prod";
    const renamed = modelFrom(data);
    const ci = ciEnvironment(renamed, "uc-prod", synthOutput(renamed));
    expect(ci.environment.key).toBe("prod");
    expect(() => ciEnvironment(renamed, "ref-prod", synthOutput(renamed))).toThrow("unknown stack");
  });
});

describe("the ci-env command (as the workflows run it)", () => {
  let outdir: string;
  /** The command as a process (once), and in this process for the other cases (run-command.ts). */
  const runProcess = (args: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, "scripts", "run-ts.js"), "scripts/ci-env.ts", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      // The reference model: the live one is the live tests' (__tests__/live).
      env: { ...process.env, ENVIRONMENTS_FILE: DEFAULT_MODEL_FILE, CDKTF_OUTDIR: outdir },
    });
  const run = (args: string[], env: Record<string, string> = {}) =>
    runFileInProcess(path.join(ROOT, "scripts", "ci-env.ts"), args, { ENVIRONMENTS_FILE: DEFAULT_MODEL_FILE, CDKTF_OUTDIR: outdir, ...env });

  beforeAll(() => {
    outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "uc-ci-env-")), "cdktf.out");
    synthToDirectory((staging) => {
      const m = loadEnvironmentModel(DEFAULT_MODEL_FILE);
      return { app: buildApp(m, staging, path.dirname(outdir)), model: m };
    }, outdir);
  });

  it("prints KEY=value lines for $GITHUB_ENV and says on stderr where the host comes from", () => {
    const r = runProcess(["ref-prod"]); // through a real process
    expect(r.status).toBe(0);
    const prod = model.environments.find((e) => e.stackName === "ref-prod")!;
    expect(r.stdout).toBe(`DATABRICKS_HOST=${prod.workspace.host}\nMODEL_ENVIRONMENT=prod\nMODEL_APPROVAL=required\nSTATE_BACKEND=local\n`);
    expect(r.stderr).toContain("environments.prod.workspace.host");
  });

  it("fails on an unknown stack with exit 1, a message, and nothing on stdout", async () => {
    const r = await run(["ref-qa"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error: unknown stack "ref-qa"/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("fails when nothing was synthesized", async () => {
    const r = await run(["ref-dev"], { CDKTF_OUTDIR: path.join(os.tmpdir(), "uc-ci-env-does-not-exist") });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Run `npm run synth` first");
  });

  it("rejects a missing or extra argument with the usage (exit 2)", async () => {
    for (const args of [[], ["ref-dev", "ref-prod"], ["--help"]]) {
      const r = await run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("usage:");
    }
  });
});
