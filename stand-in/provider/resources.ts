/**
 * What each resource type does to the workspace: create, read, update, delete, import. Behaviour
 * that decides a plan follows the provider's Go source at v1.99.0 (file and function named at each
 * type); the API's answers (errors, defaults it fills in) are the stand-in's reading of Unity
 * Catalog and SCIM, kept to what the stacks touch. Messages keep the API's key words ("does not
 * exist", "already exists", "is not empty") so that terraform's output reads like the real one.
 */
import * as crypto from "crypto";
import type { ObjectValue, Value } from "../protocol/values";
import { GRANT_SECURABLES } from "../schema/facts";
import type { CatalogObject, Grants, SchemaObject, WorkspaceFile } from "../workspace/types";
import { ApiError, notFound } from "./errors";
import { grantSecurable, normalizePrivilege } from "./plan";

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

const str = (v: Value): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const strMap = (v: Value): { [k: string]: string } | undefined => {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const entries = Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string");
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
};
const now = () => Date.now();

function requireWorkspace(t: Target): number {
  if (t.mode !== "workspace" || t.workspaceId === undefined) throw new ApiError(`invalid Databricks Workspace configuration: this resource needs a workspace-level provider (host ${t.host} is the accounts console)`);
  return t.workspaceId;
}

function catalogEntry(ws: WorkspaceFile, name: string): [string, CatalogObject] {
  const key = Object.keys(ws.catalogs).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) throw notFound(`Catalog '${name}' does not exist.`);
  return [key, ws.catalogs[key]];
}

function schemaEntry(ws: WorkspaceFile, fullName: string): [CatalogObject, string, SchemaObject] {
  const dot = fullName.indexOf(".");
  if (dot < 0) throw notFound(`Schema '${fullName}' does not exist.`);
  const [, catalog] = catalogEntry(ws, fullName.slice(0, dot));
  const name = fullName.slice(dot + 1);
  const key = Object.keys(catalog.schemas).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) throw notFound(`Schema '${fullName}' does not exist.`);
  return [catalog, key, catalog.schemas[key]];
}

/** A principal Unity Catalog knows: a group by display name, a service principal by application ID, a user by name. */
function principalExists(ws: WorkspaceFile, principal: string): boolean {
  return principal in ws.groups || principal in ws.users || Object.values(ws.servicePrincipals).some((sp) => sp.applicationId === principal);
}

function requirePrincipal(ws: WorkspaceFile, principal: string): void {
  if (!principalExists(ws, principal)) throw new ApiError(`Could not find principal with name ${principal}`);
}

function uuid(): string {
  return crypto.randomUUID();
}

function scimId(): string {
  // SCIM IDs are numeric strings of about 16 digits.
  return String(1_000_000_000_000_000 + Math.floor(Math.random() * 8_000_000_000_000_000)).slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// databricks_catalog: catalog/resource_catalog.go ResourceCatalog. ID = name. Create makes the
// catalog (refused when it exists), then updates owner/isolation mode, and binds the current
// workspace to an ISOLATED catalog; Update changes the owner first, then the rest (never the name:
// UpdateCatalog gets no new_name); Delete refuses a non-empty catalog unless force_destroy.
const catalog: ResourceImpl = {
  scope: "workspace",
  read(ws, _t, state) {
    const [name, c] = catalogEntry(ws, String(state.id));
    return {
      id: name,
      name,
      comment: c.comment ?? null,
      owner: c.owner,
      isolation_mode: c.isolationMode,
      metastore_id: ws.metastore.id,
      storage_root: c.storageRoot ?? null,
      storage_location: c.storageRoot ?? null,
      properties: c.properties ?? null,
      enable_predictive_optimization: "INHERIT",
      catalog_type: "MANAGED_CATALOG",
      created_at: c.createdAt,
      created_by: ws.caller,
      updated_at: c.updatedAt,
      updated_by: ws.caller,
      full_name: name,
      securable_type: "CATALOG",
    };
  },
  create(ws, t, p) {
    const workspaceId = requireWorkspace(t);
    const name = str(p.name);
    if (!name) throw new ApiError("Catalog name is required");
    const existing = Object.keys(ws.catalogs).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing !== undefined) throw new ApiError(`Catalog '${existing}' already exists`);
    const owner = str(p.owner) ?? ws.caller;
    requirePrincipal(ws, owner);
    const isolated = p.isolation_mode === "ISOLATED";
    ws.catalogs[name] = {
      owner,
      ...(str(p.comment) ? { comment: str(p.comment) } : {}),
      isolationMode: isolated ? "ISOLATED" : "OPEN",
      ...(str(p.storage_root) ? { storageRoot: str(p.storage_root) } : {}),
      ...(strMap(p.properties) ? { properties: strMap(p.properties) } : {}),
      // bindings.AddCurrentWorkspaceBindings: an ISOLATED catalog stays reachable from the workspace that made it.
      bindings: isolated ? { [String(workspaceId)]: "BINDING_TYPE_READ_WRITE" } : {},
      grants: {},
      schemas: {},
      createdAt: now(),
      updatedAt: now(),
    };
    return { id: name };
  },
  update(ws, t, prior, p) {
    const workspaceId = requireWorkspace(t);
    const [name, c] = catalogEntry(ws, String(prior.id));
    const owner = str(p.owner);
    if (owner && owner !== c.owner) {
      requirePrincipal(ws, owner);
      c.owner = owner;
    }
    if (str(p.comment)) c.comment = str(p.comment);
    else delete c.comment;
    const props = strMap(p.properties);
    if (props) c.properties = props;
    else delete c.properties;
    if (p.isolation_mode === "ISOLATED" || p.isolation_mode === "OPEN") {
      if (p.isolation_mode === "ISOLATED" && c.isolationMode !== "ISOLATED") c.bindings[String(workspaceId)] ??= "BINDING_TYPE_READ_WRITE";
      c.isolationMode = p.isolation_mode;
    }
    c.updatedAt = now();
    return { id: name };
  },
  delete(ws, _t, prior) {
    const [name, c] = catalogEntry(ws, String(prior.id));
    const schemas = Object.keys(c.schemas).filter((s) => s !== "default" && s !== "information_schema");
    if (schemas.length > 0 && prior.force_destroy !== true) {
      throw new ApiError(`Catalog '${name}' is not empty. The catalog has ${schemas.length} schemas(s) (${schemas.join(", ")}) (excluding information_schema and default).`);
    }
    delete ws.catalogs[name];
  },
};

// ---------------------------------------------------------------------------------------------
// databricks_schema: catalog/resource_schema.go ResourceSchema. ID = <catalog>.<schema> (FullName).
const schema: ResourceImpl = {
  scope: "workspace",
  read(ws, _t, state) {
    const [c, name, s] = schemaEntry(ws, String(state.id));
    const catalogName = Object.keys(ws.catalogs).find((k) => ws.catalogs[k] === c)!;
    return {
      id: `${catalogName}.${name}`,
      catalog_name: catalogName,
      name,
      comment: s.comment ?? null,
      owner: s.owner,
      metastore_id: ws.metastore.id,
      storage_root: s.storageRoot ?? null,
      properties: s.properties ?? null,
      enable_predictive_optimization: "INHERIT",
      schema_id: s.schemaId,
    };
  },
  create(ws, t, p) {
    requireWorkspace(t);
    const catalogName = str(p.catalog_name) ?? "";
    const name = str(p.name) ?? "";
    const [catalogKey, c] = catalogEntry(ws, catalogName);
    const existing = Object.keys(c.schemas).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing !== undefined) throw new ApiError(`Schema '${existing}' already exists`);
    const owner = str(p.owner) ?? ws.caller;
    requirePrincipal(ws, owner);
    c.schemas[name] = {
      owner,
      ...(str(p.comment) ? { comment: str(p.comment) } : {}),
      ...(str(p.storage_root) ? { storageRoot: str(p.storage_root) } : {}),
      ...(strMap(p.properties) ? { properties: strMap(p.properties) } : {}),
      schemaId: uuid(),
      grants: {},
      tables: [],
    };
    return { id: `${catalogKey}.${name}` };
  },
  update(ws, t, prior, p) {
    requireWorkspace(t);
    const [, , s] = schemaEntry(ws, String(prior.id));
    const owner = str(p.owner);
    if (owner && owner !== s.owner) {
      requirePrincipal(ws, owner);
      s.owner = owner;
    }
    if (str(p.comment)) s.comment = str(p.comment);
    else delete s.comment;
    const props = strMap(p.properties);
    if (props) s.properties = props;
    else delete s.properties;
    return { id: prior.id };
  },
  delete(ws, _t, prior) {
    const [c, name, s] = schemaEntry(ws, String(prior.id));
    if (s.tables.length > 0 && prior.force_destroy !== true) {
      throw new ApiError(`Schema '${String(prior.id)}' is not empty. The schema has ${s.tables.length} tables(s), 0 functions(s), 0 volumes(s) (${s.tables.join(", ")}).`);
    }
    delete c.schemas[name];
  },
};

// ---------------------------------------------------------------------------------------------
// databricks_grant: catalog/resource_grant.go ResourceGrant. ID = <securable>/<name>/<principal>
// (toSecurableId); Read filters the securable's permissions for the principal and reports a
// missing principal as 404 "got empty permissions list" (filterPermissionsForPrincipal).

/** The grants list of a securable, by the provider's securable attribute and the name it holds. */
function grantsOf(ws: WorkspaceFile, attribute: string, name: string): Grants {
  switch (attribute) {
    case "metastore":
      if (name !== ws.metastore.id) throw notFound(`Metastore '${name}' does not exist.`);
      return ws.metastore.grants;
    case "catalog":
      return catalogEntry(ws, name)[1].grants;
    case "schema":
      return schemaEntry(ws, name)[2].grants;
    case "external_location": {
      const loc = ws.externalLocations[name];
      if (!loc) throw notFound(`External Location '${name}' does not exist.`);
      return loc.grants;
    }
    default:
      throw new ApiError(`the stand-in does not model grants on a ${GRANT_SECURABLES[attribute] ?? attribute} (${name}); only metastore, catalog, schema and external_location`);
  }
}

function parseGrantId(id: string): [string, string, string] {
  const parts = id.split("/");
  if (parts.length < 3) throw new ApiError(`ID must be three elements split by \`/\`: ${id}`);
  return [parts[0], parts[1], parts.slice(2).join("/")];
}

const grant: ResourceImpl = {
  scope: "workspace",
  read(ws, _t, state) {
    const [attribute, name, principal] = parseGrantId(String(state.id));
    if (!(attribute in GRANT_SECURABLES)) throw new ApiError(`unknown securable type ${attribute} in grant ID ${String(state.id)}`);
    const privileges = grantsOf(ws, attribute, name)[principal];
    if (!privileges || privileges.length === 0) throw notFound("got empty permissions list");
    const out: ObjectValue = { id: String(state.id), principal, privileges: privileges.map(normalizePrivilege) };
    for (const a of Object.keys(GRANT_SECURABLES)) out[a] = a === attribute ? name : null;
    return out;
  },
  create(ws, t, p) {
    requireWorkspace(t);
    const target = grantSecurable(p);
    if (!target) throw new ApiError("one of the securable attributes must be set");
    const principal = str(p.principal) ?? "";
    const grants = grantsOf(ws, target[0], target[1]);
    requirePrincipal(ws, principal);
    const privileges = Array.isArray(p.privileges) ? p.privileges.map((x) => normalizePrivilege(String(x))) : [];
    grants[principal] = [...new Set(privileges)].sort();
    return { id: `${target[0]}/${target[1]}/${principal}` };
  },
  update(ws, t, prior, p) {
    requireWorkspace(t);
    const [attribute, name, principal] = parseGrantId(String(prior.id));
    const grants = grantsOf(ws, attribute, name);
    const privileges = Array.isArray(p.privileges) ? p.privileges.map((x) => normalizePrivilege(String(x))) : [];
    grants[principal] = [...new Set(privileges)].sort();
    return { id: prior.id };
  },
  delete(ws, _t, prior) {
    const [attribute, name, principal] = parseGrantId(String(prior.id));
    delete grantsOf(ws, attribute, name)[principal];
  },
};

// ---------------------------------------------------------------------------------------------
// databricks_service_principal: scim/resource_service_principal.go ResourceServicePrincipal.
// ID = SCIM ID. Made through a workspace's SCIM API: an account-level principal assigned to that
// workspace; deleted through it (not an account client, disable_as_user_deletion unset): the
// workspace's assignment is removed.
const ENTITLEMENTS: { [attr: string]: string } = {
  allow_cluster_create: "allow-cluster-create",
  allow_instance_pool_create: "allow-instance-pool-create",
  databricks_sql_access: "databricks-sql-access",
  workspace_access: "workspace-access",
  workspace_consume: "workspace-consume",
};

function visiblePrincipal(ws: WorkspaceFile, t: Target, id: string) {
  const sp = ws.servicePrincipals[id];
  if (!sp || (t.mode === "workspace" && !sp.workspaces.includes(t.workspaceId!))) throw notFound(`User with id ${id} not found.`);
  return sp;
}

const servicePrincipal: ResourceImpl = {
  scope: "workspace",
  read(ws, t, state) {
    const id = String(state.id);
    const sp = visiblePrincipal(ws, t, id);
    const out: ObjectValue = {
      id,
      display_name: sp.displayName,
      active: sp.active,
      external_id: sp.externalId ?? null,
      home: `/Users/${sp.applicationId}`,
      repos: `/Repos/${sp.applicationId}`,
      acl_principal_id: `servicePrincipals/${sp.applicationId}`,
      application_id: sp.applicationId,
    };
    for (const [attr, name] of Object.entries(ENTITLEMENTS)) if (sp.entitlements.includes(name)) out[attr] = true;
    return out;
  },
  create(ws, t, p) {
    const workspaceId = requireWorkspace(t);
    const applicationId = str(p.application_id);
    if (applicationId && Object.values(ws.servicePrincipals).some((sp) => sp.applicationId === applicationId)) {
      throw new ApiError(`Service principal with application ID ${applicationId} already exists.`);
    }
    const id = scimId();
    ws.servicePrincipals[id] = {
      applicationId: applicationId ?? uuid(),
      displayName: str(p.display_name) ?? applicationId ?? id,
      active: p.active !== false,
      ...(str(p.external_id) ? { externalId: str(p.external_id) } : {}),
      entitlements: Object.entries(ENTITLEMENTS).filter(([a]) => p[a] === true).map(([, n]) => n),
      workspaces: [workspaceId],
    };
    return { id };
  },
  update(ws, t, prior, p) {
    const sp = visiblePrincipal(ws, t, String(prior.id));
    if (str(p.display_name)) sp.displayName = str(p.display_name)!;
    sp.active = p.active !== false;
    if (str(p.external_id)) sp.externalId = str(p.external_id);
    else delete sp.externalId;
    sp.entitlements = Object.entries(ENTITLEMENTS).filter(([a]) => p[a] === true).map(([, n]) => n);
    return { id: prior.id };
  },
  delete(ws, t, prior) {
    const sp = visiblePrincipal(ws, t, String(prior.id));
    if (t.mode === "workspace") sp.workspaces = sp.workspaces.filter((w) => w !== t.workspaceId);
    else delete ws.servicePrincipals[String(prior.id)];
  },
};

// ---------------------------------------------------------------------------------------------
// databricks_workspace_binding: catalog/resource_workspace_binding.go. ID =
// <workspace_id>|<securable_type>|<securable_name>; no Update.
function parseBindingId(id: string): [number, string, string] {
  const parts = id.split("|");
  if (parts.length !== 3) throw new ApiError(`incorrect binding id: ${id}. Correct format: <workspace_id>|<securable_type>|<securable_name>`);
  const workspaceId = Number(parts[0]);
  if (!Number.isSafeInteger(workspaceId)) throw new ApiError(`can't parse workspace_id: ${parts[0]}`);
  return [workspaceId, parts[1].replace(/-/g, "_"), parts[2]];
}

function bindingsOf(ws: WorkspaceFile, securableType: string, name: string): CatalogObject["bindings"] {
  if (securableType !== "catalog") throw new ApiError(`the stand-in does not model bindings of a ${securableType} (${name}); only catalogs`);
  return catalogEntry(ws, name)[1].bindings;
}

const workspaceBinding: ResourceImpl = {
  scope: "workspace",
  read(ws, _t, state) {
    const [workspaceId, securableType, securableName] = parseBindingId(String(state.id));
    const type = bindingsOf(ws, securableType, securableName)[String(workspaceId)];
    if (!type) throw notFound(`${securableName} has no binding to this workspace`);
    return { id: String(state.id), securable_name: securableName, securable_type: securableType, workspace_id: workspaceId, binding_type: type };
  },
  create(ws, t, p) {
    requireWorkspace(t);
    const securableName = str(p.securable_name) ?? str(p.catalog_name) ?? "";
    const securableType = str(p.securable_type) ?? "catalog";
    const workspaceId = Number(p.workspace_id);
    const known = Object.values(ws.workspaces).some((w) => w.id === workspaceId);
    if (!known) throw new ApiError(`Workspace ${workspaceId} does not exist in the account (the stand-in workspace file lists ${Object.values(ws.workspaces).map((w) => w.id).join(", ")})`);
    const bindings = bindingsOf(ws, securableType, securableName);
    bindings[String(workspaceId)] = p.binding_type === "BINDING_TYPE_READ_ONLY" ? "BINDING_TYPE_READ_ONLY" : "BINDING_TYPE_READ_WRITE";
    return { id: `${workspaceId}|${securableType}|${securableName}` };
  },
  delete(ws, _t, prior) {
    const [workspaceId, securableType, securableName] = parseBindingId(String(prior.id));
    delete bindingsOf(ws, securableType, securableName)[String(workspaceId)];
  },
};

// ---------------------------------------------------------------------------------------------
// databricks_mws_permission_assignment: mws/resource_mws_permission_assignment.go. Account level;
// ID = <workspace_id>|<principal_id> (common.NewPairID); no Update.
function parsePair(id: string): [string, string] {
  const i = id.indexOf("|");
  if (i < 0) throw new ApiError(`parse id: invalid ID: ${id}`);
  return [id.slice(0, i), id.slice(i + 1)];
}

function requireAccount(t: Target): void {
  if (t.mode !== "account") throw new ApiError(`invalid Databricks Account configuration: this resource needs an account-level provider (host ${t.host} is a workspace)`);
}

const permissionAssignment: ResourceImpl = {
  scope: "account",
  read(ws, _t, state) {
    const [workspaceId, principalId] = parsePair(String(state.id));
    const permissions = ws.permissionAssignments[workspaceId]?.[principalId];
    if (!permissions) throw notFound(`${principalId} not found`);
    return { id: String(state.id), workspace_id: Number(workspaceId), principal_id: Number(principalId), permissions: [...permissions] };
  },
  create(ws, t, p) {
    requireAccount(t);
    const workspaceId = String(p.workspace_id);
    const principalId = String(p.principal_id);
    const workspace = Object.values(ws.workspaces).find((w) => String(w.id) === workspaceId);
    if (!workspace) throw notFound(`Workspace ${workspaceId} does not exist.`);
    const sp = ws.servicePrincipals[principalId];
    const group = Object.values(ws.groups).find((g) => g.id === principalId);
    const user = Object.values(ws.users).find((u) => u.id === principalId);
    if (!sp && !group && !user) throw notFound(`Principal ${principalId} does not exist.`);
    (ws.permissionAssignments[workspaceId] ??= {})[principalId] = Array.isArray(p.permissions) ? p.permissions.map(String) : [];
    if (sp && !sp.workspaces.includes(workspace.id)) sp.workspaces.push(workspace.id);
    return { id: `${workspaceId}|${principalId}` };
  },
  delete(ws, _t, prior) {
    const [workspaceId, principalId] = parsePair(String(prior.id));
    delete ws.permissionAssignments[workspaceId]?.[principalId];
    const sp = ws.servicePrincipals[principalId];
    if (sp) sp.workspaces = sp.workspaces.filter((w) => String(w) !== workspaceId);
  },
};

// ---------------------------------------------------------------------------------------------
// databricks_service_principal_federation_policy: plugin framework,
// internal/providers/pluginfw/products/service_principal_federation_policy/. Account level; no
// `id`; imported by `service_principal_id,policy_id` (ImportState), read by both.
function policyKey(spId: Value, policyId: Value): string {
  return `${String(spId)}/${String(policyId)}`;
}

function policyState(ws: WorkspaceFile, key: string): ObjectValue {
  const p = ws.federationPolicies[key];
  if (!p) throw notFound(`Federation policy ${key} does not exist.`);
  const o = p.oidcPolicy;
  return {
    create_time: p.createTime,
    update_time: p.updateTime,
    description: p.description ?? null,
    name: `accounts/${ws.account.id}/servicePrincipals/${p.servicePrincipalId}/federationPolicies/${p.policyId}`,
    oidc_policy: {
      audiences: o.audiences ? [...o.audiences] : null,
      issuer: o.issuer ?? null,
      jwks_json: o.jwksJson ?? null,
      jwks_uri: o.jwksUri ?? null,
      subject: o.subject ?? null,
      subject_claim: o.subjectClaim ?? null,
    },
    policy_id: p.policyId,
    service_principal_id: Number(p.servicePrincipalId),
    uid: p.uid,
  };
}

function oidcFrom(v: Value) {
  const o = (v && typeof v === "object" && !Array.isArray(v) ? v : {}) as ObjectValue;
  return {
    ...(str(o.issuer) ? { issuer: str(o.issuer) } : {}),
    ...(str(o.subject) ? { subject: str(o.subject) } : {}),
    ...(str(o.subject_claim) ? { subjectClaim: str(o.subject_claim) } : {}),
    ...(Array.isArray(o.audiences) ? { audiences: o.audiences.map(String) } : {}),
    ...(str(o.jwks_json) ? { jwksJson: str(o.jwks_json) } : {}),
    ...(str(o.jwks_uri) ? { jwksUri: str(o.jwks_uri) } : {}),
  };
}

const federationPolicy: ResourceImpl = {
  scope: "account",
  read(ws, _t, state) {
    return policyState(ws, policyKey(state.service_principal_id, state.policy_id));
  },
  create(ws, t, p) {
    requireAccount(t);
    const spId = String(p.service_principal_id);
    if (!ws.servicePrincipals[spId]) throw notFound(`Service principal ${spId} does not exist.`);
    const policyId = str(p.policy_id) ?? crypto.randomBytes(8).toString("hex");
    const key = policyKey(spId, policyId);
    if (ws.federationPolicies[key]) throw new ApiError(`Federation policy ${policyId} already exists.`);
    const time = new Date().toISOString();
    ws.federationPolicies[key] = {
      servicePrincipalId: spId,
      policyId,
      uid: uuid(),
      ...(str(p.description) ? { description: str(p.description) } : {}),
      oidcPolicy: oidcFrom(p.oidc_policy),
      createTime: time,
      updateTime: time,
    };
    return policyState(ws, key);
  },
  update(ws, _t, prior, p) {
    const key = policyKey(prior.service_principal_id, prior.policy_id);
    const policy = ws.federationPolicies[key];
    if (!policy) throw notFound(`Federation policy ${key} does not exist.`);
    // update_mask "description,oidc_policy".
    if (str(p.description)) policy.description = str(p.description);
    else delete policy.description;
    policy.oidcPolicy = oidcFrom(p.oidc_policy);
    policy.updateTime = new Date().toISOString();
    return policyState(ws, key);
  },
  delete(ws, _t, prior) {
    delete ws.federationPolicies[policyKey(prior.service_principal_id, prior.policy_id)];
  },
  importState(id) {
    const parts = id.split(",");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
      throw new ApiError(`Unexpected Import Identifier: Expected import identifier with format: service_principal_id,policy_id. Got: ${JSON.stringify(id)}`);
    }
    const spId = Number(parts[0]);
    if (!Number.isSafeInteger(spId)) throw new ApiError(`Failed to parse import identifier: strconv.ParseInt: parsing ${JSON.stringify(parts[0])}: invalid syntax`);
    return { service_principal_id: spId, policy_id: parts[1] };
  },
};

export const RESOURCES: { readonly [type: string]: ResourceImpl } = {
  databricks_catalog: catalog,
  databricks_schema: schema,
  databricks_grant: grant,
  databricks_service_principal: servicePrincipal,
  databricks_workspace_binding: workspaceBinding,
  databricks_mws_permission_assignment: permissionAssignment,
  databricks_service_principal_federation_policy: federationPolicy,
};
