/**
 * Runs the test files of one suite (__tests__/suites.js) in this jest test file: each is required
 * inside a describe block named after its path, so its hooks and tests stay its own and its tests
 * are named `<path> <describe> <test>` (`npm test -- -t "review/diff"` picks one file's).
 */
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

export function include(suite: string): void {
  const { SUITES } = require("../suites") as { SUITES: Record<string, string[]> };
  const files = SUITES[suite];
  if (!files) throw new Error(`no suite "${suite}" in __tests__/suites.js`);
  for (const file of files)
    describe(file, () => {
      require(path.join(ROOT, file));
    });
}
