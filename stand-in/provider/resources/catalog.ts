import { ApiError } from "../errors";
import { catalogEntry, now, requirePrincipal, requireWorkspace, str, strMap, updateOwned, type ResourceImpl } from "./common";

// databricks_catalog: catalog/resource_catalog.go ResourceCatalog. ID = name. Create makes the
// catalog (refused when it exists), then updates owner/isolation mode, and binds the current
// workspace to an ISOLATED catalog; Update changes the owner first, then the rest (never the name:
// UpdateCatalog gets no new_name); Delete refuses a non-empty catalog unless force_destroy.
export const catalog: ResourceImpl = {
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
    updateOwned(ws, c, p);
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
