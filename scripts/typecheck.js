#!/usr/bin/env node
// `npm run typecheck`: the full type-check (tsc -p ., no output files). Takes no arguments.
"use strict";
const { spawnSync } = require("child_process");
const path = require("path");

const USAGE = "usage: npm run typecheck";
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
  process.stdout.write(`${USAGE}\n\nType-checks the whole project with TypeScript (tsc -p ., noEmit); npm test runs it beside jest.\n`);
  process.exit(0);
}
if (args.length > 0) {
  process.stderr.write(`typecheck: unexpected argument ${JSON.stringify(args[0])}\n${USAGE}\n`);
  process.exit(2);
}
const root = path.resolve(__dirname, "..");
const r = spawnSync(path.join(root, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
