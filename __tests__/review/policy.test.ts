import * as path from "path";
import { loadEnvironmentModel } from "../../lib/model/load";
import { allowListOf } from "../../lib/review/allow-list";
import { readSynthOutput, type SynthesizedStack } from "../../lib/review/output";
import { checkPolicy, formatViolation, policySummary, type RuleId } from "../../lib/review/policy";
import { ROOT, defaultModel, defaultModelData, isolatedModel, modelFrom, synthModel } from "../helpers";
import { FIXTURES, edited as editedFrom } from "./support";

const model = defaultModel();
const allow = allowListOf(model);

function lines(stacks: readonly SynthesizedStack[], m = model): string[] {
  return checkPolicy(stacks, allowListOf(m)).violations.map(formatViolation);
}

/** The real output of the default model, with one stack changed by `edit`. */
const edited = (name: string, edit: (json: any) => void) => editedFrom(synthModel(model).output, name, edit);

describe("policy over real synthesized output", () => {
  it("passes the output of the default model (environments.yaml)", () => {
    const result = checkPolicy(synthModel(model).output, allow);
    expect(result.violations.map(formatViolation)).toEqual([]);
    expect(policySummary(result, "environments.yaml")).toMatch(/^policy: passed: 3 stacks, \d+ grants, 6 principals checked against environments.yaml; no violations\.$/);
  });

  it("passes the output with isolated catalogs (workspace bindings)", () => {
    const m = isolatedModel();
    expect(lines(synthModel(m).output, m)).toEqual([]);
  });

  it("passes the output of the full model: account stack, plan principal, adopted grants", () => {
    const m = loadEnvironmentModel(path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml"));
    const { output } = synthModel(m);
    expect(output.map((s) => s.name)).toContain(m.account!.stackName);
    expect(lines(output, m)).toEqual([]);
  });

  it("passes the committed clean fixture", () => {
    expect(lines(readSynthOutput(path.join(FIXTURES, "clean")))).toEqual([]);
  });
});

describe("policy fixtures: one injected violation each", () => {
  const cases: [string, RuleId, string[]][] = [
    ["dev-modify-on-prod", "write-outside-own-environment", ["ref-prod databricks_grant.catalog_prod__group_dev: [write-outside-own-environment] Databricks - Dev / catalog prod / MODIFY"]],
    ["prod-readonly-reads-staging", "exceeds-model", ["ref-staging databricks_grant.catalog_staging__group_prod_readonly: [exceeds-model] Databricks - Prod - ReadOnly / catalog staging / SELECT"]],
    [
      "pair-in-two-stacks",
      "duplicate-pair",
      [
        "ref-dev databricks_grant.catalog_dev__group_dev: [duplicate-pair] Databricks - Dev / catalog dev: also declared by ref-staging databricks_grant.catalog_dev__group_dev",
        "ref-staging databricks_grant.catalog_dev__group_dev: [duplicate-pair] Databricks - Dev / catalog dev: also declared by ref-dev databricks_grant.catalog_dev__group_dev",
      ],
    ],
    ["authoritative-metastore", "authoritative-metastore", ["ref-dev databricks_grants.metastore: [authoritative-metastore] metastore 4c140405-61ff-4e4e-9684-07078639218e"]],
    ["authoritative-schema", "authoritative-grants", ["ref-dev databricks_grants.schema_dev__bronze: [authoritative-grants] schema dev.bronze: databricks_grants is authoritative"]],
    [
      "grant-and-grants-on-catalog",
      "authoritative-grants",
      ["ref-dev databricks_grants.catalog_dev: [authoritative-grants] catalog dev: databricks_grants is authoritative: on every apply it revokes every privilege on catalog dev it does not list, those of ref-dev databricks_grant.catalog_dev__group_dev"],
    ],
    [
      "prod-aimed-at-dev",
      "provider-workspace",
      [
        "ref-prod provider.databricks: [provider-workspace] host is https://dbc-a72d6af9-df3d.cloud.databricks.com, environment dev's, not environment prod's https://dbc-028d9e53-7ce6.cloud.databricks.com",
        "ref-prod provider.databricks: [provider-workspace] profile is ref-dev, environment dev's, not environment prod's ref-prod",
      ],
    ],
    [
      "binding-prod-to-dev",
      "catalog-isolation",
      [
        "ref-prod databricks_workspace_binding.catalog_prod__workspace_dev: [catalog-isolation] catalog prod: binding_type is not set (BINDING_TYPE_READ_WRITE, the provider's default)",
        "ref-prod databricks_workspace_binding.catalog_prod__workspace_dev: [catalog-isolation] catalog prod: binds catalog prod, but no environment promotes from prod",
      ],
    ],
    [
      "catalog-owned-by-group",
      "catalog-owner",
      ["ref-dev databricks_catalog.dev: [catalog-owner] Databricks - Dev / catalog dev: the owner is the group Databricks - Dev (data.databricks_group.dev); the owner of catalog dev holds every privilege on it"],
    ],
    [
      "principal-spoof",
      "principal-declaration",
      [
        "ref-dev databricks_grant.schema_prod__gold__sp_fake: [principal-declaration] ml-pipelines-prod-service-principal / schema prod.gold: grants to databricks_service_principal.fake",
        "ref-dev databricks_service_principal.fake: [principal-declaration] ml-pipelines-prod-service-principal: ref-dev creates a service principal named ml-pipelines-prod-service-principal, environment prod's deploying principal",
      ],
    ],
    [
      "host-from-variable",
      "provider-workspace",
      ["ref-prod provider.databricks: [provider-workspace] host is ${var.databricks_host}, a variable: TF_VAR_databricks_host (or -var) could aim ref-prod at another workspace"],
    ],
    ["token-in-provider", "provider-secret", ["ref-dev provider.databricks: [provider-secret] token is set (dapi…)"]],
    [
      "secret-resources",
      "secret-resource",
      [
        "ref-dev databricks_obo_token.dev: [secret-resource]",
        "ref-dev databricks_service_principal_secret.dev: [secret-resource]",
        "ref-dev databricks_token.ci: [secret-resource]",
      ],
    ],
    [
      "unprotected-catalog",
      "catalog-protection",
      [
        "ref-staging databricks_catalog.staging: [catalog-protection] catalog staging: force_destroy is true",
        "ref-staging databricks_catalog.staging: [catalog-protection] catalog staging: has no lifecycle.prevent_destroy",
      ],
    ],
    [
      "unresolved-reference",
      "unresolved-reference",
      ["ref-dev databricks_grant.catalog_dev__group_ghost: [unresolved-reference] ${data.databricks_group.ghost.display_name} / catalog dev: principal ${data.databricks_group.ghost.display_name} refers to data.databricks_group.ghost, which the stack does not declare"],
    ],
  ];

  it.each(cases)("fails %s with rule %s, naming the address", (dir, rule, expected) => {
    const result = checkPolicy(readSynthOutput(path.join(FIXTURES, "policy", dir)), allow);
    expect(result.violations.map((v) => v.rule)).toEqual(expected.map(() => rule));
    const got = result.violations.map(formatViolation);
    expected.forEach((prefix, i) => expect(got[i].startsWith(prefix)).toBe(true));
    for (const line of got) expect(line).toMatch(/\. Fix: .+\.$/);
  });

  it("never prints the secret it found", () => {
    const got = lines(readSynthOutput(path.join(FIXTURES, "policy", "token-in-provider"))).join("\n");
    expect(got).not.toContain("0123456789abcdef");
  });

  it("names who may write instead, for a write to another environment's catalog", () => {
    const [line] = lines(readSynthOutput(path.join(FIXTURES, "policy", "dev-modify-on-prod")));
    expect(line).toContain("the model lets Databricks - Dev write to no environment's catalog");
    expect(line).toContain("only Databricks - Account Admin, ml-pipelines-prod-service-principal may write to prod");
  });
});

describe("the allow-list (environments.yaml and the rules of lib/permissions.ts)", () => {
  const grant = (json: any, id: string, block: object) => {
    json.resource.databricks_grant[id] = block;
  };

  it("lets ALL_PRIVILEGES cover a named privilege, but not MANAGE", () => {
    const out = edited("ref-dev", (j) => {
      grant(j, "catalog_dev__sp_dev_extra", { catalog: "dev", principal: "${databricks_service_principal.dev.application_id}", privileges: ["MANAGE", "SELECT"] });
    });
    // A second declaration of the pair is its own violation; the privileges are judged per grant.
    const got = lines(out).filter((l) => !l.includes("[duplicate-pair]"));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^ref-dev databricks_grant.catalog_dev__sp_dev_extra: \[exceeds-model\] ml-pipelines-dev-service-principal \/ catalog dev \/ MANAGE: the model gives ml-pipelines-dev-service-principal only ALL_PRIVILEGES there/);
  });

  it("lets a schema grant inherit from the catalog: the dev group may read dev.gold", () => {
    const out = edited("ref-dev", (j) => {
      grant(j, "schema_dev__gold__group_dev", { schema: "dev.gold", principal: "${data.databricks_group.dev.display_name}", privileges: ["SELECT", "USE_SCHEMA"] });
    });
    expect(lines(out)).toEqual([]);
  });

  it("fails the staging principal writing into dev's models schema as a cross-environment write", () => {
    const out = edited("ref-staging", (j) => {
      j.resource.databricks_grant.schema_dev__models__sp_staging.privileges.push("MODIFY");
    });
    expect(lines(out)).toEqual([
      expect.stringMatching(
        /^ref-staging databricks_grant.schema_dev__models__sp_staging: \[write-outside-own-environment\] ml-pipelines-staging-service-principal \/ schema dev.models \/ MODIFY: MODIFY writes to environment dev's catalog dev; the model lets ml-pipelines-staging-service-principal write only to staging\./,
      ),
    ]);
  });

  it("fails a grant to the retired service principal, saying it is retired", () => {
    const m = defaultModel();
    const legacy = m.legacyServicePrincipals[0];
    const out = edited("ref-dev", (j) => {
      grant(j, "catalog_dev__legacy", { catalog: "dev", principal: legacy.applicationId, privileges: ["USE_CATALOG"] });
    });
    expect(lines(out)).toEqual([expect.stringContaining(`is the retired service principal ${legacy.name}`)]);
  });

  it("fails a grant the model drops: removing the dev group's access to staging makes its grant a violation", () => {
    const data = defaultModelData();
    delete data.access.dev.staging;
    const stricter = modelFrom(data);
    const got = lines(synthModel(model).output, stricter);
    expect(got.length).toBeGreaterThan(0);
    for (const line of got) expect(line).toMatch(/^ref-staging databricks_grant.catalog_staging__group_dev: \[exceeds-model\] Databricks - Dev \/ catalog staging \/ [A-Z_]+: the model gives Databricks - Dev nothing on catalog staging/);
  });
});

describe("ownership and providers beyond the fixtures", () => {
  it("fails an empty databricks_grants beside a databricks_grant (it revokes everything, yet declares no row)", () => {
    const out = edited("ref-dev", (j) => {
      j.resource.databricks_grants = { catalog_dev: { catalog: "${databricks_catalog.dev.name}" } };
    });
    expect(lines(out)).toEqual([
      expect.stringMatching(/^ref-dev databricks_grants.catalog_dev: \[authoritative-grants\] catalog dev: databricks_grants is authoritative: on every apply it revokes every privilege on catalog dev it does not list, those of ref-dev databricks_grant.catalog_dev__group_account_admin/),
    ]);
  });

  it("fails a stack the model does not know, and a stack with no provider", () => {
    const out = synthModel(model).output;
    const stray = { name: "ref-stray", json: out[0].json };
    const noProvider = edited("ref-prod", (j) => delete j.provider);
    expect(lines([...noProvider, stray]).filter((l) => l.includes("[provider-workspace]"))).toEqual([
      expect.stringMatching(/^ref-prod provider.databricks: \[provider-workspace\] declares no databricks provider block/),
      expect.stringMatching(/^ref-stray provider.databricks: \[provider-workspace\] stack ref-stray is no environment's stack in environments.yaml/),
    ]);
  });

  it("fails a second, aliased provider aimed at another workspace", () => {
    const out = edited("ref-staging", (j) => {
      j.provider.databricks.push({ alias: "prod", host: "https://dbc-028d9e53-7ce6.cloud.databricks.com", profile: "ref-prod" });
    });
    expect(lines(out)).toEqual([
      expect.stringMatching(/^ref-staging provider.databricks.prod: \[provider-workspace\] host is https:\/\/dbc-028d9e53-7ce6.cloud.databricks.com, environment prod's, not environment staging's/),
      expect.stringMatching(/^ref-staging provider.databricks.prod: \[provider-workspace\] profile is ref-prod, environment prod's, not environment staging's ref-staging/),
    ]);
  });

  it("fails the account stack's account_id from a variable, and a host not written exactly as the model's", () => {
    const full = loadEnvironmentModel(path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml"));
    const account = editedFrom(synthModel(full).output, "ref-account", (j) => {
      j.variable.account = { default: full.account!.id };
      j.provider.databricks[0].account_id = "${var.account}";
    });
    expect(lines(account, full)).toEqual([expect.stringMatching(/^ref-account provider.databricks: \[provider-workspace\] account_id is \$\{var.account\}, a variable: TF_VAR_account \(or -var\) could aim ref-account at another account\. Fix: write account_id as the literal /)]);
    const slash = edited("ref-dev", (j) => (j.provider.databricks[0].host += "/"));
    expect(lines(slash)).toEqual([expect.stringMatching(/^ref-dev provider.databricks: \[provider-workspace\] host is https:\/\/dbc-a72d6af9-df3d.cloud.databricks.com\/, not written exactly as environment dev's https:\/\/dbc-a72d6af9-df3d.cloud.databricks.com\./)]);
  });

  it("fails a profile it cannot resolve, and a token hidden in a variable default", () => {
    const out = edited("ref-dev", (j) => {
      j.provider.databricks[0].client_secret = "${var.secret}";
      j.variable.secret = { default: "dose0123456789abcdef0123456789abcdef" }; // made up
      delete j.variable.databricks_profile;
    });
    expect(lines(out)).toEqual([
      expect.stringMatching(/^ref-dev provider.databricks: \[provider-secret\] client_secret is set \(dose…\)/),
      expect.stringMatching(/^ref-dev provider.databricks: \[provider-workspace\] profile is \$\{var.databricks_profile\}, but the stack declares no variable databricks_profile/),
    ]);
  });
});

describe("principals the output declares (principal-declaration)", () => {
  const full = loadEnvironmentModel(path.join(ROOT, "__tests__", "fixtures", "models", "full.yaml"));
  const fullOutput = synthModel(full).output;
  const rule = (got: string[]) => got.filter((l) => l.includes("[principal-declaration]"));

  it("fails a second principal with the stack's own principal's name, and the grant to it", () => {
    const out = edited("ref-dev", (j) => {
      j.resource.databricks_service_principal.twin = { display_name: "ml-pipelines-dev-service-principal" };
      j.resource.databricks_grant.schema_dev__gold__sp_twin = { schema: "dev.gold", principal: "${databricks_service_principal.twin.application_id}", privileges: ["MODIFY"] };
    });
    expect(lines(out)).toEqual([
      expect.stringMatching(/^ref-dev databricks_grant.schema_dev__gold__sp_twin: \[principal-declaration\] ml-pipelines-dev-service-principal \/ schema dev.gold: grants to databricks_service_principal.twin/),
      expect.stringMatching(/^ref-dev databricks_service_principal.twin: \[principal-declaration\] ml-pipelines-dev-service-principal: ref-dev creates a second service principal named ml-pipelines-dev-service-principal \(besides databricks_service_principal.dev\)/),
    ]);
  });

  it("fails a created group (even one carrying a model group's name) and a lookup of a group the model does not have", () => {
    const out = edited("ref-dev", (j) => {
      j.resource.databricks_group = { admins: { display_name: "Databricks - Account Admin" } };
      j.resource.databricks_grant.catalog_dev__group_admins = { catalog: "dev", principal: "${databricks_group.admins.display_name}", privileges: ["ALL_PRIVILEGES"] };
      j.data.databricks_group.contractors = { display_name: "Contractors" };
    });
    expect(rule(lines(out))).toEqual([
      expect.stringMatching(/^ref-dev data.databricks_group.contractors: \[principal-declaration\] Contractors: looks up the group Contractors, which is not one of the model's groups/),
      expect.stringMatching(/^ref-dev databricks_grant.catalog_dev__group_admins: \[principal-declaration\] Databricks - Account Admin \/ catalog dev: grants to databricks_group.admins/),
      expect.stringMatching(/^ref-dev databricks_group.admins: \[principal-declaration\] Databricks - Account Admin: creates a group with the display name of the model's group Databricks - Account Admin; groups are SCIM-managed/),
    ]);
  });

  it("fails users and group membership created by the output", () => {
    const out = edited("ref-staging", (j) => {
      j.resource.databricks_user = { someone: { user_name: "someone@example.com" } };
      j.resource.databricks_group_member = { sp_in_admins: { group_id: "${data.databricks_group.account_admin.id}", member_id: "${databricks_service_principal.staging.id}" } };
    });
    expect(rule(lines(out))).toEqual([
      expect.stringMatching(/^ref-staging databricks_group_member.sp_in_admins: \[principal-declaration\] changes a group's members/),
      expect.stringMatching(/^ref-staging databricks_user.someone: \[principal-declaration\] creates a user/),
    ]);
  });

  it("fails a grant to a user, by e-mail or by lookup, as exceeding the model (users are not in it)", () => {
    const out = edited("ref-dev", (j) => {
      j.data.databricks_user = { someone: { user_name: "someone@example.com" } };
      j.resource.databricks_grant.catalog_dev__user_literal = { catalog: "dev", principal: "other@example.com", privileges: ["USE_CATALOG"] };
      j.resource.databricks_grant.catalog_dev__user_lookup = { catalog: "dev", principal: "${data.databricks_user.someone.user_name}", privileges: ["USE_CATALOG"] };
    });
    expect(lines(out)).toEqual([
      expect.stringMatching(/^ref-dev databricks_grant.catalog_dev__user_literal: \[exceeds-model\] other@example.com \/ catalog dev \/ USE_CATALOG: the model gives other@example.com nothing on catalog dev/),
      expect.stringMatching(/^ref-dev databricks_grant.catalog_dev__user_lookup: \[exceeds-model\] someone@example.com \/ catalog dev \/ USE_CATALOG: the model gives someone@example.com nothing on catalog dev/),
    ]);
  });

  it("passes the account stack's lookups of the deployers and the plan principal, and fails any other principal there", () => {
    expect(rule(lines(fullOutput, full))).toEqual([]);
    const out = editedFrom(fullOutput, "ref-account", (j) => {
      j.resource.databricks_service_principal = { plan: { display_name: full.github!.planServicePrincipal.name } };
      j.data.databricks_service_principal.stranger = { display_name: "someone-else" };
      j.data.databricks_service_principal.plan_by_name = { display_name: full.github!.planServicePrincipal.name };
    });
    expect(rule(lines(out, full))).toEqual([
      expect.stringMatching(/^ref-account data.databricks_service_principal.plan_by_name: \[principal-declaration\] uc-env-isolation-plan: looks up the service principal with display_name uc-env-isolation-plan, which is none of the model's/),
      expect.stringMatching(/^ref-account data.databricks_service_principal.stranger: \[principal-declaration\] someone-else: looks up the service principal with display_name someone-else/),
      expect.stringMatching(/^ref-account databricks_service_principal.plan: \[principal-declaration\] uc-env-isolation-plan: ref-account creates a service principal named uc-env-isolation-plan, the plan principal; the account stack creates none/),
    ]);
  });
});

describe("catalog isolation and workspace bindings (catalog-isolation)", () => {
  const isolated = isolatedModel();
  const output = synthModel(isolated).output;
  const bound = (name: string, edit: (json: any) => void) => lines(editedFrom(output, name, edit), isolated);
  const binding = (j: any) => j.resource.databricks_workspace_binding.catalog_dev__workspace_staging;

  it("fails a catalog whose isolation_mode is not the model's", () => {
    expect(bound("ref-dev", (j) => (j.resource.databricks_catalog.dev.isolation_mode = "OPEN"))).toEqual([
      expect.stringMatching(/^ref-dev databricks_catalog.dev: \[catalog-isolation\] catalog dev: isolation_mode is OPEN; the model says ISOLATED \(every environment has a workspace.id\)/),
    ]);
    expect(bound("ref-prod", (j) => delete j.resource.databricks_catalog.prod.isolation_mode)).toEqual([
      expect.stringMatching(/^ref-prod databricks_catalog.prod: \[catalog-isolation\] catalog prod: isolation_mode is not set \(OPEN, the provider's default\); the model says ISOLATED/),
    ]);
    expect(lines(edited("ref-dev", (j) => (j.resource.databricks_catalog.dev.isolation_mode = "ISOLATED")))).toEqual([
      expect.stringMatching(/^ref-dev databricks_catalog.dev: \[catalog-isolation\] catalog dev: isolation_mode is ISOLATED; the model says OPEN \(not every environment has a workspace.id\)/),
    ]);
  });

  it("fails a read-write binding", () => {
    expect(bound("ref-dev", (j) => (binding(j).binding_type = "BINDING_TYPE_READ_WRITE"))).toEqual([
      expect.stringMatching(/^ref-dev databricks_workspace_binding.catalog_dev__workspace_staging: \[catalog-isolation\] catalog dev: binding_type is BINDING_TYPE_READ_WRITE; a binding only lets a promoting environment read/),
    ]);
  });

  it("fails a binding to the catalog's own workspace, and to a workspace that does not promote from it", () => {
    expect(bound("ref-dev", (j) => (binding(j).workspace_id = 1111111111111111))).toEqual([
      expect.stringMatching(/^ref-dev databricks_workspace_binding.catalog_dev__workspace_staging: \[catalog-isolation\] catalog dev: binds catalog dev to its own workspace 1111111111111111/),
    ]);
    expect(bound("ref-dev", (j) => (binding(j).workspace_id = 3333333333333333))).toEqual([
      expect.stringMatching(/^ref-dev databricks_workspace_binding.catalog_dev__workspace_staging: \[catalog-isolation\] catalog dev: binds catalog dev to workspace 3333333333333333 \(environment prod's\); only the workspaces of environments that promote from dev may read it: 2222222222222222 \(staging\)/),
    ]);
    expect(bound("ref-dev", (j) => (binding(j).workspace_id = "${var.workspace}"))).toEqual([
      expect.stringMatching(/^ref-dev databricks_workspace_binding.catalog_dev__workspace_staging: \[catalog-isolation\] catalog dev: workspace_id is \$\{var.workspace\}, not a workspace ID/),
    ]);
  });

  it("fails a binding of a catalog no environment promotes from, and one declared outside the catalog's stack", () => {
    expect(
      bound("ref-prod", (j) => {
        j.resource.databricks_workspace_binding = { catalog_prod__workspace_staging: { securable_name: "prod", securable_type: "catalog", workspace_id: 2222222222222222, binding_type: "BINDING_TYPE_READ_ONLY" } };
      }),
    ).toEqual([expect.stringMatching(/^ref-prod databricks_workspace_binding.catalog_prod__workspace_staging: \[catalog-isolation\] catalog prod: binds catalog prod, but no environment promotes from prod/)]);
    const moved = editedFrom(
      editedFrom(output, "ref-dev", (j) => delete j.resource.databricks_workspace_binding),
      "ref-staging",
      (j) => (j.resource.databricks_workspace_binding = { catalog_dev__workspace_staging: { securable_name: "dev", securable_type: "catalog", workspace_id: 2222222222222222, binding_type: "BINDING_TYPE_READ_ONLY" } }),
    );
    expect(lines(moved, isolated)).toEqual([
      expect.stringMatching(/^ref-staging databricks_workspace_binding.catalog_dev__workspace_staging: \[catalog-isolation\] catalog dev: is declared in ref-staging; a catalog's bindings belong to the stack of its environment \(ref-dev\)/),
    ]);
  });
});

describe("catalog and schema owners (catalog-owner)", () => {
  const owner = (catalog: string, value: unknown) => (j: any) => {
    if (value === undefined) delete j.resource.databricks_catalog[catalog].owner;
    else j.resource.databricks_catalog[catalog].owner = value;
  };

  it("fails a catalog without an owner, or owned by a literal name", () => {
    expect(lines(edited("ref-prod", owner("prod", undefined)))).toEqual([
      expect.stringMatching(/^ref-prod databricks_catalog.prod: \[catalog-owner\] catalog prod: owner is not set, so the catalog keeps whoever created it \(or owned it before adoption\)\. Fix: set owner = \$\{databricks_service_principal.prod.application_id\}/),
    ]);
    expect(lines(edited("ref-prod", owner("prod", "Databricks - Account Admin")))).toEqual([
      expect.stringMatching(/^ref-prod databricks_catalog.prod: \[catalog-owner\] Databricks - Account Admin \/ catalog prod: the owner is the group Databricks - Account Admin; the owner of catalog prod holds every privilege on it/),
    ]);
  });

  it("fails another environment's principal, and the right principal by lookup instead of the stack's own resource", () => {
    const staging = edited("ref-staging", (j) => {
      j.data.databricks_service_principal = { prod: { display_name: "ml-pipelines-prod-service-principal" }, staging: { display_name: "ml-pipelines-staging-service-principal" } };
      j.resource.databricks_catalog.staging.owner = "${data.databricks_service_principal.prod.application_id}";
    });
    expect(lines(staging)).toEqual([
      expect.stringMatching(/^ref-staging databricks_catalog.staging: \[catalog-owner\] ml-pipelines-prod-service-principal \/ catalog staging: the owner is the service principal ml-pipelines-prod-service-principal \(data.databricks_service_principal.prod\)/),
    ]);
    const lookup = edited("ref-staging", (j) => {
      j.data.databricks_service_principal = { staging: { display_name: "ml-pipelines-staging-service-principal" } };
      j.resource.databricks_catalog.staging.owner = "${data.databricks_service_principal.staging.application_id}";
    });
    expect(lines(lookup)).toEqual([
      expect.stringMatching(/^ref-staging databricks_catalog.staging: \[catalog-owner\] ml-pipelines-staging-service-principal \/ catalog staging: the owner is the service principal ml-pipelines-staging-service-principal \(data.databricks_service_principal.staging\), not the databricks_service_principal ref-staging declares/),
    ]);
  });

  it("fails a schema owned by anyone but its environment's principal, and passes one owned by it", () => {
    expect(lines(edited("ref-dev", (j) => (j.resource.databricks_schema.dev__gold.owner = "${data.databricks_group.dev.display_name}")))).toEqual([
      expect.stringMatching(/^ref-dev databricks_schema.dev__gold: \[catalog-owner\] Databricks - Dev \/ schema dev.gold: the owner is the group Databricks - Dev \(data.databricks_group.dev\); the owner of schema dev.gold holds every privilege on it/),
    ]);
    expect(lines(edited("ref-dev", (j) => (j.resource.databricks_schema.dev__gold.owner = "${databricks_service_principal.dev.application_id}")))).toEqual([]);
  });
});
