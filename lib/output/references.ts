/**
 * What a block of a synthesized stack refers to: `${type.name.attribute}` references parsed and
 * resolved within the same stack (no stack refers to another), a securable or principal resolved
 * to the name a reviewer reads, and a value with its references to configured inputs replaced by
 * those inputs (what terraform evaluates them to).
 */
import { UUID } from "../model/load";
import { text, type StackJson, type SynthesizedStack } from "./stack";

export type PrincipalKind = "group" | "service_principal" | "user" | "unresolved";

/** A Terraform reference `${type.name.attr}` or `${data.type.name.attr}`, parsed. */
export interface Reference {
  readonly data: boolean;
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
}

const REFERENCE = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const m = REFERENCE.exec(value);
  return m ? { data: m[1] !== undefined, type: m[2], name: m[3], attribute: m[4] } : undefined;
}

/** The block a reference points at in the same stack, if declared there. */
export function referencedBlock(stack: StackJson, ref: Reference): { readonly [attr: string]: unknown } | undefined {
  const blocks = ref.data ? stack.data : stack.resource;
  return blocks?.[ref.type]?.[ref.name];
}

/** The Terraform address of a reference's block, e.g. `data.databricks_group.dev`. */
export function referenceAddress(ref: Reference): string {
  return `${ref.data ? "data." : ""}${ref.type}.${ref.name}`;
}

/** A securable name: a literal, or a reference to a catalog/schema declared in the same stack. */
export function resolveName(stack: StackJson, value: unknown, unresolved: string[]): string {
  const ref = parseReference(value);
  if (!ref) return text(value);
  const block = referencedBlock(stack, ref);
  if (!block) {
    unresolved.push(`${text(value)} refers to ${referenceAddress(ref)}, which the stack does not declare`);
    return text(value);
  }
  if (ref.attribute === "name" && typeof block.name === "string") return block.name;
  if (ref.attribute === "id" && ref.type === "databricks_schema" && typeof block.name === "string") {
    return `${resolveName(stack, block.catalog_name, unresolved)}.${block.name}`;
  }
  if (ref.attribute === "id" && typeof block.name === "string") return block.name;
  unresolved.push(`${text(value)} cannot be resolved to a name`);
  return text(value);
}

/** A principal: a group by display name, a service principal by application ID, a user by e-mail. */
export function resolvePrincipal(
  stack: StackJson,
  value: unknown,
  unresolved: string[],
  bad: (problem: string) => never,
): { name: string; kind: PrincipalKind; ref: string } {
  if (value === undefined || value === null) {
    unresolved.push("names no principal");
    return { name: "(none)", kind: "unresolved", ref: "(none)" };
  }
  if (typeof value !== "string") return bad(`principal is ${JSON.stringify(value)}, not a name`);
  const ref = parseReference(value);
  if (!ref) {
    if (value.includes("${")) {
      unresolved.push(`principal ${value} is an expression decided at apply time, not checked here`);
      return { name: value, kind: "unresolved", ref: value };
    }
    const literal = text(value);
    if (UUID.test(literal.toLowerCase())) return { name: literal, kind: "service_principal", ref: literal };
    if (literal.includes("@")) return { name: literal, kind: "user", ref: literal };
    return { name: literal, kind: "group", ref: literal };
  }
  const address = referenceAddress(ref);
  const block = referencedBlock(stack, ref);
  if (!block) {
    unresolved.push(`principal ${text(value)} refers to ${address}, which the stack does not declare`);
    return { name: text(value), kind: "unresolved", ref: address };
  }
  if (ref.type === "databricks_group" && ref.attribute === "display_name" && typeof block.display_name === "string") {
    return { name: block.display_name, kind: "group", ref: address };
  }
  if (ref.type === "databricks_service_principal" && ref.attribute === "application_id") {
    const name = typeof block.display_name === "string" ? block.display_name : typeof block.application_id === "string" ? block.application_id : undefined;
    if (name) return { name, kind: "service_principal", ref: address };
  }
  if (ref.type === "databricks_user" && ref.attribute === "user_name" && typeof block.user_name === "string") {
    return { name: block.user_name, kind: "user", ref: address };
  }
  unresolved.push(`principal ${text(value)} is not a group display name, service principal application_id or user name`);
  return { name: text(value), kind: "unresolved", ref: address };
}

type Obj = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * A value with its references to configured inputs replaced by those inputs (what terraform
 * evaluates them to): `${data.databricks_group.developers.display_name}` is the group's display
 * name, the same as `${data.databricks_group.dev.display_name}` when both look up one group.
 * References to what the provider computes stay as they are.
 */
export function withInputs(stack: SynthesizedStack, value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    const ref = depth > 5 ? undefined : parseReference(value);
    const input = ref ? referencedBlock(stack.json, ref)?.[ref.attribute] : undefined;
    return typeof input === "string" || typeof input === "number" || typeof input === "boolean" ? withInputs(stack, input, depth + 1) : value;
  }
  if (Array.isArray(value)) return value.map((v) => withInputs(stack, v, depth));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withInputs(stack, v, depth)]));
  return value;
}

/** Every `${type.name.attribute}` reference to a resource in a value (anywhere in a string). */
export function resourceReferences(value: unknown): { address: string; attribute: string }[] {
  const out: { address: string; attribute: string }[] = [];
  const visit = (v: unknown) => {
    if (typeof v === "string") for (const m of v.matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g)) out.push({ address: m[1], attribute: m[2] });
    else if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}
