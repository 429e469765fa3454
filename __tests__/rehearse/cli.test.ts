/**
 * `npm run rehearse`'s command line, as real processes, without terraform: bad input (exit 2 before
 * terraform runs; the workspace file's messages are tested in-process in stand-in/workspace.test.ts),
 * terraform missing or of another version, and `--env`. The end-to-end run has the real terraform.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENV_MARKER, envInstallDir } from "../../lib/rehearse/command";
import { DEFAULT_MODEL_FILE, ROOT } from "../helpers";

type Run = { status: number; stdout: string; stderr: string };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-rehearse-cli-"));
const bin = (name: string, script: string) => {
  const d = fs.mkdtempSync(path.join(dir, "bin-"));
  fs.symlinkSync(process.execPath, path.join(d, "node"));
  if (script) fs.writeFileSync(path.join(d, name), script, { mode: 0o755 });
  return d;
};

function rehearse(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", "run-ts.js"), path.join(ROOT, "scripts", "rehearse.ts"), ...args], { cwd, env: { ...process.env, ENVIRONMENTS_FILE: DEFAULT_MODEL_FILE, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

const USAGE = "usage: npm run --silent rehearse -- [STACK ...] [--workspace FILE] [--apply] [--json FILE] [--env]";
const wrongKind = path.join(dir, "wrong.json");
fs.writeFileSync(wrongKind, JSON.stringify({ format: "something-else" }));
const noTerraform = bin("terraform", "");
const oldTerraform = bin("terraform", '#!/bin/sh\necho \'{"terraform_version":"1.9.8"}\'\n');
const envTmp = fs.mkdtempSync(path.join(dir, "tmp-"));

const cases: { [name: string]: Promise<Run> } = {
  envWithStacks: rehearse(["--env", "ref-dev"]),
  unknownStack: rehearse(["ref-dev", "ref-qa"]),
  wrongKind: rehearse(["--workspace", wrongKind]),
  noTerraform: rehearse([], { PATH: noTerraform }),
  oldTerraform: rehearse([], { PATH: oldTerraform }),
  env: rehearse(["--env"], { TMPDIR: envTmp }),
};
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("npm run rehearse (command line)", () => {
  // --help and an unknown option: commands.test.ts, for every npm script.
  it("rejects --env with stacks, --apply or --json: exit 2 and the usage", async () => {
    const r = await cases.envWithStacks;
    const message = "rehearse: --env takes no stacks, --apply or --json";
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(USAGE);
  });

  it.each([
    ["unknownStack", 'rehearse: unknown stack "ref-qa"; the model\'s stacks are ref-dev, ref-staging, ref-prod'],
    ["wrongKind", `rehearse: ${wrongKind}: format: expected "uc-env-isolation/stand-in-workspace@1", found string "something-else". Fix: this is not a stand-in workspace file`],
    ["noTerraform", "rehearse: terraform is not installed (not found on PATH). Fix: install terraform 1.11.4"],
    ["oldTerraform", "rehearse: terraform 1.9.8 is installed; the rehearsal needs terraform 1.11.x (CI pins 1.11.4"],
  ])("rejects bad input (%s) with exit 2, naming it and the fix, before running terraform", async (name, message) => {
    const r = await cases[name];
    expect(r.stderr).toContain(message);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
  });

  it("is documented with the usage it prints (docs/rehearsing.md)", () => {
    expect(fs.readFileSync(path.join(ROOT, "docs", "rehearsing.md"), "utf8")).toContain(`\n${USAGE}\n`);
  });

  it("prints the environment for terraform and the cdktf CLI with --env, installed in a directory that outlives it", async () => {
    const r = await cases.env;
    expect(r.status).toBe(0);
    // The child's os.tmpdir() is TMPDIR.
    const installed = path.join(envTmp, path.basename(envInstallDir(ROOT)));
    expect(r.stdout).toBe(
      `export TF_CLI_CONFIG_FILE='${installed}/stand-in/terraform.rc'\nexport UC_STAND_IN_WORKSPACE='${installed}/workspace.json'\nexport CHECKPOINT_DISABLE='1'\nexport CDKTF_DISABLE_PLUGIN_CACHE_ENV='1'\nunset TF_PLUGIN_CACHE_DIR\n`,
    );
    expect(r.stderr).toContain(`the stand-in is installed in ${installed} (kept after this command`);
    expect(fs.readFileSync(`${installed}/stand-in/terraform.rc`, "utf8")).toContain(`filesystem_mirror {\n    path    = "${installed}/stand-in/mirror"`);
    expect(fs.existsSync(path.join(installed, ENV_MARKER))).toBe(true);
    // A directory at that path that --env did not make is left alone.
    fs.rmSync(path.join(installed, ENV_MARKER));
    const again = await rehearse(["--env"], { TMPDIR: envTmp });
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`${installed} exists and was not made by \`rehearse --env\`; it is left alone`);
  });
});
