/**
 * __tests__/suites.js decides which test files `npm test` runs: a test file it does not list would
 * never run, so every one is listed exactly once, and the jest configuration runs exactly the
 * suites and the standalone files.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./helpers";

const { SUITES, STANDALONE } = require("./suites") as { SUITES: Record<string, string[]>; STANDALONE: Record<string, string> };
const config = require("../jest.config") as { testMatch: string[] };

/** Every `*.test.ts` below __tests__ but the suites' own files, relative to the root. */
function testFiles(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (rel === "__tests__" && (e.name === "suites" || e.name === "fixtures")) continue;
        walk(`${rel}/${e.name}`);
      } else if (e.name.endsWith(".test.ts")) out.push(`${rel}/${e.name}`);
    }
  };
  walk("__tests__");
  return out.sort();
}

const grouped = Object.values(SUITES).flat();

describe("the test suites", () => {
  it("list every test file exactly once, in a suite or on its own", () => {
    const listed = [...grouped, ...Object.keys(STANDALONE)];
    expect(listed.filter((f, i) => listed.indexOf(f) !== i)).toEqual([]);
    expect([...listed].sort()).toEqual(testFiles());
  });

  it("have one jest test file each, and jest runs exactly those and the standalone files", () => {
    const suiteFiles = fs.readdirSync(path.join(ROOT, "__tests__", "suites")).filter((f) => f.endsWith(".test.ts"));
    expect(suiteFiles.sort()).toEqual(Object.keys(SUITES).map((s) => `${s}.test.ts`).sort());
    for (const s of Object.keys(SUITES)) expect(fs.readFileSync(path.join(ROOT, "__tests__", "suites", `${s}.test.ts`), "utf8")).toContain(`include(${JSON.stringify(s)});`);
    expect(config.testMatch).toEqual(["<rootDir>/__tests__/suites/*.test.ts", ...Object.keys(STANDALONE).map((f) => `<rootDir>/${f}`)]);
  });

  it("hold no focused or skipped test: .only in one file would silently skip the rest of its suite", () => {
    const modifiers = /\b(?:(?:describe|it|test)\.(?:only|skip|todo)|fdescribe|fit|xdescribe|xit|xtest)\s*\(/;
    const found = testFiles().filter((f) => modifiers.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
    expect(found).toEqual([]);
  });

  it("group no file that needs its own registry: module mocks and snapshots run on their own", () => {
    for (const file of grouped) {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      expect({ file, mocks: /\bjest\.(mock|doMock|unstable_mockModule)\(/.test(text), snapshots: /toMatch(Inline)?Snapshot\(/.test(text) }).toEqual({ file, mocks: false, snapshots: false });
    }
  });
});

describe("npm test's arguments (scripts/lib/jest-args.js)", () => {
  type Options = Record<string, { type?: string; alias?: string | string[] }>;
  const { readJestArgs } = require("../scripts/lib/jest-args") as { readJestArgs: (args: readonly string[], options: Options) => { unknown: string | undefined; paths: boolean } };
  const { yargsOptions } = require("jest-cli") as { yargsOptions: Options };
  const read = (...args: string[]) => readJestArgs(args, yargsOptions);

  it.each([
    [[], false],
    [["-t", "snapshot"], false], // the test name is -t's value, not a path
    [["--testNamePattern", "review/diff"], false],
    [["-u", "--ci"], false],
    [["--maxWorkers", "1", "-i"], false],
    [["__tests__/review/diff.test.ts"], true],
    [["-t", "x", "__tests__/review"], true],
    [["--testPathPatterns", "stacks"], true],
    [["--selectProjects", "a", "b", "-u"], false], // a list option's values are not paths
    [["--outputFile=x.json", "stacks"], true],
  ])("%j names test files: %s", (args, paths) => {
    expect(read(...args)).toEqual({ unknown: undefined, paths });
  });

  it("returns the first option jest does not know", () => {
    expect(read("-t", "x", "--no-such-option", "--other")).toEqual({ unknown: "--no-such-option", paths: false });
  });
});
