import type { CatalogObject, WorkspaceFile } from "../../workspace/types";
import { ApiError, notFound } from "../errors";
import { catalogEntry, requireWorkspace, str, type ResourceImpl } from "./common";

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

export const workspaceBinding: ResourceImpl = {
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
