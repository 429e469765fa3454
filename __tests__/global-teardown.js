// Removes the per-run temporary directory made by global-setup.js.
const fs = require("fs");

module.exports = async function globalTeardown() {
  if (process.env.UC_JEST_TMP) fs.rmSync(process.env.UC_JEST_TMP, { recursive: true, force: true });
};
