#!/usr/bin/env node
// Runs a TypeScript entry point (cdktf.json's `app`): `node scripts/run-ts.js main.ts`.
//
// Why not ts-node or tsx: ts-node type-checks on every synth and tsx starts esbuild, which made
// synth 2x slower and over 100 MiB (see CONTRIBUTING.md#the-bench). This hook strips types with swc and keeps
// the result in node_modules/.cache keyed by the file's content, so a second run does not even load
// swc. Type errors are caught by `npm test` (tsc --noEmit), not here.
"use strict";
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const swcOptions = require("./swc-options");

const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "run-ts");
let swc;

// What the compiled output depends on besides the source: the transform's options and the swc
// version (read from its package.json, which is cheap; loading swc itself is not).
const transformKey = (() => {
  let version = "unknown";
  try {
    version = JSON.parse(fs.readFileSync(require.resolve("@swc/core/package.json"), "utf8")).version;
  } catch {
    // no swc installed: compile() will fail with swc's own message
  }
  return `${version}\0${JSON.stringify(swcOptions("FILE"))}`;
})();

function compile(filename) {
  const source = fs.readFileSync(filename, "utf8");
  const key = crypto.createHash("sha256").update(transformKey).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(cacheDir, key.slice(0, 40) + ".js");
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    swc = swc || require("@swc/core");
    const { code } = swc.transformSync(source, swcOptions(filename));
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // A read-only checkout still runs; it only compiles every time.
    }
    return code;
  }
}

require.extensions[".ts"] = function loadTs(module, filename) {
  module._compile(compile(filename), filename);
};

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node scripts/run-ts.js <entry.ts> [args...]");
  process.exit(2);
}
const file = path.resolve(entry);
if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
  console.error(`run-ts: ${entry}: no such file (resolved to ${file}). Fix: name a .ts file of this project, e.g. node scripts/run-ts.js main.ts`);
  process.exit(2);
}
process.argv.splice(1, 1); // the entry sees itself as argv[1], as under ts-node
require(file);
