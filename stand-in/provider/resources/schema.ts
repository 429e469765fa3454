import { ApiError } from "../errors";
import { catalogEntry, requirePrincipal, requireWorkspace, schemaEntry, str, strMap, updateOwned, uuid, type ResourceImpl } from "./common";

// databricks_schema: catalog/resource_schema.go ResourceSchema. ID = <catalog>.<schema> (FullName).
export const schema: ResourceImpl = {
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
    updateOwned(ws, s, p);
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
