/**
 * The move to CDK Terrain (the community fork of cdktf) stays a rename: the CDK packages are
 * imported in one module (lib/cdk.ts), scripts/rename-to-cdktn.js renames them in a copy (CI then
 * runs the tests there on the fork: .github/workflows/cdk-terrain.yml), and the provider version
 * the stacks require is the project's own, not the bindings'. These tests pass before and after the
 * rename (they run in the renamed copy too).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformProvider, TerraformStack, Testing } from "../lib/cdk";
import { PROVIDER, pinProviderVersion } from "../lib/resources/provider";
import { parseEnvironmentModel } from "../lib/model/load";
import { ROOT, defaultModel, synthOutput } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rename = require("../scripts/rename-to-cdktn.js") as {
  RENAMES: readonly { field: string; from: string; fromVersion: string; to: string; toVersion: string }[];
  UPGRADES: readonly { field: string; name: string; fromVersion: string; toVersion: string }[];
  KEPT: readonly { field: string; name: string; version: string }[];
  ENGINES_NODE: string;
  RenameError: new (message: string) => Error;
  cdkSpecifiers(text: string): string[];
  renameSpecifiers(text: string, where: string): string;
  renamePackageJson(text: string): string;
  repositoryFiles(root: string): string[];
  cdkImporters(root: string, files: readonly string[]): Record<string, string[]>;
  renameInto(root: string, dest: string): { dest: string; files: number; changed: string[] };
};
const SCRIPT = path.join(ROOT, "scripts", "rename-to-cdktn.js");

/**
 * A quoted module name. The samples below are built with it so that this file's own text holds no
 * specifier of a CDK package (the rename would rewrite it in the copy, and the one-module check
 * would count this file).
 */
const q = (name: string) => `"${name}"`;
const CDKTF = "cdk" + "tf";
const CDKTN = "cdk" + "tn";

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@localhost", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@localhost", GIT_CONFIG_NOSYSTEM: "1" };
const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A package.json as the project's is before the rename, from the script's own table. */
function packageBefore(): string {
  const pkg: Record<string, any> = { name: "p", engines: { node: ">=20" }, dependencies: { yaml: "2.9.1" }, devDependencies: { jest: "30.5.2" } };
  for (const r of rename.RENAMES) pkg[r.field][r.from] = r.fromVersion;
  for (const u of rename.UPGRADES) pkg[u.field][u.name] = u.fromVersion;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** A small git repository shaped like this one: a package.json, an importing module, a symlink, an ignored file. */
function sampleRepo(files: Record<string, string> = {}): string {
  const dir = tmp("rename-src-");
  const all: Record<string, string> = {
    "package.json": packageBefore(),
    ".gitignore": "node_modules\n",
    "lib/cdk.ts": `export { App } from ${q(CDKTF)};\nexport { Grant } from ${q(`@${CDKTF}/provider-databricks/lib/grant`)};\n`,
    "lib/other.ts": `// runs \`${CDKTF} deploy\` and reads ${CDKTF}.out and ${CDKTF}.json\nimport { parse } from "yaml";\nexport const x = parse("a: 1");\n`,
    "docs/notes.md": `import { App } from ${q(CDKTF)};\n`,
    "node_modules/ignored.js": `require(${q(CDKTF)});\n`,
    ...files,
  };
  for (const [f, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  fs.symlinkSync("lib/cdk.ts", path.join(dir, "cdk-link.ts"));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir, env: GIT_ENV });
  execFileSync("git", ["add", "-A"], { cwd: dir, env: GIT_ENV });
  execFileSync("git", ["commit", "-q", "-m", "sample"], { cwd: dir, env: GIT_ENV });
  fs.writeFileSync(path.join(dir, "lib", "new.ts"), `export * from ${q(`${CDKTF}/lib/testing`)};\n`); // new, not yet added
  return dir;
}

describe("the CDK packages are imported in one module", () => {
  it("is lib/cdk.ts (and the tests' jest matchers, which extend jest's types): no other file of the repository imports cdktf, its provider bindings or its CLI", () => {
    const importers = rename.cdkImporters(ROOT, rename.repositoryFiles(ROOT));
    expect(Object.keys(importers).sort()).toEqual(["__tests__/cdktf-matchers.ts", "lib/cdk.ts"]);
    expect(importers["__tests__/cdktf-matchers.ts"]).toEqual([expect.stringMatching(/^cdkt[fn]\/lib\/testing\/adapters\/jest$/)]);
  });

  it("takes each provider class by deep path, never the package root (which loads every resource class)", () => {
    const specs = rename.cdkSpecifiers(fs.readFileSync(path.join(ROOT, "lib", "cdk.ts"), "utf8")).filter((s) => s.includes("provider-databricks"));
    expect(specs.length).toBeGreaterThanOrEqual(10);
    expect(specs.filter((s) => !/^@cdkt[fn]\/provider-databricks\/lib\/[a-z0-9-]+$/.test(s))).toEqual([]);
  });

  it("sees every way a file can name a module, so that an import elsewhere cannot slip past", () => {
    const text = [
      `import { App } from ${q(CDKTF)};`,
      `import type { Grant } from ${q(`@${CDKTF}/provider-databricks/lib/grant`)};`,
      `export * from ${q(`${CDKTF}/lib/tokens`)};`,
      `import ${q(`${CDKTF}/lib/testing/adapters/jest`)};`,
      `const a = require(${q(CDKTF)});`,
      `const b = await import(${q(`@${CDKTF}/provider-aws`)});`,
      `type C = typeof import(${q(CDKTN)});`,
      `require.resolve(${q(`${CDKTF}-cli/package.json`)});`,
      `jest${"."}mock(${q(CDKTF)});`, // spelled so that this file mocks nothing (suites-cover reads it)
      `import { parse } from "yaml"; // ${CDKTF} deploy, ${CDKTF}.out, "${CDKTF}.json"`,
    ].join("\n");
    expect(rename.cdkSpecifiers(text)).toEqual([
      CDKTF,
      `@${CDKTF}/provider-databricks/lib/grant`,
      `${CDKTF}/lib/tokens`,
      `${CDKTF}/lib/testing/adapters/jest`,
      CDKTF,
      `@${CDKTF}/provider-aws`,
      CDKTN,
      `${CDKTF}-cli/package.json`,
      CDKTF,
    ]);
  });
});

describe("scripts/rename-to-cdktn.js", () => {
  it("renames every specifier of the CDK packages, subpaths kept, and leaves other packages and plain text alone", () => {
    const before = [
      `import { App, Testing } from ${q(CDKTF)};`,
      `export { Grant } from ${q(`@${CDKTF}/provider-databricks/lib/grant`)};`,
      `import ${q(`${CDKTF}/lib/testing/adapters/jest`)};`,
      `const { bin } = require(${q(`${CDKTF}-cli/package.json`)});`,
      `type T = typeof import(${q(CDKTF)});`,
      `import { parse } from "yaml"; // \`${CDKTF} deploy\` writes ${CDKTF}.out; reads ${CDKTF}.json`,
    ].join("\n");
    expect(rename.renameSpecifiers(before, "a.ts").split("\n")).toEqual([
      `import { App, Testing } from ${q(CDKTN)};`,
      `export { Grant } from ${q(`@${CDKTN}/provider-databricks/lib/grant`)};`,
      `import ${q(`${CDKTN}/lib/testing/adapters/jest`)};`,
      `const { bin } = require(${q(`${CDKTN}-cli/package.json`)});`,
      `type T = typeof import(${q(CDKTN)});`,
      `import { parse } from "yaml"; // \`${CDKTF} deploy\` writes ${CDKTF}.out; reads ${CDKTF}.json`,
    ]);
    const after = rename.renameSpecifiers(before, "a.ts");
    expect(rename.renameSpecifiers(after, "a.ts")).toBe(after); // the fork's names stay
  });

  it("rejects a CDK package the table does not rename (default deny), naming the file and the fix", () => {
    expect(() => rename.renameSpecifiers(`import { S3Bucket } from ${q(`@${CDKTF}/provider-aws/lib/s3-bucket`)};`, "lib/x.ts")).toThrow(
      `lib/x.ts: imports "@${CDKTF}/provider-aws/lib/s3-bucket", a CDK package the rename does not know. Fix: add @${CDKTF}/provider-aws and the fork's package for it to RENAMES in scripts/rename-to-cdktn.js`,
    );
  });

  it("moves package.json to the fork's packages, the fork's constructs and Node floor, and keeps the stand-in schema's source", () => {
    const pkg = JSON.parse(rename.renamePackageJson(packageBefore()));
    expect(pkg.dependencies).toEqual({ "@cdktn/provider-databricks": "18.7.0", cdktn: "0.24.0", constructs: "10.6.0", yaml: "2.9.1" });
    expect(pkg.devDependencies).toEqual({ "@cdktf/provider-databricks": "15.16.1", "cdktn-cli": "0.24.0", jest: "30.5.2", jsii: "5.9.54", "jsii-pacmak": "1.128.0" });
    expect(Object.keys(pkg.devDependencies)).toEqual(Object.keys(pkg.devDependencies).sort());
    expect(Object.keys(pkg.dependencies)).toEqual(Object.keys(pkg.dependencies).sort());
    expect(pkg.engines).toEqual({ node: ">=22.19.0" });
  });

  it("rejects a package.json whose CDK versions the table does not move from (a bump needs the fork's matching versions)", () => {
    const bumped = packageBefore().replace(`"${CDKTF}": "0.21.0"`, `"${CDKTF}": "0.21.1"`);
    expect(() => rename.renamePackageJson(bumped)).toThrow(
      `package.json: dependencies.${CDKTF} is "0.21.1", but the rename moves ${CDKTF} 0.21.0. Fix: update RENAMES, UPGRADES and KEPT in scripts/rename-to-cdktn.js`,
    );
    const noConstructs = JSON.parse(packageBefore());
    delete noConstructs.dependencies.constructs;
    expect(() => rename.renamePackageJson(JSON.stringify(noConstructs))).toThrow("package.json: dependencies.constructs is undefined, but the rename moves constructs 10.4.2");
    const withJsii = JSON.parse(packageBefore());
    withJsii.devDependencies.jsii = "5.4.0";
    expect(() => rename.renamePackageJson(JSON.stringify(withJsii))).toThrow('package.json: devDependencies.jsii is already "5.4.0"; the rename adds jsii 5.9.54. Fix: update ADDED in scripts/rename-to-cdktn.js');
  });

  it("moves from exactly the versions this project pins (or, in the renamed copy, to them)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    for (const r of rename.RENAMES) {
      const before = pkg[r.field][r.from] === r.fromVersion && pkg[r.field][r.to] === undefined;
      const after = pkg[r.field][r.to] === r.toVersion && pkg[r.field][r.from] === undefined;
      expect({ package: r.from, before, after }).toEqual({ package: r.from, before: !after, after: !before });
    }
  });

  it("copies the repository (tracked and new files, links as links, nothing ignored) into a new directory, renamed there and committed, and leaves the checkout as it was", () => {
    const src = sampleRepo();
    const dest = path.join(tmp("rename-dest-"), "copy");
    const status = execFileSync("git", ["status", "--porcelain"], { cwd: src, encoding: "utf8" });
    try {
      const r = rename.renameInto(src, dest);
      expect(r.changed.sort()).toEqual(["lib/cdk.ts", "lib/new.ts", "package.json"]);
      expect(fs.readFileSync(path.join(dest, "lib", "cdk.ts"), "utf8")).toBe(`export { App } from ${q(CDKTN)};\nexport { Grant } from ${q(`@${CDKTN}/provider-databricks/lib/grant`)};\n`);
      expect(fs.readFileSync(path.join(dest, "lib", "new.ts"), "utf8")).toBe(`export * from ${q(`${CDKTN}/lib/testing`)};\n`);
      expect(fs.readFileSync(path.join(dest, "lib", "other.ts"), "utf8")).toBe(fs.readFileSync(path.join(src, "lib", "other.ts"), "utf8"));
      expect(fs.readFileSync(path.join(dest, "docs", "notes.md"), "utf8")).toContain(q(CDKTF)); // not a source file
      expect(fs.readlinkSync(path.join(dest, "cdk-link.ts"))).toBe("lib/cdk.ts");
      expect(fs.existsSync(path.join(dest, "node_modules"))).toBe(false);
      expect(JSON.parse(fs.readFileSync(path.join(dest, "package.json"), "utf8")).dependencies[CDKTN]).toBe("0.24.0");
      // A repository of one commit holding every file, nothing left out.
      expect(execFileSync("git", ["log", "--format=%s"], { cwd: dest, encoding: "utf8" }).trim().split("\n")).toEqual([expect.stringMatching(/^The move to CDK Terrain \(scripts\/rename-to-cdktn\.js\), from [0-9a-f]{40}$/)]);
      expect(execFileSync("git", ["status", "--porcelain"], { cwd: dest, encoding: "utf8" })).toBe("");
      // The checkout: untouched.
      expect(execFileSync("git", ["status", "--porcelain"], { cwd: src, encoding: "utf8" })).toBe(status);
      expect(fs.readFileSync(path.join(src, "lib", "cdk.ts"), "utf8")).toContain(q(CDKTF));
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
      fs.rmSync(path.dirname(dest), { recursive: true, force: true });
    }
  });

  it("refuses a directory that exists (it writes only into one it creates) and leaves it as it was", () => {
    const src = sampleRepo();
    const dest = tmp("rename-existing-");
    fs.writeFileSync(path.join(dest, "keep.txt"), "mine");
    try {
      expect(() => rename.renameInto(src, dest)).toThrow(`${dest}: exists. The rename writes only into a directory it creates`);
      expect(fs.readdirSync(dest)).toEqual(["keep.txt"]);
      const link = path.join(path.dirname(dest), `${path.basename(dest)}-link`);
      fs.symlinkSync(path.join(dest, "missing"), link); // a dangling link is a path that exists too
      expect(() => rename.renameInto(src, link)).toThrow("exists");
      fs.rmSync(link);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
      fs.rmSync(dest, { recursive: true, force: true });
    }
  });

  it("refuses a copy inside the checkout, under a missing directory, or from something that is not a git checkout", () => {
    const src = sampleRepo();
    try {
      expect(() => rename.renameInto(src, path.join(src, "copy"))).toThrow("is inside the checkout");
      expect(() => rename.renameInto(src, path.join(src, "lib", "copy"))).toThrow("is inside the checkout");
      expect(() => rename.renameInto(src, path.join(os.tmpdir(), "no-such-parent-dir", "copy"))).toThrow("its parent");
      const plain = tmp("rename-plain-");
      fs.writeFileSync(path.join(plain, "package.json"), packageBefore());
      const dest = path.join(os.tmpdir(), `rename-never-${process.pid}`);
      expect(() => rename.renameInto(plain, dest)).toThrow("not a git checkout");
      expect(fs.existsSync(dest)).toBe(false);
      fs.rmSync(plain, { recursive: true, force: true });
      expect(fs.readdirSync(src).sort()).toEqual([".git", ".gitignore", "cdk-link.ts", "docs", "lib", "node_modules", "package.json"]);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  it("rejects a repository that imports a CDK package the table does not know, and leaves nothing behind", () => {
    const src = sampleRepo({ "lib/aws.ts": `import { S3Bucket } from ${q(`@${CDKTF}/provider-aws/lib/s3-bucket`)};\n` });
    const dest = path.join(tmp("rename-dest-"), "copy");
    try {
      expect(() => rename.renameInto(src, dest)).toThrow(`lib/aws.ts: imports "@${CDKTF}/provider-aws/lib/s3-bucket", a CDK package the rename does not know`);
      expect(fs.existsSync(dest)).toBe(false);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
      fs.rmSync(path.dirname(dest), { recursive: true, force: true });
    }
  });

  it("runs as a command: exit 2 for bad usage, 1 with the reason for a refused directory, --help lists the table", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: "utf8" });
    const none = run();
    expect({ status: none.status, stderr: none.stderr }).toEqual({ status: 2, stderr: "rename-to-cdktn: expected one argument, the directory to create\nusage: node scripts/rename-to-cdktn.js DEST\n" });
    expect(run("a", "b").status).toBe(2);
    const existing = tmp("rename-cli-");
    try {
      const refused = run(existing);
      expect({ status: refused.status, stdout: refused.stdout }).toEqual({ status: 1, stdout: "" });
      expect(refused.stderr).toBe(`rename-to-cdktn: ${existing}: exists. The rename writes only into a directory it creates. Fix: name a path that does not exist yet\n`);
    } finally {
      fs.rmSync(existing, { recursive: true, force: true });
    }
    const help = run("--help");
    expect(help.status).toBe(0);
    for (const r of rename.RENAMES) expect(help.stdout).toContain(`${r.from} ${r.fromVersion} -> ${r.to} ${r.toVersion}`);
  });
});

describe("the provider version the stacks require is the project's (PROVIDER.version), not the bindings'", () => {
  /** A provider whose bindings say they were generated from provider 9.9.9. */
  class Generated extends TerraformProvider {
    constructor(scope: TerraformStack, id: string) {
      super(scope, id, { terraformResourceType: "databricks", terraformProviderSource: "databricks/databricks", terraformGeneratorMetadata: { providerName: "databricks", providerVersion: "9.9.9", providerVersionConstraint: "~> 1.0" } });
    }
  }
  const required = (pin?: string) => {
    const stack = new TerraformStack(Testing.app(), "s");
    const p = new Generated(stack, "p");
    if (pin) pinProviderVersion(p, pin);
    return JSON.parse(Testing.synth(stack)).terraform.required_providers.databricks;
  };

  it("pins the version over the one the bindings were generated from (without the pin, the bindings decide)", () => {
    expect(required()).toEqual({ source: "databricks/databricks", version: "9.9.9" });
    expect(required("1.99.0")).toEqual({ source: "databricks/databricks", version: "1.99.0" });
  });

  it("rejects a provider with no generator metadata to pin", () => {
    class Bare extends TerraformProvider {}
    const p = new Bare(new TerraformStack(Testing.app(), "s"), "p", { terraformResourceType: "databricks" });
    expect(() => pinProviderVersion(p, "1.99.0")).toThrow("provider s/p: no generator metadata to pin the version in (not a prebuilt provider class)");
  });

  it.each([
    ["the reference model", () => defaultModel()],
    ["the full fixture model (account stack)", () => parseEnvironmentModel(fs.readFileSync(path.join(ROOT, "__tests__/fixtures/models/full.yaml"), "utf8"), "full.yaml")],
  ])("holds for every stack of %s", (_name, model) => {
    const stacks = synthOutput(model());
    expect(stacks.length).toBeGreaterThanOrEqual(3);
    for (const s of stacks) expect({ stack: s.name, version: (s.json as any).terraform.required_providers.databricks.version }).toEqual({ stack: s.name, version: PROVIDER.version });
  });
});
