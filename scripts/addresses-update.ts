// `npm run addresses:update`: records the synthesized Terraform addresses in terraform-addresses.json
// on purpose, and prints what changed. Only for the committed environments.yaml (`npm run update`
// refreshes this and every other generated file).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MANIFEST_FILE, addressManifest, manifestChanges, type AddressManifest } from "../lib/review/addresses";
import { parseAddressManifest } from "../lib/model/history";
import { exitOnUsage } from "../lib/cli/command";
import { LIVE_MODEL, refuseOtherModel } from "../lib/cli/live-model";

exitOnUsage("addresses:update", {
  usage: "npm run addresses:update",
  help:
    `Synthesizes ${LIVE_MODEL} and records its Terraform addresses and import IDs in ${MANIFEST_FILE},\n` +
    "printing each change (+ new, - removed: a removed resource address is one Terraform would destroy).\n" +
    "`npm run update` does this and refreshes every other generated file. ENVIRONMENTS_FILE naming another\n" +
    "model is refused (exit 2): its addresses would replace the committed model's.",
});
refuseOtherModel("addresses:update", LIVE_MODEL);

// Loaded after the usage checks, so that --help and bad usage answer without loading cdktf.
const { buildApp } = require("../lib/app") as typeof import("../lib/app");
const { ModelError } = require("../lib/model/errors") as typeof import("../lib/model/errors");
const { loadEnvironmentModel } = require("../lib/model/load") as typeof import("../lib/model/load");
const { desiredState } = require("../lib/desired-state") as typeof import("../lib/desired-state");
const { SynthCheckError, synthToDirectory } = require("../lib/synth") as typeof import("../lib/synth");

const projectDir = process.cwd();
const manifestPath = path.join(projectDir, MANIFEST_FILE);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "addresses-"));
try {
  const outdir = path.join(tmp, "cdktf.out");
  let desired: import("../lib/desired-state").DesiredState | undefined;
  synthToDirectory((dir) => {
    const model = loadEnvironmentModel(LIVE_MODEL);
    desired = desiredState(model);
    return { app: buildApp(model, dir, projectDir, desired), model, desired };
  }, outdir);
  const after = addressManifest(desired!);
  const before: AddressManifest = fs.existsSync(manifestPath) ? parseAddressManifest(JSON.parse(fs.readFileSync(manifestPath, "utf8")), MANIFEST_FILE) : {};
  const changes = manifestChanges(before, after, desired);
  fs.writeFileSync(manifestPath, `${JSON.stringify(after, null, 2)}\n`);
  process.stdout.write(`${changes.length === 0 ? `${MANIFEST_FILE}: no change.` : `${MANIFEST_FILE} updated:\n${changes.join("\n")}`}\n`);
} catch (error) {
  const known = error instanceof ModelError || error instanceof SynthCheckError;
  process.stderr.write(`${known ? `error: ${(error as Error).message}` : `error: failed unexpectedly (a bug; please report it):\n${(error as Error).stack}`}\n`);
  process.exitCode = 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
