/**
 * Every command example in the documentation runs and prints what the page shows (the format:
 * __tests__/docs/examples.ts). The ```console e2e blocks run in `npm run test:e2e`
 * (__tests__/e2e/docs-examples.test.ts); this file runs every other one, the npm commands in this
 * process, page by page, each page in its own copy of the repository.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers";
import { checkStep, fixtureDirs, thinCommandScript, writeOutputs, documentationFiles, fencedBlocks, npmCommand, npmScripts, outputMatches, parseExamples, shellWords, smallCopy, type Block, type Copy } from "./examples";

const pages = documentationFiles().map((file) => ({ file, blocks: parseExamples(fs.readFileSync(path.join(ROOT, file), "utf8"), file) }));
const withExamples = pages.filter((p) => p.blocks.some((b) => !b.e2e));

describe("the examples' format", () => {
  it("reads commands, outputs, exit codes and e2e blocks", () => {
    const md = ["text", "```console", "$ npm run --silent policy -- --out /tmp/x   # exit 1", "line 1", "", "line 3", "$ cp a b", "```", "```console e2e", "$ npm run --silent rehearse", "```", "```sh", "$ not run", "```"].join("\n");
    expect(parseExamples(md, "p.md")).toEqual([
      {
        file: "p.md",
        line: 2,
        e2e: false,
        steps: [
          { command: "npm run --silent policy -- --out /tmp/x", line: 3, exit: 1, stdoutOnly: false, expected: ["line 1", "", "line 3"] },
          { command: "cp a b", line: 7, exit: 0, stdoutOnly: false, expected: [] },
        ],
      },
      { file: "p.md", line: 9, e2e: true, steps: [{ command: "npm run --silent rehearse", line: 10, exit: 0, stdoutOnly: false, expected: [] }] },
    ]);
  });

  it("reads blocks indented in a list, and `2>/dev/null`", () => {
    const md = ["1. Run:", "", "   ```console", "   $ npm run --silent synth 2>/dev/null", "   synth: wrote", "   ```"].join("\n");
    expect(parseExamples(md, "p.md")[0].steps).toEqual([{ command: "npm run --silent synth", line: 4, exit: 0, stdoutOnly: true, expected: ["synth: wrote"] }]);
  });

  it("rejects a console block that does not start with a command, and unknown attributes", () => {
    expect(() => parseExamples("```console\noutput\n```", "p.md")).toThrow("p.md:2: a console block must start with a command line");
    expect(() => parseExamples("```console slow\n$ x\n```", "p.md")).toThrow("p.md:1: unknown attribute slow");
  });

  it("takes npm commands as `npm run --silent NAME -- ARGS` with VAR=value prefixes, and refuses what needs a shell", () => {
    expect(npmCommand("ENVIRONMENTS_FILE=/tmp/m.yaml npm run --silent grants -- --format 'json' --model \"m.yaml\"")).toEqual({ env: { ENVIRONMENTS_FILE: "/tmp/m.yaml" }, script: "grants", args: ["--format", "json", "--model", "m.yaml"] });
    expect(npmCommand("cp -rL cdktf.out /tmp/x")).toBeUndefined();
    expect(() => npmCommand("npm run grants")).toThrow("npm run --silent NAME");
    expect(() => npmCommand("npm run --silent grants --format json")).toThrow("write `--` before the command's arguments");
    expect(() => shellWords("npm run --silent grants | head")).toThrow('"|"');
    expect(() => shellWords('npm run --silent verdict -- --merge-commit "$(git rev-parse HEAD)"')).toThrow("needs a shell's expansion");
  });

  it("matches outputs exactly, `[...]` standing for any run of lines", () => {
    expect(outputMatches(["a", "b"], "a\nb\n")).toBe(true);
    expect(outputMatches(["a", "b"], "a\nb\nc\n")).toBe(false);
    expect(outputMatches(["a"], "a \n")).toBe(false);
    expect(outputMatches([], "")).toBe(true);
    expect(outputMatches(["a", "[...]", "z"], "a\nb\nc\nz\n")).toBe(true);
    expect(outputMatches(["a", "[...]", "z"], "a\nz\n")).toBe(true);
    expect(outputMatches(["a", "[...]", "m", "[...]", "z"], "a\nb\nm\nc\nz\n")).toBe(true);
    expect(outputMatches(["a", "[...]", "m", "[...]", "z"], "a\nb\nc\nz\n")).toBe(false);
  });
});

describe("the in-process shortcut for thin command scripts", () => {
  it("takes a script that only runs its command, and never one that does more (policy answers --rules itself)", () => {
    expect(thinCommandScript(path.join(ROOT, "scripts", "grants.ts"))).toBe(true);
    expect(thinCommandScript(path.join(ROOT, "scripts", "policy.ts"))).toBe(false);
    expect(thinCommandScript(path.join(ROOT, "scripts", "update.ts"))).toBe(false);
    expect(thinCommandScript(path.join(ROOT, "scripts", "bench.js"))).toBe(false);
  });
});

describe("every example is runnable as written", () => {
  it("parses on every page, and each npm command names a script of package.json", () => {
    const scripts = npmScripts();
    const problems: string[] = [];
    for (const { file, blocks } of pages)
      for (const b of blocks)
        for (const s of b.steps) {
          try {
            // e2e examples run through bash with the real npm, so they may show npm's own handling of a line.
            const npm = b.e2e ? undefined : npmCommand(s.command);
            if (npm && scripts[npm.script] === undefined) problems.push(`${file}:${s.line}: no npm script "${npm.script}"`);
          } catch (e) {
            problems.push(`${file}:${s.line}: ${(e as Error).message}`);
          }
        }
    expect(problems).toEqual([]);
  });

  it("every `npm run NAME` a page mentions, in any block or inline, is a script of package.json", () => {
    const scripts = npmScripts();
    const problems: string[] = [];
    for (const { file } of pages) {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      text.split("\n").forEach((l, i) => {
        for (const m of l.matchAll(/npm run (?:--silent )?([a-z][\w:-]*)/g)) if (scripts[m[1]] === undefined) problems.push(`${file}:${i + 1}: npm run ${m[1]}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it("the pages have examples to run (the test would otherwise pass on nothing)", () => {
    expect(withExamples.map((p) => p.file)).toEqual(expect.arrayContaining(["README.md", "docs/changing-access.md", "docs/reviewing.md", "docs/commands/policy.md"]));
    // Fenced blocks that look like examples but are not marked console would never run.
    const unmarked = pages.flatMap(({ file }) =>
      fencedBlocks(fs.readFileSync(path.join(ROOT, file), "utf8"))
        .filter((b) => b.info !== "console" && !b.info.startsWith("console ") && b.lines[0]?.startsWith("$ npm run --silent"))
        .map((b) => `${file}:${b.line}`),
    );
    expect(unmarked).toEqual([]);
  });
});

describe.each(withExamples.map((p) => [p.file, p.blocks] as const))("%s", (file, blocks: readonly Block[]) => {
  let copy: Copy;
  beforeAll(() => {
    copy = smallCopy(fixtureDirs(blocks.filter((b) => !b.e2e)));
  });
  afterAll(() => {
    copy?.remove();
    writeOutputs(file);
  });

  for (const block of blocks.filter((b) => !b.e2e))
    for (const step of block.steps)
      it(`${file}:${step.line}: $ ${step.command}`, async () => {
        await checkStep(step, copy, true, file);
      });
});
