#!/usr/bin/env node
// `npm run test:e2e`: the end-to-end tests with the real terraform (1.11.x) against the stand-in
// provider (__tests__/e2e, jest.e2e.config.js). Fails (exit 1, never a skip) when terraform 1.11.x is
// not on PATH. Extra arguments go to jest.
"use strict";
const { spawnSync } = require("child_process");
const path = require("path");

const { readJestArgs } = require("./lib/jest-args");
const { isSupported, terraformVersion } = require("./lib/terraform-version");

const root = path.resolve(__dirname, "..");
const REQUIRED = "1.11.4";
const USAGE = "usage: npm run test:e2e [-- JEST_OPTIONS] [TEST_PATH_PATTERN...]";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(
    `${USAGE}\n\n` +
      `Runs the end-to-end tests (__tests__/e2e): the real terraform ${REQUIRED} plans and applies the stacks\n` +
      "against the stand-in provider (docs/rehearsing.md). Fails when terraform 1.11.x is not installed.\n" +
      "Arguments go to jest (e.g. `npm run test:e2e -- __tests__/e2e/behaviour.test.ts`).\n",
  );
  process.exit(0);
}
const { unknown } = readJestArgs(args, require("jest-cli").yargsOptions);
if (unknown) {
  process.stderr.write(`test:e2e: unknown option ${unknown} (not a jest option)\n${USAGE}\n`);
  process.exit(2);
}
const found = terraformVersion();
if (!isSupported(found)) {
  process.stderr.write(`test:e2e: the end-to-end tests need terraform ${REQUIRED} on PATH (found ${found ?? "none"}). Fix: install terraform ${REQUIRED}\n`);
  process.exit(1);
}
const r = spawnSync(path.join(root, "node_modules", ".bin", "jest"), ["--config", path.join(root, "jest.e2e.config.js"), ...args], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
