// One temporary directory per `jest` run, removed at the end (global-teardown.js): every test's
// os.tmpdir() (and cdktf's Testing outdirs) lands in it, so test runs leave nothing behind.
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports = async function globalSetup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "uc-jest-"));
  process.env.UC_JEST_TMP = root;
  process.env.TMPDIR = root; // workers are started after this and inherit it
};
