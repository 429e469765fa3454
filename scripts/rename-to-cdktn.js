#!/usr/bin/env node
// `node scripts/rename-to-cdktn.js DEST`: a copy of this repository moved from CDK for Terraform to
// its community fork CDK Terrain (cdktn), to run the tests against the fork
// (.github/workflows/cdk-terrain.yml). The checkout is only read.
//
// DEST must not exist: the script creates it and copies the repository's files into it (tracked
// ones and new ones git does not ignore, as they are in the work tree). In the copy it
//   - rewrites package.json: each CDK package to the fork's (RENAMES), constructs to the fork's peer
//     range, engines.node to the fork's floor, adds the fork CLI's peers (ADDED), and keeps
//     @cdktf/provider-databricks as the stand-in schema's data source (KEPT);
//   - rewrites every module specifier of the CDK packages in the source files (after `from`,
//     `import`, `require(`: cdktf, cdktf/lib/..., @cdktf/provider-databricks/lib/..., cdktf-cli/...)
//     to the fork's names;
//   - commits the result as a new repository of one commit (the tests read tracked files);
//   - checks that no specifier of the old packages is left.
// It refuses (exit 1, nothing left behind) when DEST exists or lies inside the checkout, when
// package.json does not have exactly the versions the table renames from, or when a source file
// imports a CDK package the table does not know. Then, in DEST: `npm install --legacy-peer-deps`
// and `npm test`.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const USAGE = "usage: node scripts/rename-to-cdktn.js DEST";

/**
 * The packages and the fork's versions for them, as the npm registry had them on 2026-12-07
 * (`npm view cdktn versions`: 0.24.0 only; `@cdktn/provider-databricks`: 18.7.0 only; `cdktn-cli`:
 * 0.24.0 only): the registry lists no fork release that matches cdktf 0.21.0, so these are the
 * matching ones. The fork's Databricks bindings are generated from provider 1.132.0 (cdktf's
 * 15.16.1 from 1.99.0); the stacks still require 1.99.0 (lib/constructs/target-provider.ts pins
 * PROVIDER.version).
 */
const RENAMES = [
  { field: "dependencies", from: "cdktf", fromVersion: "0.21.0", to: "cdktn", toVersion: "0.24.0" },
  { field: "dependencies", from: "@cdktf/provider-databricks", fromVersion: "15.16.1", to: "@cdktn/provider-databricks", toVersion: "18.7.0" },
  { field: "devDependencies", from: "cdktf-cli", fromVersion: "0.21.0", to: "cdktn-cli", toVersion: "0.24.0" },
];
/** Not renamed, moved: cdktn 0.24.0 and its provider bindings take constructs >=10.6.0 <10.8.0 (peer dependency). */
const UPGRADES = [{ field: "dependencies", name: "constructs", fromVersion: "10.4.2", toVersion: "10.6.0" }];
/**
 * Kept as data, not code: the stand-in provider's schema (stand-in/schema/generate.ts) is generated
 * from the TypeScript sources of the bindings for the provider the stacks pin (1.99.0), which the
 * fork does not publish. Nothing imports it; install with --legacy-peer-deps so that its peer
 * cdktf is not installed and a specifier left unrenamed fails loudly.
 */
const KEPT = [{ field: "devDependencies", name: "@cdktf/provider-databricks", version: "15.16.1" }];
/**
 * Added: cdktn-cli 0.24.0's peer dependencies (jsii ~5.9.0, jsii-pacmak 1.128.0; its command fails
 * to start without jsii-pacmak), named because --legacy-peer-deps installs no peer by itself.
 * jsii at the newest 5.9 release on the registry on 2026-12-07.
 */
const ADDED = [
  { field: "devDependencies", name: "jsii", version: "5.9.54" },
  { field: "devDependencies", name: "jsii-pacmak", version: "1.128.0" },
];
/** The fork's floor: cdktn-cli 0.24.0 declares node >=22.19.0, @cdktn/provider-databricks >= 22.11.0. */
const ENGINES_NODE = ">=22.19.0";

/** A package of the CDK family, old or new name: cdktf, cdktf/lib/..., @cdktf/..., cdktf-cli and the cdktn ones. */
const CDK_FAMILY = /^(?:cdkt[fn](?:-cli)?(?:\/|$)|@cdkt[fn]\/)/;
/** A package name and its subpath: `@scope/name/sub` -> [`@scope/name`, `/sub`]. */
const PACKAGE_OF = /^((?:@[^/]+\/)?[^/]+)(.*)$/s;
/** Where a module specifier stands: import/export ... from, bare import, import(), require(), require.resolve(), jest.mock(). */
const SPECIFIER = /(\bfrom\s*|\bimport\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|\brequire\.resolve\s*\(\s*|\bjest\.(?:mock|doMock|unmock|requireActual)\s*\(\s*)(["'])([^"'\n]+)\2/g;
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

class RenameError extends Error {}

/** The CDK-family module specifiers in a source text, in order. */
function cdkSpecifiers(text) {
  return [...text.matchAll(SPECIFIER)].map((m) => m[3]).filter((s) => CDK_FAMILY.test(s));
}

/** The fork's specifier for an old one; throws for a CDK package the table does not rename. */
function renamedSpecifier(specifier, where) {
  const [, pkg, sub] = PACKAGE_OF.exec(specifier);
  const rename = RENAMES.find((r) => r.from === pkg);
  if (rename) return rename.to + sub;
  if (RENAMES.some((r) => r.to === pkg)) return specifier; // already the fork's
  throw new RenameError(
    `${where}: imports ${JSON.stringify(specifier)}, a CDK package the rename does not know. Fix: add ${pkg} and the fork's package for it to RENAMES in scripts/rename-to-cdktn.js`,
  );
}

/** `text` with every CDK-family specifier renamed to the fork's. */
function renameSpecifiers(text, where) {
  return text.replace(SPECIFIER, (whole, lead, quote, specifier) => (CDK_FAMILY.test(specifier) ? `${lead}${quote}${renamedSpecifier(specifier, where)}${quote}` : whole));
}

/** package.json's text for the fork; throws when it does not hold exactly what the table renames from. */
function renamePackageJson(text) {
  const pkg = JSON.parse(text);
  const expect = (field, name, version) => {
    const found = pkg[field]?.[name];
    if (found !== version) {
      throw new RenameError(
        `package.json: ${field}.${name} is ${JSON.stringify(found)}, but the rename moves ${name} ${version}. Fix: update RENAMES, UPGRADES and KEPT in scripts/rename-to-cdktn.js to the project's versions and the fork's matching ones`,
      );
    }
  };
  for (const r of RENAMES) expect(r.field, r.from, r.fromVersion);
  for (const u of UPGRADES) expect(u.field, u.name, u.fromVersion);
  for (const r of RENAMES) {
    delete pkg[r.field][r.from];
    pkg[r.field][r.to] = r.toVersion;
  }
  for (const u of UPGRADES) pkg[u.field][u.name] = u.toVersion;
  for (const k of KEPT) pkg[k.field][k.name] = k.version;
  for (const a of ADDED) {
    if (pkg[a.field][a.name] !== undefined) {
      throw new RenameError(`package.json: ${a.field}.${a.name} is already ${JSON.stringify(pkg[a.field][a.name])}; the rename adds ${a.name} ${a.version}. Fix: update ADDED in scripts/rename-to-cdktn.js`);
    }
    pkg[a.field][a.name] = a.version;
  }
  for (const field of ["dependencies", "devDependencies"]) {
    pkg[field] = Object.fromEntries(Object.entries(pkg[field]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  pkg.engines = { ...pkg.engines, node: ENGINES_NODE };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** The repository's files as the work tree has them: tracked, and new ones git does not ignore. */
function repositoryFiles(root) {
  let out;
  try {
    out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new RenameError(`${root}: not a git checkout (${String(e.stderr || e.message).trim()}). Fix: run the rename from the repository`);
  }
  return out.split("\0").filter((f) => f && fs.existsSync(path.join(root, f))); // deleted but not yet committed: left out
}

/** The CDK-family specifiers of each source file among `files` (relative to `root`), for the files that have any. */
function cdkImporters(root, files) {
  const out = {};
  for (const f of files) {
    if (!SOURCE.test(f)) continue;
    const found = cdkSpecifiers(fs.readFileSync(path.join(root, f), "utf8"));
    if (found.length > 0) out[f] = found;
  }
  return out;
}

/**
 * Copies `root` into `dest` (which it creates) and renames it there. Returns what it changed.
 * On any failure `dest` is removed again: nothing half-written is left.
 */
function renameInto(root, dest) {
  root = fs.realpathSync(root);
  const target = path.resolve(dest);
  if (fs.existsSync(target) || isLink(target)) {
    throw new RenameError(`${dest}: exists. The rename writes only into a directory it creates. Fix: name a path that does not exist yet`);
  }
  const parent = path.dirname(target);
  if (!fs.existsSync(parent)) throw new RenameError(`${dest}: its parent ${parent} does not exist. Fix: create it first, or name a path in an existing directory`);
  const realTarget = path.join(fs.realpathSync(parent), path.basename(target));
  if (realTarget === root || realTarget.startsWith(root + path.sep)) {
    throw new RenameError(`${dest}: is inside the checkout ${root}; the copy must be outside it (the checkout is only read). Fix: name a path outside it, e.g. in $RUNNER_TEMP or /tmp`);
  }
  const files = repositoryFiles(root);
  const packageJson = renamePackageJson(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  fs.mkdirSync(realTarget);
  try {
    const changed = [];
    for (const f of files) {
      const from = path.join(root, f);
      const to = path.join(realTarget, f);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      const stat = fs.lstatSync(from);
      if (stat.isSymbolicLink()) {
        fs.symlinkSync(fs.readlinkSync(from), to);
        continue;
      }
      if (f === "package.json") {
        fs.writeFileSync(to, packageJson);
        changed.push(f);
        continue;
      }
      if (SOURCE.test(f)) {
        const text = fs.readFileSync(from, "utf8");
        const renamed = renameSpecifiers(text, f);
        if (renamed !== text) {
          fs.writeFileSync(to, renamed, { mode: stat.mode });
          changed.push(f);
          continue;
        }
      }
      fs.copyFileSync(from, to);
    }
    commitCopy(root, realTarget);
    const left = Object.entries(cdkImporters(realTarget, files)).flatMap(([f, specs]) => specs.filter((s) => !RENAMES.some((r) => PACKAGE_OF.exec(s)[1] === r.to)).map((s) => `${f}: ${s}`));
    if (left.length > 0) throw new RenameError(`specifiers left unrenamed in the copy: ${left.join(", ")}`);
    return { dest: realTarget, files: files.length, changed };
  } catch (e) {
    fs.rmSync(realTarget, { recursive: true, force: true }); // created above by this run
    throw e;
  }
}

/**
 * Makes the copy a git repository of one commit holding all its files: the tests read the
 * repository's tracked files (git ls-files), as they do in the checkout.
 */
function commitCopy(root, dest) {
  let source = "a work tree";
  try {
    source = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    // a repository without a commit yet
  }
  const env = { ...process.env, GIT_AUTHOR_NAME: "rename-to-cdktn", GIT_AUTHOR_EMAIL: "rename-to-cdktn@localhost", GIT_COMMITTER_NAME: "rename-to-cdktn", GIT_COMMITTER_EMAIL: "rename-to-cdktn@localhost", GIT_CONFIG_NOSYSTEM: "1" };
  const git = (...args) => execFileSync("git", ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...args], { cwd: dest, env, stdio: ["ignore", "pipe", "pipe"] });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "--no-verify", "-m", `The move to CDK Terrain (scripts/rename-to-cdktn.js), from ${source}`);
}

function isLink(p) {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function main(args) {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${USAGE}\n\nCopies this repository into DEST (which must not exist) and moves the copy to CDK Terrain:\n${RENAMES.map((r) => `  ${r.from} ${r.fromVersion} -> ${r.to} ${r.toVersion}`).join("\n")}\n  constructs -> ${UPGRADES[0].toVersion}; engines.node -> ${ENGINES_NODE}; adds ${ADDED.map((a) => `${a.name} ${a.version}`).join(", ")} (the CLI's peers); keeps ${KEPT[0].name} ${KEPT[0].version} (the stand-in schema's source)\nThen: cd DEST && npm install --legacy-peer-deps && npm test\n`);
    return 0;
  }
  if (args.length !== 1 || args[0].startsWith("-")) {
    process.stderr.write(`rename-to-cdktn: expected one argument, the directory to create\n${USAGE}\n`);
    return 2;
  }
  try {
    const r = renameInto(path.resolve(__dirname, ".."), args[0]);
    process.stdout.write(`copied ${r.files} files into ${r.dest}; renamed in ${r.changed.length}: ${r.changed.join(", ")}\n`);
    for (const x of RENAMES) process.stdout.write(`  ${x.from} ${x.fromVersion} -> ${x.to} ${x.toVersion}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof RenameError)) throw e;
    process.stderr.write(`rename-to-cdktn: ${e.message}\n`);
    return 1;
  }
}

module.exports = { RENAMES, UPGRADES, KEPT, ADDED, ENGINES_NODE, RenameError, cdkSpecifiers, renameSpecifiers, renamePackageJson, repositoryFiles, cdkImporters, renameInto };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
