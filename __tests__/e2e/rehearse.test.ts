/**
 * `npm run rehearse` end to end: the real terraform plans and applies the stacks against the
 * stand-in, as a user runs it.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { REFERENCE_MODEL, ROOT, rehearseCli, requireTerraform, strayFiles, tmpDir } from "./support";

beforeAll(requireTerraform);

const reference = { ENVIRONMENTS_FILE: REFERENCE_MODEL };

describe("rehearse on the reference model", () => {
  const dir = tmpDir("uc-e2e-rehearse-");
  const world = path.join(dir, "world.json");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const before = strayFiles(ROOT);

  it("plans each stack over the pre-deploy workspace: every adopted catalog imported, 0 to destroy", () => {
    const json = path.join(dir, "plans.json");
    const r = rehearseCli(["--json", json], { env: reference });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      "ref-dev: Plan: 1 to import, 9 to add, 1 to change, 0 to destroy.",
      "ref-staging: Plan: 1 to import, 10 to add, 1 to change, 0 to destroy.",
      "ref-prod: Plan: 1 to import, 10 to add, 1 to change, 0 to destroy.",
    ]);
    const plans = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(Object.keys(plans)).toEqual(["ref-dev", "ref-staging", "ref-prod"]);
    for (const [stack, env] of [["ref-dev", "dev"], ["ref-staging", "staging"], ["ref-prod", "prod"]]) {
      const changes = plans[stack].resource_changes as any[];
      const catalog = changes.find((c) => c.address === `databricks_catalog.${env}`);
      expect(catalog.change.importing).toEqual({ id: env });
      expect(catalog.change.actions).toEqual(["update"]);
      expect(changes.filter((c) => c.change.actions.includes("delete"))).toEqual([]);
    }
  });

  it("applies, writes the workspace, and a second plan of each stack is empty", () => {
    const applied = rehearseCli(["--apply", "--workspace", world], { env: reference });
    expect(applied.status).toBe(0);
    expect(applied.stdout).toMatch(/^ref-dev: Plan: 1 to import, 9 to add, 1 to change, 0 to destroy\. Apply complete! Resources: 1 imported, 9 added, 1 changed, 0 destroyed\.$/m);
    const ws = JSON.parse(fs.readFileSync(world, "utf8"));
    expect(Object.keys(ws.states).sort()).toEqual(["ref-dev", "ref-prod", "ref-staging"]);
    expect(ws.catalogs.prod.owner).toBe(Object.values<any>(ws.servicePrincipals).find((sp) => sp.displayName === "ml-pipelines-prod-service-principal").applicationId);
    expect(Object.keys(ws.catalogs.prod.schemas).sort()).toEqual(["bronze", "gold", "models", "silver"]);

    const again = rehearseCli(["--workspace", world], { env: reference });
    expect(again.status).toBe(0);
    expect(again.stdout.trim().split("\n")).toEqual(["ref-dev", "ref-staging", "ref-prod"].map((s) => `${s}: No changes. Your infrastructure matches the configuration.`));
  });

  it("fails (exit 1) when the model drops a schema: terraform plans its destroy, which the guard names (today's behaviour; `removed` blocks will turn it into a forget)", () => {
    const data = parse(fs.readFileSync(REFERENCE_MODEL, "utf8"));
    data.environments.dev.catalog.schemas = ["bronze", "silver", "models"];
    const model = path.join(dir, "dropped.yaml");
    fs.writeFileSync(model, stringify(data));
    const r = rehearseCli(["ref-dev", "--workspace", world, "--apply"], { env: { ENVIRONMENTS_FILE: model } });
    expect(r.status).toBe(1);
    expect(r.stdout.trim()).toBe("ref-dev: Plan: 0 to add, 0 to change, 1 to destroy.");
    expect(r.stderr).toContain("ref-dev: databricks_schema.dev__gold would be DESTROYED: its block is no longer in the configuration (delete_because_no_resource_config)");
    // The guard refused the plan, so nothing was applied: the schema is still there.
    expect(Object.keys(JSON.parse(fs.readFileSync(world, "utf8")).catalogs.dev.schemas)).toContain("gold");
  });

  it("leaves nothing in the checkout (no .terraform, lock file, state or plan)", () => {
    expect(strayFiles(ROOT)).toEqual(before);
  });
});
