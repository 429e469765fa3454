/**
 * The deploy check (lib/deploy/check.ts) over plan JSON crafted by someone who wants Dev to write to
 * prod past the approver: the plan is checked against the synthesized stack it claims to be of.
 * (The real terraform's plans of honest changes pass: __tests__/e2e/deploy.test.ts.)
 */
import { checkDeployPlan, formatDeployCheck } from "../../lib/deploy/check";
import { resourceBodies } from "../../lib/output/blocks";
import { defaultModel, isolatedModel, synthOutput } from "../helpers";

const prod = synthOutput(defaultModel()).find((s) => s.name === "ref-prod")!;
const SP_ID = "5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const GROUPS: Record<string, string> = { account_admin: "Databricks - Account Admin", prod_readonly: "Databricks - Prod - ReadOnly" };

/** Terraform's plan of the honest stack: every declared resource planned with exactly its values (references resolved). */
function honestPlan(): any {
  const resolve = (v: unknown): unknown => {
    if (typeof v !== "string") return Array.isArray(v) ? v.map(resolve) : v;
    const m = /^\$\{(data\.databricks_group\.(\w+)\.display_name|databricks_catalog\.(\w+)\.name|databricks_service_principal\.\w+\.application_id)\}$/.exec(v);
    if (!m) return v;
    return m[2] ? GROUPS[m[2]] : m[3] ? m[3] : SP_ID;
  };
  const resource_changes = [...resourceBodies(prod)].map(([address, body]) => ({
    address,
    mode: "managed",
    type: address.split(".")[0],
    name: address.split(".")[1],
    change: { actions: ["no-op"], before: {}, after: Object.fromEntries(Object.entries(body).filter(([k]) => k !== "lifecycle").map(([k, v]) => [k, resolve(v)])), after_unknown: {} },
  }));
  const prior = [
    ...Object.entries(GROUPS).map(([k, name]) => ({ address: `data.databricks_group.${k}`, mode: "data", values: { display_name: name } })),
    { address: "databricks_service_principal.prod", mode: "managed", values: { display_name: "ml-pipelines-prod-service-principal", application_id: SP_ID } },
  ];
  return { format_version: "1.2", resource_changes, prior_state: { values: { root_module: { resources: prior } } } };
}
const grantChange = (plan: any, address: string) => plan.resource_changes.find((r: any) => r.address === address);
const check = (plan: unknown) => checkDeployPlan(prod, plan);

describe("the deploy check binds the plan to the reviewed output", () => {
  it("passes the plan terraform makes of the stack", () => {
    const c = check(honestPlan());
    expect(c.mismatched).toEqual([]);
    expect(formatDeployCheck(c).at(-1)).toMatch(/deploy guard: passed/);
  });

  it("rejects Dev's MODIFY on prod hidden as an update of the read-only group's grant", () => {
    const plan = honestPlan();
    const g = grantChange(plan, "databricks_grant.catalog_prod__group_prod_readonly");
    g.change.actions = ["update"];
    g.change.after = { ...g.change.after, principal: "Databricks - Dev", privileges: ["MODIFY", "SELECT", "USE_CATALOG", "USE_SCHEMA"] };
    const c = check(plan);
    expect(c.unexplained).toEqual([]);
    expect(c.mismatched.map((m) => [m.address, m.attribute])).toEqual([
      ["databricks_grant.catalog_prod__group_prod_readonly", "principal"],
      ["databricks_grant.catalog_prod__group_prod_readonly", "privileges"],
    ]);
    expect(formatDeployCheck(c).at(-1)).toMatch(/deploy guard: FAILED: .*2 values other than the output's; nothing is applied/);
  });

  it("rejects a plan of another commit's output for the same addresses (the catalog's owner handed to Dev)", () => {
    const plan = honestPlan();
    grantChange(plan, "databricks_catalog.prod").change.after.owner = "Databricks - Dev";
    expect(check(plan).mismatched.map((m) => `${m.address} ${m.attribute} ${m.planned}`)).toEqual(['databricks_catalog.prod owner "Databricks - Dev"']);
  });

  it("rejects an attribute the output leaves to the provider that the plan changes: prod's schema handed to Dev (an owner the stack does not declare)", () => {
    const plan = honestPlan();
    const s = grantChange(plan, "databricks_schema.prod__bronze");
    s.change.actions = ["update"];
    s.change.before = { ...s.change.after, owner: "ml-pipelines-prod-service-principal", id: "prod.bronze" };
    s.change.after = { ...s.change.after, owner: "Databricks - Dev", id: "prod.bronze" };
    const c = check(plan);
    expect(c.unexplained).toEqual([]);
    expect(c.mismatched.map((m) => `${m.address} ${m.attribute} ${m.planned}`)).toEqual(['databricks_schema.prod__bronze owner "Databricks - Dev"']);
    expect(formatDeployCheck(c).at(-1)).toMatch(/deploy guard: FAILED/);
  });

  it("passes attributes the output leaves to the provider that the plan keeps, leaves unknown, drops, or fills in with the provider's default (an import's force_destroy)", () => {
    const plan = honestPlan();
    const s = grantChange(plan, "databricks_schema.prod__bronze");
    s.change.actions = ["update"];
    s.change.before = { ...s.change.after, owner: "ml-pipelines-prod-service-principal", id: "prod.bronze", storage_root: "s3://old", schema_id: "1", force_destroy: null };
    s.change.after = { ...s.change.after, owner: "ml-pipelines-prod-service-principal", id: "prod.bronze", storage_root: null, force_destroy: false };
    s.change.after_unknown = { schema_id: true };
    expect(check(plan).mismatched).toEqual([]);
  });

  it("rejects a value the plan leaves unknown where the output sets a literal, and a reference it cannot resolve", () => {
    const plan = honestPlan();
    const g = grantChange(plan, "databricks_grant.catalog_staging__sp_prod");
    g.change.after_unknown = { catalog: true };
    expect(check(plan).mismatched.map((m) => [m.attribute, m.planned])).toEqual([["catalog", "(unknown until apply)"]]);
    const noState = honestPlan();
    noState.prior_state = { values: { root_module: { resources: [] } } };
    expect(check(noState).mismatched.map((m) => m.attribute)).toEqual(expect.arrayContaining(["principal"]));
  });

  it("passes a principal unknown until apply where the output refers to one not yet created", () => {
    const plan = honestPlan();
    const g = grantChange(plan, "databricks_grant.catalog_prod__sp_prod");
    g.change.actions = ["create"];
    delete g.change.after.principal;
    g.change.after_unknown = { principal: true };
    expect(check(plan).mismatched).toEqual([]);
  });

  it("rejects prod's workspace in dev's binding in either type, comparing as terraform assigns (a string given to a number attribute is the number)", () => {
    // The account stack's honest plan shows a data source's string sp_id as a number principal_id
    // (__tests__/e2e/deploy.test.ts); here a binding's workspace ID, the other way round.
    const dev = synthOutput(isolatedModel()).find((s) => s.name === "ref-dev")!;
    const binding = (workspace_id: unknown) => ({
      format_version: "1.2",
      resource_changes: [
        {
          address: "databricks_workspace_binding.catalog_dev__workspace_staging",
          mode: "managed",
          type: "databricks_workspace_binding",
          name: "catalog_dev__workspace_staging",
          change: { actions: ["create"], before: null, after: { binding_type: "BINDING_TYPE_READ_ONLY", securable_name: "dev", securable_type: "catalog", workspace_id }, after_unknown: {} },
        },
      ],
    });
    expect(checkDeployPlan(dev, binding(2222222222222222))).toMatchObject({ losses: [], unexplained: [], mismatched: [] });
    expect(checkDeployPlan(dev, binding("2222222222222222")).mismatched).toEqual([]);
    for (const prodWorkspace of [3333333333333333, "3333333333333333", "", true]) {
      expect(checkDeployPlan(dev, binding(prodWorkspace)).mismatched.map((m) => `${m.attribute} ${m.planned}`)).toEqual([`workspace_id ${JSON.stringify(prodWorkspace)}`]);
    }
  });
});
