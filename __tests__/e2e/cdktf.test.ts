/**
 * The real cdktf CLI (node_modules/.bin/cdktf, as a person runs it; lib/cdk.ts names it) deploys
 * ref-prod against the stand-in after `rehearse --env`, in a copy of the project so that nothing in
 * the checkout is written (cdktf keeps its output and the local state file in the project).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { cdkCliCommand } from "../../lib/cdk";
import { REFERENCE_MODEL, ROOT, rehearseCli, requireTerraform, strayFiles, tmpDir } from "./support";

beforeAll(requireTerraform);

const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");

/** The checkout's files (tracked, and new ones not ignored) copied into `dir`; node_modules linked. */
function copyProject(dir: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const f of files) {
    if (!fs.existsSync(path.join(ROOT, f))) continue; // deleted but not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.copyFileSync(REFERENCE_MODEL, path.join(dir, "environments.yaml"));
}

describe("cdktf deploy and diff through the stand-in (rehearse --env)", () => {
  const dir = tmpDir("uc-e2e-cdktf-");
  const project = path.join(dir, "project");
  const world = path.join(dir, "world.json");
  let envDir: string | undefined;
  const before = strayFiles(ROOT);
  afterAll(() => {
    if (envDir) fs.rmSync(envDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("deploys ref-prod with `cdktf deploy --auto-approve --skip-provider-lock`, after which `cdktf diff` shows no changes", () => {
    fs.mkdirSync(project);
    copyProject(project);
    // ref-prod's promotion grants name staging's catalog and models schema: staging (and dev) first.
    const first = rehearseCli(["ref-dev", "ref-staging", "--apply", "--workspace", world], { cwd: project, env: { ENVIRONMENTS_FILE: "" } });
    expect(first.status).toBe(0);

    const printed = rehearseCli(["--env", "--workspace", world], { cwd: project, env: { ENVIRONMENTS_FILE: "" } });
    expect(printed.status).toBe(0);
    const env: { [k: string]: string } = {};
    for (const line of printed.stdout.trim().split("\n")) {
      const m = /^export ([A-Z_]+)='(.*)'$/.exec(line);
      if (!m) throw new Error(`not an export line: ${line}`);
      env[m[1]] = m[2];
    }
    expect(Object.keys(env)).toEqual(["TF_CLI_CONFIG_FILE", "UC_STAND_IN_WORKSPACE", "CHECKPOINT_DISABLE"]);
    expect(env.UC_STAND_IN_WORKSPACE).toBe(world);
    envDir = path.dirname(path.dirname(env.TF_CLI_CONFIG_FILE));
    expect(printed.stderr).toContain(`the stand-in is installed in ${envDir}`);

    const cdktf = (args: string[]) => {
      const r = spawnSync(path.join(project, "node_modules", ".bin", cdkCliCommand()), args, { cwd: project, encoding: "utf8", env: { ...process.env, ENVIRONMENTS_FILE: "", CI: "1", ...env } });
      return { status: r.status, out: plain(`${r.stdout}\n${r.stderr}`) };
    };
    const deploy = cdktf(["deploy", "ref-prod", "--auto-approve", "--skip-provider-lock"]);
    expect(deploy.out).toMatch(/Apply complete! Resources: 1 imported, 10 added, 1 changed, 0 destroyed\./);
    expect(deploy.status).toBe(0);
    expect(fs.existsSync(path.join(project, "terraform.ref-prod.tfstate"))).toBe(true);
    const prodSchemas = JSON.parse(fs.readFileSync(world, "utf8")).catalogs.prod.schemas;
    expect(Object.keys(prodSchemas).sort()).toEqual(["bronze", "gold", "models", "silver"]);

    const diff = cdktf(["diff", "ref-prod", "--skip-provider-lock"]);
    expect(diff.status).toBe(0);
    expect(diff.out).toContain("No changes. Your infrastructure matches the configuration.");
  });

  it("wrote nothing in the checkout", () => {
    expect(strayFiles(ROOT)).toEqual(before);
  });
});
