// The configuration of a generated plan (scripts/generate-plan.ts) as terraform core reads it: a
// stack's resources with their schemas, in terraform's order and in dependency order, expressions
// evaluated over what is planned so far, a configuration applied over an empty state, and the
// state's and jsonconfig's renderings of a resource (terraform v1.11.4 internal/terraform,
// internal/command/jsonconfig, jsonstate).
import { BLOCK_META } from "../../lib/output/blocks";
import type { StackJson, SynthesizedStack } from "../../lib/output/stack";
import { loadSchema } from "../../stand-in/provider/schema";
import { conform, type ObjectValue, type Value } from "../../stand-in/protocol/values";
import { PROVIDER_SOURCE } from "../../stand-in/schema/json-schema";
import { GenerateError, applied, attributeTypeOf, planResource, readData, sensitiveAsBool, sensitiveOf, sortedKeys, type Resource } from "./plan-values";

type Obj = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** The stack's resources and data sources, each with its provider schema. */
export function resourcesOf(json: StackJson, where: string): Resource[] {
  const schema = loadSchema();
  const out: Resource[] = [];
  for (const mode of ["resource", "data"] as const) {
    const all = json[mode];
    if (!isObject(all)) continue;
    for (const [type, named] of Object.entries(all)) {
      if (type === "//" || !isObject(named)) continue;
      const s = (mode === "data" ? schema.dataSources : schema.resources).get(type);
      if (!s) throw new GenerateError(`${where}: ${mode} type ${type} is not in the provider schema (stand-in/schema)`);
      for (const [name, body] of Object.entries(named)) {
        if (name === "//" || !isObject(body)) continue;
        out.push({ address: `${mode === "data" ? "data." : ""}${type}.${name}`, mode: mode === "data" ? "data" : "managed", type, name, body, schema: s });
      }
    }
  }
  return out;
}

/** Terraform's order of resource instances (addrs.Resource.Less): data sources first, then by type and name. */
export function byAddress(a: { mode: string; type: string; name: string }, b: { mode: string; type: string; name: string }): number {
  if (a.mode !== b.mode) return a.mode === "data" ? -1 : 1;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export const REFERENCE = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+|var)\.([A-Za-z0-9_-]+)\}$/;

/** The references an expression makes: `[resource address, attribute]` (a variable's address is `var`). */
export function referencesIn(v: unknown, where: string, out: [string, string][] = []): [string, string][] {
  if (typeof v === "string") {
    if (!v.includes("${")) return out;
    const m = REFERENCE.exec(v);
    if (!m) throw new GenerateError(`${where}: ${JSON.stringify(v)} is not a plain reference; the generator evaluates nothing else`);
    out.push([m[1], m[2]]);
  } else if (Array.isArray(v)) v.forEach((x) => referencesIn(x, where, out));
  else if (isObject(v)) for (const x of Object.values(v)) referencesIn(x, where, out);
  return out;
}


/**
 * Evaluates a stack's configuration over a state: `values` of what is planned or read so far. A
 * reference to an attribute whose planned value is unknown is unknown.
 */
export class Evaluator {
  readonly values = new Map<string, ObjectValue>();
  constructor(
    private readonly json: StackJson,
    private readonly where: string,
  ) {}

  value(v: unknown, at: string): Value {
    if (typeof v === "string" && v.includes("${")) {
      const [[target, attribute]] = referencesIn(v, at);
      if (target === "var") {
        const variable = isObject(this.json.variable) ? this.json.variable[attribute] : undefined;
        if (!isObject(variable) || variable.default === undefined) throw new GenerateError(`${this.where}: ${at} refers to var.${attribute}, which has no default`);
        return variable.default as Value;
      }
      const of = this.values.get(target);
      if (of === undefined) throw new GenerateError(`${this.where}: ${at} refers to ${target}, which is not planned before it (a cycle, or not in the configuration)`);
      return of[attribute] === undefined ? null : of[attribute];
    }
    if (Array.isArray(v)) {
      const items = v.map((x) => this.value(x, at));
      return items;
    }
    if (isObject(v)) return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "//").map(([k, x]) => [k, this.value(x, at)]));
    return v as Value;
  }

  /** A block's configuration value: every attribute of its type (null where unset), nested blocks as lists. */
  config(r: Resource): ObjectValue {
    const raw: { [k: string]: unknown } = {};
    for (const [k, v] of Object.entries(r.body)) if (!BLOCK_META.has(k)) raw[k] = this.value(v, `${r.address}.${k}`);
    for (const [name, b] of Object.entries(r.schema.schema.block.block_types ?? {})) {
      if (raw[name] === undefined || raw[name] === null) raw[name] = b.nesting_mode === "single" ? null : b.nesting_mode === "map" ? {} : [];
    }
    for (const k of Object.keys(raw)) {
      if (attributeTypeOf(r.schema, k) === undefined) throw new GenerateError(`${this.where}: ${r.address} sets ${k}, which ${r.type} does not have`);
    }
    return sortedKeys(conform(raw, r.schema.type, r.address)) as ObjectValue;
  }
}


/** The resources in dependency order (each after what it refers to), or an error naming a cycle. */
export function ordered(resources: readonly Resource[], where: string): Resource[] {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const state = new Map<string, "visiting" | "done">();
  const out: Resource[] = [];
  const visit = (r: Resource) => {
    const s = state.get(r.address);
    if (s === "done") return;
    if (s === "visiting") throw new GenerateError(`${where}: ${r.address} refers to itself through its references`);
    state.set(r.address, "visiting");
    for (const [target] of referencesIn(Object.fromEntries(Object.entries(r.body).filter(([k]) => !BLOCK_META.has(k))), r.address)) {
      const t = byAddress.get(target);
      if (t) visit(t);
      else if (target !== "var") throw new GenerateError(`${where}: ${r.address} refers to ${target}, which the configuration does not declare`);
    }
    for (const d of Array.isArray(r.body.depends_on) ? r.body.depends_on : []) {
      const t = byAddress.get(String(d));
      if (t) visit(t);
    }
    state.set(r.address, "done");
    out.push(r);
  };
  for (const r of resources) visit(r);
  return out;
}

/** Every resource address a resource depends on, directly or through others (the state's depends_on). */
export function dependencies(resources: readonly Resource[]): Map<string, string[]> {
  const direct = new Map(resources.map((r) => [r.address, [...new Set([...referencesIn(Object.fromEntries(Object.entries(r.body).filter(([k]) => !BLOCK_META.has(k))), r.address).map(([a]) => a).filter((a) => a !== "var"), ...(Array.isArray(r.body.depends_on) ? r.body.depends_on.map(String) : [])])]]));
  const all = new Map<string, string[]>();
  const of = (address: string): string[] => {
    const done = all.get(address);
    if (done) return done;
    const set = new Set<string>();
    for (const d of direct.get(address) ?? []) {
      set.add(d);
      for (const x of of(d)) set.add(x);
    }
    const list = [...set].sort();
    all.set(address, list);
    return list;
  };
  for (const r of resources) of(r.address);
  return all;
}

/** The state a configuration leaves once applied over an empty one: every resource's value, data sources read. */
export function appliedState(stack: SynthesizedStack): { values: Map<string, ObjectValue>; resources: Resource[] } {
  const resources = ordered(resourcesOf(stack.json, stack.name), stack.name);
  const ev = new Evaluator(stack.json, stack.name);
  for (const r of resources) {
    const config = ev.config(r);
    ev.values.set(r.address, r.mode === "data" ? readData(r, config) : applied(r.address, r.schema, planResource(r, null, config).planned));
  }
  return { values: ev.values, resources };
}

export function expressions(body: Obj): Obj {
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(body)) {
    if (BLOCK_META.has(k)) continue;
    out[k] = expression(v, k);
  }
  return out;
}

/** jsonconfig's expression: the value, and what it refers to (the attribute, then its resource). */
export function expression(v: unknown, at: string): Obj {
  const refs = referencesIn(v, at);
  return { constant_value: v, ...(refs.length > 0 ? { references: refs.flatMap(([r, a]) => (r === "var" ? [`var.${a}`] : [`${r}.${a}`, r])) } : {}) };
}

export function stateResource(r: Resource, values: ObjectValue, dependsOn?: readonly string[]): Obj {
  return {
    address: r.address,
    mode: r.mode,
    type: r.type,
    name: r.name,
    provider_name: PROVIDER_SOURCE,
    schema_version: r.schema.facts.schemaVersion ?? 0,
    values,
    sensitive_values: sensitiveAsBool(values, r.schema.type, sensitiveOf(r.schema)),
    ...(dependsOn && dependsOn.length > 0 ? { depends_on: dependsOn } : {}),
  };
}

