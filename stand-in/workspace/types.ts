/**
 * The stand-in's "world": one JSON file for the whole Databricks account the stacks deploy to (the
 * workspaces share one Unity Catalog metastore, and a grant on `dev` may be declared from
 * ref-staging, so one file holds all of it), plus the Terraform state of each stack. One file is
 * "the world after a deploy": a later rehearsal continues from it. docs/rehearsing.md documents it
 * for people; these types are the reference.
 *
 * Keys are the names Databricks uses to find things: catalogs by name, schemas by name within their
 * catalog, workspaces by host, groups by display name, service principals by SCIM ID, grants by
 * principal (group display name, service principal application ID or user name).
 */

export const WORKSPACE_FORMAT = "uc-env-isolation/stand-in-workspace@1";

/** Privileges per principal, e.g. `{ "Databricks - Dev": ["SELECT", "USE_CATALOG"] }`. */
export interface Grants {
  [principal: string]: string[];
}

export interface SchemaObject {
  owner: string;
  comment?: string;
  storageRoot?: string;
  properties?: { [key: string]: string };
  /** Stable UUID (the provider's `schema_id`). */
  schemaId: string;
  grants: Grants;
  /**
   * Tables (or any objects) in the schema, by name: a schema with any cannot be deleted without
   * force (Unity Catalog's "not empty"). Rehearsals never create tables; add some by hand to try it.
   */
  tables: string[];
}

export interface CatalogObject {
  owner: string;
  comment?: string;
  /** OPEN (reachable from every workspace on the metastore) or ISOLATED (only bound workspaces). */
  isolationMode: "OPEN" | "ISOLATED";
  storageRoot?: string;
  properties?: { [key: string]: string };
  /** Workspace ID (as a string key) -> binding type, for ISOLATED catalogs. */
  bindings: { [workspaceId: string]: "BINDING_TYPE_READ_WRITE" | "BINDING_TYPE_READ_ONLY" };
  grants: Grants;
  schemas: { [name: string]: SchemaObject };
  /** Milliseconds since the epoch; set on create and update. */
  createdAt: number;
  updatedAt: number;
}

export interface ExternalLocationObject {
  url: string;
  owner: string;
  grants: Grants;
}

export interface WorkspaceInfo {
  /** Numeric workspace ID (the model's `workspace.id`, or a made-up one when the model has none). */
  id: number;
  /** The model's environment key, for people reading the file. */
  environment?: string;
}

export interface GroupObject {
  /** SCIM ID. */
  id: string;
  /** IDs of the workspaces the group is assigned to. */
  workspaces: number[];
}

export interface ServicePrincipalObject {
  applicationId: string;
  displayName: string;
  active: boolean;
  externalId?: string;
  /** Entitlement names as SCIM has them (`workspace-access`, `databricks-sql-access`, ...). */
  entitlements: string[];
  /** IDs of the workspaces the principal is assigned to (a workspace-level provider sees only these). */
  workspaces: number[];
}

export interface FederationPolicyObject {
  /** The service principal's SCIM ID (numeric string). */
  servicePrincipalId: string;
  policyId: string;
  uid: string;
  description?: string;
  oidcPolicy: {
    issuer?: string;
    subject?: string;
    subjectClaim?: string;
    audiences?: string[];
    jwksJson?: string;
    jwksUri?: string;
  };
  createTime: string;
  updateTime: string;
}

export interface WorkspaceFile {
  format: typeof WORKSPACE_FORMAT;
  /** The user terraform runs as: the owner of what it creates without an owner. */
  caller: string;
  account: {
    id: string;
    /** The accounts console host the account-level provider names. */
    host: string;
  };
  metastore: {
    id: string;
    name: string;
    region: string;
    owner: string;
    storageRoot?: string;
    /** Grants on the metastore itself (CREATE_CATALOG, ...). */
    grants: Grants;
  };
  /** Workspaces by host (`https://...`, no trailing slash). A provider host not listed here is unreachable. */
  workspaces: { [host: string]: WorkspaceInfo };
  catalogs: { [name: string]: CatalogObject };
  externalLocations: { [name: string]: ExternalLocationObject };
  /** Account-level groups by display name. */
  groups: { [displayName: string]: GroupObject };
  /** Account-level service principals by SCIM ID. */
  servicePrincipals: { [scimId: string]: ServicePrincipalObject };
  /** Users by user name (the caller is one). */
  users: { [userName: string]: { id: string } };
  /** Service principal federation policies by `<service principal SCIM ID>/<policy ID>`. */
  federationPolicies: { [key: string]: FederationPolicyObject };
  /** Workspace permission assignments: workspace ID -> principal SCIM ID -> permissions (USER, ADMIN). */
  permissionAssignments: { [workspaceId: string]: { [principalId: string]: string[] } };
  /** The Terraform state of each stack (the content of its terraform.tfstate), by stack name. */
  states: { [stack: string]: unknown };
}
