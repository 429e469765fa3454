import type { ObjectValue } from "../../protocol/values";
import { GRANT_SECURABLES } from "../../schema/facts";
import type { Grants, WorkspaceFile } from "../../workspace/types";
import { ApiError, notFound } from "../errors";
import { grantSecurable, normalizePrivilege } from "../plan";
import { catalogEntry, requirePrincipal, requireWorkspace, schemaEntry, str, type ResourceImpl } from "./common";

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

export const grant: ResourceImpl = {
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
