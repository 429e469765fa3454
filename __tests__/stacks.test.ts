import { Catalog, DatabricksProvider, DataDatabricksGroup, Grant, Schema, ServicePrincipal, Testing, WorkspaceBinding } from "../lib/cdk";
import "./cdktf-matchers";
import { WORKSPACE_IDS, defaultModel, isolatedModel, stackJson, synthModel } from "./helpers";

const READ = ["EXECUTE", "READ_VOLUME", "SELECT", "USE_CATALOG", "USE_SCHEMA"];
const READ_SCHEMA = ["EXECUTE", "READ_VOLUME", "SELECT", "USE_SCHEMA"];
const HOSTS = {
  "ref-dev": "https://dbc-a72d6af9-df3d.cloud.databricks.com",
  "ref-staging": "https://dbc-fab2a42a-8d11.cloud.databricks.com",
  "ref-prod": "https://dbc-028d9e53-7ce6.cloud.databricks.com",
};

const { stacks, output } = synthModel(defaultModel());
const synth = Object.fromEntries(stacks.map((s) => [s.node.id, Testing.synth(s)]));

describe("each stack as a whole", () => {
  it.each(Object.keys(HOSTS))("matches the committed snapshot of %s (review every grant change)", (name) => {
    expect(JSON.parse(synth[name])).toMatchSnapshot();
  });

  it("builds exactly the three workspace stacks", () => {
    expect(Object.keys(synth).sort()).toEqual(["ref-dev", "ref-prod", "ref-staging"]);
  });
});

describe("prod separation (the incident)", () => {
  it.each(Object.entries(HOSTS))("aims %s at its own workspace and profile only", (name, host) => {
    expect(synth[name]).toHaveProviderWithProperties(DatabricksProvider, { host, profile: "${var.databricks_profile}" });
    const json = stackJson(output, name);
    expect(json.provider?.databricks).toHaveLength(1);
    expect(json.variable?.databricks_profile?.default).toBe(name);
  });

  it("aims ref-prod at dbc-028d9e53-7ce6, not at the dev workspace", () => {
    const provider = stackJson(output, "ref-prod").provider!.databricks[0];
    expect(provider.host).toBe("https://dbc-028d9e53-7ce6.cloud.databricks.com");
    expect(JSON.stringify(stackJson(output, "ref-prod"))).not.toContain("dbc-a72d6af9-df3d");
  });
});

describe("service principals", () => {
  it.each([
    ["ref-dev", "ml-pipelines-dev-service-principal"],
    ["ref-staging", "ml-pipelines-staging-service-principal"],
    ["ref-prod", "ml-pipelines-prod-service-principal"],
  ])("declares %s's principal %s there and nowhere else", (name, displayName) => {
    expect(synth[name]).toHaveResourceWithProperties(ServicePrincipal, { display_name: displayName });
    for (const other of Object.keys(HOSTS).filter((n) => n !== name)) {
      expect(synth[other]).not.toHaveResourceWithProperties(ServicePrincipal, { display_name: displayName });
    }
  });

  it("names principals in grants by application_id, never by display name", () => {
    for (const { json } of output) {
      for (const grant of Object.values(json.resource?.databricks_grant ?? {})) {
        const principal = String(grant.principal);
        expect(principal).not.toMatch(/service-principal/);
        if (principal.includes("databricks_service_principal")) expect(principal).toMatch(/\.application_id\}$/);
      }
    }
  });
});

describe("catalogs", () => {
  it.each([
    ["ref-dev", "dev"],
    ["ref-staging", "staging"],
    ["ref-prod", "prod"],
  ])("declares %s's catalog %s protected: prevent_destroy, no force_destroy", (name, catalog) => {
    expect(synth[name]).toHaveResourceWithProperties(Catalog, { name: catalog, lifecycle: { prevent_destroy: true, ignore_changes: ["comment"] } }); // adopted: keeps its comment
    const block = stackJson(output, name).resource!.databricks_catalog[catalog];
    expect(block.force_destroy).toBeUndefined();
    for (const schema of ["bronze", "silver", "gold", "models"]) {
      expect(synth[name]).toHaveResourceWithProperties(Schema, { name: schema, lifecycle: { prevent_destroy: true } });
    }
  });

  it.each([
    ["ref-dev", "dev"],
    ["ref-staging", "staging"],
    ["ref-prod", "prod"],
  ])("makes %s's deploying principal the owner of catalog %s, so CI can manage its grants", (name, env) => {
    expect(synth[name]).toHaveResourceWithProperties(Catalog, { name: env, owner: `\${databricks_service_principal.${env}.application_id}` });
  });

  it("sets no comment on an adopted catalog (the first plan would overwrite the live one), and comments new schemas", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const json = stackJson(output, `ref-${env}`);
      expect(json.resource!.databricks_catalog[env].comment).toBeUndefined();
      expect(json.resource!.databricks_schema[`${env}__bronze`].comment).toBe(`${env} bronze; managed by Terraform (uc-env-isolation)`);
    }
  });

  it("leaves isolation alone (new catalogs OPEN, adopted ones as they are) and binds nothing while the workspace IDs are unknown", () => {
    for (const { json } of output) {
      for (const c of Object.values(json.resource!.databricks_catalog)) expect(c.isolation_mode).toBeUndefined();
      expect(json.resource?.databricks_workspace_binding).toBeUndefined();
    }
  });
});

describe("the permission table, cell by cell", () => {
  const group = (key: string) => `\${data.databricks_group.${key}.display_name}`;
  const sp = (env: string) => `\${databricks_service_principal.${env}.application_id}`;
  const cat = (name: string) => `\${databricks_catalog.${name}.name}`;

  it("Databricks - Dev: CREATE_CATALOG on the metastore, declared by ref-dev only", () => {
    expect(synth["ref-dev"]).toHaveResourceWithProperties(Grant, {
      metastore: "4c140405-61ff-4e4e-9684-07078639218e",
      principal: group("dev"),
      privileges: ["CREATE_CATALOG"],
    });
    for (const other of ["ref-staging", "ref-prod"]) expect(JSON.stringify(stackJson(output, other))).not.toContain('"metastore"');
  });

  it.each([
    ["ref-dev", "dev"],
    ["ref-staging", "staging"],
  ])("Databricks - Dev: read on %s's catalog (USE_CATALOG, USE_SCHEMA, SELECT, EXECUTE, READ_VOLUME)", (name, catalog) => {
    expect(synth[name]).toHaveResourceWithProperties(Grant, { catalog: cat(catalog), principal: group("dev"), privileges: READ });
  });

  it("Databricks - Dev: nothing on prod", () => {
    expect(stackJson(output, "ref-prod").data?.databricks_group?.dev).toBeUndefined();
    expect(JSON.stringify(stackJson(output, "ref-prod"))).not.toContain(group("dev"));
  });

  it.each([
    ["ref-dev", "dev"],
    ["ref-staging", "staging"],
    ["ref-prod", "prod"],
  ])("each service principal: ALL_PRIVILEGES on its own catalog only (%s)", (name, env) => {
    expect(synth[name]).toHaveResourceWithProperties(Grant, { catalog: cat(env), principal: sp(env), privileges: ["ALL_PRIVILEGES"] });
    const grants = Object.values(stackJson(output, name).resource!.databricks_grant);
    const all = grants.filter((g) => (g.privileges as string[]).includes("ALL_PRIVILEGES") && g.principal === sp(env));
    expect(all.map((g) => g.catalog)).toEqual([cat(env)]);
  });

  it.each([
    ["ref-dev", "dev"],
    ["ref-staging", "staging"],
    ["ref-prod", "prod"],
  ])("Databricks - Account Admin: ALL_PRIVILEGES on %s's catalog", (name, catalog) => {
    expect(synth[name]).toHaveResourceWithProperties(Grant, { catalog: cat(catalog), principal: group("account_admin"), privileges: ["ALL_PRIVILEGES"] });
  });

  it("Databricks - Prod - ReadOnly: read on prod, nothing on dev or staging", () => {
    expect(synth["ref-prod"]).toHaveResourceWithProperties(Grant, { catalog: cat("prod"), principal: group("prod_readonly"), privileges: READ });
    for (const other of ["ref-dev", "ref-staging"]) expect(stackJson(output, other).data?.databricks_group?.prod_readonly).toBeUndefined();
  });

  it.each([
    ["ref-staging", "staging", "dev"],
    ["ref-prod", "prod", "staging"],
  ])("promotion: %s's principal reads %s's source catalog %s models, read only", (name, env, source) => {
    expect(synth[name]).toHaveResourceWithProperties(Grant, { catalog: source, principal: sp(env), privileges: ["USE_CATALOG"] });
    expect(synth[name]).toHaveResourceWithProperties(Grant, { schema: `${source}.models`, principal: sp(env), privileges: READ_SCHEMA });
  });

  it("looks up only the groups a stack grants to, and creates none", () => {
    const lookups = Object.fromEntries(output.map(({ name, json }) => [name, Object.keys(json.data?.databricks_group ?? {}).sort()]));
    expect(lookups).toEqual({
      "ref-dev": ["account_admin", "dev"],
      "ref-staging": ["account_admin", "dev"],
      "ref-prod": ["account_admin", "prod_readonly"],
    });
    expect(synth["ref-prod"]).toHaveDataSourceWithProperties(DataDatabricksGroup, { display_name: "Databricks - Prod - ReadOnly" });
    for (const { json } of output) expect(json.resource?.databricks_group).toBeUndefined();
  });
});

describe("isolation, when the model has every workspace ID", () => {
  const isolated = synthModel(isolatedModel());

  it("makes every catalog ISOLATED", () => {
    for (const { json } of isolated.output) {
      for (const c of Object.values(json.resource!.databricks_catalog)) expect(c.isolation_mode).toBe("ISOLATED");
    }
  });

  it("binds dev read-only to staging's workspace and staging to prod's, never a catalog to its own", () => {
    const bindings: { name: string; address: string; workspace_id?: unknown }[] = isolated.output.flatMap(({ name, json }) =>
      Object.entries(json.resource?.databricks_workspace_binding ?? {}).map(([address, b]) => ({ name, address, ...b })),
    );
    expect(bindings).toEqual([
      expect.objectContaining({
        name: "ref-dev",
        address: "catalog_dev__workspace_staging",
        securable_name: "${databricks_catalog.dev.name}",
        securable_type: "catalog",
        workspace_id: WORKSPACE_IDS.staging,
        binding_type: "BINDING_TYPE_READ_ONLY",
      }),
      expect.objectContaining({
        name: "ref-staging",
        address: "catalog_staging__workspace_prod",
        workspace_id: WORKSPACE_IDS.prod,
        binding_type: "BINDING_TYPE_READ_ONLY",
      }),
    ]);
    const ownId = { "ref-dev": WORKSPACE_IDS.dev, "ref-staging": WORKSPACE_IDS.staging, "ref-prod": WORKSPACE_IDS.prod } as Record<string, number>;
    for (const b of bindings) expect(b.workspace_id).not.toBe(ownId[b.name]);
    const dev = isolated.stacks.find((s) => s.node.id === "ref-dev")!;
    expect(Testing.synth(dev)).toHaveResourceWithProperties(WorkspaceBinding, { binding_type: "BINDING_TYPE_READ_ONLY" });
  });

  it("has no isolation warning to print", () => {
    expect(isolatedModel().warnings.filter((w) => w.includes("OPEN"))).toEqual([]);
  });
});

describe("terraform.required_version", () => {
  it("is >= 1.5.0 on every stack, which adopts its catalog with import blocks", () => {
    for (const { json } of output) expect((json.terraform as { required_version?: string } | undefined)?.required_version).toBe(">= 1.5.0");
  });
});

describe("stack independence", () => {
  it("has no cross-stack reference: no remote state, every reference resolves inside its own stack", () => {
    for (const { name, json } of output) {
      const text = JSON.stringify(json);
      expect(text).not.toContain("terraform_remote_state");
      for (const ref of text.match(/\$\{[^}]+\}/g) ?? []) {
        const m = /^\$\{(data\.)?([a-z_]+)\.([A-Za-z0-9_-]+)\./.exec(ref);
        if (!m || m[2] === "var") continue;
        const blocks = m[1] ? json.data : json.resource;
        expect({ stack: name, ref, declared: blocks?.[m[2]]?.[m[3]] !== undefined }).toEqual({ stack: name, ref, declared: true });
      }
    }
  });
});
