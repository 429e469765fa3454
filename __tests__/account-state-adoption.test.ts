import * as fs from "fs";
import * as path from "path";
import { DatabricksProvider, Grant, ServicePrincipalFederationPolicy, Testing } from "../lib/cdk";
import "./cdktf-matchers";
import { parseEnvironmentModel } from "../lib/model/load";
import { addressManifest } from "../lib/review/addresses";
import { grantRows } from "../lib/output/grants";
import { checkGate, formatViolation } from "../lib/gate/check";
import { desiredState } from "../lib/desired-state";
import { defaultModel, defaultModelData, modelFrom, stackJson, synthModel, synthOutput } from "./helpers";

const FULL_TEXT = fs.readFileSync(path.join(__dirname, "fixtures", "models", "full.yaml"), "utf8");
const full = parseEnvironmentModel(FULL_TEXT, "full.yaml");
const fullSynth = synthModel(full);
const REPO = "refresh-os/uc-env-isolation";
const ACCOUNT = "0d26daa6-5e44-4c97-a497-ef015f91254a";
const PLAN_APP_ID = "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f";

describe("the account stack (GitHub OIDC federation)", () => {
  const account = fullSynth.stacks.find((s) => s.node.id === "ref-account")!;
  const synth = Testing.synth(account);

  it("is synthesized only when the model has the account and the repository", () => {
    expect(fullSynth.output.map((s) => s.name)).toContain("ref-account");
    expect(synthOutput(defaultModel()).map((s) => s.name)).not.toContain("ref-account");
  });

  it("matches the committed snapshot", () => {
    expect(JSON.parse(synth)).toMatchSnapshot();
  });

  it("aims at the account console with the account ID, never a workspace", () => {
    expect(synth).toHaveProviderWithProperties(DatabricksProvider, { host: "https://accounts.cloud.databricks.com", account_id: ACCOUNT });
  });

  it.each(["dev", "staging", "prod"])("trusts only this repository's %s GitHub environment for that environment's deployer", (env) => {
    expect(synth).toHaveResourceWithProperties(ServicePrincipalFederationPolicy, {
      service_principal_id: `\${data.databricks_service_principal.${env}.sp_id}`,
      oidc_policy: { issuer: "https://token.actions.githubusercontent.com", subject: `repo:${REPO}:environment:${env}`, audiences: [ACCOUNT] },
    });
  });

  it("gives plans their own read-only principal, trusted for pull_request tokens and the deploy branch's plan jobs only", () => {
    const policies = Object.values(stackJson(fullSynth.output, "ref-account").resource!.databricks_service_principal_federation_policy) as any[];
    const plan = policies.filter((p) => p.service_principal_id === "${data.databricks_service_principal.plan.sp_id}");
    expect(plan.map((p) => p.oidc_policy)).toEqual([
      { issuer: "https://token.actions.githubusercontent.com", subject: `repo:${REPO}:pull_request`, audiences: [ACCOUNT] },
      { issuer: "https://token.actions.githubusercontent.com", subject: `repo:${REPO}:ref:refs/heads/main`, audiences: [ACCOUNT] },
    ]);
    expect(policies).toHaveLength(5); // one per deploying principal, two for the plan principal
  });

  it("looks the deployers up instead of referencing the workspace stacks", () => {
    const json = stackJson(fullSynth.output, "ref-account");
    expect(Object.keys(json.data!.databricks_service_principal).sort()).toEqual(["dev", "plan", "prod", "staging"]);
    expect(json.data!.databricks_service_principal.plan).toMatchObject({ application_id: PLAN_APP_ID });
    expect(json.resource!.databricks_service_principal).toBeUndefined(); // creates no principal
    expect(JSON.stringify(json)).not.toContain("terraform_remote_state");
  });
});

describe("addresses of everything the default model leaves out", () => {
  it("match the committed snapshot (account stack, bindings, plan grants, imports): a change shows up in review", () => {
    expect(addressManifest(desiredState(full))).toMatchSnapshot();
  });
});

describe("the plan principal in the workspace stacks", () => {
  it.each([
    ["ref-dev", "dev"],
    ["ref-staging", "staging"],
    ["ref-prod", "prod"],
  ])("may browse %s's catalog and read no data", (stack, catalog) => {
    expect(Testing.synth(fullSynth.stacks.find((s) => s.node.id === stack)!)).toHaveResourceWithProperties(Grant, {
      catalog: `\${databricks_catalog.${catalog}.name}`,
      principal: PLAN_APP_ID,
      privileges: ["BROWSE", "USE_CATALOG", "USE_SCHEMA"],
    });
  });

  it("is named by its application ID from the model: no lookup, so no stack waits for another", () => {
    for (const name of ["ref-dev", "ref-staging", "ref-prod"]) {
      expect(JSON.stringify(stackJson(fullSynth.output, name).data ?? {})).not.toContain("databricks_service_principal");
    }
    const plan = grantRows(fullSynth.output).filter((r) => r.principal === PLAN_APP_ID);
    expect(plan.map((r) => r.securable).sort()).toEqual(["dev", "prod", "staging"]);
    expect(checkGate(fullSynth.output, desiredState(full)).violations.map(formatViolation)).toEqual([]);
  });
});

describe("retired principals", () => {
  it("get nothing even where the model would otherwise allow it (defence in depth behind validation)", () => {
    const retiring = { ...full, legacyServicePrincipals: [{ name: "old-plan", applicationId: PLAN_APP_ID }] };
    const violations = checkGate(fullSynth.output, desiredState(retiring)).violations.map(formatViolation);
    // Each place that names it: the account stack's lookup and the grant on each of the 3 catalogs.
    expect(violations).toHaveLength(4);
    for (const v of violations) expect(v).toContain(`[retired-principal]`);
    expect(violations[1]).toContain(`principal is "${PLAN_APP_ID}": it names the retired service principal old-plan's application ID`);
  });
});

describe("state backends", () => {
  it("keeps a local state file per stack by default, relative to the stack directory", () => {
    for (const { name, json } of synthOutput(defaultModel())) {
      expect(json.terraform?.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
    }
  });

  it("requires Terraform >= 1.10.0 with S3-native locking, >= 1.2.0 (cdktf's minimum) with nothing newer to need", () => {
    for (const { json } of fullSynth.output) expect((json.terraform as { required_version?: string } | undefined)?.required_version).toBe(">= 1.10.0");
    const data = JSON.parse(JSON.stringify(defaultModelData()));
    for (const env of Object.values(data.environments) as any[]) delete env.catalog.adopt;
    for (const { json } of synthOutput(modelFrom(data))) {
      expect(json.import).toBeUndefined();
      expect((json.terraform as { required_version?: string } | undefined)?.required_version).toBe(">= 1.2.0");
    }
  });

  it("uses S3 with a distinct key per stack, encryption and S3-native locking", () => {
    const keys = fullSynth.output.map(({ name, json }) => {
      expect(json.terraform?.backend?.s3).toEqual({
        bucket: "ref-terraform-state",
        key: `uc-env-isolation/${name}.tfstate`,
        region: "us-east-1",
        encrypt: true,
        use_lockfile: true,
      });
      return json.terraform!.backend!.s3.key;
    });
    expect(new Set(keys).size).toBe(4);
  });
});

describe("adoption of existing resources", () => {
  it("imports the three catalogs of the default model by name", () => {
    const imports = synthOutput(defaultModel()).map(({ name, json }) => [name, json.import]);
    expect(imports).toEqual([
      ["ref-dev", [{ id: "dev", to: "databricks_catalog.dev" }]],
      ["ref-staging", [{ id: "staging", to: "databricks_catalog.staging" }]],
      ["ref-prod", [{ id: "prod", to: "databricks_catalog.prod" }]],
    ]);
  });

  it("imports adopted schemas as <catalog>.<schema> and group grants as catalog/<name>/<group>", () => {
    const sorted = [...(stackJson(fullSynth.output, "ref-dev").import ?? [])].sort((a, b) => (a.to < b.to ? -1 : 1));
    expect(sorted).toEqual([
      { id: "dev", to: "databricks_catalog.dev" },
      { id: "catalog/dev/Databricks - Account Admin", to: "databricks_grant.catalog_dev__group_account_admin" },
      { id: "catalog/dev/Databricks - Dev", to: "databricks_grant.catalog_dev__group_dev" },
      { id: "dev.bronze", to: "databricks_schema.dev__bronze" },
      { id: "dev.gold", to: "databricks_schema.dev__gold" },
      { id: "dev.silver", to: "databricks_schema.dev__silver" },
    ]);
  });

  it("never grants to the retired github-service-principal, and the policy refuses output that does", () => {
    const model = defaultModel();
    expect(model.legacyServicePrincipals).toEqual([{ name: "github-service-principal", applicationId: "f920d175-cf7c-43a2-a6c0-e9ccb42c02d2" }]);
    const output = synthOutput(model);
    const allow = desiredState(model);
    expect(checkGate(output, allow).violations).toEqual([]);
    const tampered = JSON.parse(JSON.stringify(output));
    tampered[0].json.resource.databricks_grant.catalog_dev__legacy = { catalog: "dev", principal: "f920d175-cf7c-43a2-a6c0-e9ccb42c02d2", privileges: ["USE_CATALOG"] };
    expect(checkGate(tampered, allow).violations.map(formatViolation)).toEqual([
      expect.stringContaining('ref-dev databricks_grant.catalog_dev__legacy: [retired-principal] principal is "f920d175-cf7c-43a2-a6c0-e9ccb42c02d2": it names the retired service principal github-service-principal'),
    ]);
  });
});
