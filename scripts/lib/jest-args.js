// What `npm test`'s arguments ask jest for (scripts/test.js): the first option jest does not know,
// whether they name test files (path patterns, or --testPathPatterns), which then run directly
// instead of in their suites (__tests__/suites.js), and whether they select tests by name (-t),
// which leaves the others skipped. Options are jest-cli's `yargsOptions`.
"use strict";

/**
 * @param {readonly string[]} args npm test's arguments
 * @param {Record<string, {type?: string, alias?: string | string[], requiresArg?: boolean}>} yargsOptions
 * @returns {{unknown: string | undefined, paths: boolean, names: boolean}}
 */
function readJestArgs(args, yargsOptions) {
  const options = new Map();
  for (const [name, o] of Object.entries(yargsOptions)) for (const n of [name, ...[].concat(o.alias ?? [])]) options.set(n, { name, ...o });
  const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  let paths = false;
  let names = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") continue;
    if (!arg.startsWith("-")) {
      paths = true; // a path pattern
      continue;
    }
    const name = arg.replace(/^--?(no-)?/, "").split("=")[0];
    const option = options.get(name) ?? options.get(camel(name));
    if (!option) return { unknown: arg, paths, names };
    if (option.name === "testPathPatterns") paths = true;
    if (option.name === "testNamePattern") names = true;
    if (arg.includes("=")) continue;
    const next = args[i + 1];
    if (option.type === "array") {
      // A list: every argument up to the next option.
      while (i + 1 < args.length && !args[i + 1].startsWith("-")) i++;
    } else if (option.type === "boolean") {
      // An explicit value (`--ci false`), or bail's count (`--bail 3`).
      if (next === "true" || next === "false" || (option.name === "bail" && /^\d+$/.test(next ?? ""))) i++;
    } else if (option.requiresArg || option.type === "string" || option.type === "number" || "choices" in option) {
      i++;
    }
  }
  return { unknown: undefined, paths, names };
}

module.exports = { readJestArgs };
