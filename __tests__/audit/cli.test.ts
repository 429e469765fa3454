/**
 * `npm run audit` end to end: one real run (a node process exiting 1 on drift, and the fake
 * `databricks` executable as a process per CLI command) proves the process wiring; the other runs go
 * through the same command definition in this process (run-command.ts), with the fake CLI's answers
 * given in-process, since each node start costs about 70 ms of CPU. Most behaviour is tested
 * in-process (audit.test.ts).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runAudit } from "../../lib/audit/audit";
import { DatabricksCli, processExecutor } from "../../lib/audit/databricks-cli";
import { REFUSED, READ_VERBS, respond, type FakeState } from "../fixtures/audit/responder";
import { runInProcess } from "../run-command";
import { stringify } from "yaml";
import { DEFAULT_MODEL_FILE, ROOT, defaultModelData } from "../helpers";
import { FAKE_CLI, cleanState, model, ws } from "./support";

// Each run starts node and the fake CLI once per command (about 50 ms each) on two cores, beside
// the other test files: generous timeouts, few runs, each limited to one environment where it can be.
jest.setTimeout(20_000);

/**
 * With FAKE_DATABRICKS_IN_PROCESS set in the command's environment, the executor the audit command
 * builds answers as the fake executable would (same responder, same state file, same log), without
 * starting it. Everything else about the command is the real one.
 */
jest.mock("../../lib/audit/databricks-cli", () => {
  const actual = jest.requireActual("../../lib/audit/databricks-cli");
  const { respond: answer } = jest.requireActual("../fixtures/audit/responder");
  const nodeFs = jest.requireActual("fs");
  return {
    ...actual,
    processExecutor: (cli?: string) => {
      const real = actual.processExecutor(cli);
      return async (args: readonly string[], env: NodeJS.ProcessEnv) => {
        if (!env.FAKE_DATABRICKS_IN_PROCESS) return real(args, env);
        if (env.FAKE_DATABRICKS_LOG) nodeFs.appendFileSync(env.FAKE_DATABRICKS_LOG, `${JSON.stringify({ args, host: env.DATABRICKS_HOST ?? null, inProcess: true })}\n`);
        const state: FakeState = JSON.parse(nodeFs.readFileSync(env.FAKE_DATABRICKS_STATE, "utf8"));
        return answer(args, env, state);
      };
    },
  };
});

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-audit-"));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Writes a state for the fake CLI; returns the environment that selects it and its log file. */
function fakeEnv(state: unknown): { env: NodeJS.ProcessEnv; log: string } {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify(state));
  const log = path.join(dir, "calls.jsonl");
  // The reference model unless a test names another (the live one is the live tests', __tests__/live).
  const env: NodeJS.ProcessEnv = { ...process.env, ENVIRONMENTS_FILE: DEFAULT_MODEL_FILE, DATABRICKS_CLI: FAKE_CLI, FAKE_DATABRICKS_STATE: path.join(dir, "state.json"), FAKE_DATABRICKS_LOG: log };
  delete env.DATABRICKS_AUTH_TYPE;
  delete env.DATABRICKS_HOST;
  delete env.FAKE_DATABRICKS_IN_PROCESS; // real processes stay real whatever the shell exports
  return { env, log };
}

/** The fake CLI's log: one entry per command; `inProcess` when the mock answered it, not the executable. */
function calls(log: string): { args: string[]; host: string | null; inProcess?: true }[] {
  return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];
}

/** `npm run --silent audit -- ...`, as npm runs it, as a real process. */
function run(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["scripts/run-ts.js", "scripts/audit.ts", ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("npm run audit", () => {
  // The default model with one schema per catalog: fewer CLI processes per run, same code paths.
  const data = defaultModelData();
  for (const env of Object.values<any>(data.environments)) env.catalog.schemas = ["models"];
  const modelFile = path.join(tempDir(), "environments.yaml");
  fs.writeFileSync(modelFile, stringify(data));
  /** The recorded state with only the models schema live, as this model declares. */
  const onlyModels = (state: FakeState) => {
    for (const w of Object.values(state.workspaces)) {
      for (const [key, answer] of Object.entries(w.responses as Record<string, any>)) {
        if (key.startsWith("schemas list ")) w.responses[key] = answer.filter((s: any) => ["models", "information_schema"].includes(s.name));
      }
    }
    return state;
  };
  const clean = fakeEnv(onlyModels(cleanState("default")));
  const driftState = onlyModels(cleanState("default"));
  // The real-process run proves the wiring, a process per command: prod lists no schema, so that
  // it runs a dozen fewer (the declared models schema is then missing: a narrowing after the risk).
  ws(driftState, "ref-prod")["schemas list prod --include-browse"] = ws(driftState, "ref-prod")["schemas list prod --include-browse"].filter((x: any) => x.name === "information_schema");
  ws(driftState, "ref-prod")["grants get catalog prod --max-results 0"].privilege_assignments.push({ principal: "Databricks - Dev", privileges: ["MODIFY"] });
  const drift = fakeEnv(driftState);
  const brokenState = onlyModels(cleanState("default"));
  ws(brokenState, "ref-staging")["catalogs get staging"] = { $error: { code: 1, stderr: "Error: default auth: cannot configure default credentials, please check https://docs.databricks.com/en/dev-tools/auth.html#databricks-client-unified-authentication to configure credentials for your preferred authentication method.\n" } };
  const broken = fakeEnv(brokenState);
  /**
   * The same command in this process, the fake CLI answering in-process (see the mock above), with
   * the environment the real process gets (run-command.ts only adds to this process's).
   */
  const inProcess = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    runInProcess("audit", args, { ...env, FAKE_DATABRICKS_IN_PROCESS: "1", DATABRICKS_AUTH_TYPE: undefined, DATABRICKS_HOST: undefined });
  const runs = {
    clean: () => inProcess(clean.env, "--env", "dev", "--model", modelFile),
    // The real process run: node, run-ts and runCommand's exit code 1, the fake executable per command.
    drift: run(drift.env, "--env", "prod", "--format", "json", "--model", modelFile),
    broken: () => inProcess(broken.env, "--env", "staging", "--model", modelFile),
  };

  it("exits 0 on the recorded clean state, running only read commands with each environment's profile", async () => {
    const r = await runs.clean();
    expect(r).toEqual({ status: 0, stderr: "", stdout: expect.stringMatching(/^No drift: .* of dev against `.*environments.yaml`/) });
    const log = calls(clean.log);
    // dev holds the metastore grants and the sandboxes: every kind of read command runs.
    expect(new Set(log.map((c) => c.args.slice(0, 2).join(" ")))).toEqual(
      new Set([
        "service-principals list",
        "current-user me",
        "metastores summary",
        "catalogs get",
        "catalogs list",
        "grants get",
        "schemas list",
        "tables list",
        "volumes list",
        "functions list",
        "registered-models list",
        "external-locations list",
        "storage-credentials list",
      ]),
    );
    for (const c of log) {
      expect(READ_VERBS.has(c.args[1])).toBe(true);
      expect(c.args.slice(-4)).toEqual(["--output", "json", "--profile", expect.stringMatching(/^ref-(dev|staging|prod)$/)]);
      expect(c.host).toBeNull();
      expect(c.inProcess).toBe(true); // answered by the mock: no process started
    }
  });

  it("exits 1 on drift, the out-of-band MODIFY on prod first and marked PROD (JSON)", async () => {
    const r = await runs.drift;
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    const findings = JSON.parse(r.stdout);
    expect(findings[0]).toMatchObject({ prod: true, direction: "risk", kind: "grant", securable: "prod", principal: "Databricks - Dev", added: ["MODIFY"] });
    const log = calls(drift.log);
    expect(log.some((c) => c.args.includes("metastore"))).toBe(false); // --env prod: not the metastore
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter((c) => c.inProcess)).toEqual([]); // the fake executable answered every command
  });

  it("exits 2 on a CLI failure with the CLI's message and the command, no stack, nothing on stdout", async () => {
    const r = await runs.broken();
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `audit: \`${FAKE_CLI} catalogs get staging --output json --profile ref-staging\` (staging, https://dbc-fab2a42a-8d11.cloud.databricks.com) failed with exit code 1:\n` +
        "  Error: default auth: cannot configure default credentials, please check https://docs.databricks.com/en/dev-tools/auth.html#databricks-client-unified-authentication to configure credentials for your preferred authentication method.\n",
    );
  });

  it("answers --help without running the CLI", async () => {
    const help = await runInProcess("audit", ["--help"], { DATABRICKS_CLI: "/nonexistent/databricks" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run --silent audit -- \[--env KEY \.\.\.\] \[--format md\|json\] \[--model FILE\]\n/);
  });
});

describe("the fake databricks executable", () => {
  it("fails loudly on every verb that changes something, so a test would catch the audit running one", () => {
    const writes = [
      ["grants", "update", "catalog", "prod", "--json", '{"changes":[]}'],
      ["catalogs", "update", "prod", "--isolation-mode", "OPEN"],
      ["catalogs", "delete", "prod"],
      ["catalogs", "create", "x"],
      ["workspace-bindings", "update-bindings", "catalog", "prod"],
      ["service-principals", "patch", "123"],
      ["service-principals", "delete", "123"],
      ["api", "post", "/api/2.1/unity-catalog/permissions/catalog/prod"],
    ];
    const state = cleanState("full");
    for (const args of writes) {
      const r = respond([...args, "--output", "json", "--profile", "ref-prod"], {}, state);
      expect({ args, code: r.code }).toEqual({ args, code: REFUSED });
      expect(r.stderr).toContain("REFUSED");
    }
    // ...and so does the executable.
    const { env, log } = fakeEnv(state);
    const r = spawnSync(FAKE_CLI, ["grants", "update", "catalog", "prod", "--output", "json", "--profile", "ref-prod"], { env, encoding: "utf8" });
    expect(r.status).toBe(REFUSED);
    expect(calls(log)).toHaveLength(1);
  });

  it("passes a principal name with spaces and quotes through a real process intact (no shell)", async () => {
    const name = "Data \"Ops\" team's $(touch pwned) `x`";
    const s = cleanState("full");
    ws(s, "ref-prod")["grants get catalog prod --max-results 0"].privilege_assignments.push({ principal: name, privileges: ["SELECT"] });
    const { env } = fakeEnv(s);
    const cli = new DatabricksCli(processExecutor(FAKE_CLI), FAKE_CLI, env);
    const target = { environment: "prod", host: model("full").production.workspace.host, profile: "ref-prod" };
    const assignments = await cli.grants(target, "catalog", "prod"); // two pages, two processes
    expect(assignments.map((a) => a.principal)).toContain(name);
    expect(assignments).toHaveLength(5);
    expect(fs.existsSync(path.join(ROOT, "pwned"))).toBe(false);
  });

  it("reports a CLI that is not installed as a failure, not a crash", async () => {
    const cli = new DatabricksCli(processExecutor("/nonexistent/databricks"), "/nonexistent/databricks", {});
    await expect(runAudit(model("full"), { cli, environments: ["prod"], ambientAuth: false })).rejects.toThrow(
      "/nonexistent/databricks: not found. Install the Databricks CLI, or set DATABRICKS_CLI to its path.",
    );
  });
});
