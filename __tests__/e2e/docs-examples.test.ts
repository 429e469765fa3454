/**
 * The documentation's ```console e2e examples (the format: __tests__/docs/examples.ts): the ones
 * that run terraform (`npm run rehearse`) or jest (`npm run update` refreshes the snapshots), as
 * real processes through bash, npm included, in a full copy of the repository per page. The other
 * examples run in `npm test` (__tests__/docs/examples.test.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { checkStep, documentationFiles, fullCopy, parseExamples, writeOutputs, type Copy } from "../docs/examples";
import { ROOT, requireTerraform } from "./support";

const pages = documentationFiles()
  .map((file) => ({ file, blocks: parseExamples(fs.readFileSync(path.join(ROOT, file), "utf8"), file).filter((b) => b.e2e) }))
  .filter((p) => p.blocks.length > 0);

it("the pages have e2e examples (the test would otherwise pass on nothing)", () => {
  expect(pages.map((p) => p.file)).toEqual(expect.arrayContaining(["docs/changing-access.md", "docs/adding-an-environment.md", "docs/rehearsing.md"]));
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
