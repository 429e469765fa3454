// What `npm test`'s arguments ask jest for (scripts/test.js): the first option jest does not know,
// and whether they name test files (path patterns, or --testPathPatterns), which then run directly
// instead of in their suites (__tests__/suites.js). Options are jest-cli's `yargsOptions`.
"use strict";

/**
 * @param {readonly string[]} args npm test's arguments
 * @param {Record<string, {type?: string, alias?: string | string[]}>} yargsOptions
 * @returns {{unknown: string | undefined, paths: boolean}}
 */
function readJestArgs(args, yargsOptions) {
  const options = new Map();
  for (const [name, o] of Object.entries(yargsOptions)) for (const n of [name, ...[].concat(o.alias ?? [])]) options.set(n, { name, type: o.type });
  const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  let paths = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") continue;
    if (!arg.startsWith("-")) {
      paths = true; // a path pattern
      continue;
    }
    const name = arg.replace(/^--?(no-)?/, "").split("=")[0];
    const option = options.get(name) ?? options.get(camel(name));
    if (!option) return { unknown: arg, paths };
    if (option.name === "testPathPatterns") paths = true;
    if (arg.includes("=") || option.type === "boolean" || option.type === undefined) continue;
    // The option's value: one argument, or for a list every argument up to the next option.
    if (option.type === "array") while (i + 1 < args.length && !args[i + 1].startsWith("-")) i++;
    else i++;
  }
  return { unknown: undefined, paths };
}

module.exports = { readJestArgs };
