import * as path from "path";
import { loadEnvironmentModel } from "../../lib/model/load";
import { type SynthesizedStack } from "../../lib/output/stack";
import { readSynthOutput } from "../../lib/output/read";
import { desiredState } from "../../lib/desired-state";
import { checkGate, formatViolation, policySummary } from "../../lib/gate/check";
import { readOutputTree } from "../../lib/output/read";
import type { RuleId } from "../../lib/gate/rules";
import { ROOT, defaultModel, isolatedModel, synthOutput } from "../helpers";
import { FIXTURES } from "./support";

const model = defaultModel();
const desired = desiredState(model);
const checkPolicy = (stacks: readonly SynthesizedStack[], d = desired) => checkGate(stacks, d);

function lines(stacks: readonly SynthesizedStack[], m = model): string[] {
  return checkGate(stacks, desiredState(m)).violations.map(formatViolation);
}


describe("policy over real synthesized output", () => {
  it("passes the output of the default model (environments.yaml)", () => {
    const result = checkPolicy(synthOutput(model));
    expect(result.violations.map(formatViolation)).toEqual([]);
    expect(policySummary(result, "environments.yaml")).toMatch(/^policy: passed: 3 stacks, \d+ grants, 6 principals checked against environments.yaml; no violations\.$/);
  });

  it("passes the output with isolated catalogs (workspace bindings)", () => {
    const m = isolatedModel();
    expect(lines(synthOutput(m), m)).toEqual([]);
  });

  it("passes the output of the full model: account stack, plan principal, adopted grants", () => {
    const m = loadEnvironmentModel(path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml"));
    const output = synthOutput(m);
    expect(output.map((s) => s.name)).toContain(m.account!.stackName);
    expect(lines(output, m)).toEqual([]);
  });

  it("passes the committed clean fixture", () => {
    expect(lines(readSynthOutput(path.join(FIXTURES, "clean")))).toEqual([]);
  });
});

describe("policy fixtures: one injected violation each", () => {
  // Each case: the rule it exists for, and every violation it gives (address and rule), exactly.
  const cases: [string, RuleId, string[]][] = [
    ["dev-modify-on-prod", "write-outside-own-environment", [
      "ref-prod data.databricks_group.dev: [principal-declaration]",
      "ref-prod databricks_grant.catalog_prod__group_dev: [write-outside-own-environment] Databricks - Dev / catalog prod / MODIFY",
    ]],
    ["prod-readonly-reads-staging", "exceeds-model", [
      "ref-staging data.databricks_group.prod_readonly: [principal-declaration]",
      "ref-staging databricks_grant.catalog_staging__group_prod_readonly: [exceeds-model] Databricks - Prod - ReadOnly / catalog staging / SELECT: a grant the model does not give",
    ]],
    ["pair-in-two-stacks", "duplicate-pair", [
      "ref-dev databricks_grant.catalog_dev__group_dev: [duplicate-pair] Databricks - Dev / catalog dev: also declared by ref-staging databricks_grant.catalog_dev__group_dev",
      "ref-staging databricks_grant.catalog_dev__group_dev: [duplicate-pair] Databricks - Dev / catalog dev: also declared by ref-dev databricks_grant.catalog_dev__group_dev",
      "ref-staging databricks_grant.catalog_dev__group_dev: [exceeds-model] Databricks - Dev / catalog dev / EXECUTE, READ_VOLUME, SELECT, USE_CATALOG, USE_SCHEMA: a second declaration of a pair the model declares in ref-dev databricks_grant.catalog_dev__group_dev",
    ]],
    ["authoritative-metastore", "authoritative-metastore", [
      "ref-dev databricks_grant.metastore__group_dev: [missing-from-output]",
      "ref-dev databricks_grants.metastore: [authoritative-metastore] metastore 4c140405-61ff-4e4e-9684-07078639218e",
    ]],
    ["authoritative-schema", "authoritative-grants", ["ref-dev databricks_grants.schema_dev__bronze: [authoritative-grants] databricks_grants is authoritative"]],
    ["grant-and-grants-on-catalog", "authoritative-grants", [
      "ref-dev databricks_grant.catalog_dev__group_account_admin: [missing-from-output]",
      "ref-dev databricks_grants.catalog_dev: [authoritative-grants] databricks_grants is authoritative: on every apply it revokes every privilege on its securable it does not list",
    ]],
    ["prod-aimed-at-dev", "provider-workspace", [
      "ref-prod provider.databricks: [provider-workspace] host is \"https://dbc-a72d6af9-df3d.cloud.databricks.com\", environment dev's workspace, not environment prod's https://dbc-028d9e53-7ce6.cloud.databricks.com",
      "ref-prod variable.databricks_profile: [provider-workspace] default is \"ref-dev\"; the model says \"ref-prod\"",
    ]],
    ["binding-prod-to-dev", "catalog-isolation", ["ref-prod databricks_workspace_binding.catalog_prod__workspace_dev: [catalog-isolation]"]],
    ["catalog-owned-by-group", "catalog-owner", ["ref-dev databricks_catalog.dev: [catalog-owner] owner is \"${data.databricks_group.dev.display_name}\"; the model says \"${databricks_service_principal.dev.application_id}\""]],
    ["principal-spoof", "principal-declaration", [
      "ref-dev databricks_grant.schema_prod__gold__sp_fake: [exceeds-model] ml-pipelines-prod-service-principal / schema prod.gold / ALL_PRIVILEGES",
      "ref-dev databricks_service_principal.fake: [principal-declaration] ml-pipelines-prod-service-principal: creates or changes a principal (databricks_service_principal \"ml-pipelines-prod-service-principal\"), named like environment prod's deploying principal",
    ]],
    ["host-from-variable", "provider-workspace", [
      "ref-prod provider.databricks: [provider-workspace] host is \"${var.databricks_host}\", not environment prod's",
      "ref-prod variable.databricks_host: [unknown-construct]",
    ]],
    ["token-in-provider", "provider-secret", ["ref-dev provider.databricks: [provider-secret] token holds what looks like a Databricks personal access token (dapi…)"]],
    ["secret-resources", "secret-resource", [
      "ref-dev databricks_obo_token.dev: [secret-resource]",
      "ref-dev databricks_service_principal_secret.dev: [secret-resource]",
      "ref-dev databricks_token.ci: [secret-resource]",
    ]],
    ["unprotected-catalog", "catalog-protection", [
      "ref-staging databricks_catalog.staging: [catalog-protection] catalog staging: force_destroy is true",
      "ref-staging databricks_catalog.staging: [catalog-protection] catalog staging: lifecycle.prevent_destroy is not set",
    ]],
    ["unresolved-reference", "unresolved-reference", [
      "ref-dev databricks_grant.catalog_dev__group_ghost: [unresolved-reference] ${data.databricks_group.ghost.display_name} / catalog dev / SELECT: principal ${data.databricks_group.ghost.display_name} refers to data.databricks_group.ghost, which the stack does not declare",
    ]],
  ];

  it.each(cases)("fails %s with rule %s, naming the address", (dir, rule, expected) => {
    const result = checkGate(readOutputTree(path.join(FIXTURES, "policy", dir)), desired);
    expect(result.violations.map((v) => v.rule)).toContain(rule);
    const got = result.violations.map(formatViolation);
    expect(got).toHaveLength(expected.length);
    expected.forEach((prefix, i) => expect(got[i].startsWith(prefix)).toBe(true));
    for (const line of got) expect(line).toMatch(/\. Fix: .+\.$/);
  });

  it("never prints the secret it found", () => {
    const got = lines(readSynthOutput(path.join(FIXTURES, "policy", "token-in-provider"))).join("\n");
    expect(got).not.toContain("0123456789abcdef");
  });

  it("names who may write instead, for a write to another environment's catalog", () => {
    const line = lines(readSynthOutput(path.join(FIXTURES, "policy", "dev-modify-on-prod"))).find((l) => l.includes("[write-outside-own-environment]"))!;
    expect(line).toContain("the model lets Databricks - Dev write to no environment's catalog");
    expect(line).toContain("only Databricks - Account Admin, ml-pipelines-prod-service-principal may write to prod");
  });
});

