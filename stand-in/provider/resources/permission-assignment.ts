import { ApiError, notFound } from "../errors";
import { requireAccount, type ResourceImpl } from "./common";

// databricks_mws_permission_assignment: mws/resource_mws_permission_assignment.go. Account level;
// ID = <workspace_id>|<principal_id> (common.NewPairID); no Update.
function parsePair(id: string): [string, string] {
  const i = id.indexOf("|");
  if (i < 0) throw new ApiError(`parse id: invalid ID: ${id}`);
  return [id.slice(0, i), id.slice(i + 1)];
}

export const permissionAssignment: ResourceImpl = {
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
