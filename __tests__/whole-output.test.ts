import { duplicatePairs, grantRows } from "../lib/review/grants";
import { synthChecks } from "../lib/synth";
import { defaultModel, isolatedModel, synthModel } from "./helpers";

const READ = ["EXECUTE", "READ_VOLUME", "SELECT", "USE_CATALOG", "USE_SCHEMA"];
const READ_SCHEMA = ["EXECUTE", "READ_VOLUME", "SELECT", "USE_SCHEMA"];
const ALL = ["ALL_PRIVILEGES"];

/**
 * The permission table of the issue, written out independently of the code: principal ->
 * securable -> privileges. Anything not listed must not be granted.
 */
const EXPECTED: Record<string, Record<string, string[]>> = {
  "Databricks - Dev": {
    "metastore 4c140405-61ff-4e4e-9684-07078639218e": ["CREATE_CATALOG"],
    "catalog dev": READ,
    "catalog staging": READ,
  },
  "Databricks - Account Admin": { "catalog dev": ALL, "catalog staging": ALL, "catalog prod": ALL },
  "Databricks - Prod - ReadOnly": { "catalog prod": READ },
  "ml-pipelines-dev-service-principal": { "catalog dev": ALL },
  "ml-pipelines-staging-service-principal": {
    "catalog staging": ALL,
    "catalog dev": ["USE_CATALOG"],
    "schema dev.models": READ_SCHEMA,
  },
  "ml-pipelines-prod-service-principal": {
    "catalog prod": ALL,
    "catalog staging": ["USE_CATALOG"],
    "schema staging.models": READ_SCHEMA,
  },
};

function effective(model = defaultModel()): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const row of grantRows(synthModel(model).output)) {
    out[row.principal] ??= {};
    const key = `${row.securableType} ${row.securable}`;
    out[row.principal][key] = [...new Set([...(out[row.principal][key] ?? []), ...row.privileges])].sort();
  }
  return out;
}

describe("effective permissions over all stacks", () => {
  it("equal the permission table exactly, with open catalogs", () => {
    expect(effective()).toEqual(EXPECTED);
  });

  it("equal the permission table exactly, with isolated catalogs", () => {
    expect(effective(isolatedModel())).toEqual(EXPECTED);
  });

  it("give the staging and prod groups nothing", () => {
    const e = effective();
    expect(e["Databricks - Staging"]).toBeUndefined();
    expect(e["Databricks - Prod"]).toBeUndefined();
  });
});

describe("ownership", () => {
  const { output } = synthModel(defaultModel());

  it("declares each (securable, principal) pair in exactly one stack", () => {
    expect(duplicatePairs(grantRows(output))).toEqual([]);
    expect(synthChecks(output)).toEqual([]);
  });

  it("uses no authoritative databricks_grants anywhere", () => {
    for (const { json } of output) expect(json.resource?.databricks_grants).toBeUndefined();
  });

  it("fails the synth check when a pair is declared by two stacks", () => {
    const dev = output.find((s) => s.name === "ref-dev")!;
    const copy = JSON.parse(JSON.stringify(dev.json));
    const twin = { name: "ref-copy", json: copy };
    const violations = synthChecks([...output, twin]);
    expect(violations.join("\n")).toMatch(/catalog dev \/ Databricks - Dev: declared by ref-copy databricks_grant\.catalog_dev__group_dev and ref-dev/);
  });
});

describe("secrets", () => {
  it("contain nothing secret-shaped in any stack", () => {
    for (const { name, json } of synthModel(isolatedModel()).output) {
      const text = JSON.stringify(json);
      expect({ name, hit: text.match(/dapi[0-9a-f]{32}|"(token|client_secret|password|azure_client_secret|google_credentials)"/) }).toEqual({ name, hit: null });
      expect(Object.keys(json.resource ?? {})).not.toEqual(expect.arrayContaining(["databricks_token"]));
      for (const t of ["databricks_token", "databricks_service_principal_secret", "databricks_obo_token"]) {
        expect(json.resource?.[t]).toBeUndefined();
      }
    }
  });
});
