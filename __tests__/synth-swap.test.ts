/**
 * Synth leaves a complete output at every instant: `cdktf.out` is a link to a generation, replaced
 * by one atomic rename; an interrupted run is cleaned up by the next; the cdktf CLI's own handling
 * of stack folders keeps working when a stack is dropped.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildApp } from "../lib/app";
import { loadEnvironmentModel } from "../lib/model/load";
import { ModelError } from "../lib/model/errors";
import { recover, synthToDirectory } from "../lib/synth";
import { DEFAULT_MODEL_FILE, ROOT, strayEntries } from "./helpers";

/** A PID that is not running (the kernel's default pid_max is 4194304). */
const DEAD = 4194301;


/** Synth in this process, as main.ts does (most cases need no process of their own: faster). */
function synth(out: string, modelFile = DEFAULT_MODEL_FILE): { status: number } {
  try {
    synthToDirectory((staging) => {
      const model = loadEnvironmentModel(modelFile);
      return { app: buildApp(model, staging, path.dirname(out)), model };
    }, out);
    return { status: 0 };
  } catch (e) {
    if (e instanceof ModelError) return { status: 1 };
    throw e;
  }
}

function project(): { dir: string; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-swap-"));
  return { dir, out: path.join(dir, "cdktf.out") };
}

const twoEnvironments = (() => {
  const text = fs.readFileSync(DEFAULT_MODEL_FILE, "utf8");
  const start = text.indexOf("  prod:\n    stack: ref-prod");
  const end = text.indexOf("# Who may do what");
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "uc-two-")), "two.yaml");
  fs.writeFileSync(
    file,
    (text.slice(0, start) + text.slice(end)).replace("account_admin: { dev: all, staging: all, prod: all }", "account_admin: { dev: all, staging: all }").replace("  prod_readonly: { prod: read }\n", ""),
  );
  return file;
})();

describe("synth's output swap", () => {
  it("replaces earlier output whole: keeps Terraform's working files in the stack directories, drops vanished stacks", () => {
    const { out } = project();
    expect(synth(out).status).toBe(0);
    fs.mkdirSync(path.join(out, "stacks", "ref-dev", ".terraform"));
    fs.writeFileSync(path.join(out, "stacks", "ref-dev", ".terraform.lock.hcl"), "# lock\n");
    fs.mkdirSync(path.join(out, "stacks", "ref-removed"));
    expect(synth(out).status).toBe(0);
    expect(fs.existsSync(path.join(out, "stacks", "ref-dev", ".terraform"))).toBe(true);
    expect(fs.existsSync(path.join(out, "stacks", "ref-dev", ".terraform.lock.hcl"))).toBe(true);
    expect(fs.existsSync(path.join(out, "stacks", "ref-removed"))).toBe(false);
  });

  it("publishes cdktf.out as a link to its generation and removes the one it replaced", () => {
    const { dir, out } = project();
    expect(synth(out).status).toBe(0);
    const first = fs.readlinkSync(out);
    expect(fs.lstatSync(out).isSymbolicLink()).toBe(true);
    expect(synth(out).status).toBe(0);
    expect(fs.readlinkSync(out)).not.toBe(first);
    expect(fs.existsSync(path.join(dir, first))).toBe(false);
    expect(strayEntries(dir)).toEqual([]);
  });

  it("turns a plain cdktf.out (a fresh clone with files committed under it) into a link, dropping the files, working data too", () => {
    const { dir, out } = project();
    fs.mkdirSync(path.join(out, "stacks", "ref-prod"), { recursive: true });
    fs.writeFileSync(path.join(out, "stacks", "ref-prod", "prod_override.tf.json"), "{}");
    fs.mkdirSync(path.join(out, "stacks", "ref-prod", ".terraform"));
    expect(synth(out).status).toBe(0);
    expect(fs.existsSync(path.join(out, "stacks", "ref-prod", "prod_override.tf.json"))).toBe(false);
    // A committed .terraform could hold a provider binary: never carried out of a plain directory.
    expect(fs.existsSync(path.join(out, "stacks", "ref-prod", ".terraform"))).toBe(false);
    expect(strayEntries(dir)).toEqual([]);
    // From synth's own generation, terraform's working data is kept.
    fs.mkdirSync(path.join(out, "stacks", "ref-prod", ".terraform"));
    expect(synth(out).status).toBe(0);
    expect(fs.existsSync(path.join(out, "stacks", "ref-prod", ".terraform"))).toBe(true);
  });

  it("carries nothing out of a committed link and directory made to look like a generation (a planted provider binary)", () => {
    const { dir, out } = project();
    const fake = path.join(dir, "cdktf.out.gen-0123456789abcdef-1");
    const providers = path.join(fake, "stacks", "ref-prod", ".terraform", "providers", "registry.terraform.io", "databricks", "databricks", "1.99.0", "linux_amd64");
    fs.mkdirSync(providers, { recursive: true });
    fs.writeFileSync(path.join(providers, "terraform-provider-databricks_v1.99.0"), "#!/bin/sh\necho planted\n");
    fs.writeFileSync(path.join(fake, "stacks", "ref-prod", ".terraform.lock.hcl"), "# planted\n");
    fs.symlinkSync(path.basename(fake), out);
    expect(synth(out).status).toBe(0);
    expect(fs.existsSync(path.join(out, "stacks", "ref-prod", ".terraform"))).toBe(false);
    expect(fs.existsSync(path.join(out, "stacks", "ref-prod", ".terraform.lock.hcl"))).toBe(false);
    expect(fs.existsSync(fake)).toBe(false); // replaced, like any previous output
  });

  it("cleans up what a killed run left: generations, links and temporary directories of dead processes", () => {
    const { dir, out } = project();
    expect(synth(out).status).toBe(0);
    for (const left of [`cdktf.out.gen-abc-${DEAD}`, `cdktf.out.tmp-${DEAD}`, `cdktf.out.old-${DEAD}`]) fs.mkdirSync(path.join(dir, left, "stacks"), { recursive: true });
    fs.symlinkSync("nowhere", path.join(dir, `cdktf.out.link-${DEAD}`));
    expect(strayEntries(dir)).toHaveLength(4);
    expect(synth(out).status).toBe(0);
    expect(strayEntries(dir)).toEqual([]);
  });

  it("puts the previous output back when a run died between renaming it aside and linking the new one", () => {
    const { dir, out } = project();
    fs.mkdirSync(path.join(dir, `cdktf.out.gen-legacy-${DEAD}`, "stacks"), { recursive: true });
    fs.writeFileSync(path.join(dir, `cdktf.out.gen-legacy-${DEAD}`, "manifest.json"), "{}");
    recover(out);
    expect(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).toBe("{}");
    expect(fs.readdirSync(dir)).toEqual(["cdktf.out"]);
  });

  it("leaves the previous output whole when synth is refused", () => {
    const { dir, out } = project();
    expect(synth(out).status).toBe(0);
    const before = fs.readlinkSync(out);
    const bad = path.join(ROOT, "__tests__", "fixtures", "bad-models", "prod-shares-dev-host.yaml");
    expect(synth(out, bad).status).toBe(1);
    expect(fs.readlinkSync(out)).toBe(before);
    expect(strayEntries(dir)).toEqual([]);
  });

  it("keeps the cdktf CLI working when a stack is dropped (it removes the vanished stack folders itself)", () => {
    const { out } = project();
    expect(synth(out).status).toBe(0);
    // What the CLI does around the app (cdktf-cli 0.21, synth-stack): list the stack folders first...
    const before = fs.readdirSync(path.join(out, "stacks")).map((s) => path.join(out, "stacks", s)).filter((p) => fs.lstatSync(p).isDirectory());
    // The CLI runs the app with CDKTF_CONTEXT_JSON set; synth reads it to know.
    process.env.CDKTF_CONTEXT_JSON = "{}";
    try {
      expect(synth(out, twoEnvironments).status).toBe(0);
    } finally {
      delete process.env.CDKTF_CONTEXT_JSON;
    }
    // ...then remove those of stacks no longer synthesized, without `force` (ENOENT if already gone).
    const names = Object.keys(JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).stacks);
    for (const p of before.filter((p) => !names.includes(path.basename(p)))) fs.rmSync(p, { recursive: true });
    expect(fs.readdirSync(path.join(out, "stacks")).sort()).toEqual(["ref-dev", "ref-staging"]);
  });
});

describe("an unreadable model file", () => {
  // Root reads any file whatever its mode, so the test uses a file whose read fails on Linux:
  // /proc/self/mem is a regular file, and reading it from the start gives EIO.
  const unreadable = "/proc/self/mem";

  it("gets the usual one-line model error, not a crash", () => {
    expect(() => loadEnvironmentModel(unreadable)).toThrow(ModelError);
    expect(() => loadEnvironmentModel(unreadable)).toThrow(/the file cannot be read \(EIO: i\/o error, read\)\. Fix: check that ENVIRONMENTS_FILE names a readable YAML file/);
  });

  it("through the app: exit 1, one error line, no stack trace (the app's one failing run as a real process)", () => {
    const { out } = project();
    const { app } = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { app: string };
    const run = spawnSync(app, { cwd: ROOT, shell: true, encoding: "utf8", env: { ...process.env, CDKTF_OUTDIR: out, ENVIRONMENTS_FILE: unreadable } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: the environment model .* has 1 error; nothing was synthesized:\n {2}- .*cannot be read/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
