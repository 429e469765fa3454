// The values and text of a generated plan (scripts/generate-plan.ts): what the provider makes up on
// apply, terraform's JSON renderings of a value (sorted keys, unknowns, sensitivity), the proposed
// new value and the provider's plan of one resource (the stand-in's planner), a data source's read,
// and the console's text. Each follows the terraform v1.11.4 or stand-in function it names.
import * as crypto from "crypto";
import type { TypeSchema } from "../../stand-in/provider/schema";
import { planFramework, planSdkv2 } from "../../stand-in/provider/plan";
import { isUnknown, whollyKnown, type ObjectValue, type Value } from "../../stand-in/protocol/values";
import type { CtyType } from "../../stand-in/schema/json-schema";

type Obj = { readonly [key: string]: unknown };

/** A configuration the generator cannot plan: refused, never guessed (exit 2). */
export class GenerateError extends Error {}

export interface Resource {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly body: Obj;
  readonly schema: TypeSchema;
}

/** A value made up for what the provider computes on apply: the same for the same address and attribute. */
export function madeUp(address: string, attribute: string, type: CtyType): Value {
  if (type === "number") return 1735689600000;
  if (type === "bool") return false;
  if (Array.isArray(type)) return type[0] === "list" || type[0] === "set" ? [] : type[0] === "map" ? {} : null;
  const h = crypto.createHash("sha256").update(`${address}.${attribute}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The type of an object type's attribute. */
export function attributeTypeOf(t: TypeSchema, name: string): CtyType {
  return (t.type as readonly ["object", { readonly [n: string]: CtyType }])[1][name];
}

/** A planned value with its unknowns made up, as the object is after apply (and Read). */
export function applied(address: string, t: TypeSchema, planned: ObjectValue): ObjectValue {
  const out: ObjectValue = {};
  for (const [k, v] of Object.entries(planned)) out[k] = isUnknown(v) ? madeUp(address, k, attributeTypeOf(t, k)) : v;
  return out;
}

/** A value with every object's keys in order, as terraform's JSON has them (ctyjson marshals attributes sorted). */
export function sortedKeys(v: Value): Value {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== "object" || isUnknown(v)) return v;
  const out: ObjectValue = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedKeys(v[k]);
  return out;
}

/** Whether a value holds no unknown, as terraform's IsWhollyKnown. */
export const known = (v: Value): boolean => whollyKnown(v);

/** A value with its unknowns left out (jsonplan omitUnknowns). */
export function omitUnknowns(v: Value): unknown {
  if (isUnknown(v)) return undefined;
  if (Array.isArray(v)) return v.map((x) => (isUnknown(x) ? null : omitUnknowns(x)));
  if (v !== null && typeof v === "object") {
    const out: { [k: string]: unknown } = {};
    for (const [k, x] of Object.entries(v)) if (!isUnknown(x)) out[k] = omitUnknowns(x);
    return out;
  }
  return v;
}

/** jsonplan unknownAsBool: true where unknown, lists element by element, objects without their known attributes. */
export function unknownAsBool(v: Value): unknown {
  if (v === null) return false;
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.map(unknownAsBool);
  if (typeof v === "object") {
    const out: { [k: string]: unknown } = {};
    for (const [k, x] of Object.entries(v)) {
      const b = unknownAsBool(x);
      if (b !== false) out[k] = b;
    }
    return out;
  }
  return false;
}

/** jsonstate SensitiveAsBool of a value of `type` (the schema's sensitive attributes marked, at the top level). */
export function sensitiveAsBool(v: Value, type: CtyType, sensitive: ReadonlySet<string> = new Set()): unknown {
  if (v === null || type === "string" || type === "number" || type === "bool" || type === "dynamic") return false;
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") return isUnknown(v) || !Array.isArray(v) ? [] : v.map((x) => sensitiveAsBool(x, inner as CtyType));
  if (isUnknown(v) || typeof v !== "object" || Array.isArray(v)) return {};
  const out: { [k: string]: unknown } = {};
  for (const [k, x] of Object.entries(v)) {
    const t = kind === "map" ? (inner as CtyType) : (inner as { readonly [n: string]: CtyType })[k];
    const s = sensitive.has(k) ? true : sensitiveAsBool(x, t);
    if (s !== false) out[k] = s;
  }
  return out;
}

export function sensitiveOf(t: TypeSchema): Set<string> {
  return new Set([...Object.entries(t.attributes).filter(([, a]) => a.sensitive).map(([n]) => n), ...(t.facts.sensitive ?? [])]);
}

/** Terraform's ProposedNew, at the top level: the configuration, with the prior value of each computed attribute it leaves null. */
export function proposedNew(t: TypeSchema, prior: ObjectValue | null, config: ObjectValue): ObjectValue {
  const out: ObjectValue = { ...config };
  if (prior === null) return out;
  for (const [name, a] of Object.entries(t.attributes)) if (a.computed && config[name] === null) out[name] = prior[name];
  return out;
}

/** Plans one resource over its prior value, as terraform core asks the provider (stand-in/provider/plan.ts). */
export function planResource(r: Resource, prior: ObjectValue | null, config: ObjectValue): { planned: ObjectValue; requiresReplace: readonly string[] } {
  const plan = r.schema.facts.sdk === "sdkv2" ? planSdkv2 : planFramework;
  const first = plan(r.schema, prior, proposedNew(r.schema, prior, config), config);
  if (first.requiresReplace.length === 0 || prior === null) return { planned: first.planned!, requiresReplace: first.requiresReplace };
  // A replacement is planned again as a create (internal/terraform/node_resource_abstract_instance.go plan).
  const again = plan(r.schema, null, proposedNew(r.schema, null, config), config);
  return { planned: again.planned!, requiresReplace: first.requiresReplace };
}

/** A data source read during the plan: its configuration with the provider's defaults and made-up computed values. */
export function readData(r: Resource, config: ObjectValue): ObjectValue {
  if (!known(config)) throw new GenerateError(`${r.address}: its configuration is not known at plan time; the generator does not plan reads during apply`);
  const out: ObjectValue = { ...config };
  for (const [name, value] of Object.entries(r.schema.facts.defaults ?? {})) if (out[name] === null) out[name] = value;
  for (const [name, a] of Object.entries(r.schema.attributes)) if (a.computed && out[name] === null) out[name] = madeUp(r.address, name, attributeTypeOf(r.schema, name));
  return out;
}

/** The console's text: the changes' headings in terraform's words and its summary line (internal/command/jsonformat/plan.go). */
export function planText(changes: readonly { heading: string; symbol: string; action: string; sortKey: Resource }[]): string {
  const shown = changes.filter((c) => c.heading !== "");
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  const lines: string[] = [];
  if (shown.length === 0) {
    lines.push("", "No changes. Your infrastructure matches the configuration.", "");
    return lines.join("\n");
  }
  lines.push("", "Terraform used the selected providers to generate the following execution plan. Resource actions are", "indicated with the following symbols:");
  if (count("create") > 0) lines.push("  + create");
  if (count("update") > 0) lines.push("  ~ update in-place");
  if (count("delete") > 0) lines.push("  - destroy");
  if (count("delete,create") > 0) lines.push("-/+ destroy and then create replacement");
  lines.push("", "Terraform will perform the following actions:");
  for (const c of shown) lines.push("", c.heading, `${c.symbol} resource "${c.sortKey.type}" "${c.sortKey.name}" {`, "    }");
  lines.push("", `Plan: ${count("create") + count("delete,create")} to add, ${count("update")} to change, ${count("delete") + count("delete,create")} to destroy.`, "");
  return lines.join("\n");
}
