/**
 * What the stand-in's resource types share: the provider's target, the shape of a type's
 * behaviour (create, read, update, delete, import), and the workspace lookups every type makes.
 * Each type's behaviour is in its own module beside this one (index.ts lists them).
 */
import * as crypto from "crypto";
import type { ObjectValue, Value } from "../../protocol/values";
import type { CatalogObject, SchemaObject, WorkspaceFile } from "../../workspace/types";
import { ApiError, notFound } from "../errors";

/** The provider's target: one workspace, or the account. */
export interface Target {
  readonly file: string;
  readonly host: string;
  readonly mode: "workspace" | "account";
  /** The workspace's numeric ID (workspace mode). */
  readonly workspaceId?: number;
}

export interface ResourceImpl {
  /** Which provider configuration can manage it (the provider fails the call on the other). */
  readonly scope: "workspace" | "account";
  /** The attributes Read sets from the API, or throws (ApiError missing: the object is gone). */
  read(ws: WorkspaceFile, t: Target, state: ObjectValue): ObjectValue;
  /** Creates the object from the planned value; returns its `id` (SDKv2) or the attributes the API returned (framework). */
  create(ws: WorkspaceFile, t: Target, planned: ObjectValue, prior: ObjectValue | null): ObjectValue;
  /** Absent: the type has no Update (common/resource.go); the SDK then refuses an in-place change. */
  update?(ws: WorkspaceFile, t: Target, prior: ObjectValue, planned: ObjectValue): ObjectValue;
  delete(ws: WorkspaceFile, t: Target, prior: ObjectValue): void;
  /** Framework resources: the state ImportState sets from the ID (terraform then reads it). */
  importState?(id: string): ObjectValue;
}

export const str = (v: Value): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
export const strMap = (v: Value): { [k: string]: string } | undefined => {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const entries = Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string");
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
};
export const now = () => Date.now();

export function requireWorkspace(t: Target): number {
  if (t.mode !== "workspace" || t.workspaceId === undefined) throw new ApiError(`invalid Databricks Workspace configuration: this resource needs a workspace-level provider (host ${t.host} is the accounts console)`);
  return t.workspaceId;
}

export function catalogEntry(ws: WorkspaceFile, name: string): [string, CatalogObject] {
  const key = Object.keys(ws.catalogs).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) throw notFound(`Catalog '${name}' does not exist.`);
  return [key, ws.catalogs[key]];
}

export function schemaEntry(ws: WorkspaceFile, fullName: string): [CatalogObject, string, SchemaObject] {
  const dot = fullName.indexOf(".");
  if (dot < 0) throw notFound(`Schema '${fullName}' does not exist.`);
  const [, catalog] = catalogEntry(ws, fullName.slice(0, dot));
  const name = fullName.slice(dot + 1);
  const key = Object.keys(catalog.schemas).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) throw notFound(`Schema '${fullName}' does not exist.`);
  return [catalog, key, catalog.schemas[key]];
}

/** A principal Unity Catalog knows: a group by display name, a service principal by application ID, a user by name. */
export function principalExists(ws: WorkspaceFile, principal: string): boolean {
  return principal in ws.groups || principal in ws.users || Object.values(ws.servicePrincipals).some((sp) => sp.applicationId === principal);
}

export function requirePrincipal(ws: WorkspaceFile, principal: string): void {
  if (!principalExists(ws, principal)) throw new ApiError(`Could not find principal with name ${principal}`);
}

/** An update of a catalog or schema: its owner (a principal Unity Catalog knows), comment and properties. */
export function updateOwned(ws: WorkspaceFile, o: { owner: string; comment?: string; properties?: { [key: string]: string } }, p: ObjectValue): void {
  const owner = str(p.owner);
  if (owner && owner !== o.owner) {
    requirePrincipal(ws, owner);
    o.owner = owner;
  }
  if (str(p.comment)) o.comment = str(p.comment);
  else delete o.comment;
  const props = strMap(p.properties);
  if (props) o.properties = props;
  else delete o.properties;
}

export function uuid(): string {
  return crypto.randomUUID();
}

export function scimId(): string {
  // SCIM IDs are numeric strings of about 16 digits.
  return String(1_000_000_000_000_000 + Math.floor(Math.random() * 8_000_000_000_000_000)).slice(0, 16);
}

export function requireAccount(t: Target): void {
  if (t.mode !== "account") throw new ApiError(`invalid Databricks Account configuration: this resource needs an account-level provider (host ${t.host} is a workspace)`);
}
