// `npm run update`: after a deliberate edit of environments.yaml (or of the constructs), refreshes
// every generated file and snapshot and prints what changed (docs/changing-access.md).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exitOnUsage } from "../lib/cli/command";
import { LIVE_MODEL, refuseOtherModel } from "../lib/cli/live-model";

const NAME = "update";
exitOnUsage(NAME, {
  usage: "npm run update",
  help:
    "After a deliberate change to environments.yaml (or to the constructs): re-synthesizes cdktf.out through the\n" +
    "policy gate, then rewrites every generated file from it and prints what changed:\n" +
    "  __tests__/live/output/<stack>.json   the synthesized output of environments.yaml\n" +
    "  environments.yaml                    moved entries, when an object the manifest recorded has a new address\n" +
    "  terraform-addresses.json             the Terraform addresses (a removed one is a destroy: read the - lines)\n" +
    "  __tests__/fixtures/synth/            the review tools' fixtures (from the frozen reference model)\n" +
    "  .github/workflows/deploy.yml         one deploy job per stack, and the plan matrix of pull-request.yml\n" +
    "  .github/CODEOWNERS                   who reviews what: the model's codeOwners, everything but the model and docs\n" +
    "  __tests__/__snapshots__/             jest's snapshots (jest -u on the tests that have them)\n" +
    "Then `npm test` passes and `git diff` shows the model and these files. Always environments.yaml:\n" +
    "ENVIRONMENTS_FILE pointing elsewhere is refused (exit 2). Exit 1 when the model is invalid or its output\n" +
    "breaks the policy (nothing is written then).",
});
refuseOtherModel(NAME, LIVE_MODEL);

// Loaded after the usage checks, so that --help and bad usage answer without loading cdktf.
const { ModelError } = require("../lib/model/errors") as typeof import("../lib/model/errors");
const { SynthCheckError } = require("../lib/synth") as typeof import("../lib/synth");
const { refreshGenerated } = require("./lib/generated") as typeof import("./lib/generated");

const projectDir = process.cwd();
let failed = false;
try {
  process.stderr.write("update: synthesizing environments.yaml and refreshing the generated files...\n");
  const r = refreshGenerated(projectDir);
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  const lines = [`update: ${r.stacks} stacks synthesized into cdktf.out from ${LIVE_MODEL}.`];
  if (r.renames.length > 0) {
    lines.push(
      `renames added to ${LIVE_MODEL} (moved; each object keeps its state under its new address, nothing is destroyed):\n` +
        r.renames.map((m) => `  ${m.stack} ${m.from} -> ${m.to} (${m.object})`).join("\n"),
    );
  }
  lines.push(r.changed.length === 0 ? "generated files: no change." : `generated files changed (${r.changed.length}):\n${r.changed.map((f) => `  ${f}`).join("\n")}`);
  if (r.addresses.length > 0) lines.push(`terraform addresses (- is a resource Terraform would destroy):\n${r.addresses.map((l) => `  ${l}`).join("\n")}`);
  process.stdout.write(`${lines.join("\n")}\n`);
} catch (error) {
  const known = error instanceof ModelError || error instanceof SynthCheckError;
  process.stderr.write(known ? `error: ${(error as Error).message}\n` : `error: update failed unexpectedly (a bug; please report it):\n${(error as Error).stack}\n`);
  process.exit(1);
}

// Jest's snapshots: only the tests that have them, with -u (which also drops obsolete ones).
const snapshotDir = path.join(projectDir, "__tests__", "__snapshots__");
const snapshotTests = (fs.existsSync(snapshotDir) ? fs.readdirSync(snapshotDir) : [])
  .filter((f) => f.endsWith(".test.ts.snap"))
  .map((f) => path.join("__tests__", f.replace(/\.snap$/, "")))
  .filter((f) => fs.existsSync(path.join(projectDir, f)));
if (snapshotTests.length > 0) {
  process.stderr.write(`update: refreshing jest snapshots of ${snapshotTests.join(", ")}...\n`);
  const results = fs.mkdtempSync(path.join(os.tmpdir(), "update-jest-"));
  const file = path.join(results, "results.json");
  const jest = spawnSync(path.join(projectDir, "node_modules", ".bin", "jest"), ["--ci=false", "-u", "--json", `--outputFile=${file}`, ...snapshotTests], {
    cwd: projectDir,
    encoding: "utf8",
  });
  let summary: { success: boolean; snapshot: { added: number; updated: number; filesRemoved: number; unchecked: number; filesUnchecked?: number } } | undefined;
  try {
    summary = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    summary = undefined;
  }
  fs.rmSync(results, { recursive: true, force: true });
  if (!summary || !summary.success) {
    process.stderr.write(`${jest.stderr}\nerror: jest failed on ${snapshotTests.join(", ")} (above); snapshots may be partly refreshed.\n`);
    failed = true;
  } else {
    const s = summary.snapshot;
    const parts = [`${s.updated} updated`, `${s.added} added`, `${s.filesRemoved} files removed`].join(", ");
    process.stdout.write(`jest snapshots: ${s.updated + s.added + s.filesRemoved === 0 ? "no change" : parts}.\n`);
  }
}
if (failed) process.exitCode = 1;
else process.stdout.write("Review `git diff`, then run `npm test`.\n");
