/**
 * The live model (environments.yaml): what `npm run update` records from it is what it
 * synthesizes now, and its output passes the policy gate. A failure here after a deliberate edit
 * of the model means: run `npm run update` and review the diff (README, "Changing access on purpose").
 */
import * as fs from "fs";
import * as path from "path";
import { loadEnvironmentModel, parseEnvironmentModel } from "../../lib/model/load";
import { MANIFEST_FILE, checkAddresses } from "../../lib/review/addresses";
import { desiredState } from "../../lib/desired-state";
import { checkGate, formatViolation } from "../../lib/gate/check";
import { LIVE_OUTPUT_DIR, liveOutputFiles, readManifest } from "../../scripts/lib/generated";
import { LIVE_MODEL_FILE, ROOT, synthModel } from "../helpers";

const model = loadEnvironmentModel(LIVE_MODEL_FILE);
const { output } = synthModel(model);
const REFRESH = "run `npm run update` and review the diff";

describe("the live model (environments.yaml)", () => {
  it(`synthesizes exactly the committed ${LIVE_OUTPUT_DIR} (every grant change shows up in review)`, () => {
    const dir = path.join(ROOT, LIVE_OUTPUT_DIR);
    const committed = new Map((fs.existsSync(dir) ? fs.readdirSync(dir) : []).map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
    const now = liveOutputFiles(output);
    const stale = [...new Set([...committed.keys(), ...now.keys()])].filter((f) => committed.get(f) !== now.get(f)).sort();
    if (stale.length > 0) throw new Error(`${LIVE_OUTPUT_DIR}: ${stale.join(", ")} differ from what environments.yaml synthesizes now; ${REFRESH}`);
  });

  it(`has the Terraform addresses of the committed ${MANIFEST_FILE}`, () => {
    const problems = checkAddresses(readManifest(ROOT), output);
    if (problems.length > 0) throw new Error(`${problems.join("\n")}\n(after a deliberate change: ${REFRESH})`);
  });

  it("has commented examples that are valid once filled in (the optional sections people uncomment)", () => {
    const text = fs.readFileSync(LIVE_MODEL_FILE, "utf8");
    // The commented block of optional top-level sections, if the file still has it.
    const start = text.split("\n").findIndex((l) => /^# (account|github|state):/.test(l));
    if (start < 0) return;
    const example = text
      .split("\n")
      .slice(start)
      .filter((l) => l.startsWith("#"))
      .map((l) => l.replace(/^# ?/, ""))
      .join("\n")
      .replace("<account UUID>", "0d26daa6-5e44-4c97-a497-ef015f91254a")
      .replace("<application UUID>", "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f")
      .replace("<org>/<repo>", "org/repo")
      .replace("<bucket>", "state-bucket");
    expect(example.replace(/#.*$/gm, "")).not.toMatch(/<[^>]+>/); // every placeholder filled in
    const filled = parseEnvironmentModel(`${text}\n${example}\n`, "environments.yaml (examples uncommented)");
    expect(filled.github?.planServicePrincipal.name).toBe("uc-env-isolation-plan");
  });

  it("passes the policy gate", () => {
    expect(checkGate(output, desiredState(model)).violations.map(formatViolation)).toEqual([]);
  });
});
