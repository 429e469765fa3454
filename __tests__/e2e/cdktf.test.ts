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
    // The user's shell, with a plugin cache of their own and a home of its own: the printed lines
    // applied to it (exports and the unset), as `eval "$(...)"` does.
    const home = path.join(dir, "home");
    const userCache = path.join(home, "my-plugin-cache");
    fs.mkdirSync(userCache, { recursive: true });
    const env: { [k: string]: string | undefined } = { ...process.env, HOME: home, TF_PLUGIN_CACHE_DIR: userCache };
    const exported: string[] = [];
    for (const line of printed.stdout.trim().split("\n")) {
      const m = /^export ([A-Z_]+)='(.*)'$/.exec(line);
      const unset = /^unset ([A-Z_]+)$/.exec(line);
      if (m) {
        env[m[1]] = m[2];
        exported.push(m[1]);
      } else if (unset) delete env[unset[1]];
      else throw new Error(`not an export or unset line: ${line}`);
    }
    expect(exported).toEqual(["TF_CLI_CONFIG_FILE", "UC_STAND_IN_WORKSPACE", "CHECKPOINT_DISABLE", "CDKTF_DISABLE_PLUGIN_CACHE_ENV"]);
    expect(env.TF_PLUGIN_CACHE_DIR).toBeUndefined();
    expect(env.UC_STAND_IN_WORKSPACE).toBe(world);
    envDir = path.dirname(path.dirname(env.TF_CLI_CONFIG_FILE!));
    expect(printed.stderr).toContain(`the stand-in is installed in ${envDir}`);

    const cdktf = (args: string[]) => {
      const r = spawnSync(path.join(project, "node_modules", ".bin", cdkCliCommand()), args, { cwd: project, encoding: "utf8", env: { ...env, ENVIRONMENTS_FILE: "", CI: "1" } });
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
    // The stand-in stayed in its install: no plugin cache (the cdktf CLI's default, the user's own) kept it.
    expect(fs.existsSync(path.join(home, ".terraform.d", "plugin-cache", "registry.terraform.io"))).toBe(false);
    expect(fs.readdirSync(userCache)).toEqual([]);
  });

  it("warns, through `cdktf synth` itself, when terraform init could not reach the registry here (and not when it could)", () => {
    const home = path.join(dir, "offline-home");
    fs.mkdirSync(home, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ENVIRONMENTS_FILE: "", CI: "1", CHECKPOINT_DISABLE: "1" };
    for (const k of ["TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR", "HTTPS_PROXY", "https_proxy"]) delete env[k];
    const r = spawnSync(path.join(project, "node_modules", ".bin", cdkCliCommand()), ["synth"], { cwd: project, encoding: "utf8", env });
    expect(r.status).toBe(0);
    // This machine's own answer, asked the way terraform would need it.
    const resolves = spawnSync(process.execPath, ["-e", "require('dns').lookup('registry.terraform.io', (e) => process.exit(e ? 1 : 0))"]).status === 0;
    const out = plain(`${r.stdout}\n${r.stderr}`);
    if (resolves) expect(out).not.toContain("does not resolve on this machine");
    else expect(out).toMatch(/WARN \[ref-dev\]: registry\.terraform\.io does not resolve on this machine and terraform has no provider mirror or cache configured, so the cdktf CLI's `terraform init` will fail/);
    // npm run synth (not the cdktf CLI) says nothing of it: it runs no terraform.
    const synth = spawnSync(process.execPath, [path.join(project, "scripts", "run-ts.js"), "main.ts"], { cwd: project, encoding: "utf8", env: { ...env, CDKTF_OUTDIR: path.join(dir, "plain-out") } });
    expect(synth.status).toBe(0);
    expect(synth.stderr).not.toContain("does not resolve");
  });

  it("wrote nothing in the checkout", () => {
    expect(strayFiles(ROOT)).toEqual(before);
  });
});
