/**
 * The documentation's ```console e2e examples (the format: __tests__/docs/examples.ts): the ones
 * that run terraform (`npm run rehearse`) or jest (`npm run update` refreshes the snapshots), as
 * real processes through bash, npm included, in a full copy of the repository per page. The other
 * examples run in `npm test` (__tests__/docs/examples.test.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { checkStep, documentationFiles, fullCopy, parseExamples, smallCopy, writeOutputs, type Copy } from "../docs/examples";
import { ROOT, requireTerraform } from "./support";

const pages = documentationFiles()
  .map((file) => ({ file, blocks: parseExamples(fs.readFileSync(path.join(ROOT, file), "utf8"), file).filter((b) => b.e2e) }))
  .filter((p) => p.blocks.length > 0);

it("the pages have e2e examples (the test would otherwise pass on nothing)", () => {
  expect(pages.map((p) => p.file)).toEqual(expect.arrayContaining(["docs/changing-access.md", "docs/adding-an-environment.md", "docs/rehearsing.md"]));
});

// The in-process examples of `npm test` run `npm run --silent synth` through a shortcut (main.ts's
// body in the test's module registry); here, where time matters less, it is held to main.ts itself.
describe("the in-process runner", () => {
  it("synthesizes as main.ts does: the same output, stdout and stderr, for `npm run --silent synth` (the examples' shortcut)", async () => {
    const { runFileInProcess, runSynthInProcess } = require("../run-command") as typeof import("../run-command");
    const a = smallCopy(false);
    const b = smallCopy(false);
    const saved = process.cwd();
    try {
      const env = { ENVIRONMENTS_FILE: undefined, CDKTF_OUTDIR: undefined, CDKTF_CONTEXT_JSON: undefined };
      process.chdir(a.repo);
      const viaMain = await runFileInProcess(path.join(ROOT, "main.ts"), [], env);
      process.chdir(b.repo);
      const direct = await runSynthInProcess(env);
      expect(direct).toEqual(viaMain);
      expect(viaMain.stdout).toMatch(/^synth: wrote 3 stacks/);
      const stacks = (dir: string) => fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "ref-prod", "cdk.tf.json"), "utf8");
      expect(stacks(b.repo)).toBe(stacks(a.repo));
    } finally {
      process.chdir(saved);
      a.remove();
      b.remove();
    }
  });
});

describe.each(pages.map((p) => [p.file, p.blocks] as const))("%s", (file, blocks) => {
  let copy: Copy;
  beforeAll(() => {
    requireTerraform();
    copy = fullCopy();
  }, 120_000);
  afterAll(() => {
    copy?.remove();
    writeOutputs(file);
  });

  for (const block of blocks)
    for (const step of block.steps)
      it(`${file}:${step.line}: $ ${step.command.split("\n")[0]}`, async () => {
        await checkStep(step, copy, false, file);
      });
});
