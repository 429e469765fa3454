#!/usr/bin/env node
// `npm test`: the full type-check (tsc --noEmit) and jest, run side by side (swc only strips types,
// so the type-check is its own step). Fails when either fails; ends with a plain
// "N passed, N failed" line. Extra arguments go to jest (e.g. `npm test -- -t snapshot`). Jest
// runs the suites of __tests__/suites.js; with path patterns, the named test files on their own
// (jest.config.js reads its command line for that).
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { readJestArgs } = require("./lib/jest-args");

const root = path.resolve(__dirname, "..");
const USAGE = "usage: npm test [-- JEST_OPTIONS] [TEST_PATH_PATTERN...]";
const HELP =
  "Runs the type-check (tsc -p .) and jest side by side; exit 0 when both pass. Ends with `N passed, N failed`.\n" +
  "Arguments go to jest, e.g. `npm test -- -t snapshot` or `npm test -- __tests__/review`; `npx jest --help`\n" +
  "lists jest's options. Without path patterns jest runs the suites of __tests__/suites.js (several test files\n" +
  "in one module registry, which is faster); with them, the matching test files each on its own.\n" +
  "After a deliberate change to environments.yaml, run `npm run update` first.";

/**
 * Bad usage: an option jest does not know. Checked here so that it exits 2 before anything runs.
 * Returns whether the arguments name test files (then they run directly) and tests (-t).
 */
function checkArgs(args) {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${USAGE}\n\n${HELP}\n`);
    process.exit(0);
  }
  const { unknown, paths, names } = readJestArgs(args, require("jest-cli").yargsOptions);
  if (unknown) {
    process.stderr.write(`test: unknown option ${unknown} (not a jest option)\n${USAGE}\n`);
    process.exit(2);
  }
  return { paths, names };
}
const selection = checkArgs(process.argv.slice(2));
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const results = fs.mkdtempSync(path.join(os.tmpdir(), "jest-results-"));
const resultsFile = path.join(results, "results.json");

function run(name, command, args, capture, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (capture) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("close", (code, signal) => resolve({ name, code: code ?? 1, signal, output }));
  });
}

(async () => {
  const [typecheck, jest] = await Promise.all([
    run("type-check (tsc)", bin("tsc"), ["-p", "."], true),
    run("jest", bin("jest"), [`--testResultsProcessor=${path.join(__dirname, "lib", "results-processor.js")}`, ...process.argv.slice(2)], false, { ...process.env, UC_JEST_RESULTS: resultsFile }),
  ]);
  if (typecheck.output.trim()) process.stdout.write(`\n${typecheck.output}`);
  console.log(`type-check: ${typecheck.code === 0 ? "passed" : "FAILED"}`);
  let passed = 0;
  let failed = 0;
  try {
    const r = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
    passed = r.numPassedTests;
    failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    // A whole run skips nothing: a committed .only (which in a suite skips the other files' tests
    // too), .skip or .todo would leave tests that cannot fail. -t and path patterns select on purpose.
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    if (skipped > 0 && !selection.paths && !selection.names) {
      process.stdout.write(`\n${skipped} tests skipped in a whole run: remove the .only, .skip or .todo that left them out.\n`);
      failed += 1;
    }
  } catch {
    failed += 1; // jest did not report: count it as a failure
  }
  fs.rmSync(results, { recursive: true, force: true });
  if (typecheck.code !== 0) failed += 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(typecheck.code === 0 && jest.code === 0 && failed === 0 ? 0 : 1);
})();
