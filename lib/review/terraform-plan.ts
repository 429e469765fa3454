/**
 * What Terraform will do to each resource when HEAD's configuration is planned over the state BASE
 * left (BASE applied, nothing changed by hand since), predicted from the two configurations and the
 * provider's own rules (stand-in/schema/facts.ts: which attributes force a new resource, read from
 * the provider's Go source at v1.99.0), and what a real plan says, in the same words. The grants diff
 * shows the prediction on every row; the plan guard compares it with terraform's plan, and the
 * rehearsal corpus checks the two agree (__tests__/e2e/corpus.test.ts).
 */
import { loadSchema } from "../../stand-in/provider/schema";
import type { SynthesizedStack } from "../output/stack";
import { normalizeStacks } from "../output/stack";
import { resourceReferences, withInputs } from "../output/references";
import { BLOCK_META, forgottenAddresses, importsOf, movesOf, resourceBodies } from "../output/blocks";

/** A resource's fate in a plan: `move` is a rename in state with nothing else changed. */
export type PlannedAction = "create" | "update" | "replace" | "delete" | "import" | "forget" | "move";
export const PLANNED_ACTIONS: readonly PlannedAction[] = ["import", "create", "update", "replace", "delete", "forget", "move"];

export interface PlannedChange {
  readonly stack: string;
  /** The resource's address in HEAD (BASE's for a delete or forget). */
  readonly address: string;
  readonly action: PlannedAction;
  /** Why, in words: the attributes that change, the block that left, the import. */
  readonly why: string;
}

type Obj = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** A value as Terraform compares it: sets in any order, `//` comments dropped. */
function canonical(value: unknown, set = false): string {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v));
    return `[${(set ? [...items].sort() : items).join(",")}]`;
  }
  if (isObject(value)) {
    return `{${Object.keys(value)
      .filter((k) => k !== "//")
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k], isSetAttribute(undefined, k))}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Whether an attribute of a type is a set (its elements unordered). */
function isSetAttribute(type: string | undefined, attribute: string): boolean {
  if (type === undefined) return false;
  const schema = loadSchema().resources.get(type);
  const a = schema?.attributes[attribute];
  if (a?.type !== undefined) return Array.isArray(a.type) && a.type[0] === "set";
  const b = schema?.schema.block.block_types?.[attribute];
  return b?.nesting_mode === "set";
}

/** The provider attributes whose values differ between two blocks of one type (references to inputs resolved). */
function changedAttributes(type: string, before: Obj, after: Obj, was: SynthesizedStack, now: SynthesizedStack): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !BLOCK_META.has(k)).sort();
  return names.filter((k) => canonical(withInputs(was, before[k]), isSetAttribute(type, k)) !== canonical(withInputs(now, after[k]), isSetAttribute(type, k)));
}

/** Whether changing these attributes makes the provider replace the resource (stand-in/schema/facts.ts). */
function forcesNew(type: string, attributes: readonly string[]): string[] {
  const schema = loadSchema().resources.get(type);
  if (!schema) return [...attributes]; // a type the provider schema does not know: assume the worst
  const f = schema.facts;
  return attributes.filter((a) => {
    if (f.sdk === "framework") return (f.requiresReplace ?? []).includes(a);
    if ((f.forceNew ?? []).includes(a)) return true;
    // A resource without Update: every attribute that is not Computed forces a new one (common/resource.go).
    return f.noUpdate === true && schema.attributes[a]?.computed !== true;
  });
}

/** Attributes of a type that the provider computes (unknown in the plan of a new or replaced object). */
function computed(type: string): Set<string> {
  const schema = loadSchema().resources.get(type);
  return new Set(Object.entries(schema?.attributes ?? {}).filter(([, a]) => a.computed).map(([n]) => n));
}

/**
 * The plan of HEAD over BASE's state, per resource. Data sources are read, never changed, and
 * stacks HEAD no longer has are not planned at all: neither appears.
 */
export function predictPlan(baseInput: readonly SynthesizedStack[], headInput: readonly SynthesizedStack[]): PlannedChange[] {
  const base = new Map(normalizeStacks(baseInput).map((s) => [s.name, s]));
  const out: PlannedChange[] = [];
  for (const head of normalizeStacks(headInput)) {
    const was = base.get(head.name);
    const before = was ? resourceBodies(was) : new Map<string, Obj>();
    const after = resourceBodies(head);
    const imports = importsOf(head);
    const baseImports = new Set(was ? importsOf(was).keys() : []);
    const movedTo = new Map(movesOf(head).map((m) => [m.to, m.from]));
    const movedFrom = new Set(movesOf(head).map((m) => m.from));
    const forgets = forgottenAddresses(head);
    const planned = new Map<string, PlannedChange>();
    const plan = (address: string, action: PlannedAction, why: string) => planned.set(address, { stack: head.name, address, action, why });

    for (const [address, body] of after) {
      const type = address.split(".")[0];
      const from = movedTo.get(address);
      const prior = before.get(address) ?? (from !== undefined ? before.get(from) : undefined);
      if (prior === undefined) {
        if (imports.has(address) && !baseImports.has(address)) plan(address, "import", `adopted: imported as ${JSON.stringify(imports.get(address))} (it must exist)`);
        else plan(address, "create", was ? "new in the configuration" : "the stack is new");
        continue;
      }
      const changed = changedAttributes(type, prior, body, was!, head);
      const replacing = forcesNew(type, changed);
      if (replacing.length > 0) plan(address, "replace", `${replacing.join(", ")} cannot change in place`);
      else if (changed.length > 0) plan(address, "update", `${changed.join(", ")} ${changed.length === 1 ? "changes" : "change"}${from !== undefined ? `; renamed from ${from}` : ""}`);
      else if (from !== undefined) plan(address, "move", `renamed from ${from} (moved block)`);
    }
    for (const address of before.keys()) {
      if (after.has(address) || movedFrom.has(address)) continue;
      if (forgets.has(address)) plan(address, "forget", "removed block with destroy = false: Terraform stops managing it, it stays");
      else plan(address, "delete", "its block is no longer in the configuration");
    }
    // A replaced or new object's computed attributes are unknown until the apply: whatever refers to
    // them changes too, and is replaced when the referring attribute forces a new resource.
    let grew = true;
    while (grew) {
      grew = false;
      for (const [address, body] of after) {
        const current = planned.get(address);
        if (current && current.action !== "update" && current.action !== "move") continue;
        const type = address.split(".")[0];
        const unknownVia = Object.entries(body)
          .filter(([k]) => !BLOCK_META.has(k))
          .filter(([, v]) => resourceReferences(v).some((r) => {
            const p = planned.get(r.address);
            return (p?.action === "replace" || p?.action === "create") && computed(r.address.split(".")[0]).has(r.attribute) && !isConfigured(after.get(r.address), r.attribute);
          }))
          .map(([k]) => k);
        if (unknownVia.length === 0 || !before.has(address)) continue;
        const replacing = forcesNew(type, unknownVia);
        const action: PlannedAction = replacing.length > 0 ? "replace" : "update";
        if (current?.action === action) continue;
        plan(address, action, `${unknownVia.join(", ")} refer${unknownVia.length === 1 ? "s" : ""} to a replaced object, known only after the apply`);
        grew = true;
      }
    }
    out.push(...planned.values());
  }
  return out.sort((a, b) => (a.stack + a.address < b.stack + b.address ? -1 : 1));
}

/** Whether a block sets an attribute (a configured value is known in the plan, even on a new object). */
function isConfigured(block: Obj | undefined, attribute: string): boolean {
  return block !== undefined && block[attribute] !== undefined && block[attribute] !== null;
}

/**
 * A real plan (`terraform show -json PLANFILE`) in the same words: one entry per managed resource
 * that the plan changes (no-ops and data source reads left out). Throws on a plan it cannot read.
 */
export function plannedByTerraform(stack: string, plan: unknown): PlannedChange[] {
  const fail = (why: string): never => {
    throw new Error(`${stack}: cannot read the plan: ${why}`);
  };
  if (!isObject(plan) || typeof plan.format_version !== "string" || !/^1\./.test(plan.format_version)) fail("not the output of `terraform show -json PLANFILE` (format 1.x)");
  const changes = (plan as Obj).resource_changes ?? [];
  if (!Array.isArray(changes)) fail("resource_changes is not a list");
  const out: PlannedChange[] = [];
  for (const rc of changes as unknown[]) {
    if (!isObject(rc) || typeof rc.address !== "string" || !isObject(rc.change) || !Array.isArray(rc.change.actions)) fail(`a resource change is not one: ${JSON.stringify(rc).slice(0, 200)}`);
    const r = rc as { address: string; mode?: string; previous_address?: string; change: { actions: string[]; importing?: unknown } };
    if (r.mode === "data") continue;
    const a = r.change.actions.join(",");
    const importing = r.change.importing !== undefined && r.change.importing !== null;
    const moved = typeof r.previous_address === "string" && r.previous_address !== r.address;
    let action: PlannedAction | undefined;
    if (a === "no-op") action = importing ? "import" : moved ? "move" : undefined;
    else if (a === "update") action = importing ? "import" : "update";
    else if (a === "create") action = "create";
    else if (a === "delete") action = "delete";
    else if (a === "delete,create" || a === "create,delete") action = "replace";
    else if (a === "forget") action = "forget";
    else if (a === "read") continue;
    else fail(`${r.address}: actions ${JSON.stringify(r.change.actions)} are not ones this reader knows`);
    if (action) out.push({ stack, address: r.address, action, why: `terraform: ${a}${importing ? " (importing)" : ""}${moved ? ` (moved from ${r.previous_address})` : ""}` });
  }
  return out.sort((x, y) => (x.address < y.address ? -1 : 1));
}

/** `stack address action`, to compare predictions with plans. */
export function changeKey(c: PlannedChange): string {
  return `${c.stack} ${c.address} ${c.action}`;
}
