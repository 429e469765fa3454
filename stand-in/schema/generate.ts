/**
 * Generates the stand-in's provider schema (`databricks-1.99.0.json`, in the shape of `terraform
 * providers schema -json`) from `@cdktf/provider-databricks` 15.16.1, which is generated from
 * provider 1.99.0's own schema: each class's TypeScript source (kept in the package's inline source
 * maps) has a line `// <attribute> - computed: X, optional: Y, required: Z` per attribute, the
 * getter says its type, and `synthesizeHclAttributes` / `...ToHclTerraform` say blocks vs
 * attributes and list vs set vs map. What the package cannot say is in facts.ts.
 *
 * `npm run stand-in:schema` rewrites the committed file; a test in `npm test` checks it is fresh.
 */
import * as fs from "fs";
import * as path from "path";
import { DATA_SOURCE_FACTS, PROVIDER_FACTS, RESOURCE_FACTS, namedAttributes, type TypeFacts } from "./facts";
import { PROVIDER_SOURCE, type CtyType, type JsonAttribute, type JsonBlock, type JsonBlockType, type JsonProviderSchemas, type JsonSchema } from "./json-schema";

export const SCHEMA_FILE = path.join(__dirname, "databricks-1.99.0.json");
/**
 * The schema's source: the bindings generated from provider 1.99.0, read as text (never imported).
 * Not the stacks' bindings (lib/cdk.ts): the move to CDK Terrain (scripts/rename-to-cdktn.js)
 * renames those and keeps this package, because the fork publishes no bindings for 1.99.0.
 */
const PACKAGE = "@cdktf/provider-databricks";
/** The package version the schema is generated from (its provider version is 1.99.0). */
export const PACKAGE_VERSION = "15.16.1";

/** The package module of a resource or data source type: databricks_catalog -> lib/catalog. */
function moduleOf(type: string, kind: "resource" | "data"): string {
  const base = type.replace(/^databricks_/, "").replace(/_/g, "-");
  return kind === "resource" ? `lib/${base}/index.js` : `lib/data-databricks-${base}/index.js`;
}

/** The TypeScript source the package's module was compiled from (its inline source map). */
export function packageSource(modulePath: string): string {
  const file = require.resolve(`${PACKAGE}/${modulePath}`);
  const js = fs.readFileSync(file, "utf8");
  const m = /sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(js);
  if (!m) throw new Error(`${file}: no inline source map; the schema generator needs the package's TypeScript source`);
  const map = JSON.parse(Buffer.from(m[1], "base64").toString("utf8")) as { sourcesContent?: string[] };
  if (!map.sourcesContent?.[0]) throw new Error(`${file}: the source map has no sourcesContent`);
  return map.sourcesContent[0];
}

interface HclEntry {
  readonly isBlock: boolean;
  readonly type: string;
  readonly storageClassType: string;
}

interface Getter {
  readonly name: string;
  readonly computed: boolean;
  readonly optional: boolean;
  readonly required: boolean;
  /** The getter's return expression, or the nested class constructed for it. */
  readonly expression?: string;
  readonly nested?: { readonly className: string; readonly wrapsSet: boolean };
}

/** Splits the module source into its top-level `export class` / `export function` sections by name. */
function sections(source: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^export (?:class|function|interface) (\w+)/gm;
  const starts: { name: string; index: number }[] = [];
  for (let m = re.exec(source); m; m = re.exec(source)) starts.push({ name: m[1], index: m.index });
  starts.forEach((s, i) => out.set(s.name, source.slice(s.index, i + 1 < starts.length ? starts[i + 1].index : undefined)));
  return out;
}

function hclTable(body: string): Map<string, HclEntry> {
  const out = new Map<string, HclEntry>();
  const re = /^\s*(\w+): \{\s*\n\s*value: [^\n]*\n\s*isBlock: (true|false),\s*\n\s*type: "(\w+)",\s*\n\s*storageClassType: "(\w+)",/gm;
  for (let m = re.exec(body); m; m = re.exec(body)) out.set(m[1], { isBlock: m[2] === "true", type: m[3], storageClassType: m[4] });
  return out;
}

function getters(classBody: string): Getter[] {
  const out: Getter[] = [];
  const re = /^\s*\/\/ (\w+) - computed: (true|false), optional: (true|false), required: (true|false)\n((?:.*\n){1,4})/gm;
  for (let m = re.exec(classBody); m; m = re.exec(classBody)) {
    const [, name, computed, optional, required, following] = m;
    const base = { name, computed: computed === "true", optional: optional === "true", required: required === "true" };
    const nested = new RegExp(`new (\\w+)\\(this, "${name}"(?:, (true|false))?\\)`).exec(following);
    if (nested) {
      out.push({ ...base, nested: { className: nested[1], wrapsSet: nested[2] === "true" } });
      continue;
    }
    const ret = /return (.*);/.exec(following);
    out.push({ ...base, expression: ret?.[1] });
  }
  return out;
}

function typeOfExpression(expression: string | undefined, where: string): CtyType | undefined {
  if (expression === undefined) return undefined;
  const table: [RegExp, CtyType][] = [
    [/^this\.getStringAttribute\(/, "string"],
    [/^this\.getNumberAttribute\(/, "number"],
    [/^this\.getBooleanAttribute\(/, "bool"],
    [/^cdktf\.Fn\.tolist\(this\.getListAttribute\(/, ["set", "string"]],
    [/^this\.getListAttribute\(/, ["list", "string"]],
    [/^cdktf\.Token\.asNumberList\(cdktf\.Fn\.tolist\(this\.getNumberListAttribute\(/, ["set", "number"]],
    [/^this\.getNumberListAttribute\(/, ["list", "number"]],
    [/^this\.getStringMapAttribute\(/, ["map", "string"]],
    [/^this\.getNumberMapAttribute\(/, ["map", "number"]],
    [/^this\.getBooleanMapAttribute\(/, ["map", "bool"]],
  ];
  for (const [re, t] of table) if (re.test(expression)) return t;
  if (/^this\._\w+$/.test(expression)) return undefined; // a provider getter: the HCL table says the type
  throw new Error(`${where}: cannot tell the type of \`${expression}\``);
}

function typeOfHcl(e: HclEntry, where: string): CtyType {
  const scalar: { [k: string]: CtyType } = { string: "string", number: "number", boolean: "bool" };
  if (e.type === "simple" && scalar[e.storageClassType]) return scalar[e.storageClassType];
  const m = /^(string|number|boolean)(List|Map)$/.exec(e.storageClassType);
  if (m && (e.type === "list" || e.type === "set" || e.type === "map")) return [e.type, scalar[m[1]]];
  throw new Error(`${where}: unexpected attribute table entry ${JSON.stringify(e)}`);
}

function sorted<T>(o: { [k: string]: T }): { [k: string]: T } {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/** The element class of a nested value: `FooList` -> `FooOutputReference`; an OutputReference is itself. */
function elementClass(className: string): string {
  return className.endsWith("List") ? `${className.slice(0, -"List".length)}OutputReference` : className;
}

class ModuleParser {
  private readonly parts: Map<string, string>;
  constructor(private readonly modulePath: string) {
    this.parts = sections(packageSource(modulePath));
  }

  private section(name: string): string {
    const s = this.parts.get(name);
    if (s === undefined) throw new Error(`${this.modulePath}: no export ${name}`);
    return s;
  }

  /** The HCL table of a class: its own synthesizeHclAttributes, or (nested classes) `<lowerCamel(Struct)>ToHclTerraform`. */
  private hclOf(className: string): Map<string, HclEntry> {
    const own = this.section(className);
    if (/synthesizeHclAttributes\(\)/.test(own)) return hclTable(own.slice(own.indexOf("synthesizeHclAttributes()")));
    const struct = className.replace(/OutputReference$/, "");
    const fn = `${struct[0].toLowerCase()}${struct.slice(1)}ToHclTerraform`;
    return this.parts.has(fn) ? hclTable(this.section(fn)) : new Map();
  }

  block(className: string): JsonBlock {
    const hcl = this.hclOf(className);
    const attributes: { [name: string]: JsonAttribute } = {};
    const blockTypes: { [name: string]: JsonBlockType } = {};
    const where = `${this.modulePath} ${className}`;
    for (const g of getters(this.section(className))) {
      const flags = { ...(g.required ? { required: true as const } : {}), ...(g.optional ? { optional: true as const } : {}), ...(g.computed ? { computed: true as const } : {}) };
      const entry = hcl.get(g.name);
      if (g.nested) {
        const element = elementClass(g.nested.className);
        const single = g.nested.className.endsWith("OutputReference");
        if (entry?.isBlock && entry.type === "struct") {
          // A protocol-6 nested attribute (plugin framework: struct_to_schema.go makes objects SingleNestedAttributes).
          attributes[g.name] = { nested_type: { attributes: this.block(element).attributes ?? {}, nesting_mode: "single" }, description_kind: "plain", ...flags };
        } else if (entry?.isBlock) {
          if (entry.type !== "list" && entry.type !== "set") throw new Error(`${where}.${g.name}: unexpected block kind ${entry.type}`);
          blockTypes[g.name] = {
            nesting_mode: entry.type,
            block: this.block(element),
            ...(g.required ? { min_items: 1 } : {}),
            ...(single ? { max_items: 1 } : {}),
          };
        } else {
          // Computed-only nested objects are attributes of type list/set of object (helper/schema core_schema.go).
          const inner = this.block(element);
          const obj: CtyType = ["object", Object.fromEntries(Object.entries(inner.attributes ?? {}).map(([n, a]) => [n, a.type!]))];
          attributes[g.name] = { type: [g.nested.wrapsSet ? "set" : "list", obj], description_kind: "plain", ...flags };
        }
        continue;
      }
      const fromGetter = typeOfExpression(g.expression, `${where}.${g.name}`);
      const fromHcl = entry ? typeOfHcl(entry, `${where}.${g.name}`) : undefined;
      if (fromGetter && fromHcl && JSON.stringify(fromGetter) !== JSON.stringify(fromHcl)) {
        throw new Error(`${where}.${g.name}: the getter says ${JSON.stringify(fromGetter)}, the attribute table ${JSON.stringify(fromHcl)}`);
      }
      const type = fromHcl ?? fromGetter;
      if (type === undefined) throw new Error(`${where}.${g.name}: no type`);
      attributes[g.name] = { type, description_kind: "plain", ...flags };
    }
    return {
      ...(Object.keys(attributes).length > 0 ? { attributes: sorted(attributes) } : {}),
      ...(Object.keys(blockTypes).length > 0 ? { block_types: sorted(blockTypes) } : {}),
      description_kind: "plain",
    };
  }

  /** The class that `tfResourceType = "<type>"` (or the provider class) names. */
  mainClass(kind: "resource" | "data" | "provider"): string {
    const base = kind === "resource" ? "TerraformResource" : kind === "data" ? "TerraformDataSource" : "TerraformProvider";
    for (const [name, body] of this.parts) if (new RegExp(`^export class \\w+ extends cdktf\\.${base} `).test(body)) return name;
    throw new Error(`${this.modulePath}: no class extending cdktf.${base}`);
  }
}

/** One type's schema from the package, checked against its facts (every attribute a fact names must exist). */
export function schemaOf(type: string, kind: "resource" | "data", facts: TypeFacts): JsonSchema {
  const parser = new ModuleParser(moduleOf(type, kind));
  const block = parser.block(parser.mainClass(kind));
  const known = new Set([...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})]);
  const missing = namedAttributes(facts).filter((a) => !known.has(a));
  if (missing.length > 0) throw new Error(`facts.ts: ${kind} ${type} names ${missing.join(", ")}, which ${PACKAGE} ${PACKAGE_VERSION} does not have`);
  return { version: facts.schemaVersion ?? 0, block: markSensitive(block, facts.sensitive ?? [], `${kind} ${type}`) };
}

/** The block with the named attributes marked sensitive (facts.ts); an unknown name fails. */
function markSensitive(block: JsonBlock, names: readonly string[], where: string): JsonBlock {
  if (names.length === 0) return block;
  const attributes = { ...(block.attributes ?? {}) };
  for (const n of names) {
    if (!attributes[n]) throw new Error(`facts.ts: ${where} marks ${n} sensitive, which ${PACKAGE} ${PACKAGE_VERSION} does not have`);
    attributes[n] = { ...attributes[n], sensitive: true };
  }
  return { ...block, attributes };
}

/** The whole provider schema, as `terraform providers schema -json` prints it. */
export function generateSchema(): JsonProviderSchemas {
  const installed = JSON.parse(fs.readFileSync(require.resolve(`${PACKAGE}/package.json`), "utf8")) as { version: string };
  if (installed.version !== PACKAGE_VERSION) throw new Error(`${PACKAGE} is ${installed.version}; the stand-in's schema is generated from ${PACKAGE_VERSION}`);
  const provider = new ModuleParser("lib/provider/index.js");
  const resources = Object.fromEntries(Object.keys(RESOURCE_FACTS).sort().map((t) => [t, schemaOf(t, "resource", RESOURCE_FACTS[t])]));
  const dataSources = Object.fromEntries(Object.keys(DATA_SOURCE_FACTS).sort().map((t) => [t, schemaOf(t, "data", DATA_SOURCE_FACTS[t])]));
  return {
    format_version: "1.0",
    provider_schemas: {
      [PROVIDER_SOURCE]: {
        provider: { version: 0, block: markSensitive(provider.block(provider.mainClass("provider")), PROVIDER_FACTS.sensitive, "provider") },
        resource_schemas: resources,
        data_source_schemas: dataSources,
      },
    },
  };
}

export function renderSchema(schema: JsonProviderSchemas): string {
  return `${JSON.stringify(schema, null, 1)}\n`;
}

/** Rewrites the committed schema file; returns its path. */
export function writeSchemaFile(): string {
  fs.writeFileSync(SCHEMA_FILE, renderSchema(generateSchema()));
  return SCHEMA_FILE;
}
