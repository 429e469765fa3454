// `npm run test:e2e`: the end-to-end tests (__tests__/e2e), with the real terraform against the
// stand-in provider. Not part of `npm test`; .ci/run runs both. Same transform as jest.config.js.
const swcOptions = require("./scripts/swc-options");
const { E2E } = require("./__tests__/suites");

const { filename: _ignored, ...swc } = swcOptions(undefined);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: [`<rootDir>/${E2E}`],
  testMatch: [`<rootDir>/${E2E}/*.test.ts`],
  transform: { "^.+\\.ts$": ["@swc/jest", { ...swc, swcrc: false }] },
  globalSetup: "<rootDir>/__tests__/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/global-teardown.js",
  moduleFileExtensions: ["ts", "js", "json"],
  // Each case runs terraform (and the stand-in) several times.
  testTimeout: 180_000,
  maxWorkers: "100%",
};
