#!/usr/bin/env node
// `npm test`: the full type-check (tsc --noEmit) and jest, run side by side (swc only strips types,
// so the type-check is its own step). Fails when either fails; ends with a plain
// "N passed, N failed" line. Extra arguments go to jest (e.g. `npm test -- -t snapshot`).
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const results = fs.mkdtempSync(path.join(os.tmpdir(), "jest-results-"));
const resultsFile = path.join(results, "results.json");

function run(name, command, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
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
    run("jest", bin("jest"), ["--json", `--outputFile=${resultsFile}`, ...process.argv.slice(2)], false),
  ]);
  if (typecheck.output.trim()) process.stdout.write(`\n${typecheck.output}`);
  console.log(`type-check: ${typecheck.code === 0 ? "passed" : "FAILED"}`);
  let passed = 0;
  let failed = 0;
  try {
    const r = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
    passed = r.numPassedTests;
    failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  } catch {
    failed += 1; // jest did not report: count it as a failure
  }
  fs.rmSync(results, { recursive: true, force: true });
  if (typecheck.code !== 0) failed += 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(typecheck.code === 0 && jest.code === 0 && failed === 0 ? 0 : 1);
})();
