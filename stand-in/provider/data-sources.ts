/**
 * Data sources, answered from the workspace file. Errors read as the provider's: the data source's
 * Read wrapped by common/context.go (`cannot read <name>: <error>`).
 */
import type { ObjectValue } from "../protocol/values";
import type { WorkspaceFile } from "../workspace/types";
import { ApiError } from "./errors";
import type { Target } from "./resources";

export type DataSourceImpl = (ws: WorkspaceFile, t: Target, config: ObjectValue) => ObjectValue;

const ENTITLEMENT_ATTRS = ["allow_cluster_create", "allow_instance_pool_create", "databricks_sql_access", "workspace_access", "workspace_consume"];

/**
 * data.databricks_group, scim/data_group.go DataSourceGroup: by display name (ReadByDisplayName,
 * "cannot find group: <name>" when none); a workspace-level provider sees the groups assigned to
 * its workspace.
 */
const group: DataSourceImpl = (ws, t, config) => {
  const name = String(config.display_name ?? "");
  const g = ws.groups[name];
  if (!g || (t.mode === "workspace" && !g.workspaces.includes(t.workspaceId!))) throw new ApiError(`cannot read group: cannot find group: ${name}`);
  const out: ObjectValue = {
    ...config,
    id: g.id,
    recursive: config.recursive ?? true,
    // Membership is not modelled: the stacks never read it.
    members: [],
    users: [],
    service_principals: [],
    child_groups: [],
    groups: [],
    instance_profiles: [],
    external_id: null,
    acl_principal_id: `groups/${name}`,
  };
  for (const e of ENTITLEMENT_ATTRS) out[e] = config[e] ?? false;
  return out;
};

/**
 * data.databricks_service_principal, scim/data_service_principal.go: by exactly one of
 * application_id, display_name, scim_id; none found or several with the display name fail.
 */
const servicePrincipal: DataSourceImpl = (ws, t, config) => {
  const visible = Object.entries(ws.servicePrincipals).filter(([, sp]) => t.mode === "account" || sp.workspaces.includes(t.workspaceId!));
  let found: typeof visible;
  let notFound: string;
  if (typeof config.application_id === "string" && config.application_id !== "") {
    found = visible.filter(([, sp]) => sp.applicationId === config.application_id);
    notFound = `cannot find SP with an application ID ${config.application_id}`;
  } else if (typeof config.scim_id === "string" && config.scim_id !== "") {
    found = visible.filter(([id]) => id === config.scim_id);
    notFound = `cannot find SP with an ID ${config.scim_id}`;
  } else if (typeof config.display_name === "string" && config.display_name !== "") {
    found = visible.filter(([, sp]) => sp.displayName === config.display_name);
    notFound = `cannot find SP with name ${config.display_name}`;
  } else {
    throw new ApiError("cannot read service principal: please specify either application_id, display_name, or scim_id");
  }
  if (found.length === 0) throw new ApiError(`cannot read service principal: ${notFound}`);
  if (found.length > 1) throw new ApiError(`cannot read service principal: there are ${found.length} Service Principals with name ${String(config.display_name)}`);
  const [id, sp] = found[0];
  return {
    id,
    sp_id: id,
    scim_id: id,
    application_id: sp.applicationId,
    display_name: sp.displayName,
    home: `/Users/${sp.applicationId}`,
    repos: `/Repos/${sp.applicationId}`,
    acl_principal_id: `servicePrincipals/${sp.applicationId}`,
    external_id: sp.externalId ?? null,
    active: sp.active,
  };
};

/** data.databricks_current_metastore, catalog/data_current_metastore.go: the workspace's metastore summary. */
const currentMetastore: DataSourceImpl = (ws, t, config) => {
  if (t.mode !== "workspace") throw new ApiError("cannot read current metastore: invalid Databricks Workspace configuration");
  const m = ws.metastore;
  const info: ObjectValue = {
    cloud: "aws",
    created_at: null,
    created_by: null,
    default_data_access_config_id: null,
    delta_sharing_organization_name: null,
    delta_sharing_recipient_token_lifetime_in_seconds: null,
    delta_sharing_scope: null,
    external_access_enabled: null,
    global_metastore_id: `aws:${m.region}:${m.id}`,
    metastore_id: m.id,
    name: m.name,
    owner: m.owner,
    privilege_model_version: "1.0",
    region: m.region,
    storage_root: m.storageRoot ?? null,
    storage_root_credential_id: null,
    storage_root_credential_name: null,
    updated_at: null,
    updated_by: null,
  };
  return { ...config, id: m.id, metastore_info: [info] };
};

export const DATA_SOURCES: { readonly [type: string]: DataSourceImpl } = {
  databricks_group: group,
  databricks_service_principal: servicePrincipal,
  databricks_current_metastore: currentMetastore,
};
