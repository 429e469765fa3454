/**
 * What the grants diff predicts terraform does to each resource (lib/review/terraform-plan.ts), and
 * the plan guard that compares a real plan with it (lib/rehearse/plan-guard.ts). The real terraform
 * checks the prediction on a corpus of model changes (__tests__/e2e/corpus.test.ts); these are the
 * rules one by one, on the reference organisation's output with one edit.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkPlan, formatPlanCheck } from "../../lib/rehearse/plan-guard";
import { changeKey, plannedByTerraform, predictPlan } from "../../lib/review/terraform-plan";
import { defaultModel, synthOutput } from "../helpers";
import { runInProcess } from "../run-command";
import { edited } from "./support";

const open = synthOutput(defaultModel());
const keys = (out: typeof open) => predictPlan(open, out).map(changeKey);

describe("what terraform does, predicted from the two configurations", () => {
  it("predicts nothing for the same output", () => {
    expect(predictPlan(open, open)).toEqual([]);
  });

  it("updates a grant whose privileges change, in any order of the set", () => {
    expect(keys(edited(open, "ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges = ["SELECT", "USE_CATALOG", "USE_SCHEMA", "MODIFY"])))).toEqual([
      "ref-prod databricks_grant.catalog_prod__group_prod_readonly update",
    ]);
    expect(keys(edited(open, "ref-prod", (j) => j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges.reverse()))).toEqual([]);
  });

  it("replaces what the provider cannot change in place: a schema's name, a grant's principal, any attribute of a binding", () => {
    expect(keys(edited(open, "ref-dev", (j) => (j.resource.databricks_schema.dev__gold.name = "golden")))).toEqual(["ref-dev databricks_schema.dev__gold replace"]);
    expect(keys(edited(open, "ref-dev", (j) => (j.resource.databricks_grant.catalog_dev__group_dev.principal = "Databricks - Prod")))).toEqual(["ref-dev databricks_grant.catalog_dev__group_dev replace"]);
    const bound = edited(open, "ref-dev", (j) => (j.resource.databricks_workspace_binding = { b: { securable_name: "dev", securable_type: "catalog", workspace_id: 1, binding_type: "BINDING_TYPE_READ_ONLY" } }));
    expect(predictPlan(bound, edited(bound, "ref-dev", (j) => (j.resource.databricks_workspace_binding.b.binding_type = "BINDING_TYPE_READ_WRITE"))).map(changeKey)).toEqual(["ref-dev databricks_workspace_binding.b replace"]);
  });

  it("replaces what refers to a replaced object's computed attributes (a principal's application ID), and updates a catalog's owner", () => {
    expect(keys(edited(open, "ref-prod", (j) => (j.resource.databricks_service_principal.prod.application_id = "f920d175-cf7c-43a2-a6c0-e9ccb42c02d2")))).toEqual([
      "ref-prod databricks_catalog.prod update",
      "ref-prod databricks_grant.catalog_prod__sp_prod replace",
      "ref-prod databricks_grant.catalog_staging__sp_prod replace",
      "ref-prod databricks_grant.schema_staging__models__sp_prod replace",
      "ref-prod databricks_service_principal.prod replace",
    ]);
  });

  it("creates, deletes, forgets, moves and imports", () => {
    const head = edited(open, "ref-dev", (j) => {
      j.resource.databricks_schema.dev__features = { catalog_name: "${databricks_catalog.dev.name}", name: "features", lifecycle: { prevent_destroy: true } };
      delete j.resource.databricks_schema.dev__gold;
      j.removed = [{ from: "databricks_schema.dev__gold", lifecycle: { destroy: false } }];
      delete j.resource.databricks_schema.dev__silver;
      j.resource.databricks_grant.catalog_dev__group_devs = j.resource.databricks_grant.catalog_dev__group_dev;
      delete j.resource.databricks_grant.catalog_dev__group_dev;
      j.moved = [{ from: "databricks_grant.catalog_dev__group_dev", to: "databricks_grant.catalog_dev__group_devs" }];
      j.resource.databricks_schema.dev__raw = { catalog_name: "${databricks_catalog.dev.name}", name: "raw", lifecycle: { prevent_destroy: true } };
      j.import.push({ to: "databricks_schema.dev__raw", id: "dev.raw" });
    });
    expect(keys(head)).toEqual([
      "ref-dev databricks_grant.catalog_dev__group_devs move",
      "ref-dev databricks_schema.dev__features create",
      "ref-dev databricks_schema.dev__gold forget",
      "ref-dev databricks_schema.dev__raw import",
      "ref-dev databricks_schema.dev__silver delete",
    ]);
  });

  it("resolves references to inputs as terraform does: another lookup of the same group is no change", () => {
    const head = edited(open, "ref-dev", (j) => {
      j.data.databricks_group.developers = j.data.databricks_group.dev;
      j.resource.databricks_grant.catalog_dev__group_dev.principal = "${data.databricks_group.developers.display_name}";
    });
    expect(keys(head)).toEqual([]);
  });

  it("plans every resource of a new stack, and nothing for a stack that is gone", () => {
    expect(predictPlan([], open.filter((s) => s.name === "ref-dev")).map((p) => p.action).sort()).toEqual([...Array(9).fill("create"), "import"]); // as the real first plan: 1 to import, 9 to add
    expect(predictPlan(open, open.filter((s) => s.name !== "ref-prod"))).toEqual([]);
  });
});

/** A plan as `terraform show -json` writes it, with these resource changes. */
const plan = (...changes: { address: string; actions: string[]; importing?: unknown; previous?: string; reason?: string }[]) => ({
  format_version: "1.2",
  resource_changes: changes.map((c) => ({
    address: c.address,
    mode: "managed",
    type: c.address.split(".")[0],
    ...(c.previous ? { previous_address: c.previous } : {}),
    ...(c.reason ? { action_reason: c.reason } : {}),
    change: { actions: c.actions, ...(c.importing ? { importing: c.importing } : {}) },
  })),
});

describe("a real plan, in the same words", () => {
  it("reads terraform's actions: no-ops left out, imports, moves, replaces, forgets", () => {
    const p = plan(
      { address: "databricks_catalog.dev", actions: ["no-op"] },
      { address: "databricks_catalog.qa", actions: ["update"], importing: { id: "qa" } },
      { address: "databricks_grant.b", actions: ["no-op"], previous: "databricks_grant.a" },
      { address: "databricks_grant.c", actions: ["delete", "create"] },
      { address: "databricks_schema.dev__gold", actions: ["forget"] },
    );
    expect(plannedByTerraform("ref-dev", p).map(changeKey)).toEqual(["ref-dev databricks_catalog.qa import", "ref-dev databricks_grant.b move", "ref-dev databricks_grant.c replace", "ref-dev databricks_schema.dev__gold forget"]);
  });

  it("rejects a plan it cannot read instead of finding nothing", () => {
    expect(() => plannedByTerraform("ref-dev", { resource_changes: [] })).toThrow(/not the output of `terraform show -json PLANFILE`/);
    expect(() => plannedByTerraform("ref-dev", plan({ address: "x.y", actions: ["teleport"] }))).toThrow(/actions \["teleport"\] are not ones this reader knows/);
  });
});

describe("the plan guard", () => {
  const predicted = predictPlan(open, edited(open, "ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges = ["MODIFY", "SELECT"])));

  it("passes a plan that does exactly what the change explains", () => {
    const c = checkPlan("ref-prod", plan({ address: "databricks_grant.catalog_prod__group_prod_readonly", actions: ["update"] }), predicted);
    expect(formatPlanCheck(c)).toEqual(["ref-prod: plan guard: passed: 1 change, each explained by the change; no catalog, schema or service principal destroyed or replaced"]);
  });

  it("fails a change the configuration change does not explain (drift), naming it and the fix", () => {
    const c = checkPlan("ref-prod", plan({ address: "databricks_grant.catalog_prod__group_prod_readonly", actions: ["update"] }, { address: "databricks_grant.catalog_prod__sp_prod", actions: ["create"] }), predicted);
    expect(formatPlanCheck(c)).toEqual([
      expect.stringMatching(/^ref-prod: databricks_grant\.catalog_prod__sp_prod: terraform plans to create it \(terraform: create\), which the change does not explain: .* Fix: find it with `npm run --silent audit`/),
      "ref-prod: plan guard: FAILED: 0 catalog, schema or principal destroyed or replaced, 1 change not explained",
    ]);
  });

  it("fails a destroy or replace of a catalog, schema or principal even when the change explains it", () => {
    const dropped = predictPlan(open, edited(open, "ref-dev", (j) => delete j.resource.databricks_schema.dev__gold));
    const c = checkPlan("ref-dev", plan({ address: "databricks_schema.dev__gold", actions: ["delete"], reason: "delete_because_no_resource_config" }), dropped);
    expect(c.unexplained).toEqual([]);
    expect(formatPlanCheck(c)[0]).toBe("ref-dev: databricks_schema.dev__gold would be DESTROYED: its block is no longer in the configuration (delete_because_no_resource_config)");
  });
});

describe("npm run plan-guard", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-plan-guard-"));
  const write = (name: string, v: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof v === "string" ? v : JSON.stringify(v));
    return f;
  };
  const out = (name: string, stacks: typeof open) => {
    const d = path.join(dir, name);
    fs.mkdirSync(path.join(d, "stacks"), { recursive: true });
    fs.writeFileSync(path.join(d, "manifest.json"), JSON.stringify({ stacks: Object.fromEntries(stacks.map((s) => [s.name, { name: s.name, synthesizedStackPath: `stacks/${s.name}/cdk.tf.json`, workingDirectory: `stacks/${s.name}` }])) }));
    for (const s of stacks) {
      fs.mkdirSync(path.join(d, "stacks", s.name));
      fs.writeFileSync(path.join(d, "stacks", s.name, "cdk.tf.json"), JSON.stringify(s.json));
    }
    return d;
  };
  const base = out("base", open);
  const head = out("head", edited(open, "ref-prod", (j) => (j.resource.databricks_grant.catalog_prod__group_prod_readonly.privileges = ["MODIFY", "SELECT"])));
  const run = (args: string[]) => runInProcess("plan-guard", args);

  it("exits 0 on an explained plan, 1 on an unexplained one, 2 on bad input", async () => {
    const ok = write("ok.json", plan({ address: "databricks_grant.catalog_prod__group_prod_readonly", actions: ["update"] }));
    expect(await run([base, head, "--stack", "ref-prod", "--plan", ok])).toMatchObject({ status: 0, stdout: expect.stringContaining("plan guard: passed") });
    const drift = write("drift.json", plan({ address: "databricks_grant.catalog_prod__sp_prod", actions: ["create"] }));
    expect(await run([base, head, "--stack", "ref-prod", "--plan", drift])).toMatchObject({ status: 1, stdout: expect.stringContaining("plan guard: FAILED") });
    // Against an empty state (`none`: nothing applied yet) every resource is new: a create is explained, an update is not.
    expect(await run(["none", head, "--stack", "ref-prod", "--plan", drift])).toMatchObject({ status: 0 });
    const update = write("update.json", plan({ address: "databricks_grant.catalog_prod__sp_prod", actions: ["update"] }));
    expect(await run(["none", head, "--stack", "ref-prod", "--plan", update])).toMatchObject({ status: 1 });
    expect(await run([base, head, "--stack", "ref-qa", "--plan", ok])).toMatchObject({ status: 2, stderr: expect.stringContaining('has no stack "ref-qa"') });
    expect(await run([base, head, "--stack", "ref-prod", "--plan", write("bad.json", "{")])).toMatchObject({ status: 2, stderr: expect.stringContaining("cannot read the plan") });
    expect(await run([base, head, "--stack", "ref-prod", "--plan", write("empty.json", {})])).toMatchObject({ status: 2, stderr: expect.stringContaining("format_version") });
  });
});
