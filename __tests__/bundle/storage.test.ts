/** `sandbox.storage` in the bundle: the sandbox target's managed location, generated and checked. */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { defaultModelData } from "../helpers";
import { OUTPUTS, TARGET_STATE, findingKeys, repoFrom, run, tempDir, validate } from "./support";

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "bundle-schema-subset.json"), "utf8"));
const URL = "s3://ref-ml-core-dev-workspace-bucket/sandboxes";
const WANT = `${URL}/\${workspace.current_user.short_name}`;
const TARGETS = fs.readFileSync(path.join(TARGET_STATE, "targets.yml"), "utf8");
const PROD_WORKFLOW = ".github/workflows/ml_pipelines_prod_deploy.yml";
const PROD_WORKFLOW_TEXT = fs.readFileSync(path.join(TARGET_STATE, PROD_WORKFLOW), "utf8");

/**
 * The default model with sandbox.storage (the URL written with a trailing slash, which the load
 * drops), named like the default so that the generated header is the same.
 */
const STORAGE_MODEL = (() => {
  const data = defaultModelData();
  data.sandbox.storage = { externalLocation: "ref-ml-core-dev-sandboxes", url: `${URL}/` };
  const file = path.join(tempDir(), "environments.yaml");
  fs.writeFileSync(file, stringify(data));
  return file;
})();

const generate = () => run("bundle", "--outputs", OUTPUTS, "--model", STORAGE_MODEL);
const check = (dir: string, model = STORAGE_MODEL) => run("bundle:check", dir, "--outputs", OUTPUTS, "--model", model);
/** 1-based line of the only line of `text` that contains `needle`. */
const lineOf = (text: string, needle: string) => {
  const lines = text.split("\n").flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  if (lines.length !== 1) throw new Error(`${JSON.stringify(needle)} is on ${lines.length} lines`);
  return lines[0];
};

describe("npm run bundle with sandbox.storage", () => {
  const generated = generate();
  const config = parse(generated.stdout);

  it("gives the sandbox target each developer's own path under the storage URL", () => {
    expect(generated).toMatchObject({ code: 0, stderr: "" });
    expect(config.targets.sandbox.variables).toEqual({
      catalog_name: "${workspace.current_user.short_name}_sandbox",
      catalog_managed_location: WANT,
      environment: "sandbox",
      s3_bucket: "ref-ml-core-dev-workspace-bucket",
    });
  });

  it("declares the variable with a description and an empty default, which no environment target overrides", () => {
    expect(config.variables.catalog_managed_location).toEqual({ description: expect.stringMatching(/managed location.*\.$/), default: "" });
    for (const env of ["dev", "staging", "prod"]) expect(config.targets[env].variables).not.toHaveProperty("catalog_managed_location");
  });

  it("differs from the output without storage by exactly the variable's lines", () => {
    const added = generated.stdout.split("\n").filter((l) => !TARGETS.split("\n").includes(l));
    expect(added).toEqual(["  catalog_managed_location:", expect.stringMatching(/^    description: /), '    default: ""', `      catalog_managed_location: ${WANT}`]);
    expect(generated.stdout.split("\n").filter((l) => !added.includes(l)).join("\n")).toBe(TARGETS);
  });

  it("validates against the Databricks CLI bundle schema's targets and variables", () => {
    expect(validate(schema, schema, config)).toEqual([]);
  });
});

describe("npm run bundle:check with sandbox.storage", () => {
  const generated = generate().stdout;
  const sandboxLine = lineOf(generated, `catalog_managed_location: ${WANT}`);
  const withTargets = (text: string) => repoFrom(TARGET_STATE, { "targets.yml": text });

  it("passes a repository around the generated bundle", () => {
    expect(check(withTargets(generated))).toEqual({ code: 0, stderr: "", stdout: expect.stringMatching(/^bundle:check: passed: 4 targets .* no findings\.\n$/) });
  });

  it.each([
    ["one developer's path", `${URL}/taylor`],
    ["the storage URL itself (every developer's catalog in one place)", URL],
    ["another bucket", "s3://ref-ml-core-prod-workspace-bucket/sandboxes/${workspace.current_user.short_name}"],
  ])("finds a sandbox location that points at %s", (_what, location) => {
    const r = check(withTargets(generated.replace(`catalog_managed_location: ${WANT}`, `catalog_managed_location: ${location}`)));
    expect(r.code).toBe(1);
    expect(findingKeys(r)).toEqual([`targets.yml:${sandboxLine} [target-variables]`]);
    // Long values are shortened in the message: compare their start.
    expect(r.stdout).toContain(`target sandbox's catalog_managed_location is not each developer's own path under sandbox.storage.url (${WANT}) (got "${location.slice(0, 40)}`);
    expect(r.stdout).toContain(`Fix: declare the variable catalog_managed_location (default "") and set targets.sandbox.variables.catalog_managed_location to ${WANT}`);
  });

  it("finds a location from a variable whose default is another path", () => {
    const moved = generated
      .replace(`catalog_managed_location: ${WANT}`, "catalog_managed_location: ${var.sandbox_root}/${workspace.current_user.short_name}")
      .replace("variables:\n  catalog_name:", "variables:\n  sandbox_root:\n    default: s3://elsewhere/sandboxes\n  catalog_name:");
    const r = check(withTargets(moved));
    // Reported where the target writes it, with the value it resolves to.
    expect(findingKeys(r)).toEqual([`targets.yml:${lineOf(moved, "${var.sandbox_root}/")} [target-variables]`]);
    expect(r.stdout).toContain('(got "s3://elsewhere/sandboxes/${workspace.current_user');
  });

  it("finds a repository without the variable when the model has storage (the seed's generated targets)", () => {
    const r = check(TARGET_STATE);
    expect(r.code).toBe(1);
    expect(findingKeys(r)).toEqual([`targets.yml:${lineOf(TARGETS, "  sandbox:") + 1} [target-variables]`]);
    expect(r.stdout).toContain("target sandbox does not set catalog_managed_location, which its CREATE CATALOG needs");
  });

  it("finds a sandbox that falls back to the empty default", () => {
    const text = generated.replace(`      catalog_managed_location: ${WANT}\n`, "");
    const r = check(withTargets(text));
    expect(findingKeys(r)).toEqual([`targets.yml:${lineOf(text, 'default: ""')} [target-variables]`]);
    expect(r.stdout).toContain('(got "")');
  });

  it("finds an environment target that sets it", () => {
    const text = generated.replace("      environment: prod\n", `      catalog_managed_location: ${URL}/prod\n      environment: prod\n`);
    const r = check(withTargets(text));
    expect(findingKeys(r)).toEqual([`targets.yml:${lineOf(text, `catalog_managed_location: ${URL}/prod`)} [target-variables]`]);
    expect(r.stdout).toContain("target prod sets catalog_managed_location: environments.prod's catalog is created by the stacks, never by the bundle");
  });

  it("finds a sandbox location when the model has no sandbox.storage", () => {
    const r = run("bundle:check", withTargets(generated), "--outputs", OUTPUTS);
    expect(findingKeys(r)).toEqual([`targets.yml:${sandboxLine} [target-variables]`]);
    expect(r.stdout).toMatch(/target sandbox sets catalog_managed_location, but \S*environments\.yaml has no sandbox\.storage/);
  });

  it.each([
    ["--var in a deploy", PROD_WORKFLOW_TEXT.replace("deploy -t prod", "deploy -t prod --var=catalog_managed_location=s3://elsewhere"), "databricks bundle deploy"],
    ["BUNDLE_VAR_ in the job's env", PROD_WORKFLOW_TEXT.replace("    env:\n", "    env:\n      BUNDLE_VAR_catalog_managed_location: s3://elsewhere\n"), "BUNDLE_VAR_catalog_managed_location"],
  ])("finds an override through %s", (_what, workflow, needle) => {
    const r = check(repoFrom(TARGET_STATE, { "targets.yml": generated, [PROD_WORKFLOW]: workflow }));
    expect(findingKeys(r)).toEqual([`${PROD_WORKFLOW}:${lineOf(workflow, needle)} [variable-override]`]);
  });
});
