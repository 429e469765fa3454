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
import { MARKER_FILE, OutputNotOwnedError, readMarker, recover, synthToDirectory } from "../lib/synth";
import { DEFAULT_MODEL_FILE, ROOT, strayEntries } from "./helpers";
import { badModelFile } from "./fixtures/bad-models/cases";

/** A PID that is not running (the kernel's default pid_max is 4194304). */
const DEAD = 4194301;


/** Synth in this process, as main.ts does (most cases need no process of their own: faster). */
function synth(out: string, modelFile = DEFAULT_MODEL_FILE): { status: number; message?: string } {
  try {
    synthToDirectory((staging) => {
      const model = loadEnvironmentModel(modelFile);
      return { app: buildApp(model, staging, path.dirname(out)), model };
    }, out);
    return { status: 0 };
  } catch (e) {
    if (e instanceof ModelError) return { status: 1 };
    if (e instanceof OutputNotOwnedError) return { status: 2, message: e.message };
    throw e;
  }
}

/** Every file under a directory with its content (links as `-> target`), to show nothing changed. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isSymbolicLink()) out[r] = `-> ${fs.readlinkSync(path.join(dir, r))}`;
      else if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), "utf8");
    }
  };
  walk("");
  return out;
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

  it("marks each generation it makes with what made it and the model's hash", () => {
    const { out } = project();
    expect(synth(out).status).toBe(0);
    const marker = readMarker(out)!;
    expect(marker).toMatchObject({ madeBy: "uc-env-isolation synth", model: DEFAULT_MODEL_FILE });
    expect(marker.modelSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rejects a plain cdktf.out it did not make (a folder with someone's files): exit 2, nothing deleted or written", () => {
    const { dir, out } = project();
    fs.mkdirSync(path.join(out, "stacks", "ref-prod"), { recursive: true });
    fs.writeFileSync(path.join(out, "notes.txt"), "mine\n");
    fs.writeFileSync(path.join(out, "stacks", "ref-prod", "prod_override.tf.json"), "{}");
    const before = contents(dir);
    const r = synth(out);
    expect(r.status).toBe(2);
    expect(r.message).toMatch(new RegExp(`^${out}: is a folder synth did not make \\(it holds notes\\.txt, stacks and no \\.uc-synth\\.json\\); synth replaces only output it made itself .* Fix: move it away \\(mv ${out} ${out}\\.mine\\) or point CDKTF_OUTDIR at a new path`));
    expect(contents(dir)).toEqual(before);
  });

  it("rejects CDKTF_OUTDIR naming someone's folder through the app (a real process): exit 2 with the path and the fix", () => {
    const { dir } = project();
    const mine = path.join(dir, "some", "folder");
    fs.mkdirSync(mine, { recursive: true });
    fs.writeFileSync(path.join(mine, "notes.txt"), "mine\n");
    const { app } = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { app: string };
    const run = spawnSync(app, { cwd: ROOT, shell: true, encoding: "utf8", env: { ...process.env, CDKTF_OUTDIR: mine, ENVIRONMENTS_FILE: DEFAULT_MODEL_FILE } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: .*some\/folder: is a folder synth did not make/);
    expect(fs.readdirSync(path.join(dir, "some"))).toEqual(["folder"]);
    expect(fs.readdirSync(mine)).toEqual(["notes.txt"]);
  });

  it("rejects a cdktf.out link to a folder it did not make (elsewhere, or a sibling named like a generation without its marker)", () => {
    const { dir, out } = project();
    const elsewhere = path.join(dir, "mine");
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, "notes.txt"), "mine\n");
    fs.symlinkSync("mine", out);
    expect(synth(out)).toMatchObject({ status: 2, message: expect.stringMatching(/is a link to mine, which synth did not make/) });
    expect(fs.readFileSync(path.join(elsewhere, "notes.txt"), "utf8")).toBe("mine\n");
    fs.unlinkSync(out);
    // Made to look like a generation, with a planted provider binary: neither replaced nor carried over.
    const fake = path.join(dir, "cdktf.out.gen-0123456789abcdef-1");
    const providers = path.join(fake, "stacks", "ref-prod", ".terraform", "providers");
    fs.mkdirSync(providers, { recursive: true });
    fs.writeFileSync(path.join(providers, "terraform-provider-databricks_v1.99.0"), "#!/bin/sh\necho planted\n");
    fs.symlinkSync(path.basename(fake), out);
    const before = contents(dir);
    expect(synth(out).status).toBe(2);
    expect(contents(dir)).toEqual(before);
  });

  it("replaces an empty cdktf.out folder, and a copy of its own output (it carries the marker)", () => {
    const { out } = project();
    fs.mkdirSync(out);
    expect(synth(out).status).toBe(0);
    expect(fs.lstatSync(out).isSymbolicLink()).toBe(true);
    const copy = path.join(project().dir, "cdktf.out");
    fs.cpSync(fs.realpathSync(out), copy, { recursive: true });
    expect(fs.existsSync(path.join(copy, MARKER_FILE))).toBe(true);
    expect(synth(copy).status).toBe(0);
    expect(fs.lstatSync(copy).isSymbolicLink()).toBe(true);
  });

  it("cleans up what a killed run left, and only that: its generations and links of dead processes", () => {
    const { dir, out } = project();
    expect(synth(out).status).toBe(0);
    const own = path.join(dir, `cdktf.out.gen-abc-${DEAD}`);
    fs.cpSync(fs.realpathSync(out), own, { recursive: true });
    fs.symlinkSync("nowhere", path.join(dir, `cdktf.out.link-${DEAD}`));
    // Named like synth's, but not made by it: left alone.
    for (const left of [`cdktf.out.gen-def-${DEAD}`, `cdktf.out.tmp-${DEAD}`]) fs.mkdirSync(path.join(dir, left, "stacks"), { recursive: true });
    expect(strayEntries(dir)).toHaveLength(4);
    expect(synth(out).status).toBe(0);
    expect(strayEntries(dir).sort()).toEqual([`cdktf.out.gen-def-${DEAD}`, `cdktf.out.tmp-${DEAD}`]);
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
    const bad = badModelFile("prod-shares-dev-host");
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
    // (A proxy set: the registry's reach is not asked; that is lib/registry-reach.ts's test.)
    const proxy = process.env.HTTPS_PROXY;
    process.env.CDKTF_CONTEXT_JSON = "{}";
    process.env.HTTPS_PROXY = "http://proxy.invalid:3128";
    try {
      expect(synth(out, twoEnvironments).status).toBe(0);
    } finally {
      delete process.env.CDKTF_CONTEXT_JSON;
      if (proxy === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = proxy;
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
