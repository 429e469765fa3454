/**
 * __tests__/suites.js decides which test files `npm test` runs: a test file it does not list would
 * never run, so every one is listed exactly once, and the jest configuration runs exactly the
 * suites, the standalone files and this file (named in jest.config.js itself, so that it runs
 * whatever the lists say).
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./helpers";

type Selection = { testMatch: string[]; testPathIgnorePatterns: string[] };
const { SUITES, STANDALONE, COVER, E2E, selection } = require("./suites") as {
  SUITES: Record<string, string[]>;
  STANDALONE: Record<string, string>;
  COVER: string;
  E2E: string;
  selection: (direct: boolean) => Selection;
};
const config = require("../jest.config") as Selection;
const SELF = "__tests__/suites-cover.test.ts";

/** Every `.ts` file below __tests__ but the fixtures and the end-to-end tests (their own run), relative to the root. */
function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (rel === "__tests__" && e.name === "fixtures") continue;
        if (`${rel}/${e.name}` === E2E) continue;
        walk(`${rel}/${e.name}`);
      } else if (e.name.endsWith(".ts")) out.push(`${rel}/${e.name}`);
    }
  };
  walk("__tests__");
  return out.sort();
}
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The test files: every `*.test.ts` but the suites' own. */
const testFiles = () => sourceFiles().filter((f) => f.endsWith(".test.ts") && !f.startsWith("__tests__/suites/"));
const grouped = Object.values(SUITES).flat();
const standalone = Object.keys(STANDALONE);

describe("the test suites", () => {
  it("list every test file exactly once, in a suite or on its own", () => {
    const listed = [...grouped, ...standalone, SELF];
    expect(listed.filter((f, i) => listed.indexOf(f) !== i)).toEqual([]);
    expect([...listed].sort()).toEqual(testFiles());
  });

  it("have one jest test file each, and jest runs exactly those, the standalone files and this one", () => {
    const suiteFiles = fs.readdirSync(path.join(ROOT, "__tests__", "suites")).filter((f) => f.endsWith(".test.ts"));
    expect(suiteFiles.sort()).toEqual(Object.keys(SUITES).map((s) => `${s}.test.ts`).sort());
    for (const s of Object.keys(SUITES)) expect(read(`__tests__/suites/${s}.test.ts`)).toContain(`include(${JSON.stringify(s)});`);
    expect(COVER).toBe(SELF);
    expect(selection(false)).toEqual({ testMatch: ["<rootDir>/__tests__/suites/*.test.ts", `<rootDir>/${SELF}`, ...standalone.map((f) => `<rootDir>/${f}`)], testPathIgnorePatterns: ["/node_modules/"] });
    // Named files run directly: every test file matches, the suites (which would run them again) do not.
    expect(selection(true)).toEqual({ testMatch: ["<rootDir>/__tests__/**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/suites/", "<rootDir>/__tests__/fixtures/", "<rootDir>/__tests__/e2e/"] });
    // jest.config.js picks one of the two from jest's command line (this process's, when in band).
    expect([selection(false), selection(true)]).toContainEqual({ testMatch: config.testMatch, testPathIgnorePatterns: config.testPathIgnorePatterns });
  });

  it("leave the end-to-end tests to their own run, which runs every one of them", () => {
    const e2e = require("../jest.e2e.config") as { testMatch: string[]; roots: string[] };
    expect(e2e.testMatch).toEqual([`<rootDir>/${E2E}/*.test.ts`]);
    expect(fs.readdirSync(path.join(ROOT, E2E)).filter((f) => f.endsWith(".test.ts")).length).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(ROOT, E2E), { withFileTypes: true }).filter((e) => e.isDirectory())).toEqual([]);
  });

  it("hold no focused or skipped test: .only in one file would silently skip the rest of its suite", () => {
    // it.only, it.only.each, test.concurrent.only, describe.skip.each, fit, xit, ... (npm test also
    // fails a whole run that skips any test, whatever the spelling).
    const modifiers = /\b(?:(?:describe|it|test)(?:\.concurrent)?\.(?:only|skip|todo)\b|(?:fdescribe|fit|xdescribe|xit|xtest)\s*[.(])/;
    expect(testFiles().filter((f) => f !== SELF && modifiers.test(read(f)))).toEqual([]); // this file only names them
  });

  it("group no file that needs its own registry: module mocks, fake timers, timeouts and snapshots run on their own", () => {
    // In a suite, each would apply to, or be kept for, every file of the suite. A helper calling one
    // would bring it into every registry that imports the helper.
    const registryWide = /\bjest\.(?:mock|doMock|unstable_mockModule|useFakeTimers|setTimeout|retryTimes|enableAutomock)\s*\(/;
    const snapshots = /\.(?:toMatchSnapshot|toMatchInlineSnapshot|toThrowErrorMatchingSnapshot|toThrowErrorMatchingInlineSnapshot)\s*\(/;
    const offenders = sourceFiles()
      .filter((f) => !standalone.includes(f))
      .map((file) => ({ file, registryWide: registryWide.test(read(file)), snapshots: snapshots.test(read(file)) }))
      .filter((r) => r.registryWide || r.snapshots);
    expect(offenders).toEqual([]);
  });
});

describe("npm test's arguments (scripts/lib/jest-args.js)", () => {
  type Options = Record<string, { type?: string; alias?: string | string[]; requiresArg?: boolean }>;
  type Read = { unknown: string | undefined; paths: boolean; names: boolean };
  const { readJestArgs } = require("../scripts/lib/jest-args") as { readJestArgs: (args: readonly string[], options: Options) => Read };
  const { yargsOptions } = require("jest-cli") as { yargsOptions: Options };
  const argsOf = (...args: string[]) => readJestArgs(args, yargsOptions);

  it.each([
    [[], false, false],
    [["-t", "snapshot"], false, true], // the test name is -t's value, not a path
    [["--testNamePattern", "review/diff"], false, true],
    [["--testNamePattern=x", "__tests__/review"], true, true],
    [["-u", "--ci"], false, false],
    [["--ci", "false", "-u"], false, false], // a boolean's explicit value
    [["--bail", "3"], false, false],
    [["--coverageProvider", "v8", "--notifyMode", "always"], false, false], // options with a choice of values
    [["--maxWorkers", "1", "-i", "--seed", "7"], false, false],
    [["__tests__/review/diff.test.ts"], true, false],
    [["-t", "x", "__tests__/review"], true, true],
    [["--testPathPatterns", "stacks"], true, false],
    [["--selectProjects", "a", "b", "-u"], false, false], // a list option's values are not paths
    [["--outputFile=x.json", "stacks"], true, false],
  ])("%j names test files: %s, tests by name: %s", (args, paths, names) => {
    expect(argsOf(...args)).toEqual({ unknown: undefined, paths, names });
  });

  it("returns the first option jest does not know", () => {
    expect(argsOf("-t", "x", "--no-such-option", "--other")).toEqual({ unknown: "--no-such-option", paths: false, names: true });
  });
});
