/**
 * The shape of `terraform providers schema -json` (Terraform's internal/command/jsonprovider), as far
 * as the stand-in's schema uses it. The committed schema file has exactly this shape, so a test can
 * compare it with what terraform prints through the stand-in.
 */

/** A cty type in Terraform's JSON form: "string", ["list", "string"], ["object", {...}]. */
export type CtyType = "string" | "number" | "bool" | "dynamic" | readonly ["list" | "set" | "map", CtyType] | readonly ["object", { readonly [name: string]: CtyType }];

export interface JsonAttribute {
  readonly type?: CtyType;
  /** A protocol-6 nested attribute (plugin-framework resources), instead of `type`. */
  readonly nested_type?: { readonly attributes: { readonly [name: string]: JsonAttribute }; readonly nesting_mode: "single" | "list" | "set" | "map" };
  readonly description_kind: "plain";
  readonly required?: true;
  readonly optional?: true;
  readonly computed?: true;
  readonly sensitive?: true;
  readonly deprecated?: true;
}

export interface JsonBlockType {
  readonly nesting_mode: "single" | "list" | "set" | "map";
  readonly block: JsonBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface JsonBlock {
  readonly attributes?: { readonly [name: string]: JsonAttribute };
  readonly block_types?: { readonly [name: string]: JsonBlockType };
  readonly description_kind: "plain";
}

export interface JsonSchema {
  readonly version: number;
  readonly block: JsonBlock;
}

export interface JsonProviderSchema {
  readonly provider: JsonSchema;
  readonly resource_schemas: { readonly [type: string]: JsonSchema };
  readonly data_source_schemas: { readonly [type: string]: JsonSchema };
}

export interface JsonProviderSchemas {
  readonly format_version: "1.0";
  readonly provider_schemas: { readonly [source: string]: JsonProviderSchema };
}

/** The provider's source address as Terraform prints it. */
export const PROVIDER_SOURCE = "registry.terraform.io/databricks/databricks";
export const PROVIDER_VERSION = "1.99.0";

/** The type a block's values have (Terraform's "implied type"): attributes and nested blocks as one object. */
export function impliedType(block: JsonBlock): CtyType {
  const attrs: { [name: string]: CtyType } = {};
  for (const [name, a] of Object.entries(block.attributes ?? {})) attrs[name] = attributeType(a);
  for (const [name, b] of Object.entries(block.block_types ?? {})) {
    const inner = impliedType(b.block);
    attrs[name] = b.nesting_mode === "single" ? inner : b.nesting_mode === "list" ? ["list", inner] : b.nesting_mode === "set" ? ["set", inner] : ["map", inner];
  }
  return ["object", attrs];
}

export function attributeType(a: JsonAttribute): CtyType {
  if (a.type !== undefined) return a.type;
  const nested = a.nested_type!;
  const inner: CtyType = ["object", Object.fromEntries(Object.entries(nested.attributes).map(([n, x]) => [n, attributeType(x)]))];
  return nested.nesting_mode === "single" ? inner : [nested.nesting_mode, inner];
}
