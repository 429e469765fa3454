import { grantRows } from "../../lib/review/grants";
import { renderMarkdown, reportRows } from "../../lib/review/report";
import { defaultModel, synthOutput } from "../helpers";

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

  it("renders a Markdown table per securable type: principals down, catalogs across", () => {
    const md = renderMarkdown(rows, "cdktf.out", output.length);
    expect(md.match(/^#### .*$/gm)).toEqual(["#### metastore", "#### catalog", "#### schema"]);
    expect(md).toContain("| Principal | dev | prod | staging |");
    expect(md).toContain("| Databricks - Prod - ReadOnly (group) |  | EXECUTE, READ_VOLUME, SELECT, USE_CATALOG, USE_SCHEMA |  |");
    expect(md).toContain("| ml-pipelines-staging-service-principal (service principal) | models: EXECUTE, READ_VOLUME, SELECT, USE_SCHEMA |  |");
  });

  it("lists groups before service principals, each by name", () => {
    const md = renderMarkdown(rows, "cdktf.out", output.length);
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
    const md = renderMarkdown(grantRows([dev, { name: "ref-copy", json }]), "x", 2);
    expect(md).toContain("ALL_PRIVILEGES (declared 2×)");
    expect(md).toContain("- unresolved: ref-copy `databricks_grant.catalog_dev__ghost`: principal ${data.databricks_group.ghost.display_name} refers to data.databricks_group.ghost");
  });
});
