import { grantRows } from "../../lib/output/grants";
import { environmentsOf } from "../../lib/review/environments";
import { renderMarkdown, reportRows } from "../../lib/review/report";
import { defaultModel, defaultModelData, modelFrom, synthOutput } from "../helpers";

const output = synthOutput(defaultModel());
const rows = grantRows(output);

describe("effective-permissions report", () => {
  it("gives one JSON row per declared grant with exactly the documented fields, sorted", () => {
    const json = reportRows(rows);
    expect(json).toHaveLength(rows.length);
    for (const r of json) expect(Object.keys(r)).toEqual(["stack", "resource", "securableType", "securable", "principal", "principalKind", "privileges"]);
    const keys = json.map((r) => [r.securableType, r.securable, r.principal, r.stack, r.resource].join("\u0000"));
    expect(keys).toEqual([...keys].sort());
  });

  it("resolves principals to display names, keeping the grant's address", () => {
    expect(reportRows(rows)).toContainEqual({
      stack: "ref-staging",
      resource: "databricks_grant.schema_dev__models__sp_staging",
      securableType: "schema",
      securable: "dev.models",
      principal: "ml-pipelines-staging-service-principal",
      principalKind: "service_principal",
      privileges: ["EXECUTE", "READ_VOLUME", "SELECT", "USE_SCHEMA"],
    });
  });

  it("renders a Markdown table per securable type: principals down, catalogs across, access levels in the cells", () => {
    const md = renderMarkdown(rows, "cdktf.out", output.length, environmentsOf(defaultModel()));
    expect(md.match(/^#### .*$/gm)).toEqual(["#### metastore", "#### catalog", "#### schema"]);
    expect(md).toContain("| Databricks - Prod - ReadOnly (group) | read |  |  |");
    expect(md).toContain("| ml-pipelines-staging-service-principal (service principal) | models: read |  |");
    expect(md).toContain("| ml-pipelines-staging-service-principal (service principal) |  | use | all |");
  });

  it("puts production's column first and marks it PROD, then the model's order, with or without a model", () => {
    // Without a model: a catalog is the environment of the stack that declares it, production a stack named prod.
    for (const envs of [environmentsOf(defaultModel()), environmentsOf(undefined, output)]) {
      const md = renderMarkdown(rows, "cdktf.out", output.length, envs);
      expect(md).toContain("| Principal | PROD: prod | dev | staging |");
    }
    // The model's order, not the alphabet: staging listed before dev.
    const data = defaultModelData();
    data.environments = { staging: data.environments.staging, dev: data.environments.dev, prod: data.environments.prod };
    data.production = "prod";
    expect(renderMarkdown(rows, "cdktf.out", output.length, environmentsOf(modelFrom(data)))).toContain("| Principal | PROD: prod | staging | dev |");
  });

  it("names the metastore column by what it is, never a bare ID", () => {
    const md = renderMarkdown(rows, "cdktf.out", output.length, environmentsOf(undefined, output));
    expect(md).toContain("| Principal | metastore (4c140405-61ff-4e4e-9684-07078639218e) |");
    expect(md).not.toMatch(/\| 4c140405/);
  });

  it("names a privilege list by its level only when it is exactly that level, and spells out the levels it used", () => {
    const md = renderMarkdown(rows, "cdktf.out", output.length, environmentsOf(undefined, output));
    expect(md.split("Access levels (lib/permissions.ts):\n")[1].trim().split("\n")).toEqual([
      "- `read`: USE_CATALOG, USE_SCHEMA, SELECT, EXECUTE, READ_VOLUME on a catalog; USE_SCHEMA, SELECT, EXECUTE, READ_VOLUME on a schema",
      "- `use`: USE_CATALOG",
      "- `all`: ALL_PRIVILEGES",
      "- `create_catalog`: CREATE_CATALOG",
    ]);
    const dev = output.find((s) => s.name === "ref-dev")!;
    const json = JSON.parse(JSON.stringify(dev.json));
    json.resource.databricks_grant.catalog_dev__group_dev.privileges = ["USE_CATALOG", "USE_SCHEMA", "SELECT", "MODIFY"];
    const edited = renderMarkdown(grantRows([{ name: "ref-dev", json }]), "x", 1, environmentsOf(undefined));
    expect(edited).toContain("| Databricks - Dev (group) | MODIFY, SELECT, USE_CATALOG, USE_SCHEMA |");
    expect(edited).not.toContain("- `read`");
  });

  it("lists groups before service principals, each by name", () => {
    const md = renderMarkdown(rows, "cdktf.out", output.length, environmentsOf(undefined, output));
    const catalogTable = md.split("#### catalog")[1].split("####")[0];
    const principals = [...catalogTable.matchAll(/^\| (.+?) \(/gm)].map((m) => m[1]).filter((p) => p !== "Principal");
    expect(principals).toEqual([
      "Databricks - Account Admin",
      "Databricks - Dev",
      "Databricks - Prod - ReadOnly",
      "ml-pipelines-dev-service-principal",
      "ml-pipelines-prod-service-principal",
      "ml-pipelines-staging-service-principal",
    ]);
  });

  it("flags a pair declared twice and a grant it cannot resolve under the tables", () => {
    const dev = output.find((s) => s.name === "ref-dev")!;
    const json = JSON.parse(JSON.stringify(dev.json));
    json.resource.databricks_grant.catalog_dev__ghost = { catalog: "dev", principal: "${data.databricks_group.ghost.display_name}", privileges: ["SELECT"] };
    const md = renderMarkdown(grantRows([dev, { name: "ref-copy", json }]), "x", 2, environmentsOf(undefined));
    expect(md).toContain("all (declared 2×)");
    expect(md).toContain("- unresolved: ref-copy `databricks_grant.catalog_dev__ghost`: principal ${data.databricks_group.ghost.display_name} refers to data.databricks_group.ghost");
  });
});
