// An output older than its model: synth's marker (.uc-synth.json) against the model file a command
// is given, said first with the fix (npm run synth); an output without the marker, judged as before.
// And a copy of cdktf.out made with `cp -r`, which is a link to nothing.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildApp } from "../../lib/app";
import { loadEnvironmentModel } from "../../lib/model/load";
import { MADE_BY, fileSha256, freshnessNote, outputFreshness, readMarker } from "../../lib/review/freshness";
import { synthToDirectory } from "../../lib/synth";
import { DEFAULT_MODEL_TEXT } from "../helpers";
import { runInProcess } from "../run-command";

const temps: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "uc-fresh-"));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

// One synth of the reference model (its own folder: model, output), copied for each case.
const project = tempDir();
const MODEL = path.join(project, "environments.yaml");
fs.writeFileSync(MODEL, DEFAULT_MODEL_TEXT);
const OUT = path.join(project, "cdktf.out");
synthToDirectory((staging) => {
  const model = loadEnvironmentModel(MODEL);
  return { app: buildApp(model, staging, project), model };
}, OUT);

/** A project with a copy of the output (`cp -rL`, hidden files included unless told) and of the model, edited. */
function copy(options: { edit?: (model: string) => string; hidden?: boolean } = {}): { model: string; out: string } {
  const dir = tempDir();
  const model = path.join(dir, "environments.yaml");
  const out = path.join(dir, "cdktf.out");
  fs.cpSync(OUT, out, { recursive: true, dereference: true, filter: (src) => options.hidden !== false || path.basename(src) !== ".uc-synth.json" });
  fs.writeFileSync(model, (options.edit ?? ((t) => t))(DEFAULT_MODEL_TEXT));
  return { model, out };
}
/** The reference model with the read-only group given staging too: synth would add a grant and a lookup. */
const widened = (t: string) => t.replace(/^( {2}prod_readonly: \{ prod: read) \}$/m, "$1, staging: read }");
const run = (command: string, ...args: string[]) => runInProcess(command, args);

describe("an output older than its model", () => {
  it("is what synth marks: the model's and the manifest's sha256, read back", () => {
    expect(widened(DEFAULT_MODEL_TEXT)).not.toBe(DEFAULT_MODEL_TEXT);
    expect(readMarker(OUT)).toEqual({ madeBy: MADE_BY, model: MODEL, modelSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(outputFreshness(OUT, MODEL)).toEqual({ state: "current" });
  });

  it("fails policy as before, saying first on stderr that the fix is npm run synth", async () => {
    const { model, out } = copy({ edit: widened });
    const r = await run("policy", "--out", out, "--model", model);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `policy: ${out} is older than ${model} (the model changed since synth, synthesized from ${MODEL}: its sha256 is ${fileSha256(model)!.slice(0, 12)}…, the output's .uc-synth.json records ${readMarker(OUT)!.modelSha256!.slice(0, 12)}…). ` +
        `Fix: run \`ENVIRONMENTS_FILE=${model} CDKTF_OUTDIR=${out} npm run synth\`, then policy again; until then, what it reports may only be the stale output.\n`,
    );
    expect(r.stdout).toMatch(/\[missing-from-output\] the model requires databricks_grant\.catalog_staging__group_prod_readonly/);
  });

  it("says nothing when the output is the model's, and nothing on a pass even when it is not (the output is then what the model requires)", async () => {
    const same = copy();
    expect(await run("policy", "--out", same.out, "--model", same.model)).toMatchObject({ status: 0, stderr: "" });
    const comment = copy({ edit: (t) => `# a comment\n${t}` });
    expect(outputFreshness(comment.out, comment.model)).toMatchObject({ state: "stale", model: true, manifest: false });
    expect(await run("policy", "--out", comment.out, "--model", comment.model)).toMatchObject({ status: 0, stderr: "" });
  });

  it("notes, for an output without the marker (copied without hidden files), that it cannot tell, and judges it as before", async () => {
    const { model, out } = copy({ edit: widened, hidden: false });
    const r = await run("policy", "--out", out, "--model", model);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `policy: note: ${out} has no .uc-synth.json (synth writes one; an output made by hand, or copied without its hidden files, has none), so whether it is older than ${model} cannot be told: if the model changed since, run \`ENVIRONMENTS_FILE=${model} CDKTF_OUTDIR=${out} npm run synth\` first.\n`,
    );
    expect(r.stdout).toContain("[missing-from-output]");
  });

  it("notes nothing for an unmarked output whose violations staleness cannot explain", async () => {
    const { model, out } = copy({ hidden: false });
    const file = path.join(out, "stacks", "ref-prod", "cdk.tf.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"prevent_destroy": true', '"prevent_destroy": false'));
    const r = await run("policy", "--out", out, "--model", model);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: "" });
  });

  it("says the address manifest beside the model changed since synth", () => {
    const { model, out } = copy();
    fs.writeFileSync(path.join(path.dirname(model), "terraform-addresses.json"), "{}\n");
    expect(outputFreshness(out, model)).toMatchObject({ state: "stale", model: false, manifest: true });
    expect(freshnessNote("grants", out, model)).toMatch(/^grants: .* is older than .*environments\.yaml \(terraform-addresses\.json beside the model changed since synth\)\. Fix: run `.*npm run synth`/);
  });

  it("warns grants, grants:diff and deploy-check too, before their result", async () => {
    const { model, out } = copy({ edit: widened });
    const grants = await run("grants", "--out", out, "--model", model);
    expect(grants.status).toBe(0);
    expect(grants.stderr).toMatch(/^grants: .* is older than .* Fix: run `.*npm run synth`, then grants again/);
    expect(grants.stdout).toMatch(/^### Effective permissions/);
    const diff = await run("grants-diff", OUT, out, "--base-model", MODEL, "--head-model", model);
    expect(diff.status).toBe(0);
    expect(diff.stderr.split("\n").filter(Boolean)).toEqual([expect.stringMatching(new RegExp(`^grants:diff: ${out} is older than ${model} `))]);
    const deploy = await run("deploy-check", "--out", out, "--model", model, "--stack", "ref-prod", "--plan-file", "/nonexistent", "--plan", "x", "--plan-text", "x", "--commit", "0".repeat(40));
    expect(deploy.stderr.split("\n")[0]).toMatch(/^deploy-check: .* is older than .* Fix: run `.*npm run synth`, then deploy-check again/);
  });

  it("never lets the marker change a verdict: one that claims the current model over an edited output fails as before", async () => {
    const { model, out } = copy();
    const file = path.join(out, "stacks", "ref-prod", "cdk.tf.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"prevent_destroy": true', '"prevent_destroy": false'));
    expect(outputFreshness(out, model)).toEqual({ state: "current" });
    const r = await run("policy", "--out", out, "--model", model);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("[catalog-protection]");
  });

  it("rejects a marker's fields of the wrong shape: nothing the output says about itself is printed unchecked", () => {
    const { model, out } = copy({ edit: widened });
    fs.writeFileSync(path.join(out, ".uc-synth.json"), JSON.stringify({ madeBy: MADE_BY, model: "x\u001b[2J\u202eevil", modelSha256: "not a hash" }));
    expect(readMarker(out)).toEqual({ madeBy: MADE_BY });
    expect(outputFreshness(out, model)).toEqual({ state: "unmarked" });
    fs.writeFileSync(path.join(out, ".uc-synth.json"), JSON.stringify({ madeBy: MADE_BY, model: "x\u001b[2J", modelSha256: "a".repeat(64) }));
    expect(freshnessNote("policy", out, model)).not.toMatch(/\u001b/);
  });
});

describe("a copy of cdktf.out made with cp -r (a link to nothing)", () => {
  const dir = tempDir();
  const copied = path.join(dir, "x");
  // What `cp -r cdktf.out x` makes elsewhere: the link itself, relative to a generation not beside it.
  fs.symlinkSync(fs.readlinkSync(OUT), copied);

  it.each([
    ["policy", ["--out", copied, "--model", MODEL]],
    ["grants", ["--out", copied]],
    ["grants-diff", [OUT, copied]],
  ])("makes %s say what the path is and how to copy an output: exit 2", async (command, args) => {
    const r = await run(command, ...args);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: "" });
    expect(r.stderr).toContain(
      `${copied}: a symbolic link to ${fs.readlinkSync(OUT)}, which does not exist (synth publishes cdktf.out as a link to the generation folder it wrote beside it; \`cp -r cdktf.out ${copied}\` copies the link, which then points at nothing). Fix: copy the output the link points at: \`rm ${copied} && cp -rL cdktf.out ${copied}\`, or read cdktf.out itself.`,
    );
  });

  it("still says no such directory for a path that is nothing at all", async () => {
    expect((await run("policy", "--out", path.join(dir, "nothing"), "--model", MODEL)).stderr).toContain("nothing: no such directory. Run `npm run synth` first");
  });
});
