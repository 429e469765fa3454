// The terraform on PATH, for the scripts that need 1.11.x (test:e2e, the bench's rehearsal row).
const { spawnSync } = require("child_process");

/** The version `terraform version -json` reports, or undefined when there is none or it cannot be read. */
function terraformVersion(env = process.env) {
  const version = spawnSync("terraform", ["version", "-json"], { encoding: "utf8", env });
  try {
    return JSON.parse(version.stdout).terraform_version;
  } catch {
    return undefined;
  }
}

/** Whether `found` is a terraform the end-to-end tests and the rehearsal run against (1.11.x). */
const isSupported = (found) => typeof found === "string" && /^1\.11\./.test(found);

module.exports = { terraformVersion, isSupported };
