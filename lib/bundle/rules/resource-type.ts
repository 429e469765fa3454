import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { ownCatalog } from "../catalog-refs";
import { CURRENT_USER } from "../facts";
import { byProblem, targetList } from "../identities";
import { CLI_RESOURCE_TYPES } from "../resources";
import { at, textOf, type Node } from "../yaml-tree";

/** Resource types a pipelines repository never deploys: storage access and identities are the stacks'. */
const REFUSED: { readonly [type: string]: string } = {
  external_locations: "an external location (storage access is granted by the stacks and the administrators, never by a bundle)",
  postgres_roles: "a database role (an identity the model does not know)",
};

/**
 * Default deny over what a bundle creates: a resource type the CLI (v1.13.0) does not know is one
 * the check cannot judge; some types are never a pipelines repository's; an environment's catalog
 * is the stacks' (a bundle may create only the sandbox's own catalog, in the sandbox target).
 */
export const resourceType: Rule = {
  id: "resource-type",
  description:
    "A resource type the Databricks CLI (v1.13.0) does not know, an external location or a database role, or a `catalogs` resource outside `sandbox` (or not named the sandbox's catalog).",
  fix: "remove the resource: environment catalogs, storage and identities come from the stacks",
  check: ({ view, resources }) => {
    const out: Finding[] = [];
    const reportedTypes = new Set<Node>();
    for (const r of resources.resources) {
      if (!CLI_RESOURCE_TYPES.includes(r.type)) {
        if (!reportedTypes.has(r.typeNode)) {
          reportedTypes.add(r.typeNode);
          out.push(finding(resourceType, r.typeNode, `resources.${r.type} is not a resource type of the Databricks CLI (v1.13.0): the check cannot judge what it deploys`, "remove it, or correct the type's name", r.type));
        }
        continue;
      }
      if (REFUSED[r.type]) {
        out.push(finding(resourceType, r.node, `${r.address} is ${REFUSED[r.type]}`, resourceType.fix, r.name));
        continue;
      }
      if (r.type !== "catalogs") continue;
      const nameNode = at(r.node, "name");
      const problems = byProblem(r.targets, (t) => {
        if (!t.sandbox) return `creates a catalog in environment target ${t.name}, whose catalog (${t.variables.catalog_name}) the stacks own`;
        const names = nameNode ? view.resolve(t.name, nameNode, ["catalog_name"]).map((c) => c.text) : [];
        const ok = names.length > 0 && names.every((n) => n !== undefined && (n === "${var.catalog_name}" || n.split(CURRENT_USER).join("{user}") === ownCatalog(t)));
        return ok ? undefined : `creates a catalog that is not the developer's own sandbox (${t.variables.catalog_name})`;
      });
      for (const [problem, ts] of problems) out.push(finding(resourceType, nameNode ?? r.node, `${r.address} ${problem} (${targetList(ts)})`, resourceType.fix, textOf(nameNode) ?? r.name));
    }
    return out;
  },
};
