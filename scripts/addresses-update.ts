// `npm run addresses:update`: records the synthesized Terraform addresses in terraform-addresses.json
// on purpose, and prints what changed. Reads the model from ENVIRONMENTS_FILE or environments.yaml.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildApp } from "../lib/app";
import { ModelError } from "../lib/model/errors";
import { loadEnvironmentModel, modelFile } from "../lib/model/load";
import { MANIFEST_FILE, addressManifest, manifestChanges, type AddressManifest } from "../lib/review/addresses";
import { readSynthOutput } from "../lib/gate/read";
import { SynthCheckError, synthToDirectory } from "../lib/synth";

const projectDir = process.cwd();
const manifestPath = path.join(projectDir, MANIFEST_FILE);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "addresses-"));
try {
  const outdir = path.join(tmp, "cdktf.out");
  synthToDirectory((dir) => {
    const model = loadEnvironmentModel(modelFile());
    return { app: buildApp(model, dir, projectDir), model };
  }, outdir);
  const after = addressManifest(readSynthOutput(outdir));
  const before: AddressManifest = fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, "utf8")) : {};
  const changes = manifestChanges(before, after);
  fs.writeFileSync(manifestPath, `${JSON.stringify(after, null, 2)}\n`);
  console.log(changes.length === 0 ? `${MANIFEST_FILE}: no change.` : `${MANIFEST_FILE} updated:\n${changes.join("\n")}`);
} catch (error) {
  const known = error instanceof ModelError || error instanceof SynthCheckError;
  console.error(known ? `error: ${(error as Error).message}` : `error: failed unexpectedly (a bug; please report it):\n${(error as Error).stack}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
