// Jest runs TypeScript through the same swc transform as the app (scripts/swc-options.js);
// `npm test` (scripts/test.js) runs the type-check (tsc) beside jest.
const swcOptions = require("./scripts/swc-options");
const { STANDALONE } = require("./__tests__/suites");
const { filename: _ignored, ...swc } = swcOptions(undefined);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  // The suites, each running several test files in one module registry, the test that keeps their
  // lists whole, and the files that run on their own (__tests__/suites.js). `npm test -- PATH...`
  // runs named test files directly instead.
  testMatch: ["<rootDir>/__tests__/suites/*.test.ts", "<rootDir>/__tests__/suites-cover.test.ts", ...Object.keys(STANDALONE).map((f) => `<rootDir>/${f}`)],
  transform: { "^.+\\.ts$": ["@swc/jest", { ...swc, swcrc: false }] },
  globalSetup: "<rootDir>/__tests__/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/global-teardown.js",
  moduleFileExtensions: ["ts", "js", "json"],
  // Both cores: jest's default (cores - 1) is a single worker on the 2-core machines.
  maxWorkers: "100%",
};
