/**
 * Issue 18's attempts to hide access from the audit, each as a recorded state with the finding it
 * must give: what the model does not declare (a schema made by hand, a table grant, a changed
 * owner, storage over prod's bucket, a sandbox bound elsewhere) and what the audit identity cannot
 * read, which is "not audited", never "No drift".
 */
import { stringify } from "yaml";
import { renderAuditMarkdown } from "../../lib/audit/report";
import { parseEnvironmentModel } from "../../lib/model/load";
import { defaultModelData } from "../helpers";
import { denied, respond } from "../fixtures/audit/responder";
import { audit, brief, cleanState, model, ws } from "./support";

const PROD_HOST = "https://dbc-028d9e53-7ce6.cloud.databricks.com";
const DEV_HOST = "https://dbc-a72d6af9-df3d.cloud.databricks.com";
const PROD_SP = "c7e6f5d4-1a2b-4c3d-8e9f-a0b1c2d3e493";
const schemaList = (s: any) => ws(s, "ref-prod")["schemas list prod --include-browse"];
const emptySchema = (s: any, schema: string) => {
  const r = ws(s, "ref-prod");
  r[`tables list prod ${schema} --include-browse --omit-columns --omit-properties`] = [];
  r[`volumes list prod ${schema} --include-browse`] = [];
  r[`functions list prod ${schema} --include-browse`] = [];
  r[`registered-models list --catalog-name prod --include-browse --schema-name ${schema}`] = [];
};

describe("what the model does not declare", () => {
  it("reports a schema made by hand in prod, Dev on ALL_PRIVILEGES there, and its owner", async () => {
    const s = cleanState("full");
    schemaList(s).push({ name: "scratch", catalog_name: "prod", full_name: "prod.scratch", owner: "mallory@refresh-os.example" });
    ws(s, "ref-prod")["grants get schema prod.scratch --max-results 0"] = { privilege_assignments: [{ principal: "Databricks - Dev", privileges: ["ALL_PRIVILEGES"] }] };
    emptySchema(s, "scratch");
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([
      { direction: "risk", prod: true, kind: "grant", securable: "schema prod.scratch", principal: "Databricks - Dev" },
      { direction: "risk", prod: true, kind: "owner", securable: "schema prod.scratch", principal: "mallory@refresh-os.example" },
      { direction: "widens", prod: true, kind: "schema", securable: "schema prod.scratch", principal: undefined },
    ]);
    expect(r.findings[0].fix).toMatch(/^REVOKE ALL PRIVILEGES ON SCHEMA prod.scratch FROM `Databricks - Dev`/);
    expect(r.findings[1].fix).toBe(`ALTER SCHEMA prod.scratch OWNER TO \`${PROD_SP}\``);
  });

  it("reports a table grant: SELECT and MODIFY on prod.gold.customers for Dev", async () => {
    const s = cleanState("full");
    ws(s, "ref-prod")["grants get table prod.gold.customers --max-results 0"] = { privilege_assignments: [{ principal: "Databricks - Dev", privileges: ["SELECT", "MODIFY"] }] };
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: true, kind: "grant", securable: "table prod.gold.customers", principal: "Databricks - Dev" }]);
    expect(r.findings[0].added).toEqual(["MODIFY", "SELECT"]);
    expect(r.findings[0].fix).toMatch(/^REVOKE MODIFY, SELECT ON TABLE prod.gold.customers FROM `Databricks - Dev`/);
  });

  it("reports a schema whose owner was changed to a user", async () => {
    const s = cleanState("full");
    schemaList(s).find((x: any) => x.name === "gold").owner = "mallory@refresh-os.example";
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: true, kind: "owner", securable: "schema prod.gold", principal: "mallory@refresh-os.example" }]);
    expect(r.findings[0].summary).toBe("owner is mallory@refresh-os.example (a user), not ml-pipelines-prod-service-principal (the owner holds every privilege on the schema and grants them)");
  });

  it("reports an external location over prod's bucket with WRITE_FILES for Dev, as prod's", async () => {
    const s = cleanState("full");
    ws(s, "ref-dev")["grants get external_location prod_landing --max-results 0"] = { privilege_assignments: [{ principal: "Databricks - Dev", privileges: ["READ_FILES", "WRITE_FILES"] }] };
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: true, kind: "grant", securable: "external_location prod_landing", principal: "Databricks - Dev" }]);
    expect(r.findings[0].environment).toBe("prod");
    expect(r.findings[0].fix).toMatch(/^REVOKE READ FILES, WRITE FILES ON EXTERNAL LOCATION `prod_landing` FROM `Databricks - Dev`/);
  });

  it("reports a new external location over a path in prod's bucket owned by a user, and a grant on its storage credential", async () => {
    const s = cleanState("full");
    ws(s, "ref-dev")["external-locations list --include-browse --include-unbound"].push({ name: "side_door", url: "S3://REF-ML-CORE-PROD-WORKSPACE-BUCKET/gold", credential_name: "side_role", owner: "mallory@refresh-os.example" });
    ws(s, "ref-dev")["storage-credentials list --include-unbound"].push({ name: "side_role", owner: "Databricks - Account Admin" });
    ws(s, "ref-dev")["grants get external_location side_door --max-results 0"] = {};
    ws(s, "ref-dev")["grants get storage_credential side_role --max-results 0"] = { privilege_assignments: [{ principal: "Databricks - Dev", privileges: ["CREATE_EXTERNAL_LOCATION"] }] };
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([
      { direction: "risk", prod: true, kind: "grant", securable: "storage_credential side_role", principal: "Databricks - Dev" },
      { direction: "risk", prod: true, kind: "owner", securable: "external_location side_door", principal: "mallory@refresh-os.example" },
    ]);
  });

  it("reports objects owned by someone else, and grants on a volume, a function and a registered model", async () => {
    const s = cleanState("full");
    const p = ws(s, "ref-prod");
    p["tables list prod silver --include-browse --omit-columns --omit-properties"][0].owner = "Databricks - Dev";
    p["grants get volume prod.bronze.landing --max-results 0"] = { privilege_assignments: [{ principal: "taylor@refresh-os.example", privileges: ["WRITE_VOLUME"] }] };
    p["functions list prod models --include-browse"] = [{ name: "score", catalog_name: "prod", schema_name: "models", full_name: "prod.models.score", owner: PROD_SP }];
    p["grants get function prod.models.score --max-results 0"] = { privilege_assignments: [{ principal: "Databricks - Dev", privileges: ["EXECUTE"] }] };
    p["grants get function prod.models.churn_classifier --max-results 0"] = { privilege_assignments: [{ principal: "Databricks - Dev", privileges: ["APPLY_TAG", "EXECUTE"] }] };
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([
      { direction: "risk", prod: true, kind: "grant", securable: "volume prod.bronze.landing", principal: "taylor@refresh-os.example" },
      { direction: "risk", prod: true, kind: "grant", securable: "function prod.models.score", principal: "Databricks - Dev" },
      { direction: "risk", prod: true, kind: "grant", securable: "model prod.models.churn_classifier", principal: "Databricks - Dev" },
      { direction: "risk", prod: true, kind: "owner", securable: "table prod.silver.messages", principal: "Databricks - Dev" },
    ]);
    expect(r.findings[2].fix).toMatch(/ON FUNCTION prod.models.churn_classifier FROM/); // Unity Catalog's SQL name for a model
  });

  it("finds a sandbox that only --include-unbound lists: ISOLATED and bound to another workspace", async () => {
    const s = cleanState("full");
    const hidden = { name: "mallory_sandbox", full_name: "mallory_sandbox", catalog_type: "MANAGED_CATALOG", isolation_mode: "ISOLATED", owner: "mallory@refresh-os.example" };
    ws(s, "ref-dev")["catalogs list"] = [...ws(s, "ref-dev")["catalogs list --include-browse --include-unbound"]]; // what the CLI lists without the flag
    ws(s, "ref-dev")["catalogs list --include-browse --include-unbound"].push(hidden);
    ws(s, "ref-dev")["grants get catalog mallory_sandbox --max-results 0"] = { privilege_assignments: [{ principal: "Databricks - Prod", privileges: ["USE_CATALOG", "SELECT"] }] };
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: false, kind: "sandbox", securable: "catalog mallory_sandbox", principal: "Databricks - Prod" }]);
    // The stand-in answers the flagless command without it, as the CLI would from the dev workspace.
    expect(respond(["catalogs", "list", "--output", "json", "--profile", "ref-dev"], {}, s).stdout).not.toContain("mallory_sandbox");
  });

  it("reports a declared schema missing live, and ignores an object dropped between listing and reading", async () => {
    const s = cleanState("full");
    ws(s, "ref-staging")["schemas list staging --include-browse"] = ws(s, "ref-staging")["schemas list staging --include-browse"].filter((x: any) => x.name !== "silver");
    ws(s, "ref-prod")["grants get table prod.gold.customers --max-results 0"] = { $error: { code: 1, stderr: "Error: Table 'prod.gold.customers' does not exist.\n" } };
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "narrows", prod: false, kind: "schema", securable: "schema staging.silver", principal: undefined }]);
  });

  it("follows the pages the CLI follows: a table on the second page of the listing is read", async () => {
    const s = cleanState("full");
    const pages = ws(s, "ref-prod")["tables list prod gold --include-browse --omit-columns --omit-properties"].$pages;
    expect(pages[0].tables).toEqual([]); // an empty first page with a token, as the API may answer
    pages[1].tables[0].owner = "mallory@refresh-os.example";
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: true, kind: "owner", securable: "table prod.gold.customers", principal: "mallory@refresh-os.example" }]);
  });
});

describe("what the audit identity cannot read: not audited, never no drift", () => {
  it("reports a schema whose tables it may not list, and still audits the rest", async () => {
    const s = cleanState("full");
    ws(s, "ref-prod")["tables list prod gold --include-browse --omit-columns --omit-properties"] = denied("User does not have USE SCHEMA on Schema 'prod.gold'.", "ref-prod", PROD_HOST);
    ws(s, "ref-prod")["grants get catalog prod --max-results 0"].privilege_assignments.push({ principal: "Databricks - Dev", privileges: ["MODIFY"] });
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([
      { direction: "risk", prod: true, kind: "not-audited", securable: "schema prod.gold", principal: undefined },
      { direction: "risk", prod: true, kind: "grant", securable: "catalog prod", principal: "Databricks - Dev" },
    ]);
    expect(r.findings[0].summary).toBe("not audited: the tables of schema prod.gold: the audit identity may not read it (User does not have USE SCHEMA on Schema 'prod.gold'.)");
    expect(renderAuditMarkdown(r, "full.yaml")).not.toMatch(/No drift/);
  });

  it("reports grants it may not read on the catalog itself", async () => {
    const s = cleanState("full");
    ws(s, "ref-prod")["grants get catalog prod --max-results 0"] = denied("User does not have MANAGE on Catalog 'prod'.", "ref-prod", PROD_HOST);
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: true, kind: "not-audited", securable: "catalog prod", principal: undefined }]);
    expect(r.findings[0].fix).toContain("`databricks grants get catalog prod --max-results 0 --output json --profile ref-prod`");
  });

  it("says the listings may be incomplete when the audit identity is not the metastore admin", async () => {
    const s = cleanState("full");
    for (const w of ["ref-dev", "ref-staging", "ref-prod"] as const) ws(s, w)["current-user me"].groups = [{ display: "auditors" }];
    const r = await audit(s);
    expect(r.findings.map((f) => [f.kind, f.direction, f.securable])).toEqual([["not-audited", "risk", "4c140405-61ff-4e4e-9684-07078639218e"]]);
    expect(r.findings[0].summary).toMatch(/^not audited: the audit identity is not the metastore admin \(metastore-admins; its groups: auditors\)/);
  });

  it("says everything read is another metastore's when the workspace is attached elsewhere", async () => {
    const s = cleanState("full");
    ws(s, "ref-dev")["metastores summary"].metastore_id = "99999999-0000-4000-8000-000000000000";
    const r = await audit(s);
    expect(r.findings.map((f) => f.summary)).toEqual([expect.stringMatching(/^not audited: environments.dev's workspace is attached to metastore 99999999-/)]);
  });

  it("reports the storage it may not list", async () => {
    const s = cleanState("full");
    ws(s, "ref-dev")["external-locations list --include-browse --include-unbound"] = denied("User does not have permission to list external locations.", "ref-dev", DEV_HOST);
    const r = await audit(s);
    expect(r.findings.map((f) => [f.kind, f.summary.split(":").slice(0, 2).join(":")])).toEqual([["not-audited", "not audited: the metastore's external locations"]]);
  });
});

describe("the model's own grants on storage", () => {
  it("allows the sandbox creators CREATE_MANAGED_STORAGE on the model's sandbox location, and nothing more", async () => {
    const data = defaultModelData();
    data.sandbox.storage = { externalLocation: "ref-ml-core-dev-sandboxes", url: "s3://ref-ml-core-dev-workspace-bucket/sandboxes" };
    const m = parseEnvironmentModel(stringify(data), "environments.yaml");
    const s = cleanState("default");
    ws(s, "ref-dev")["external-locations list --include-browse --include-unbound"].push({ name: "ref-ml-core-dev-sandboxes", url: "s3://ref-ml-core-dev-workspace-bucket/sandboxes/", credential_name: "ml_core_role", owner: "Databricks - Account Admin" });
    ws(s, "ref-dev")["grants get external_location ref-ml-core-dev-sandboxes --max-results 0"] = { privilege_assignments: [{ principal: "Databricks - Dev", privileges: ["CREATE_MANAGED_STORAGE"] }] };
    expect((await audit(s, { model: m })).findings).toEqual([]);
    ws(s, "ref-dev")["grants get external_location ref-ml-core-dev-sandboxes --max-results 0"].privilege_assignments[0].privileges.push("WRITE_FILES");
    const r = await audit(s, { model: m });
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: false, kind: "grant", securable: "external_location ref-ml-core-dev-sandboxes", principal: "Databricks - Dev" }]);
    expect(r.findings[0].added).toEqual(["WRITE_FILES"]);
  });

  it("refuses CREATE_MANAGED_STORAGE on a location the model does not name", async () => {
    const data = model("full");
    expect(data.sandbox.storage).toBeUndefined(); // the full model has none: the location below is not the model's
    const s = cleanState("full");
    ws(s, "ref-dev")["grants get external_location prod_landing --max-results 0"] = { privilege_assignments: [{ principal: "Databricks - Dev", privileges: ["CREATE_MANAGED_STORAGE"] }] };
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: true, kind: "grant", securable: "external_location prod_landing", principal: "Databricks - Dev" }]);
  });
});
