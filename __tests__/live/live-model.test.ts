/**
 * The live model (environments.yaml): what `npm run update` records from it is what it
 * synthesizes now, and its output passes the policy gate. A failure here after a deliberate edit
 * of the model means: run `npm run update` and review the diff (docs/changing-access.md).
 * The checks are in checks.ts, which the day-2 acceptance flows run on copies of the repository too.
 */
import { LIVE_OUTPUT_DIR } from "../../scripts/lib/generated";
import { MANIFEST_FILE } from "../../lib/review/addresses";
import { LIVE_MODEL_FILE, ROOT } from "../helpers";
import { addressProblems, exampleProblems, live, outputProblems, policyProblems, workflowProblems } from "./checks";

const current = live(ROOT);

describe(`the live model (${LIVE_MODEL_FILE})`, () => {
  it(`synthesizes exactly the committed ${LIVE_OUTPUT_DIR} (every grant change shows up in review)`, () => {
    expect(outputProblems(current)).toEqual([]);
  });

  it(`has the Terraform addresses of the committed ${MANIFEST_FILE}`, () => {
    expect(addressProblems(current)).toEqual([]);
  });

  it("has commented examples that are valid once filled in (the optional sections people uncomment)", () => {
    expect(exampleProblems(current)).toEqual([]);
  });

  it("passes the policy gate", () => {
    expect(policyProblems(current)).toEqual([]);
  });

  it("has the workflows npm run update writes as rendered from it, valid against the schema", () => {
    expect(workflowProblems(current)).toEqual([]);
  });
});
