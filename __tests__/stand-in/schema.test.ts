/**
 * The stand-in's provider schema: generated from @cdktf/provider-databricks 15.16.1 and facts.ts,
 * committed, and covering every type and attribute the stacks synthesize. (The e2e run compares it
 * with what `terraform providers schema -json` prints through the stand-in.)
 */
import * as fs from "fs";
import * as path from "path";
import { generateSchema, renderSchema, SCHEMA_FILE, schemaOf } from "../../stand-in/schema/generate";
import { RESOURCE_FACTS } from "../../stand-in/schema/facts";
import { PROVIDER_SOURCE, type JsonBlock, type JsonProviderSchemas } from "../../stand-in/schema/json-schema";
import { parseEnvironmentModel } from "../../lib/model/load";
import { ROOT, defaultModel, synthOutput } from "../helpers";

const committed = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as JsonProviderSchemas;
const provider = committed.provider_schemas[PROVIDER_SOURCE];
const fullModel = () => parseEnvironmentModel(fs.readFileSync(path.join(ROOT, "__tests__/fixtures/models/full.yaml"), "utf8"), "full.yaml");

/** Paths (`type.attr.nested`) a configuration block sets that the schema block lacks. */
function unknownAttributes(where: string, config: { [k: string]: unknown }, block: JsonBlock): string[] {
  const meta = new Set(["//", "lifecycle", "depends_on", "provider", "count", "for_each"]);
  const out: string[] = [];
  for (const [name, value] of Object.entries(config)) {
    if (meta.has(name)) continue;
    const attr = block.attributes?.[name];
    const nested = block.block_types?.[name];
    if (attr?.nested_type && value && typeof value === "object") {
      out.push(...unknownAttributes(`${where}.${name}`, value as { [k: string]: unknown }, { attributes: attr.nested_type.attributes, description_kind: "plain" }));
    } else if (nested) {
      for (const v of Array.isArray(value) ? value : [value]) out.push(...unknownAttributes(`${where}.${name}`, v as { [k: string]: unknown }, nested.block));
    } else if (!attr) out.push(`${where}.${name}`);
    else if (attr.computed && !attr.optional && !attr.required) out.push(`${where}.${name} (computed only: not settable)`);
  }
  return out;
}

describe("the stand-in's provider schema", () => {
  it("is what the generator makes from @cdktf/provider-databricks 15.16.1 and facts.ts (run `npm run stand-in:schema` after changing either)", () => {
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(renderSchema(generateSchema()));
  });

  it.each([
    ["the reference model", () => defaultModel()],
    ["the full fixture model (isolation, account stack, remote state)", () => fullModel()],
  ])("has every type and attribute the stacks of %s set", (_name, model) => {
    const problems: string[] = [];
    for (const stack of synthOutput(model())) {
      const json = stack.json as any;
      for (const [type, blocks] of Object.entries<any>(json.resource ?? {})) {
        const schema = provider.resource_schemas[type];
        if (!schema) problems.push(`${stack.name}: resource type ${type}`);
        else for (const [name, config] of Object.entries<any>(blocks)) problems.push(...unknownAttributes(`${stack.name} ${type}.${name}`, config, schema.block));
      }
      for (const [type, blocks] of Object.entries<any>(json.data ?? {})) {
        const schema = provider.data_source_schemas[type];
        if (!schema) problems.push(`${stack.name}: data source ${type}`);
        else for (const [name, config] of Object.entries<any>(blocks)) problems.push(...unknownAttributes(`${stack.name} data.${type}.${name}`, config, schema.block));
      }
      for (const config of json.provider?.databricks ?? []) problems.push(...unknownAttributes(`${stack.name} provider`, config, provider.provider.block));
    }
    expect(problems).toEqual([]);
  });

  it("covers every provider class the stacks and constructs import (lib/cdk.ts, the one module that imports them)", () => {
    const imported = new Set<string>();
    // The bindings' package name is cdktf's or, after the move, the fork's: either.
    for (const m of fs.readFileSync(path.join(ROOT, "lib", "cdk.ts"), "utf8").matchAll(/"@cdkt[fn]\/provider-databricks\/lib\/([a-z0-9-]+)"/g)) imported.add(m[1]);
    expect(imported.size).toBeGreaterThanOrEqual(10);
    const types = [...imported].filter((m) => m !== "provider").map((m) => (m.startsWith("data-databricks-") ? `data databricks_${m.slice(16).replace(/-/g, "_")}` : `databricks_${m.replace(/-/g, "_")}`));
    const known = [...Object.keys(provider.resource_schemas), ...Object.keys(provider.data_source_schemas).map((t) => `data ${t}`)];
    expect(types.filter((t) => !known.includes(t))).toEqual([]);
    expect(known).toContain("data databricks_current_metastore");
  });

  it("rejects a fact that names an attribute the package does not have", () => {
    expect(() => schemaOf("databricks_schema", "resource", { ...RESOURCE_FACTS.databricks_schema, forceNew: ["name", "catalogue_name"] })).toThrow(
      "facts.ts: resource databricks_schema names catalogue_name, which @cdktf/provider-databricks 15.16.1 does not have",
    );
  });

  it("keeps what the package says: computed-only, optional+computed, sets, blocks and nested attributes", () => {
    const attrs = (t: string) => provider.resource_schemas[t].block.attributes!;
    expect(attrs("databricks_catalog").owner).toEqual({ type: "string", description_kind: "plain", optional: true, computed: true });
    expect(attrs("databricks_catalog").full_name).toEqual({ type: "string", description_kind: "plain", computed: true });
    expect(attrs("databricks_schema").name).toEqual({ type: "string", description_kind: "plain", required: true });
    expect(attrs("databricks_grant").privileges.type).toEqual(["set", "string"]);
    expect(attrs("databricks_mws_permission_assignment").permissions.type).toEqual(["set", "string"]);
    expect(attrs("databricks_service_principal_federation_policy").oidc_policy.nested_type?.nesting_mode).toBe("single");
    expect(provider.resource_schemas.databricks_catalog.block.block_types?.provisioning_info).toMatchObject({ nesting_mode: "list", max_items: 1 });
    expect(provider.resource_schemas.databricks_workspace_binding.version).toBe(1);
  });
});
