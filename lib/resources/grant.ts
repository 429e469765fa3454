/**
 * `databricks_grant`: one principal's privileges on one securable, named by both
 * (`databricks_grant.<securable>__<principal>`: `catalog_dev__group_dev`).
 *
 * Why not `databricks_grants`: it is authoritative for the whole securable and revokes every
 * principal it does not list. Two of them on one securable fight forever, and one on the shared
 * metastore would wipe every other team's metastore grants. `databricks_grant` owns exactly one
 * (securable, principal) pair, and each pair is declared by exactly one stack (the gate checks it).
 */
import type { Construct } from "constructs";
import type { Grant } from "../cdk";
import { PRIVILEGES, type AccessLevel, type SecurableType } from "../permissions";
import { catalogNameRef } from "./catalog";
import type { ExpectedBody } from "./json";
import { principalIdentity, principalReference, type DesiredPrincipal } from "./principal";
import { addressOf, invalid, logicalId, named, type ResourceType } from "./resource";

/** Securable attributes of `databricks_grant(s)`, in the provider's words (v1.99.0), for reading any output. */
export const SECURABLE_ATTRIBUTES = [
  "metastore",
  "catalog",
  "schema",
  "table",
  "volume",
  "model",
  "function",
  "external_location",
  "storage_credential",
  "foreign_connection",
  "share",
  "recipient",
  "pipeline",
  "credential",
] as const;

/** Securable types that live inside a catalog, named `catalog.schema[.object]`. */
export const IN_CATALOG: ReadonlySet<string> = new Set(["catalog", "schema", "table", "volume", "model", "function"]);

/** The securables the stacks grant on: the attribute a grant names each by, in the JSON and as the construct's property. */
const SECURABLE_ATTRIBUTE: { readonly [T in SecurableType]: { readonly json: (typeof SECURABLE_ATTRIBUTES)[number]; readonly prop: "metastore" | "catalog" | "schema" | "externalLocation" } } = {
  metastore: { json: "metastore", prop: "metastore" },
  catalog: { json: "catalog", prop: "catalog" },
  schema: { json: "schema", prop: "schema" },
  external_location: { json: "external_location", prop: "externalLocation" },
};

export type DesiredSecurable =
  | { readonly type: "metastore"; readonly id: string }
  /** `local`: the stack's own catalog (named through its resource), else a literal name. */
  | { readonly type: "catalog"; readonly name: string; readonly local: boolean }
  /** Always by literal name: the stacks grant on schemas only for promotion, in another stack's catalog. */
  | { readonly type: "schema"; readonly catalog: string; readonly name: string }
  /** The sandboxes' managed storage (the model's sandbox.storage), by name. */
  | { readonly type: "external_location"; readonly name: string };

/** `metastore`, `catalog_dev`, `schema_dev__models`, `sandbox_storage` (one external location, whatever its name). */
export function securableAddress(s: DesiredSecurable): string {
  switch (s.type) {
    case "metastore":
      return "metastore";
    case "catalog":
      return `catalog_${s.name}`;
    case "schema":
      return logicalId(`schema_${s.catalog}`, s.name);
    case "external_location":
      return "sandbox_storage";
  }
}

/** The address key of a principal's grants: `group_dev`, `sp_staging`, `sp_plan`. */
export function principalAddressKey(p: DesiredPrincipal): string {
  switch (p.kind) {
    case "group":
      return `group_${p.group.key}`;
    case "deployer":
      return `sp_${p.environment.key}`;
    case "existing":
      return `sp_${p.key}`;
  }
}

/** A grant's name: what it is on, and to whom (`catalog_dev__group_dev`, `schema_dev__models__sp_staging`). */
export function grantId(securable: DesiredSecurable, principal: DesiredPrincipal): string {
  return logicalId(securableAddress(securable), principalAddressKey(principal));
}

/** The securable's full name: the metastore ID, `dev`, `dev.models`, the external location's name. */
export function securableName(s: DesiredSecurable): string {
  return s.type === "metastore" ? s.id : s.type === "schema" ? `${s.catalog}.${s.name}` : s.name;
}

export interface DesiredGrant {
  /** The resource's name (the part after `databricks_grant.`): `<securable address>__<principal address key>`. */
  readonly id: string;
  readonly securable: DesiredSecurable;
  readonly principal: DesiredPrincipal;
  /** Sorted. */
  readonly privileges: readonly string[];
  /** The level the model names, when it names one. */
  readonly level?: AccessLevel;
  /** Why the model gives it, e.g. `access.dev.staging in environments.yaml`. */
  readonly source: string;
  /** Provider import ID when the grant already exists (adopted); else created. */
  readonly importId?: string;
}

export const GRANT = {
  type: "databricks_grant",
  mode: "resource",
  stateful: false,
  protected: false,
  access: true,
  heading: "other resources",
  coreAttributes: ["principal", "privileges", ...SECURABLE_ATTRIBUTES],
  gate: {
    // A grant whose principal or securable the reader cannot resolve is that rule's, whatever else it does.
    extraBlock: (b) => (b.unresolved ? "unresolved-reference" : "exceeds-model"),
    differs: (d) => (d.actual === undefined ? undefined : { rule: d.unresolved ? "unresolved-reference" : d.path[0] === "principal" ? "principal-declaration" : "exceeds-model" }),
  },
} as const satisfies ResourceType;

/** `databricks_grant.<id>`. */
export function grantAddress(id: string): string {
  return addressOf(GRANT, id);
}

/** The grant as the gate expects it; `catalogId`: the stack's own catalog (a local catalog grant names it by reference). */
export function expectedGrant(g: DesiredGrant, catalogId: string): ExpectedBody {
  const s = g.securable;
  const on = SECURABLE_ATTRIBUTE[s.type].json;
  const value = s.type === "metastore" ? s.id : s.type === "catalog" ? (s.local ? catalogNameRef(catalogId) : s.name) : s.type === "schema" ? `${s.catalog}.${s.name}` : s.name;
  return { [on]: value, principal: principalReference(g.principal), privileges: [...g.privileges] };
}

/** What the address manifest records it as: `grant on catalog dev to group Databricks - Dev`. */
export function grantObject(g: DesiredGrant): string {
  const p = principalIdentity(g.principal);
  return `grant on ${g.securable.type} ${securableName(g.securable)} to ${p.kind === "group" ? "group" : "service principal"} ${p.name}`;
}

export interface GrantProps {
  /** The resource's name (`databricks_grant.<id>`). */
  readonly id: string;
  readonly securableType: SecurableType;
  /** The securable's name, or how the stack refers to it when it declares it (`${databricks_catalog.dev.name}`). */
  readonly securable: string;
  /** The principal, as the stack refers to it (a group lookup's display name, a principal's application ID). */
  readonly principal: string;
  /** Privileges valid on the securable type (lib/permissions.ts), at least one. */
  readonly privileges: readonly string[];
}

/** Renders the grant at `scope`/`id` (the construct path stays the caller's). */
export class GrantBlock {
  readonly resource: Grant;

  constructor(scope: Construct, constructId: string, props: GrantProps) {
    const valid = PRIVILEGES[props.securableType];
    if (valid === undefined) invalid(`grant ${props.id}'s securable type`, props.securableType, Object.keys(PRIVILEGES).join(", "));
    const wrong = props.privileges.filter((p) => !valid.includes(p));
    if (wrong.length > 0 || props.privileges.length === 0) {
      // The model is validated before constructs exist; reaching this is a programming error.
      throw new Error(`invalid privileges [${wrong.join(", ")}] for a ${props.securableType} grant ${props.id}`);
    }
    if (props.securable.trim() === "") invalid(`grant ${props.id}'s securable`, props.securable, "a name or reference");
    if (props.principal.trim() === "") invalid(`grant ${props.id}'s principal`, props.principal, "a principal");
    const on = SECURABLE_ATTRIBUTE[props.securableType].prop;
    this.resource = named(GRANT, props.id, (c) => new c.Grant(scope, constructId, { [on]: props.securable, principal: props.principal, privileges: [...props.privileges] }));
  }
}
