import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Grant, type TerraformStack } from "../lib/cdk";
import { buildApp } from "../lib/app";
import { duplicatePairs, grantRows } from "../lib/output/grants";
import { checkGate, formatViolation } from "../lib/gate/check";
import { desiredState } from "../lib/desired-state";
import { SynthCheckError, synthToDirectory } from "../lib/synth";
import { defaultModel, isolatedModel, previousOutput, strayEntries, synthOutput } from "./helpers";

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
  for (const row of grantRows(synthOutput(model))) {
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
  const output = synthOutput(defaultModel());

  it("declares each (securable, principal) pair in exactly one stack, and passes the policy gate", () => {
    expect(duplicatePairs(grantRows(output))).toEqual([]);
    expect(checkGate(output, desiredState(defaultModel())).violations.map(formatViolation)).toEqual([]);
  });

  it("uses no authoritative databricks_grants anywhere", () => {
    for (const { json } of output) expect(json.resource?.databricks_grants).toBeUndefined();
  });

  it("fails the policy when a pair is declared by two stacks", () => {
    const dev = output.find((s) => s.name === "ref-dev")!;
    const twin = { name: "ref-copy", json: JSON.parse(JSON.stringify(dev.json)) };
    const violations = checkGate([...output, twin], desiredState(defaultModel())).violations.map(formatViolation);
    expect(violations).toContainEqual(
      expect.stringMatching(/^ref-dev databricks_grant\.catalog_dev__group_dev: \[duplicate-pair\] Databricks - Dev \/ catalog dev: also declared by ref-copy/),
    );
  });

  it("refuses to synthesize output that breaks the policy, and leaves the previous output untouched", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-refuse-"));
    const out = path.join(dir, "cdktf.out");
    const previous = previousOutput(out, "previous");
    const model = defaultModel();
    const build = (staging: string) => {
      const app = buildApp(model, staging, dir);
      // A grant written by hand around the constructs: the dev group may not write to prod.
      const prod = app.node.children.find((c) => c.node.id === "ref-prod") as TerraformStack;
      new Grant(prod, "by-hand", { catalog: "prod", principal: "Databricks - Dev", privileges: ["MODIFY"] });
      return { app, model };
    };
    expect(() => synthToDirectory(build, out)).toThrow(SynthCheckError);
    expect(() => synthToDirectory(build, out)).toThrow(/\[write-outside-own-environment\] Databricks - Dev \/ catalog prod \/ MODIFY/);
    expect(fs.readdirSync(out).sort()).toEqual(previous);
    expect(strayEntries(dir)).toEqual([]);
  });
});

describe("secrets", () => {
  it("contain nothing secret-shaped in any stack", () => {
    for (const { name, json } of synthOutput(isolatedModel())) {
      const text = JSON.stringify(json);
      expect({ name, hit: text.match(/dapi[0-9a-f]{32}|"(token|client_secret|password|azure_client_secret|google_credentials)"/) }).toEqual({ name, hit: null });
      expect(Object.keys(json.resource ?? {})).not.toEqual(expect.arrayContaining(["databricks_token"]));
      for (const t of ["databricks_token", "databricks_service_principal_secret", "databricks_obo_token"]) {
        expect(json.resource?.[t]).toBeUndefined();
      }
    }
  });
});
