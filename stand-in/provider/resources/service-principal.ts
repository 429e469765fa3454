import type { ObjectValue } from "../../protocol/values";
import type { WorkspaceFile } from "../../workspace/types";
import { ApiError, notFound } from "../errors";
import { requireWorkspace, scimId, str, uuid, type ResourceImpl, type Target } from "./common";

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

export const servicePrincipal: ResourceImpl = {
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
