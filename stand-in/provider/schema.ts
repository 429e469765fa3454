/** The committed provider schema, indexed for the provider's use. */
import * as fs from "fs";
import * as path from "path";
import { DATA_SOURCE_FACTS, RESOURCE_FACTS, type TypeFacts } from "../schema/facts";
import { PROVIDER_SOURCE, impliedType, type CtyType, type JsonAttribute, type JsonBlock, type JsonProviderSchema, type JsonProviderSchemas, type JsonSchema } from "../schema/json-schema";

export const SCHEMA_PATH = path.join(__dirname, "..", "schema", "databricks-1.99.0.json");

export interface TypeSchema {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly type: CtyType;
  readonly facts: TypeFacts;
  readonly attributes: { readonly [name: string]: JsonAttribute };
}

export interface ProviderSchema {
  readonly json: JsonProviderSchema;
  readonly providerType: CtyType;
  readonly resources: ReadonlyMap<string, TypeSchema>;
  readonly dataSources: ReadonlyMap<string, TypeSchema>;
}

let loaded: ProviderSchema | undefined;

export function loadSchema(): ProviderSchema {
  if (loaded) return loaded;
  const all = JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as JsonProviderSchemas;
  const json = all.provider_schemas[PROVIDER_SOURCE];
  const index = (schemas: { readonly [t: string]: JsonSchema }, facts: { readonly [t: string]: TypeFacts }) =>
    new Map(
      Object.entries(schemas).map(([name, schema]) => {
        const f = facts[name];
        if (!f) throw new Error(`stand-in schema: ${name} has no entry in facts.ts`);
        return [name, { name, schema, type: impliedType(schema.block), facts: f, attributes: schema.block.attributes ?? {} }];
      }),
    );
  loaded = {
    json,
    providerType: impliedType(json.provider.block),
    resources: index(json.resource_schemas, RESOURCE_FACTS),
    dataSources: index(json.data_source_schemas, DATA_SOURCE_FACTS),
  };
  return loaded;
}

/** Names of a block's attributes that are Computed (optional+computed included). */
export function computedAttributes(block: JsonBlock): string[] {
  return Object.entries(block.attributes ?? {})
    .filter(([, a]) => a.computed)
    .map(([n]) => n);
}
