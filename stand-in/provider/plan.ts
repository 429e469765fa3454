/**
 * PlanResourceChange as the provider's two SDKs compute it.
 *
 * SDKv2 (terraform-plugin-sdk v2, every type here but the federation policy): the planned value is
 * terraform's proposed value (configuration, with prior values for computed attributes the
 * configuration leaves null) plus the schema's defaults; a changed ForceNew attribute requires
 * replacement, and then (as on create) every computed attribute the configuration leaves null is
 * unknown. Diff suppression keeps the prior value where the provider says old and new are the same.
 * SDKv2 answers with `legacy_type_system`.
 *
 * Plugin framework (the federation policy): planned = proposed; when anything changes, computed
 * attributes the configuration leaves null become unknown, then the plan modifiers run
 * (UseStateForUnknown keeps the prior value, RequiresReplace asks for replacement when the planned
 * value differs from the prior one).
 */
import { GRANT_SECURABLES } from "../schema/facts";
import { UNKNOWN, isUnknown, sameValue, type ObjectValue, type Value } from "../protocol/values";
import type { CtyType } from "../schema/json-schema";
import type { TypeSchema } from "./schema";

export interface Plan {
  readonly planned: ObjectValue | null;
  /** Top-level attribute names whose change requires replacement. */
  readonly requiresReplace: readonly string[];
}

function attrType(t: TypeSchema, name: string): CtyType | undefined {
  return Array.isArray(t.type) && t.type[0] === "object" ? (t.type[1] as { [k: string]: CtyType })[name] : undefined;
}

/** Unity Catalog accepts privileges with spaces and stores them with underscores (catalog/permissions/permissions.go NormalizePrivilege). */
export function normalizePrivilege(p: string): string {
  return p.replace(/ /g, "_").toUpperCase();
}

function suppressed(t: TypeSchema, name: string, prior: Value, next: Value): boolean {
  const f = t.facts;
  if (typeof prior !== "string" || isUnknown(next)) return false;
  if (f.equalFold?.includes(name) && typeof next === "string" && prior.toLowerCase() === next.toLowerCase()) return true;
  // ucDirectoryPathSlashOnlySuppressDiff (catalog/resource_catalog.go).
  if (f.trailingSlash?.includes(name) && typeof next === "string" && (next === `${prior}/` || prior === `${next}/`)) return true;
  // suppress_diff: a value removed from the configuration is not a change.
  if (f.suppressDiff?.includes(name) && (next === null || next === "")) return true;
  return false;
}

export function planSdkv2(t: TypeSchema, prior: ObjectValue | null, proposed: ObjectValue | null, config: ObjectValue | null): Plan {
  if (proposed === null || config === null) return { planned: null, requiresReplace: [] };
  const planned: ObjectValue = { ...proposed };
  const f = t.facts;
  for (const [name, value] of Object.entries(f.defaults ?? {})) if (config[name] === null) planned[name] = value;
  if (t.name === "databricks_grant" && Array.isArray(planned.privileges)) {
    planned.privileges = [...new Set(planned.privileges.map((p) => (typeof p === "string" ? normalizePrivilege(p) : p)))] as Value[];
  }
  const requiresReplace: string[] = [];
  if (prior !== null) {
    for (const name of Object.keys(planned)) {
      if (suppressed(t, name, prior[name], planned[name])) planned[name] = prior[name];
      // A set in another order is the same set: keep the prior order.
      if (sameValue(planned[name], prior[name], attrType(t, name))) planned[name] = prior[name];
    }
    const forceNew = f.noUpdate
      ? Object.entries(t.attributes)
          .filter(([, a]) => !a.computed)
          .map(([n]) => n)
          .concat(Object.keys(t.schema.block.block_types ?? {}))
      : (f.forceNew ?? []);
    for (const name of forceNew) if (!sameValue(planned[name], prior[name], attrType(t, name))) requiresReplace.push(name);
    if (t.name === "databricks_catalog" && optionsForceNew(prior.options, planned.options)) requiresReplace.push("options");
  }
  if (prior === null || requiresReplace.length > 0) {
    // A new object: what the configuration leaves to the provider is known only after apply.
    for (const [name, a] of Object.entries(t.attributes)) if (a.computed && config[name] === null) planned[name] = UNKNOWN;
  }
  return { planned, requiresReplace };
}

/**
 * catalog/resource_catalog.go CustomizeDiff: a change of `options` other than `authorized_paths`
 * (a key added, removed or changed) forces a new catalog.
 */
function optionsForceNew(prior: Value, next: Value): boolean {
  if (isUnknown(next)) return true;
  const a = (prior && typeof prior === "object" && !Array.isArray(prior) ? prior : {}) as ObjectValue;
  const b = (next && typeof next === "object" && !Array.isArray(next) ? next : {}) as ObjectValue;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete("authorized_paths");
  return [...keys].some((k) => a[k] !== b[k]);
}

export function planFramework(t: TypeSchema, prior: ObjectValue | null, proposed: ObjectValue | null, config: ObjectValue | null): Plan {
  if (proposed === null || config === null) return { planned: null, requiresReplace: [] };
  const planned: ObjectValue = { ...proposed };
  const changing = prior === null || !sameValue(planned, prior, t.type);
  if (changing) {
    for (const [name, a] of Object.entries(t.attributes)) if (a.computed && config[name] === null) planned[name] = UNKNOWN;
    if (prior !== null) for (const name of t.facts.useStateForUnknown ?? []) if (isUnknown(planned[name]) && prior[name] !== null) planned[name] = prior[name];
  }
  const requiresReplace = prior === null ? [] : (t.facts.requiresReplace ?? []).filter((n) => !sameValue(planned[n], prior[n], attrType(t, n)));
  return { planned, requiresReplace };
}

/** The securable a grant names: [attribute, name], or undefined when none is set. */
export function grantSecurable(v: ObjectValue): [string, string] | undefined {
  for (const attr of Object.keys(GRANT_SECURABLES)) {
    const x = v[attr];
    if (typeof x === "string" && x !== "") return [attr, x];
  }
  return undefined;
}
