import { Testing, TerraformStack } from "cdktf";
import { Grant } from "@cdktf/provider-databricks/lib/grant";
import { DatabricksProvider } from "@cdktf/provider-databricks/lib/provider";
import { stringify } from "yaml";
import { declareMoved } from "../lib/constructs/state-blocks";
import { addressManifest, checkAddresses, type AddressManifest } from "../lib/review/addresses";
import type { StackJson } from "../lib/review/output";
import { defaultModel, defaultModelData, modelFrom, synthOutput } from "./helpers";

// The mechanism on the reference model; the live model's committed manifest is checked by
// __tests__/live/live-model.test.ts.
const output = synthOutput(defaultModel());
const committed: AddressManifest = addressManifest(output);

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** JSON with every object's keys sorted, so two syntheses compare regardless of declaration order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

describe("stable Terraform addresses", () => {
  it("match a manifest recorded from the same output", () => {
    expect(checkAddresses(committed, output)).toEqual([]);
  });

  it("fails when a resource's address disappears without a moved block, explaining the destroy and the fix", () => {
    const changed = clone(output);
    const dev = changed.find((s) => s.name === "ref-dev")!.json as { resource: Record<string, Record<string, unknown>> };
    dev.resource.databricks_grant.catalog_dev__devs = dev.resource.databricks_grant.catalog_dev__group_dev;
    delete dev.resource.databricks_grant.catalog_dev__group_dev;
    const problems = checkAddresses(committed, changed);
    expect(problems).toEqual([
      expect.stringMatching(/^ref-dev: databricks_grant\.catalog_dev__group_dev is no longer declared, so Terraform would DESTROY it .*moved\.ref-dev: \{ databricks_grant\.catalog_dev__group_dev: <new address> \}/),
      expect.stringMatching(/^ref-dev: databricks_grant\.catalog_dev__devs is new/),
    ]);
  });

  it("accepts a renamed address that keeps a moved block from the old one", () => {
    const changed = clone(output);
    const dev = changed.find((s) => s.name === "ref-dev")!.json as { resource: Record<string, Record<string, unknown>>; moved?: unknown };
    dev.resource.databricks_grant.catalog_dev__devs = dev.resource.databricks_grant.catalog_dev__group_dev;
    delete dev.resource.databricks_grant.catalog_dev__group_dev;
    dev.moved = [{ from: "databricks_grant.catalog_dev__group_dev", to: "databricks_grant.catalog_dev__devs" }];
    expect(checkAddresses(committed, changed).filter((p) => p.includes("DESTROY"))).toEqual([]);
  });

  it("reads the moved block that declareMoved writes, which keeps the renamed resource in state", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new DatabricksProvider(stack, "p", {});
    new Grant(stack, "new", { catalog: "dev", principal: "g", privileges: ["USE_CATALOG"] });
    declareMoved(stack, "databricks_grant.old", "databricks_grant.new");
    const json = JSON.parse(Testing.synth(stack)) as StackJson;
    expect(json.moved).toEqual([{ from: "databricks_grant.old", to: "databricks_grant.new" }]);
    expect(json.resource?.databricks_grant?.new).toBeDefined();
    const committedDev = { "s": { addresses: ["databricks_grant.old"], imports: {} } };
    expect(checkAddresses(committedDev, [{ name: "s", json }]).filter((p) => p.includes("DESTROY"))).toEqual([]);
  });

  it("fails when a whole stack disappears", () => {
    expect(checkAddresses(committed, output.filter((s) => s.name !== "ref-prod"))).toEqual([expect.stringMatching(/^ref-prod: the stack is no longer synthesized/)]);
  });

  it("does not depend on the order of the model file: reordered mappings and lists synthesize the same stacks", () => {
    const data = defaultModelData();
    const reversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    const shuffled = {
      ...reversed(data),
      groups: reversed(data.groups),
      access: Object.fromEntries(Object.entries(reversed(data.access)).map(([k, v]) => [k, reversed(v as Record<string, unknown>)])),
      environments: Object.fromEntries(
        Object.entries(reversed(data.environments)).map(([k, env]: [string, any]) => [
          k,
          { ...reversed(env), catalog: { ...env.catalog, schemas: [...env.catalog.schemas].reverse() } },
        ]),
      ),
    };
    expect(stringify(shuffled)).not.toEqual(stringify(data));
    const reordered = synthOutput(modelFrom(shuffled));
    expect(addressManifest(reordered)).toEqual(addressManifest(output));
    const byName = (xs: typeof output) => Object.fromEntries(xs.map((s) => [s.name, canonical(s.json)]));
    expect(byName(reordered)).toEqual(byName(output));
  });
});
