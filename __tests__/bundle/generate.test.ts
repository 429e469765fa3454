import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { DEFAULT_MODEL_TEXT, defaultModelData } from "../helpers";
import { BUNDLES, OUTPUTS, TARGET_STATE, run, tempDir, validate } from "./support";

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "bundle-schema-subset.json"), "utf8"));
const ids = JSON.parse(fs.readFileSync(OUTPUTS, "utf8")) as Record<string, Record<string, string>>;

describe("npm run bundle", () => {
  const generated = run("bundle", "--outputs", OUTPUTS);
  const config = parse(generated.stdout);

  it("writes one production target per environment and the sandbox, from the model and the outputs", () => {
    expect(generated).toMatchObject({ code: 0, stderr: "" });
    expect(Object.keys(config.targets)).toEqual(["dev", "staging", "prod", "sandbox"]);
    expect(config.targets.prod).toEqual({
      mode: "production",
      workspace: {
        host: "https://dbc-028d9e53-7ce6.cloud.databricks.com",
        root_path: `/Workspace/Users/${ids["ref-prod"].service_principal_application_id}/.bundle/\${bundle.name}/\${bundle.target}`,
      },
      run_as: { service_principal_name: ids["ref-prod"].service_principal_application_id },
      variables: { catalog_name: "prod", environment: "prod", s3_bucket: "ref-ml-core-prod-workspace-bucket" },
    });
    expect(config.targets.sandbox).toEqual({
      mode: "development",
      default: true,
      workspace: { host: "https://dbc-a72d6af9-df3d.cloud.databricks.com" },
      variables: { catalog_name: "${workspace.current_user.short_name}_sandbox", environment: "sandbox", s3_bucket: "ref-ml-core-dev-workspace-bucket" },
    });
    expect(Object.keys(config.variables)).toEqual(["catalog_name", "environment", "s3_bucket"]);
  });

  it("gives every environment target its own workspace, principal and root path, and no target a profile", () => {
    const envs = ["dev", "staging", "prod"].map((k) => config.targets[k]);
    for (const key of ["host", "root_path"]) expect(new Set(envs.map((t) => t.workspace[key])).size).toBe(3);
    expect(new Set(envs.map((t) => t.run_as.service_principal_name)).size).toBe(3);
    expect(generated.stdout).not.toMatch(/profile|github-service-principal|f920d175/);
  });

  it("validates against the Databricks CLI bundle schema's targets and variables", () => {
    expect(validate(schema, schema, config)).toEqual([]);
  });

  it("rejects a target the schema forbids (the schema subset is really checked)", () => {
    const broken = { ...config, targets: { ...config.targets, prod: { ...config.targets.prod, workspace: { hots: "x" } } } };
    expect(validate(schema, schema, broken)).toEqual([expect.stringContaining("$.targets")]);
  });

  it("is what the target-state fixture repository includes (no drift)", () => {
    expect(fs.readFileSync(path.join(TARGET_STATE, "targets.yml"), "utf8")).toBe(generated.stdout);
  });

  it("writes --out and reports it on stdout", () => {
    const out = path.join(tempDir(), "targets.yml");
    const r = run("bundle", "--outputs", OUTPUTS, "--out", out);
    expect(r).toMatchObject({ code: 0, stdout: `bundle: wrote 4 targets (dev, staging, prod, sandbox) to ${out}\n` });
    expect(fs.readFileSync(out, "utf8")).toBe(generated.stdout);
  });

  it("reads `terraform output -json` per stack, named STACK=FILE or recognised by workspace_host", () => {
    const dir = tempDir();
    const args: string[] = [];
    for (const [stack, outputs] of Object.entries(ids)) {
      const file = path.join(dir, `${stack}.json`);
      const wrapped = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v, type: "string", sensitive: false }]));
      if (stack === "ref-dev") delete (wrapped as Record<string, unknown>).workspace_host;
      fs.writeFileSync(file, JSON.stringify(wrapped));
      args.push("--outputs", stack === "ref-dev" ? `${stack}=${file}` : file);
    }
    expect(run("bundle", ...args).stdout).toBe(generated.stdout);
  });

  it("answers --help without reading the model or writing anything", () => {
    const out = path.join(tempDir(), "targets.yml");
    const r = run("bundle", "--help", "--out", out, "--model", "/nonexistent.yaml");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run --silent bundle -- --outputs/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("bad input to npm run bundle", () => {
  const dir = tempDir();
  const write = (name: string, data: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof data === "string" ? data : JSON.stringify(data));
    return file;
  };

  it("fails without outputs, naming the missing outputs and how to get them", () => {
    const r = run("bundle");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ref-dev.service_principal_application_id, ref-staging.service_principal_application_id, ref-prod.service_principal_application_id");
    expect(r.stderr).toContain("--outputs-file outputs.json");
    expect(r.stdout).toBe("");
  });

  it("fails when one stack's output is missing, naming that stack only", () => {
    const { "ref-prod": _prod, ...rest } = ids;
    const r = run("bundle", "--outputs", write("partial.json", rest));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing stack outputs: ref-prod\.service_principal_application_id \(the application IDs of ml-pipelines-prod-service-principal/);
  });

  it.each([
    ["outputs of another deployment", { ...ids, "ref-prod": { ...ids["ref-prod"], workspace_host: "https://dbc-a72d6af9-df3d.cloud.databricks.com" } }, 'ref-prod.workspace_host is "https://dbc-a72d6af9-df3d.cloud.databricks.com", but environments.prod says'],
    ["an application ID that is not a UUID", { ...ids, "ref-dev": { service_principal_application_id: "ml-pipelines-dev-service-principal" } }, "ref-dev.service_principal_application_id is \"ml-pipelines-dev-service-principal\", not an application ID"],
    ["a stack the model does not declare", { ...ids, "ref-qa": { service_principal_application_id: "44444444-4444-4444-8444-444444444444" } }, 'outputs of stack "ref-qa", which environments.yaml does not declare'],
    ["two environments with one principal", { ...ids, "ref-prod": { service_principal_application_id: ids["ref-dev"].service_principal_application_id } }, "the same application ID"],
    ["a JSON file that is no outputs file", [1, 2], "is not a stack outputs file"],
    ["malformed JSON", "{", "is not valid JSON"],
  ])("rejects %s (exit 2, nothing on stdout)", (_what, data, message) => {
    const r = run("bundle", "--outputs", write(`${_what}.json`, data));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });

  it("rejects a model environment without a bucket, naming the field", () => {
    const data = defaultModelData();
    delete data.environments.staging.catalog.bucket;
    const model = write("model.yaml", stringify(data));
    const r = run("bundle", "--outputs", OUTPUTS, "--model", model);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("environments.staging.catalog.bucket is not set");
  });

  it("rejects an environment keyed sandbox, which the developer target's name takes", () => {
    const model = write("sandbox-model.yaml", DEFAULT_MODEL_TEXT.replace(/^  staging:$/m, "  sandbox:").replace("from: staging", "from: sandbox").replace(/staging: (read|all)/g, "sandbox: $1"));
    const r = run("bundle", "--outputs", OUTPUTS, "--model", model);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environments.sandbox: the bundle\'s developer target is named "sandbox"');
  });

  it.each([
    [["--outputs"], "bundle: Option '--outputs <value>' argument missing"],
    [["extra"], 'bundle: unexpected argument "extra"'],
    [["--outputs", path.join(BUNDLES, "nope.json")], "nope.json: cannot be read (ENOENT)"],
  ])("rejects %j with exit 2 and a clear message", (args, message) => {
    const r = run("bundle", ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
