/**
 * The Terraform resource types the stacks declare, one module each (lib/resources/<type>.ts): its
 * desired shape and address, its renderer, the JSON the gate expects of it, the rules that own its
 * attributes, its place in the grants diff and what the audit expects of it. Anything not listed
 * here is a type the model never produces: the gate refuses it (default deny).
 */
import { CATALOG } from "./catalog";
import { FEDERATION_POLICY } from "./federation-policy";
import { GRANT } from "./grant";
import { GROUP_LOOKUP } from "./group-lookup";
import { PERMISSION_ASSIGNMENT } from "./permission-assignment";
import type { ResourceType } from "./resource";
import { SCHEMA } from "./schema";
import { SERVICE_PRINCIPAL } from "./service-principal";
import { SERVICE_PRINCIPAL_LOOKUP } from "./service-principal-lookup";
import { WORKSPACE_BINDING } from "./workspace-binding";

export const RESOURCE_TYPES: readonly ResourceType[] = [
  CATALOG,
  SCHEMA,
  GRANT,
  SERVICE_PRINCIPAL,
  WORKSPACE_BINDING,
  FEDERATION_POLICY,
  PERMISSION_ASSIGNMENT,
  GROUP_LOOKUP,
  SERVICE_PRINCIPAL_LOOKUP,
];

const byKey = new Map(RESOURCE_TYPES.map((t) => [`${t.mode}\u0000${t.type}`, t]));

/** The module of a resource (or, with `data`, data source) type the stacks declare; undefined for any other type. */
export function resourceType(mode: "resource" | "data", type: string): ResourceType | undefined {
  return byKey.get(`${mode}\u0000${type}`);
}

/**
 * Resource types that hold data or an identity: when one leaves the model Terraform must forget it
 * (a `removed` block with `destroy = false`), never destroy it. `prevent_destroy` cannot do this:
 * Terraform drops it together with the resource block, and then plans the destroy.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set(RESOURCE_TYPES.filter((t) => t.stateful).map((t) => t.type));

/** Resource types a stack of this project can declare (the deploy check explains a change to one of them). */
export const MODEL_RESOURCE_TYPES: ReadonlySet<string> = new Set(RESOURCE_TYPES.filter((t) => t.mode === "resource").map((t) => t.type));
