// Which test files jest runs together, in one module registry per suite.
//
// Jest gives every test file a fresh module registry: each file loads and compiles cdktf, yaml and
// this project's modules again, and runs them cold. That was about a third of the suite's CPU time,
// so `npm test` runs a few suites (__tests__/suites/<name>.test.ts), each requiring its files
// in order inside a describe block named after the file. A file runs on its own (its own
// registry) when it must: a module mock applies to the whole registry, and jest keeps snapshots
// per jest test file. `npx jest PATH...` and `npm test -- PATH...` run the named files on their
// own instead (selection() below). __tests__/suites-cover.test.ts, which jest runs whatever the
// lists say, keeps them whole.
"use strict";

/** Suite name -> its test files, relative to the project root. */
const SUITES = {
  // Synthesis, the gate over it, and what synth writes (these load cdktf: once for all of them).
  synth: [
    "__tests__/gate/attacks.test.ts",
    "__tests__/whole-output.test.ts",
    "__tests__/addresses.test.ts",
    "__tests__/synth-swap.test.ts",
    "__tests__/synth-cli.test.ts",
    "__tests__/generated-models.test.ts",
    "__tests__/verdict/attacks.test.ts",
    "__tests__/cdk-terrain.test.ts",
    "__tests__/resources.test.ts",
  ],
  // The review tools over synthesized JSON.
  review: [
    "__tests__/review/cli.test.ts",
    "__tests__/review/robustness.test.ts",
    "__tests__/review/fixtures-any-model.test.ts",
    "__tests__/review/diff.test.ts",
    "__tests__/review/policy.test.ts",
    "__tests__/review/report.test.ts",
    "__tests__/review/total-diff.test.ts",
    "__tests__/review/mermaid.test.ts",
    "__tests__/review/mermaid-render.test.ts",
    "__tests__/review/freshness.test.ts",
    "__tests__/review/fixtures.test.ts",
    "__tests__/review/model-facts.test.ts",
    "__tests__/review/terraform-plan.test.ts",
    "__tests__/gate/rules.test.ts",
  ],
  // The model, the commands, the workflows, the day-2 flows and the documentation.
  day2: [
    "__tests__/model-validation.test.ts",
    "__tests__/model-schema.test.ts",
    "__tests__/commands.test.ts",
    "__tests__/cli/write.test.ts",
    "__tests__/cli/registry-reach.test.ts",
    "__tests__/workflows/ci-env.test.ts",
    "__tests__/workflows/workflows.test.ts",
    "__tests__/workflows/code-owners.test.ts",
    "__tests__/github/check.test.ts",
    "__tests__/live/live-model.test.ts",
    "__tests__/live/update-flow.test.ts",
    "__tests__/live/add-environment.test.ts",
    // The documentation: its command examples run (in-process), its links, its generated pages.
    "__tests__/docs/examples.test.ts",
    "__tests__/docs/links.test.ts",
    "__tests__/docs/access-levels.test.ts",
  ],
  // Bundles and the live audit (in-process).
  "bundle-audit": [
    "__tests__/bundle/check.test.ts",
    "__tests__/bundle/attacks.test.ts",
    "__tests__/bundle/storage.test.ts",
    "__tests__/bundle/generate.test.ts",
    "__tests__/audit/audit.test.ts",
    "__tests__/audit/attacks.test.ts",
  ],
  // The stand-in provider and the rehearsal's command line and plan guard (without terraform; the
  // end-to-end run has the real one).
  "stand-in": [
    "__tests__/stand-in/schema.test.ts",
    "__tests__/stand-in/plan.test.ts",
    "__tests__/stand-in/protocol.test.ts",
    "__tests__/stand-in/workspace.test.ts",
    "__tests__/rehearse/plan-guard.test.ts",
    "__tests__/deploy/attacks.test.ts",
    "__tests__/rehearse/cli.test.ts",
  ],
};

/** Test files that run on their own, and why. */
const STANDALONE = {
  "__tests__/audit/cli.test.ts": "mocks a module (jest.mock), which would apply to a whole suite",
  "__tests__/stacks.test.ts": "has snapshots (jest keeps them per jest test file)",
  "__tests__/account-state-adoption.test.ts": "has snapshots (jest keeps them per jest test file)",
};

/**
 * End-to-end tests with the real terraform: their own jest run (`npm run test:e2e`,
 * jest.e2e.config.js), never part of `npm test`.
 */
const E2E = "__tests__/e2e";

/** The test that keeps these lists whole: jest runs it whatever they say. */
const COVER = "__tests__/suites-cover.test.ts";

/**
 * The test files jest runs. Normally the suites, the cover test and the standalone files. When
 * jest's command line names test files (path patterns: `npx jest FILE`, `npm test -- FILE`, an
 * editor running one file), every test file instead, each in its own registry, so that the named
 * ones run directly whatever suite lists them.
 * @param {boolean} direct
 */
function selection(direct) {
  return direct
    ? { testMatch: ["<rootDir>/__tests__/**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/suites/", "<rootDir>/__tests__/fixtures/", `<rootDir>/${E2E}/`] }
    : { testMatch: ["<rootDir>/__tests__/suites/*.test.ts", `<rootDir>/${COVER}`, ...Object.keys(STANDALONE).map((f) => `<rootDir>/${f}`)], testPathIgnorePatterns: ["/node_modules/"] };
}

module.exports = { SUITES, STANDALONE, COVER, E2E, selection };
