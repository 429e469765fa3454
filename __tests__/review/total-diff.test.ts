/**
 * The grants diff is total: every difference between two configurations is listed, access changes
 * with their classification, everything else under its heading. A reviewer never reads "no changes"
 * over a change. Each case is a change that used to show as "No access changes." or as neutral.
 */
import { diffOutputs, prodScope, renderDiffMarkdown, type AccessChange } from "../../lib/review/diff";
import type { SynthesizedStack } from "../../lib/output/stack";
import { defaultModel, defaultModelData, modelFrom, synthOutput } from "../helpers";
import { edited } from "./support";

const model = defaultModel();
const open = synthOutput(model);
const diff = (after: readonly SynthesizedStack[], ...models: Parameters<typeof prodScope>[1][]) =>
  diffOutputs(open, after, prodScope([open, after], ...(models.length > 0 ? models : [model])));
const brief = (c: AccessChange) => `${c.prod ? "PROD " : ""}${c.direction} ${c.kind}${c.heading ? `/${c.heading}` : ""} ${c.stack} ${c.resource}${c.attribute ? ` ${c.attribute}` : ""}`;
const changes = (stack: string, edit: (j: any) => void) => diff(edited(open, stack, edit)).map(brief);

describe("the total grants diff", () => {
  it.each([
    ["the provider re-aimed at dev", "ref-prod", (j: any) => (j.provider.databricks[0].host = "https://dbc-a72d6af9-df3d.cloud.databricks.com"), ["PROD risk config/provider ref-prod provider.databricks host"]],
    ["a second provider", "ref-prod", (j: any) => (j.provider.dbx = [{ host: "x" }]), ["PROD risk config/provider ref-prod provider.dbx"]],
    ["the backend's state path", "ref-prod", (j: any) => (j.terraform.backend.local.path = "../../../terraform.ref-dev.tfstate"), ["PROD risk config/backend and state ref-prod terraform.backend local"]],
    ["an import block", "ref-prod", (j: any) => j.import.push({ to: "databricks_schema.prod__gold", id: "staging.gold" }), ["PROD neutral config/import, moved, removed ref-prod import databricks_schema.prod__gold"]],
    ["a removed block", "ref-prod", (j: any) => (j.removed = [{ from: "databricks_catalog.prod", lifecycle: { destroy: true } }]), ["PROD risk config/import, moved, removed ref-prod removed databricks_catalog.prod"]],
    ["a schema removed in production", "ref-prod", (j: any) => delete j.resource.databricks_schema.prod__gold, ["PROD risk config/catalogs and schemas ref-prod databricks_schema.prod__gold"]],
    ["an unknown resource", "ref-dev", (j: any) => (j.resource.terraform_data = { x: { provisioner: [{ "local-exec": { command: "env" } }] } }), ["widens config/other resources ref-dev terraform_data.x"]],
    ["a comment on a schema", "ref-dev", (j: any) => (j.resource.databricks_schema.dev__gold.comment = "changed"), ["neutral config/catalogs and schemas ref-dev databricks_schema.dev__gold comment"]],
    ["an application_id pinned on the deployer", "ref-prod", (j: any) => (j.resource.databricks_service_principal.prod.application_id = "f920d175-cf7c-43a2-a6c0-e9ccb42c02d2"), [
      "PROD risk config/principals and lookups ref-prod databricks_service_principal.prod application_id",
      // Replacing the principal gives it another application ID: what names it changes with it.
      "PROD neutral config/catalogs and schemas ref-prod databricks_catalog.prod",
      "PROD risk config/other resources ref-prod databricks_grant.catalog_prod__sp_prod",
      "PROD risk config/other resources ref-prod databricks_grant.catalog_staging__sp_prod",
      "PROD risk config/other resources ref-prod databricks_grant.schema_staging__models__sp_prod",
    ]],
    ["a lookup re-aimed at another group", "ref-prod", (j: any) => (j.data.databricks_group.prod_readonly.display_name = "Databricks - Dev"), [
      // The grant now names another principal: its access moves from one group to the other, the
      // read-only group is gone (shown through the lookup that named it), and the lookup's change itself.
      "PROD narrows grant ref-prod databricks_grant.catalog_prod__group_prod_readonly",
      "PROD widens grant ref-prod databricks_grant.catalog_prod__group_prod_readonly",
      "PROD neutral principal ref-prod data.databricks_group.prod_readonly",
      "PROD neutral config/principals and lookups ref-prod data.databricks_group.prod_readonly display_name",
    ]],
  ])("lists %s", (_, stack, edit, expected) => {
    expect(changes(stack, edit).sort()).toEqual([...expected].sort());
  });

  it("lists what else a grant block carries when its privileges change (a provisioner, a provider)", () => {
    const got = changes("ref-prod", (j) => {
      const g = j.resource.databricks_grant.catalog_prod__group_prod_readonly;
      g.privileges = g.privileges.filter((p: string) => p !== "READ_VOLUME");
      g.provisioner = [{ "local-exec": { command: "env" } }];
      g.provider = "databricks";
    });
    expect(got.sort()).toEqual(
      [
        "PROD narrows grant ref-prod databricks_grant.catalog_prod__group_prod_readonly",
        "PROD risk config/other resources ref-prod databricks_grant.catalog_prod__group_prod_readonly provider",
        "PROD risk config/other resources ref-prod databricks_grant.catalog_prod__group_prod_readonly provisioner",
      ].sort(),
    );
  });

  it("lists what else a new grant block carries", () => {
    const got = changes("ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__x = { catalog: "prod", principal: "Databricks - Dev", privileges: ["SELECT"], provisioner: [{ "local-exec": { command: "env" } }] }));
    expect(got).toContain("PROD risk config/other resources ref-prod databricks_grant.catalog_prod__x");
  });

  it("marks a removed production catalog as a risk", () => {
    const got = diff(edited(open, "ref-prod", (j) => delete j.resource.databricks_catalog.prod));
    expect(got.find((c) => c.kind === "catalog")).toMatchObject({ prod: true, direction: "risk", summary: expect.stringContaining("catalog removed") });
  });

  it("marks a grant on PROD (any case) as production, from whichever stack", () => {
    const got = diff(edited(open, "ref-dev", (j) => (j.resource.databricks_grant.catalog_prod__x = { catalog: "PROD", principal: "Databricks - Dev", privileges: ["MODIFY"] })));
    expect(got.find((c) => c.kind === "grant")).toMatchObject({ prod: true, direction: "widens", securable: "PROD" });
  });

  it("lists a stack that disappears", () => {
    const got = diff(open.filter((s) => s.name !== "ref-staging")).map(brief);
    // Terraform plans nothing for a stack that is gone: its catalog is not deleted, its grants not
    // revoked; the one row says so (and how to retire it instead).
    expect(got).toEqual(["risk config/stack ref-staging (stack)"]);
  });

  it("never says there is nothing when only non-access configuration changed", () => {
    const md = renderDiffMarkdown(diff(edited(open, "ref-prod", (j) => (j.terraform.backend.local.path = "../../../elsewhere.tfstate"))));
    expect(md).toMatch(/^### Access changes: none$/m);
    expect(md).toMatch(/^### Other configuration changes: 1, \*\*1 in PROD\*\*$/m);
    expect(md).toMatch(/^#### Backend and state$/m);
    expect(md).toContain("| **! risk** | **PROD** | ref-prod | `terraform.backend` |");
  });

  it("takes production from the base side's model: a pull request cannot un-mark it", () => {
    const data = defaultModelData();
    data.production = "dev";
    delete data.environments.staging.promotion; // nothing promotes from production (the loader refuses it)
    const head = modelFrom(data);
    const widened = edited(open, "ref-prod", (j) => j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges.push("MODIFY"));
    const [change] = diffOutputs(open, widened, prodScope([open, widened], model, head));
    expect(change).toMatchObject({ prod: true, direction: "widens" });
    // And the head side's production is marked too.
    const dev = edited(open, "ref-dev", (j) => j.resource.databricks_grant.catalog_dev__group_dev.privileges.push("MODIFY"));
    expect(diffOutputs(open, dev, prodScope([open, dev], model, head))[0].prod).toBe(true);
  });
});
