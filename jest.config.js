// Jest runs TypeScript through the same swc transform as the app (scripts/swc-options.js);
// `npm test` (scripts/test.js) runs the type-check (tsc) beside jest.
const swcOptions = require("./scripts/swc-options");
const { selection } = require("./__tests__/suites");
const { readJestArgs } = require("./scripts/lib/jest-args");

// Path patterns on jest's own command line (`npx jest FILE`, `npm test -- FILE`) run those files
// directly; without them jest runs the suites (__tests__/suites.js).
const direct = readJestArgs(process.argv.slice(2), require("jest-cli").yargsOptions).paths;
const { filename: _ignored, ...swc } = swcOptions(undefined);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  ...selection(direct),
  transform: { "^.+\\.ts$": ["@swc/jest", { ...swc, swcrc: false }] },
  globalSetup: "<rootDir>/__tests__/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/global-teardown.js",
  moduleFileExtensions: ["ts", "js", "json"],
  // Both cores: jest's default (cores - 1) is a single worker on the 2-core machines.
  maxWorkers: "100%",
};
