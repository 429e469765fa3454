import * as fs from "fs";
import * as path from "path";
import { FIXTURE_DIRS, GENERATE_COMMAND, fixtureFiles } from "../fixtures/synth/cases";
import { FIXTURES } from "./support";

/** Every file below the fixture directories generate.ts owns, keyed like fixtureFiles(). */
function committedFiles(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(FIXTURES, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) for (const entry of fs.readdirSync(abs).sort()) walk(`${rel}/${entry}`);
    else out.set(rel, fs.readFileSync(abs, "utf8"));
  };
  for (const dir of FIXTURE_DIRS) walk(dir);
  return out;
}

/**
 * The committed fixtures are what the generator writes today from environments.yaml and the
 * constructs: a change to either cannot leave the review tools' tests reading stale output.
 */
describe("synthesized-output fixtures", () => {
  const generated = fixtureFiles();
  const committed = committedFiles();
  const refresh = `run \`${GENERATE_COMMAND}\` to refresh, and review the diff`;

  it("has the clean fixture equal to the output of environments.yaml", () => {
    const stale = [...generated].filter(([rel, text]) => rel.startsWith("clean/") && committed.get(rel) !== text).map(([rel]) => rel);
    if (stale.length > 0) throw new Error(`stale fixtures: ${stale.join(", ")} differ from what the app synthesizes now; ${refresh}`);
  });

  it("has every generated fixture, and nothing else, as committed", () => {
    const differ = [...generated].filter(([rel, text]) => committed.get(rel) !== text).map(([rel]) => rel);
    const extra = [...committed.keys()].filter((rel) => !generated.has(rel));
    if (differ.length > 0 || extra.length > 0) {
      throw new Error(
        [differ.length > 0 ? `differ or are missing: ${differ.join(", ")}` : "", extra.length > 0 ? `are no longer generated: ${extra.join(", ")}` : ""]
          .filter(Boolean)
          .join("; ") + `; ${refresh}`,
      );
    }
  });
});
