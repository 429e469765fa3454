/**
 * The committed model the recording commands (`npm run update`, `addresses:update`) refresh the
 * generated files of, and their refusal of any other.
 */
import * as path from "path";

/** The committed environment model, which `update` and `addresses:update` refresh the generated files of. */
export const LIVE_MODEL = "environments.yaml";

/**
 * The model file a recording command may use: only the committed environments.yaml. Another model
 * (ENVIRONMENTS_FILE) would overwrite the committed manifests with its addresses; exit 2 saying so.
 */
export function refuseOtherModel(name: string, committed: string, env: NodeJS.ProcessEnv = process.env): void {
  const other = env.ENVIRONMENTS_FILE;
  if (!other) return;
  if (path.resolve(other) === path.resolve(committed)) return;
  process.stderr.write(
    `${name}: ENVIRONMENTS_FILE=${other} is not the committed model ${committed}; ${name} records the committed model's ` +
      `generated files (terraform-addresses.json and the snapshots), and another model's would overwrite them. ` +
      `Fix: unset ENVIRONMENTS_FILE, or copy that model over ${committed} if it is meant to replace it ` +
      `(docs/another-organisation.md).\n`,
  );
  process.exit(2);
}
