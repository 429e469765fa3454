// Jest's testResultsProcessor for `npm test` (scripts/test.js): writes the run's aggregated results
// to $UC_JEST_RESULTS, where test.js reads its pass/fail counts. Unlike `--json --outputFile`, it
// prints nothing: jest would print "Test results written to <path>" for a file test.js then deletes.
"use strict";
const fs = require("fs");

module.exports = function writeResults(results) {
  const file = process.env.UC_JEST_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify(results));
  return results;
};
