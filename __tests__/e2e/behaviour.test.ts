/**
 * The provider behaviours that decide a plan, through the real terraform: imports, "already
 * exists", deleted objects, ForceNew replacement, refusals of the API. Each case edits a copy of a
 * synthesized stack (one `terraform init` per stack directory) or the workspace file.
 */
import * as fs from "fs";
import { guardPlan } from "../../lib/rehearse/plan-guard";
import { SCHEMA_FILE } from "../../stand-in/schema/generate";
import { FULL_MODEL, Lab, requireTerraform, summaryOf } from "./support";

beforeAll(requireTerraform);

describe("the reference model's ref-prod and ref-dev", () => {
  let lab: Lab;
  beforeAll(() => {
    lab = new Lab();
    for (const s of ["ref-dev", "ref-prod"]) lab.init(s);
  });
  afterAll(() => lab.remove());

  it("answers `terraform providers schema -json` with exactly the committed schema", () => {
    const r = lab.terraform("ref-dev", ["providers", "schema", "-json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")));
  });

  it("fails to import an adopted catalog that does not exist, with the API's error (the provider's default importer reads it)", () => {
    const saved = lab.workspace();
    lab.editWorkspace((ws) => delete ws.catalogs.prod);
    try {
      const r = lab.plan("ref-prod");
      expect(r.status).toBe(1);
      // common/resource.go: the default importer runs Read without ignoring a 404, so the API's
      // message is the error, not terraform's "Cannot import non-existent remote object".
      expect(r.stderr).toContain("Error: Catalog 'prod' does not exist.");
    } finally {
      lab.editWorkspace((ws) => Object.assign(ws, saved));
    }
  });

  it("fails to create a catalog that exists: \"already exists\" (a catalog not marked adopt)", () => {
    const config = lab.config("ref-prod");
    const without = { ...config, import: config.import.filter((i: any) => i.to !== "databricks_catalog.prod") };
    if (without.import.length === 0) delete without.import;
    lab.setConfig("ref-prod", without);
    try {
      const plan = lab.plan("ref-prod");
      expect(plan.status).toBe(0);
      expect(summaryOf(plan.stdout)).toBe("Plan: 11 to add, 0 to change, 0 to destroy.");
      const r = lab.apply("ref-prod");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("Error: cannot create catalog: Catalog 'prod' already exists");
    } finally {
      lab.setConfig("ref-prod", config);
    }
  });

  it("applies ref-dev, then plans nothing; a grant deleted in the workspace is read as gone and planned again", () => {
    expect(lab.apply("ref-dev").status).toBe(0);
    expect(summaryOf(lab.plan("ref-dev").stdout)).toBe("No changes. Your infrastructure matches the configuration.");
    lab.editWorkspace((ws) => delete ws.catalogs.dev.grants["Databricks - Dev"]);
    const r = lab.plan("ref-dev");
    expect(summaryOf(r.stdout)).toBe("Plan: 1 to add, 0 to change, 0 to destroy.");
    expect(r.json.resource_changes.filter((c: any) => c.change.actions[0] !== "no-op").map((c: any) => c.address)).toEqual(["databricks_grant.catalog_dev__group_dev"]);
    expect(lab.apply("ref-dev").status).toBe(0);
  });

  it("plans a replace when a schema's catalog_name changes (ForceNew), and the guard names it", () => {
    const config = lab.config("ref-dev");
    const edited = JSON.parse(JSON.stringify(config));
    const gold = edited.resource.databricks_schema.dev__gold;
    gold.catalog_name = "staging";
    delete gold.lifecycle;
    lab.setConfig("ref-dev", edited);
    try {
      const r = lab.plan("ref-dev");
      expect(r.status).toBe(0);
      expect(summaryOf(r.stdout)).toBe("Plan: 1 to add, 0 to change, 1 to destroy.");
      expect(r.stdout).toContain("# databricks_schema.dev__gold must be replaced");
      expect(r.stdout).toMatch(/catalog_name\s+= "dev" -> "staging" # forces replacement/);
      expect(guardPlan(r.json)).toEqual([
        {
          address: "databricks_schema.dev__gold",
          type: "databricks_schema",
          action: "replace",
          actions: ["delete", "create"],
          reason: "catalog_name forces replacement: a changed attribute cannot be updated in place (replace_because_cannot_update)",
        },
      ]);
    } finally {
      lab.setConfig("ref-dev", config);
    }
  });

  it("fails the plan when a replace meets prevent_destroy (a catalog's storage_root)", () => {
    const config = lab.config("ref-dev");
    const edited = JSON.parse(JSON.stringify(config));
    edited.resource.databricks_catalog.dev.storage_root = "s3://elsewhere/dev";
    lab.setConfig("ref-dev", edited);
    try {
      const r = lab.plan("ref-dev");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("Error: Instance cannot be destroyed");
    } finally {
      lab.setConfig("ref-dev", config);
    }
  });

  it("fails the apply of a dropped schema that is not empty, after destroying nothing else", () => {
    lab.editWorkspace((ws) => ws.catalogs.dev.schemas.silver.tables.push("events"));
    const config = lab.config("ref-dev");
    const edited = JSON.parse(JSON.stringify(config));
    delete edited.resource.databricks_schema.dev__silver;
    lab.setConfig("ref-dev", edited);
    try {
      const plan = lab.plan("ref-dev");
      expect(summaryOf(plan.stdout)).toBe("Plan: 0 to add, 0 to change, 1 to destroy.");
      const r = lab.apply("ref-dev");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("Error: cannot delete schema: Schema 'dev.silver' is not empty.");
      expect(Object.keys(lab.workspace().catalogs.dev.schemas)).toContain("silver");
    } finally {
      lab.setConfig("ref-dev", config);
    }
  });

  it("fails to grant to a principal that does not exist, as the API does", () => {
    const config = lab.config("ref-dev");
    const edited = JSON.parse(JSON.stringify(config));
    edited.resource.databricks_grant.catalog_dev__group_dev.principal = "nobody@example.com";
    lab.setConfig("ref-dev", edited);
    try {
      const r = lab.apply("ref-dev");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("Could not find principal with name nobody@example.com");
    } finally {
      lab.setConfig("ref-dev", config);
    }
  });
});

describe("the full fixture model (isolation, account stack)", () => {
  let lab: Lab;
  beforeAll(() => {
    lab = new Lab(FULL_MODEL);
    for (const s of lab.stacks) lab.init(s);
    for (const s of ["ref-dev", "ref-staging", "ref-prod"]) {
      const r = lab.apply(s);
      if (r.status !== 0) throw new Error(`apply ${s}: ${r.stderr}`);
    }
  });
  afterAll(() => lab.remove());

  it("plans a replace when a workspace binding's binding_type changes (no Update: every argument forces a new binding)", () => {
    const config = lab.config("ref-dev");
    const edited = JSON.parse(JSON.stringify(config));
    edited.resource.databricks_workspace_binding.catalog_dev__workspace_staging.binding_type = "BINDING_TYPE_READ_WRITE";
    lab.setConfig("ref-dev", edited);
    try {
      const r = lab.plan("ref-dev");
      expect(summaryOf(r.stdout)).toBe("Plan: 1 to add, 0 to change, 1 to destroy.");
      expect(r.stdout).toMatch(/binding_type\s+= "BINDING_TYPE_READ_ONLY" -> "BINDING_TYPE_READ_WRITE" # forces replacement/);
      // Not a guarded type: a binding holds no data; the guard lets it through.
      expect(guardPlan(r.json)).toEqual([]);
    } finally {
      lab.setConfig("ref-dev", config);
    }
  });

  it("fails to import a federation policy that does not exist: terraform's \"Cannot import non-existent remote object\" (plugin-framework resource)", () => {
    expect(lab.apply("ref-account").status).toBe(0);
    const config = lab.config("ref-account");
    const edited = JSON.parse(JSON.stringify(config));
    edited.resource.databricks_service_principal_federation_policy.github__extra = { ...edited.resource.databricks_service_principal_federation_policy.github__plan };
    edited.import = [{ to: "databricks_service_principal_federation_policy.github__extra", id: "1234567890123456,nope" }];
    lab.setConfig("ref-account", edited);
    try {
      const r = lab.plan("ref-account");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("Error: Cannot import non-existent remote object");
    } finally {
      lab.setConfig("ref-account", config);
    }
  });

  it("looks up service principals by exactly one of application_id, display_name, scim_id", () => {
    const config = lab.config("ref-account");
    const edited = JSON.parse(JSON.stringify(config));
    edited.data.databricks_service_principal.dev.application_id = "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f";
    lab.setConfig("ref-account", edited);
    try {
      const r = lab.plan("ref-account");
      expect(r.status).toBe(1);
      expect(r.stderr.replace(/\s+/g, " ")).toContain("\"application_id\": only one of `application_id,display_name,scim_id` can be specified, but `application_id,display_name` were specified.");
    } finally {
      lab.setConfig("ref-account", config);
    }
  });

  it("fails a lookup that finds no service principal, as the provider does", () => {
    const config = lab.config("ref-account");
    const edited = JSON.parse(JSON.stringify(config));
    edited.data.databricks_service_principal.dev.display_name = "no-such-principal";
    lab.setConfig("ref-account", edited);
    try {
      const r = lab.plan("ref-account");
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("cannot read service principal: cannot find SP with name no-such-principal");
    } finally {
      lab.setConfig("ref-account", config);
    }
  });
});
