import { GENERATE_COMMAND, fixtureFiles } from "../fixtures/synth/cases";
import { readFixtures } from "../fixtures/synth/write";
import { FIXTURES } from "./support";

const committedFiles = () => readFixtures(FIXTURES);

/**
 * The committed fixtures are what the generator writes today from the reference model and the
 * constructs: a change to the constructs cannot leave the review tools' tests reading stale output.
 */
describe("synthesized-output fixtures", () => {
  const generated = fixtureFiles();
  const committed = committedFiles();
  const refresh = `run \`npm run update\` (or \`${GENERATE_COMMAND}\`) to refresh, and review the diff`;

  it("has the clean fixture equal to the output of the reference model", () => {
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
