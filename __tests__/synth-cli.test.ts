import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readSynthOutput } from "../lib/output/read";
import { DEFAULT_MODEL_FILE, ROOT, previousOutput, strayEntries } from "./helpers";
import { badModelFile } from "./fixtures/bad-models/cases";
import { runFileInProcess } from "./run-command";

const MAIN = path.join(ROOT, "main.ts");

/** Runs cdktf.json's `app` command exactly as the cdktf CLI does: in the project, CDKTF_OUTDIR set. */
function runApp(env: Record<string, string>) {
  const { app } = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { app: string };
  return spawnSync(app, { cwd: ROOT, shell: true, encoding: "utf8", env: { ...process.env, ENVIRONMENTS_FILE: DEFAULT_MODEL_FILE, ...env } });
}

function tempOut(): { dir: string; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-cli-"));
  return { dir, out: path.join(dir, "cdktf.out") };
}

describe("the app command (cdktf.json `app`, also `npm run synth`)", () => {
  it("writes the three stacks and prints the isolation warning once, with no terraform binary (nothing on PATH but node and a shell)", () => {
    const { dir, out } = tempOut();
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "uc-path-"));
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    // The one run of the app as a process (a node start costs about 0.35 s here); the other cases run main.ts in this process.
    const run = runApp({ CDKTF_OUTDIR: out, PATH: `${bin}:/bin` });
    expect(run.status).toBe(0);
    expect(run.stderr.replace(/^warning: .*\n/gm, "")).toBe("");
    expect(readSynthOutput(out).map((s) => s.name)).toEqual(["ref-dev", "ref-prod", "ref-staging"]);
    expect(run.stderr.match(/^warning: .*workspace\.id/gm)).toHaveLength(1);
    expect(run.stderr).toContain("environments.dev.workspace.id");
    expect(strayEntries(dir)).toEqual([]); // no temporary directory left behind
    expect(run.stdout).toMatch(/^synth: wrote 3 stacks \(ref-dev, ref-prod, ref-staging\) to .*cdktf\.out: \d+ resources, 14 grants; policy passed\.\n$/);
  });

  it("hands the warnings to the cdktf CLI as its own warning annotations, and prints none on stderr then", async () => {
    const { out } = tempOut();
    // The cdktf CLI sets CDKTF_CONTEXT_JSON for the app, prints the manifest's annotations as
    // `WARN [stack]: ...` and whatever the app writes on stderr as `[ERROR] default - ...`.
    // (main.ts in this process: the test above runs the app as a process.)
    // A proxy set: whether this machine reaches the Terraform registry is not asked (that warning:
    // __tests__/cli/registry-reach.test.ts, and through the real CLI in __tests__/e2e/cdktf.test.ts).
    const run = await runFileInProcess(MAIN, [], { ENVIRONMENTS_FILE: DEFAULT_MODEL_FILE, CDKTF_OUTDIR: out, CDKTF_CONTEXT_JSON: "{}", HTTPS_PROXY: "http://proxy.invalid:3128" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
    const annotations = Object.values(manifest.stacks as Record<string, { annotations: { constructPath: string; level: string; message: string }[] }>).flatMap((s) => s.annotations);
    expect(annotations.map((a) => [a.constructPath, a.level])).toEqual([
      ["ref-dev", "@cdktf/warn"],
      ["ref-dev", "@cdktf/warn"],
      ["ref-dev", "@cdktf/warn"],
    ]);
    expect(annotations[0].message).toContain("environments.dev.workspace.id");
    expect(annotations[2].message).toContain("codeOwners is not set");
    expect(JSON.stringify(manifest)).not.toContain("stacktrace\":[\""); // no paths of this clone
  });

  it("rejects a model with prod aimed at dev's workspace: exit 1, clear message, no stack trace, nothing written", async () => {
    const { dir, out } = tempOut();
    const previous = previousOutput(out, "previous-output");
    const bad = badModelFile("prod-shares-dev-host");
    const run = await runFileInProcess(MAIN, [], { CDKTF_OUTDIR: out, ENVIRONMENTS_FILE: bad });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("environments.prod.workspace.host: is the same workspace host as environments.dev.workspace.host");
    expect(run.stderr).toMatch(/^error: the environment model .* nothing was synthesized:\n  - /);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe("");
    expect(fs.readdirSync(out).sort()).toEqual(previous);
    expect(strayEntries(dir)).toEqual([]);
  });

  // Replacing earlier output (working data kept, vanished stacks dropped): synth-swap.test.ts, in-process.
});
