// Writes a plan of one stack as terraform 1.11 writes it (`terraform show -json PLANFILE`, and the
// plan's console output), without terraform: for measuring deploy-check and plan-guard at scale
// (npm run bench), where planning thousands of resources with the real terraform against the
// stand-in would take minutes.
//
// The state is BASE's configuration applied (nothing changed by hand since; none: an empty state,
// a first deploy) and the plan is HEAD's configuration over it, worked out as terraform core does
// (internal/terraform, internal/plans/objchange ProposedNew, internal/command/jsonplan and
// jsonformat at v1.11.4): each resource's configuration evaluated (references resolved, or unknown
// where they point at an object not created yet), the provider's PlanResourceChange answered by the
// stand-in's own planner (stand-in/provider/plan.ts: defaults, ForceNew, computed attributes), then
// the action (create, update, delete-then-create with its replace_paths, delete, forget, moved), the
// JSON's before/after/after_unknown/sensitive values, planned_values, prior_state, configuration,
// output_changes and relevant_attributes. What the provider computes on apply (IDs, application
// IDs, timestamps) is made up, deterministically. A configuration it cannot evaluate (an expression
// other than a reference, an import of an object it cannot know, a destroy prevent_destroy forbids)
// is refused, never guessed. __tests__/e2e/generated-plan.test.ts compares its plans with the real
// terraform's for the same changes: the same JSON shape, the same actions, and the same verdicts of
// deploy-check and plan-guard.
//
// The console text has what readers of it use: each change's heading as terraform words it, and the
// summary line; not the attribute diffs.
//
// Usage: node scripts/run-ts.js scripts/generate-plan.ts BASE_DIR|none HEAD_DIR --stack NAME --out DIR
//   (writes DIR/plan.json and DIR/plan.txt)
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { readOutputTree } from "../lib/output/read";
import { normalizeStacks, type StackJson, type SynthesizedStack } from "../lib/output/stack";
import { forgottenAddresses, importsOf, movesOf } from "../lib/output/blocks";
import { loadSchema, type TypeSchema } from "../stand-in/provider/schema";
import { planFramework, planSdkv2 } from "../stand-in/provider/plan";
import { conform, isUnknown, sameValue, whollyKnown, type ObjectValue, type Value } from "../stand-in/protocol/values";
import { PROVIDER_SOURCE, PROVIDER_VERSION, type CtyType } from "../stand-in/schema/json-schema";

const TERRAFORM_VERSION = "1.11.4";
/** A fixed plan time, so a generated plan is the same bytes every time. */
const TIMESTAMP = "2026-01-01T00:00:00Z";
/** Keys of a resource block that are not provider attributes. */
const META = new Set(["//", "lifecycle", "depends_on", "provider", "count", "for_each", "provisioner", "connection"]);

type Obj = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

export interface GeneratedPlan {
  /** What `terraform show -json PLANFILE` prints. */
  readonly json: Obj;
  /** What `terraform plan -no-color` prints: the headings of the changes and the summary line. */
  readonly text: string;
}

interface Resource {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly body: Obj;
  readonly schema: TypeSchema;
}

/** A resource's planned change, before it is written out. */
interface Planned {
  readonly resource: Resource;
  readonly action: "create" | "update" | "no-op" | "delete,create";
  readonly prior: ObjectValue | null;
  readonly planned: ObjectValue;
  readonly replacePaths: readonly string[];
  readonly previousAddress?: string;
}

class GenerateError extends Error {}

/** The stack's resources and data sources, each with its provider schema. */
function resourcesOf(json: StackJson, where: string): Resource[] {
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
function byAddress(a: { mode: string; type: string; name: string }, b: { mode: string; type: string; name: string }): number {
  if (a.mode !== b.mode) return a.mode === "data" ? -1 : 1;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const REFERENCE = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+|var)\.([A-Za-z0-9_-]+)\}$/;

/** The references an expression makes: `[resource address, attribute]` (a variable's address is `var`). */
function referencesIn(v: unknown, where: string, out: [string, string][] = []): [string, string][] {
  if (typeof v === "string") {
    if (!v.includes("${")) return out;
    const m = REFERENCE.exec(v);
    if (!m) throw new GenerateError(`${where}: ${JSON.stringify(v)} is not a plain reference; the generator evaluates nothing else`);
    out.push([m[1], m[2]]);
  } else if (Array.isArray(v)) v.forEach((x) => referencesIn(x, where, out));
  else if (isObject(v)) for (const x of Object.values(v)) referencesIn(x, where, out);
  return out;
}

/** A value made up for what the provider computes on apply: the same for the same address and attribute. */
function madeUp(address: string, attribute: string, type: CtyType): Value {
  if (type === "number") return 1735689600000;
  if (type === "bool") return false;
  if (Array.isArray(type)) return type[0] === "list" || type[0] === "set" ? [] : type[0] === "map" ? {} : null;
  const h = crypto.createHash("sha256").update(`${address}.${attribute}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The type of an object type's attribute. */
function attributeTypeOf(t: TypeSchema, name: string): CtyType {
  return (t.type as readonly ["object", { readonly [n: string]: CtyType }])[1][name];
}

/** A planned value with its unknowns made up, as the object is after apply (and Read). */
function applied(address: string, t: TypeSchema, planned: ObjectValue): ObjectValue {
  const out: ObjectValue = {};
  for (const [k, v] of Object.entries(planned)) out[k] = isUnknown(v) ? madeUp(address, k, attributeTypeOf(t, k)) : v;
  return out;
}

/**
 * Evaluates a stack's configuration over a state: `values` of what is planned or read so far. A
 * reference to an attribute whose planned value is unknown is unknown.
 */
class Evaluator {
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
    for (const [k, v] of Object.entries(r.body)) if (!META.has(k)) raw[k] = this.value(v, `${r.address}.${k}`);
    for (const [name, b] of Object.entries(r.schema.schema.block.block_types ?? {})) {
      if (raw[name] === undefined || raw[name] === null) raw[name] = b.nesting_mode === "single" ? null : b.nesting_mode === "map" ? {} : [];
    }
    for (const k of Object.keys(raw)) {
      if (attributeTypeOf(r.schema, k) === undefined) throw new GenerateError(`${this.where}: ${r.address} sets ${k}, which ${r.type} does not have`);
    }
    return sortedKeys(conform(raw, r.schema.type, r.address)) as ObjectValue;
  }
}

/** A value with every object's keys in order, as terraform's JSON has them (ctyjson marshals attributes sorted). */
function sortedKeys(v: Value): Value {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== "object" || isUnknown(v)) return v;
  const out: ObjectValue = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedKeys(v[k]);
  return out;
}

/** Whether a value holds no unknown, as terraform's IsWhollyKnown. */
const known = (v: Value): boolean => whollyKnown(v);

/** A value with its unknowns left out (jsonplan omitUnknowns). */
function omitUnknowns(v: Value): unknown {
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
function unknownAsBool(v: Value): unknown {
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
function sensitiveAsBool(v: Value, type: CtyType, sensitive: ReadonlySet<string> = new Set()): unknown {
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

function sensitiveOf(t: TypeSchema): Set<string> {
  return new Set([...Object.entries(t.attributes).filter(([, a]) => a.sensitive).map(([n]) => n), ...(t.facts.sensitive ?? [])]);
}

/** Terraform's ProposedNew, at the top level: the configuration, with the prior value of each computed attribute it leaves null. */
function proposedNew(t: TypeSchema, prior: ObjectValue | null, config: ObjectValue): ObjectValue {
  const out: ObjectValue = { ...config };
  if (prior === null) return out;
  for (const [name, a] of Object.entries(t.attributes)) if (a.computed && config[name] === null) out[name] = prior[name];
  return out;
}

/** Plans one resource over its prior value, as terraform core asks the provider (stand-in/provider/plan.ts). */
function planResource(r: Resource, prior: ObjectValue | null, config: ObjectValue): { planned: ObjectValue; requiresReplace: readonly string[] } {
  const plan = r.schema.facts.sdk === "sdkv2" ? planSdkv2 : planFramework;
  const first = plan(r.schema, prior, proposedNew(r.schema, prior, config), config);
  if (first.requiresReplace.length === 0 || prior === null) return { planned: first.planned!, requiresReplace: first.requiresReplace };
  // A replacement is planned again as a create (internal/terraform/node_resource_abstract_instance.go plan).
  const again = plan(r.schema, null, proposedNew(r.schema, null, config), config);
  return { planned: again.planned!, requiresReplace: first.requiresReplace };
}

/** A data source read during the plan: its configuration with the provider's defaults and made-up computed values. */
function readData(r: Resource, config: ObjectValue): ObjectValue {
  if (!known(config)) throw new GenerateError(`${r.address}: its configuration is not known at plan time; the generator does not plan reads during apply`);
  const out: ObjectValue = { ...config };
  for (const [name, value] of Object.entries(r.schema.facts.defaults ?? {})) if (out[name] === null) out[name] = value;
  for (const [name, a] of Object.entries(r.schema.attributes)) if (a.computed && out[name] === null) out[name] = madeUp(r.address, name, attributeTypeOf(r.schema, name));
  return out;
}

/** The resources in dependency order (each after what it refers to), or an error naming a cycle. */
function ordered(resources: readonly Resource[], where: string): Resource[] {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const state = new Map<string, "visiting" | "done">();
  const out: Resource[] = [];
  const visit = (r: Resource) => {
    const s = state.get(r.address);
    if (s === "done") return;
    if (s === "visiting") throw new GenerateError(`${where}: ${r.address} refers to itself through its references`);
    state.set(r.address, "visiting");
    for (const [target] of referencesIn(Object.fromEntries(Object.entries(r.body).filter(([k]) => !META.has(k))), r.address)) {
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
function dependencies(resources: readonly Resource[]): Map<string, string[]> {
  const direct = new Map(resources.map((r) => [r.address, [...new Set([...referencesIn(Object.fromEntries(Object.entries(r.body).filter(([k]) => !META.has(k))), r.address).map(([a]) => a).filter((a) => a !== "var"), ...(Array.isArray(r.body.depends_on) ? r.body.depends_on.map(String) : [])])]]));
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
function appliedState(stack: SynthesizedStack): { values: Map<string, ObjectValue>; resources: Resource[] } {
  const resources = ordered(resourcesOf(stack.json, stack.name), stack.name);
  const ev = new Evaluator(stack.json, stack.name);
  for (const r of resources) {
    const config = ev.config(r);
    ev.values.set(r.address, r.mode === "data" ? readData(r, config) : applied(r.address, r.schema, planResource(r, null, config).planned));
  }
  return { values: ev.values, resources };
}

function expressions(body: Obj): Obj {
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(body)) {
    if (META.has(k)) continue;
    out[k] = expression(v, k);
  }
  return out;
}

/** jsonconfig's expression: the value, and what it refers to (the attribute, then its resource). */
function expression(v: unknown, at: string): Obj {
  const refs = referencesIn(v, at);
  return { constant_value: v, ...(refs.length > 0 ? { references: refs.flatMap(([r, a]) => (r === "var" ? [`var.${a}`] : [`${r}.${a}`, r])) } : {}) };
}

function stateResource(r: Resource, values: ObjectValue, dependsOn?: readonly string[]): Obj {
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

/** HEAD's plan over the state BASE left (`undefined`: an empty state). */
export function generatePlan(baseStack: SynthesizedStack | undefined, headStack: SynthesizedStack): GeneratedPlan {
  const [head] = normalizeStacks([headStack]);
  const base = baseStack ? normalizeStacks([baseStack])[0] : undefined;
  const where = head.name;
  const state = base ? appliedState(base) : { values: new Map<string, ObjectValue>(), resources: [] as Resource[] };
  const resources = ordered(resourcesOf(head.json, where), where);
  const imports = importsOf(head);
  const movedTo = new Map(movesOf(head).map((m) => [m.to, m.from]));
  const movedFrom = new Set(movesOf(head).map((m) => m.from));
  const forgets = forgottenAddresses(head);
  const ev = new Evaluator(head.json, where);
  const planned: Planned[] = [];
  const data = new Map<string, ObjectValue>();

  for (const r of resources) {
    const config = ev.config(r);
    if (r.mode === "data") {
      const value = readData(r, config);
      data.set(r.address, value);
      ev.values.set(r.address, value);
      continue;
    }
    const from = movedTo.get(r.address);
    const priorAddress = state.values.has(r.address) ? r.address : from !== undefined && state.values.has(from) ? from : undefined;
    const prior = priorAddress === undefined ? null : state.values.get(priorAddress)!;
    if (prior === null && imports.has(r.address)) throw new GenerateError(`${where}: ${r.address} is imported (${imports.get(r.address)}); the generator cannot know the imported object`);
    const { planned: value, requiresReplace } = planResource(r, prior, config);
    const action = prior === null ? "create" : requiresReplace.length > 0 ? "delete,create" : sameValue(value, prior, r.schema.type) ? "no-op" : "update";
    const lifecycle = isObject(r.body.lifecycle) ? r.body.lifecycle : {};
    if (action === "delete,create" && lifecycle.prevent_destroy === true) {
      throw new GenerateError(`${where}: ${r.address} has lifecycle.prevent_destroy set, but the plan must replace it (${requiresReplace.join(", ")}); terraform refuses to plan this`);
    }
    if (action === "delete,create" && lifecycle.create_before_destroy === true) throw new GenerateError(`${where}: ${r.address}: create_before_destroy is not modelled`);
    planned.push({ resource: r, action, prior, planned: value, replacePaths: requiresReplace, ...(priorAddress !== undefined && priorAddress !== r.address ? { previousAddress: priorAddress } : {}) });
    ev.values.set(r.address, value);
  }
  const declared = new Set(resources.map((r) => r.address));
  const orphans = state.resources.filter((r) => r.mode === "managed" && !declared.has(r.address) && !movedFrom.has(r.address));

  // --- resource_changes ---
  const changes: { sortKey: Resource; json: Obj; heading: string; symbol: string; action: string }[] = [];
  for (const p of planned) {
    const r = p.resource;
    const after = p.planned;
    const sensitive = sensitiveOf(r.schema);
    const change: { [k: string]: unknown } = {
      actions: p.action.split(","),
      before: p.prior,
      after: known(after) ? after : omitUnknowns(after),
      after_unknown: known(after) ? {} : unknownAsBool(after),
      before_sensitive: p.prior === null ? false : sensitiveAsBool(p.prior, r.schema.type, sensitive),
      after_sensitive: sensitiveAsBool(after, r.schema.type, sensitive),
    };
    if (p.replacePaths.length > 0) change.replace_paths = p.replacePaths.map((a) => [a]);
    const json: Obj = {
      address: r.address,
      ...(p.previousAddress !== undefined ? { previous_address: p.previousAddress } : {}),
      mode: r.mode,
      type: r.type,
      name: r.name,
      provider_name: PROVIDER_SOURCE,
      change,
      ...(p.action === "delete,create" ? { action_reason: "replace_because_cannot_update" } : {}),
    };
    const heading =
      p.action === "create"
        ? `  # ${r.address} will be created`
        : p.action === "update"
          ? `  # ${r.address} will be updated in-place`
          : p.action === "delete,create"
            ? `  # ${r.address} must be replaced`
            : p.previousAddress !== undefined
              ? `  # ${p.previousAddress} has moved to ${r.address}`
              : "";
    const symbol = { create: "  +", update: "  ~", "delete,create": "-/+", "no-op": "   " }[p.action];
    changes.push({ sortKey: r, json, heading, symbol, action: p.action });
  }
  for (const r of orphans) {
    const prior = state.values.get(r.address)!;
    const forget = forgets.has(r.address);
    const json: Obj = {
      address: r.address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      provider_name: PROVIDER_SOURCE,
      change: { actions: [forget ? "forget" : "delete"], before: prior, after: null, after_unknown: {}, before_sensitive: sensitiveAsBool(prior, r.schema.type, sensitiveOf(r.schema)), after_sensitive: false },
      action_reason: "delete_because_no_resource_config",
    };
    const heading = forget
      ? ` # ${r.address} will no longer be managed by Terraform, but will not be destroyed\n # (destroy = false is set in the configuration)`
      : `  # ${r.address} will be destroyed\n  # (because ${r.type}.${r.name} is not in configuration)`;
    changes.push({ sortKey: r, json, heading, symbol: forget ? " ." : "  -", action: forget ? "forget" : "delete" });
  }
  changes.sort((a, b) => byAddress(a.sortKey, b.sortKey));

  // --- outputs ---
  const outputs = isObject(head.json.output) ? head.json.output : {};
  const baseOutputs = base && isObject(base.json.output) ? base.json.output : {};
  const baseEv = base ? Object.assign(new Evaluator(base.json, base.name), { values: state.values }) : undefined;
  const outputValue = (e: Evaluator, body: unknown, name: string): Value => e.value(isObject(body) ? body.value : undefined, `output.${name}`);
  const priorOutputs = new Map(Object.entries(baseOutputs).filter(([n]) => n !== "//").map(([n, b]) => [n, outputValue(baseEv!, b, n)]));
  const outputChanges: { [name: string]: unknown } = {};
  const plannedOutputs: { [name: string]: unknown } = {};
  const configOutputs: { [name: string]: unknown } = {};
  const typeName = (v: Value): unknown => (typeof v === "string" ? "string" : typeof v === "number" ? "number" : typeof v === "boolean" ? "bool" : Array.isArray(v) ? ["tuple", v.map(typeName)] : "dynamic");
  for (const [name, body] of Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === "//") continue;
    const value = outputValue(ev, body, name);
    const before = priorOutputs.has(name) ? priorOutputs.get(name)! : null;
    const action = !priorOutputs.has(name) ? "create" : known(value) && sameValue(value, before) ? "no-op" : "update";
    outputChanges[name] = { actions: [action], before, ...(known(value) ? { after: value } : {}), after_unknown: !known(value), before_sensitive: false, after_sensitive: false };
    plannedOutputs[name] = known(value) ? { sensitive: false, type: typeName(value), value } : { sensitive: false };
    configOutputs[name] = { expression: expression(isObject(body) ? body.value : null, `output.${name}`), ...(isObject(body) && typeof body.description === "string" ? { description: body.description } : {}) };
  }
  for (const [name, before] of priorOutputs) {
    if (name in outputs) continue;
    outputChanges[name] = { actions: ["delete"], before, after: null, after_unknown: false, before_sensitive: false, after_sensitive: false };
  }

  // --- planned_values, prior_state, configuration ---
  const plannedByAddress = new Map(planned.map((p) => [p.resource.address, p]));
  const plannedValues = {
    outputs: plannedOutputs,
    root_module: {
      // Every object but the destroyed ones (jsonplan marshalPlannedValues); a forgotten one without values.
      resources: [...planned.map((p) => p.resource), ...orphans.filter((r) => forgets.has(r.address))].sort(byAddress).map((r) => {
        const p = plannedByAddress.get(r.address);
        if (!p) return { address: r.address, mode: r.mode, type: r.type, name: r.name, provider_name: PROVIDER_SOURCE, schema_version: r.schema.facts.schemaVersion ?? 0, sensitive_values: false };
        const o = stateResource(r, omitUnknowns(p.planned) as ObjectValue);
        return { ...o, sensitive_values: sensitiveAsBool(p.planned, r.schema.type, sensitiveOf(r.schema)) };
      }),
    },
  };
  // The refreshed state: moved objects under their new addresses, and each object's dependencies
  // as the configuration now has them (the refresh writes them); a removed one keeps its own.
  const headDeps = dependencies(resources);
  const baseDeps = base ? dependencies(state.resources) : new Map<string, string[]>();
  const priorResources = [
    ...resources.filter((r) => r.mode === "data").map((r) => stateResource(r, data.get(r.address)!)),
    ...planned.filter((p) => p.prior !== null).map((p) => stateResource(p.resource, p.prior!, headDeps.get(p.resource.address))),
    ...orphans.map((r) => stateResource(r, state.values.get(r.address)!, baseDeps.get(r.address))),
  ].sort((a, b) => byAddress(a as never, b as never));
  // The refreshed state's outputs: HEAD's, where the state (and the data read) already knows them.
  const refreshed = Object.assign(new Evaluator(head.json, where), { values: new Map([...state.values, ...data]) });
  const priorStateOutputs: { [name: string]: unknown } = {};
  for (const [name, body] of Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === "//") continue;
    let v: Value;
    try {
      v = outputValue(refreshed, body, name);
    } catch {
      continue; // refers to what the state does not have yet
    }
    if (known(v)) priorStateOutputs[name] = { sensitive: false, value: v, type: typeName(v) };
  }
  const provider = Array.isArray(isObject(head.json.provider) ? head.json.provider.databricks : undefined) ? (head.json.provider!.databricks[0] as Obj) : {};
  const variables: Obj = isObject(head.json.variable) ? head.json.variable : {};
  const configuration = {
    provider_config: {
      databricks: { name: "databricks", full_name: PROVIDER_SOURCE, version_constraint: PROVIDER_VERSION, expressions: expressions(provider) },
    },
    root_module: {
      outputs: configOutputs,
      // jsonconfig marshalModule: the managed resources by address, then the data sources by address.
      resources: [...resources].sort((a, b) => (a.mode !== b.mode ? (a.mode === "managed" ? -1 : 1) : a.address < b.address ? -1 : 1)).map((r) => ({
        address: r.address,
        mode: r.mode,
        type: r.type,
        name: r.name,
        provider_config_key: "databricks",
        expressions: expressions(r.body),
        schema_version: r.schema.facts.schemaVersion ?? 0,
        ...(Array.isArray(r.body.depends_on) && r.body.depends_on.length > 0 ? { depends_on: r.body.depends_on } : {}),
      })),
      variables: Object.fromEntries(Object.entries(variables).filter(([n]) => n !== "//").map(([n, v]) => [n, { ...(isObject(v) && v.default !== undefined ? { default: v.default } : {}), ...(isObject(v) && typeof v.description === "string" ? { description: v.description } : {}) }])),
    },
  };
  // relevant_attributes: the resource attributes the changing resources and outputs refer to,
  // directly or through what they refer to (internal/terraform/context_plan.go
  // relevantResourceAttrsForPlan, internal/lang/globalref: in map order; here sorted).
  const bodies = new Map(resources.map((r) => [r.address, Object.fromEntries(Object.entries(r.body).filter(([k]) => !META.has(k)))]));
  const relevant = new Map<string, [string, string]>();
  const visited = new Set<string>();
  const pending: [string, string][] = [];
  for (const p of planned) if (p.action !== "no-op") pending.push(...referencesIn(bodies.get(p.resource.address), p.resource.address));
  for (const [name, c] of Object.entries(outputChanges)) {
    if ((c as { actions: string[] }).actions[0] !== "no-op" && isObject(outputs[name])) pending.push(...referencesIn((outputs[name] as Obj).value, `output.${name}`));
  }
  while (pending.length > 0) {
    const [target, attribute] = pending.pop()!;
    if (target === "var") continue;
    relevant.set(`${target} ${attribute}`, [target, attribute]);
    // What that attribute's expression refers to (globalref metaReferencesResourceInstance): a
    // computed attribute the configuration does not set refers to nothing.
    const key = `${target} ${attribute}`;
    if (visited.has(key)) continue;
    visited.add(key);
    pending.push(...referencesIn(bodies.get(target)?.[attribute], target));
  }
  const relevantAttributes = [...relevant.keys()].sort().map((k) => ({ resource: relevant.get(k)![0], attribute: [relevant.get(k)![1]] }));

  const anything = changes.some((c) => c.action !== "no-op") || Object.values(outputChanges).some((c) => (c as { actions: string[] }).actions[0] !== "no-op");
  const json: Obj = {
    format_version: "1.2",
    terraform_version: TERRAFORM_VERSION,
    variables: Object.fromEntries(Object.entries(variables).filter(([n]) => n !== "//").map(([n, v]) => [n, { value: isObject(v) ? (v.default ?? null) : null }])),
    planned_values: plannedValues,
    resource_changes: changes.map((c) => c.json),
    output_changes: outputChanges,
    prior_state: { format_version: "1.0", terraform_version: TERRAFORM_VERSION, values: { ...(Object.keys(priorStateOutputs).length > 0 ? { outputs: priorStateOutputs } : {}), root_module: { resources: priorResources } } },
    configuration,
    ...(relevantAttributes.length > 0 ? { relevant_attributes: relevantAttributes } : {}),
    timestamp: TIMESTAMP,
    applyable: anything,
    complete: true,
    errored: false,
  };
  return { json, text: planText(changes) };
}

/** The console's text: the changes' headings in terraform's words and its summary line (internal/command/jsonformat/plan.go). */
function planText(changes: readonly { heading: string; symbol: string; action: string; sortKey: Resource }[]): string {
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

// Run as a script (scripts/run-ts.js makes the entry argv[1]); imported, it only exports.
if (path.resolve(process.argv[1] ?? "") === __filename) {
  const usage = "usage: node scripts/run-ts.js scripts/generate-plan.ts BASE_DIR|none HEAD_DIR --stack NAME --out DIR";
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const stackName = flag("--stack");
  const outDir = flag("--out");
  if (args.includes("--help")) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (stackName === undefined || outDir === undefined || args.length !== 2) {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  try {
    const find = (dir: string) => readOutputTree(dir).stacks.find((s) => s.name === stackName);
    const head = find(args[1]);
    if (!head) throw new GenerateError(`${args[1]} has no stack ${stackName}`);
    const base = args[0] === "none" ? undefined : find(args[0]);
    const plan = generatePlan(base, head);
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, "plan.json"), JSON.stringify(plan.json));
    fs.writeFileSync(path.join(outDir, "plan.txt"), plan.text);
    const rcs = plan.json.resource_changes as { change: { actions: string[] } }[];
    process.stderr.write(`generate-plan: ${stackName}: ${rcs.length} resource changes (${rcs.filter((r) => r.change.actions[0] !== "no-op").length} not no-op) in ${path.join(outDir, "plan.json")}\n`);
  } catch (e) {
    process.stderr.write(`generate-plan: ${(e as Error).message}\n`);
    process.exit(e instanceof GenerateError ? 2 : 1);
  }
}
