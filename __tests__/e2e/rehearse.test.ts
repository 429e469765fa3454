/**
 * `npm run rehearse` end to end: the real terraform plans and applies the stacks against the
 * stand-in, as a user runs it.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { desiredState } from "../../lib/desired-state";
import { loadEnvironmentModel } from "../../lib/model/load";
import { addressManifest } from "../../lib/review/addresses";
import { REFERENCE_MODEL, ROOT, rehearseCli, requireTerraform, strayFiles, tmpDir } from "./support";

beforeAll(requireTerraform);

const reference = { ENVIRONMENTS_FILE: REFERENCE_MODEL };

describe("rehearse on the reference model", () => {
  const dir = tmpDir("uc-e2e-rehearse-");
  const world = path.join(dir, "world.json");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const before = strayFiles(ROOT);

  it("rejects --json naming a file it did not write, before planning anything, and leaves it as it was", () => {
    const notes = path.join(dir, "notes.json");
    fs.writeFileSync(notes, '{ "mine": true }\n');
    const r = rehearseCli(["--json", notes], { env: reference });
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: "" });
    expect(r.stderr).toBe(`rehearse: ${notes} exists and was not written by rehearse --json; rehearse --json writes only a new file or its own earlier output (a JSON object of plans, { "<stack>": <terraform show -json of its plan> }), so it is left alone. Fix: give a path that does not exist yet, or move ${notes} away first\n`);
    expect(fs.readFileSync(notes, "utf8")).toBe('{ "mine": true }\n');
  });

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

  it("forgets a schema dropped from the model: 0 to destroy, and after the apply the schema is still in the workspace, no longer in the state", () => {
    const data = parse(fs.readFileSync(REFERENCE_MODEL, "utf8"));
    data.environments.dev.catalog.schemas = ["bronze", "silver", "models"];
    const modelDir = tmpDir("uc-e2e-dropped-");
    const model = path.join(modelDir, "environments.yaml");
    fs.writeFileSync(model, stringify(data));
    // The address manifest beside the model, as `npm run update` recorded it before the edit.
    fs.writeFileSync(path.join(modelDir, "terraform-addresses.json"), JSON.stringify(addressManifest(desiredState(loadEnvironmentModel(REFERENCE_MODEL))), null, 2));
    const json = path.join(modelDir, "plans.json");
    const r = rehearseCli(["ref-dev", "--workspace", world, "--apply", "--json", json], { env: { ENVIRONMENTS_FILE: model } });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("ref-dev: Plan: 0 to add, 0 to change, 0 to destroy. Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
    const changes = JSON.parse(fs.readFileSync(json, "utf8"))["ref-dev"].resource_changes as any[];
    expect(changes.filter((c) => !c.change.actions.includes("no-op")).map((c) => [c.address, c.change.actions])).toEqual([["databricks_schema.dev__gold", ["forget"]]]);
    const ws = JSON.parse(fs.readFileSync(world, "utf8"));
    expect(Object.keys(ws.catalogs.dev.schemas)).toContain("gold");
    expect(JSON.stringify(ws.states["ref-dev"])).not.toContain("dev__gold");
    fs.rmSync(modelDir, { recursive: true, force: true });
  });

  it("fails (exit 1) when a model with no address manifest beside it drops a schema: terraform plans its destroy, which the guard names and refuses", () => {
    const fresh = path.join(dir, "fresh.json");
    expect(rehearseCli(["ref-dev", "--workspace", fresh, "--apply"], { env: reference }).status).toBe(0);
    const data = parse(fs.readFileSync(REFERENCE_MODEL, "utf8"));
    data.environments.dev.catalog.schemas = ["bronze", "silver", "models"];
    const model = path.join(dir, "dropped.yaml");
    fs.writeFileSync(model, stringify(data));
    const r = rehearseCli(["ref-dev", "--workspace", fresh, "--apply"], { env: { ENVIRONMENTS_FILE: model } });
    expect(r.status).toBe(1);
    // The refusal is the result: on stdout, under the stack's line.
    expect(r.stdout.trim().split("\n")).toEqual([
      "ref-dev: Plan: 0 to add, 0 to change, 1 to destroy.",
      "ref-dev: databricks_schema.dev__gold would be DESTROYED: its block is no longer in the configuration (delete_because_no_resource_config)",
    ]);
    // The guard refused the plan, so nothing was applied: the schema is still there.
    expect(Object.keys(JSON.parse(fs.readFileSync(fresh, "utf8")).catalogs.dev.schemas)).toContain("gold");
  });

  it("leaves nothing in the checkout (no .terraform, lock file, state or plan)", () => {
    expect(strayFiles(ROOT)).toEqual(before);
  });
});
