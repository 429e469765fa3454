/** The plan guard (lib/rehearse/plan-guard.ts) on plans in terraform's JSON form. */
import { formatFinding, guardPlan } from "../../lib/rehearse/plan-guard";

const plan = (...changes: object[]) => ({ format_version: "1.2", resource_changes: changes });
const change = (address: string, actions: string[], extra: object = {}) => ({ address, type: address.split(".")[0], change: { actions }, ...extra });

describe("the plan guard", () => {
  it("passes creates, updates, imports, forgets and no-ops, and destroys of types that hold no data", () => {
    expect(
      guardPlan(
        plan(
          change("databricks_catalog.dev", ["update"], { change: { actions: ["update"], importing: { id: "dev" } } }),
          change("databricks_schema.dev__gold", ["create"]),
          change("databricks_schema.dev__old", ["forget"]),
          change("databricks_service_principal.dev", ["no-op"]),
          change("databricks_grant.catalog_dev__group_dev", ["delete"]),
          change("databricks_workspace_binding.b", ["delete", "create"]),
        ),
      ),
    ).toEqual([]);
  });

  it("fails a schema destroyed because its block left the configuration, with terraform's reason", () => {
    const findings = guardPlan(plan(change("databricks_schema.dev__gold", ["delete"], { action_reason: "delete_because_no_resource_config" })));
    expect(findings).toEqual([
      { address: "databricks_schema.dev__gold", type: "databricks_schema", action: "destroy", actions: ["delete"], reason: "its block is no longer in the configuration (delete_because_no_resource_config)" },
    ]);
    expect(formatFinding("ref-dev", findings[0])).toBe("ref-dev: databricks_schema.dev__gold would be DESTROYED: its block is no longer in the configuration (delete_because_no_resource_config)");
  });

  it("fails a replace either way round, naming the attributes that force it", () => {
    const r = (actions: string[]) =>
      guardPlan(plan({ ...change("databricks_catalog.prod", actions), action_reason: "replace_because_cannot_update", change: { actions, replace_paths: [["storage_root"]] } }));
    expect(r(["delete", "create"])[0]).toMatchObject({ action: "replace", reason: "storage_root forces replacement: a changed attribute cannot be updated in place (replace_because_cannot_update)" });
    expect(r(["create", "delete"])[0]).toMatchObject({ action: "replace" });
    expect(guardPlan(plan(change("databricks_service_principal.prod", ["delete", "create"], { action_reason: "replace_by_request" })))[0].reason).toBe(
      "replacement was requested (-replace or replace_triggered_by) (replace_by_request)",
    );
  });

  it.each([
    ["not an object", []],
    ["no format version (not terraform show -json)", { resource_changes: [] }],
    ["another major format", { format_version: "2.0", resource_changes: [] }],
    ["resource_changes not a list", { format_version: "1.2", resource_changes: {} }],
    ["a change without actions", plan({ address: "databricks_schema.x", type: "databricks_schema", change: {} })],
  ])("rejects a plan it cannot read (%s): fails closed", (_name, input) => {
    const findings = guardPlan(input);
    expect(findings).toHaveLength(1);
    expect(findings[0].action).toBe("unreadable");
  });
});
