import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { catalogRefs, judge } from "../catalog-refs";
import { CURRENT_USER } from "../facts";
import { byProblem, targetList } from "../identities";
import { textOf, type Node, type ScalarNode } from "../yaml-tree";

/**
 * Resources name their catalog through `${var.catalog_name}`: a catalog written out in a resource
 * (a pipeline's `catalog`, a job parameter, `dev.bronze.messages` in a configuration) sends every
 * target's data to one catalog. Values are resolved per target first, so a variable with a
 * hard-coded default is caught too; in a resource every target deploys, even the target's own
 * catalog written out is a finding (the other targets get it too).
 */
export const resourceCatalog: Rule = {
  id: "resource-catalog",
  description:
    "A resource (pipeline, job, schema, ...) names a catalog that is not its target's (another environment's, a developer's sandbox), or writes a catalog out where `${var.catalog_name}` belongs (a `catalog:` literal in a resource every target deploys).",
  fix: "write ${var.catalog_name} instead of the catalog's name",
  check: ({ view, resources }) => {
    const out: Finding[] = [];
    for (const r of resources.resources) {
      walk(r.node, false, (scalar, catalogKey) => {
        // ${var.catalog_name} is the target's own catalog: whether it is right is target-catalog's question.
        // A value without `${` is the same in every target: its references are read once.
        const literal = typeof scalar.value === "string" && !scalar.value.includes("${") ? catalogRefs(scalar.value, catalogKey) : undefined;
        const refsByTarget = new Map(
          r.targets.map((t) => [t, literal ?? view.resolve(t.name, scalar, ["catalog_name"]).flatMap((c) => (c.text === undefined ? [] : catalogRefs(c.text, catalogKey)))] as const),
        );
        // Default deny: a catalog position that resolves to neither a name nor ${var.catalog_name}
        // (a complex variable's field, a lookup, another reference) is a catalog the check cannot read.
        if (catalogKey && literal === undefined) {
          const unread = r.targets.filter((t) => view.resolve(t.name, scalar, ["catalog_name"]).some((c) => c.text === undefined || /\$\{(?!var\.catalog_name\}|workspace\.current_user\.short_name\})/.test(c.text)));
          if (unread.length > 0) {
            out.push(finding(resourceCatalog, scalar, `${r.address} names a catalog the check cannot resolve, in ${targetList(unread)}`, resourceCatalog.fix, textOf(scalar)));
          }
        }
        if ([...refsByTarget.values()].every((refs) => refs.length === 0)) return;
        const names = new Set([...refsByTarget.values()].flat().map((ref) => ref.catalog));
        for (const name of names) {
          const problems = byProblem(r.targets, (t) => {
            for (const ref of refsByTarget.get(t)!.filter((x) => x.catalog === name)) {
              const v = judge(view, t, ref, r.shared);
              if (v && !v.ok) return v.reason;
            }
            return undefined;
          });
          if (problems.size === 0) continue;
          const why = [...problems].map(([reason, ts]) => `${targetList(ts)}: ${reason}`).join("; ");
          out.push(finding(resourceCatalog, scalar, `${r.address} names catalog ${name.replace("{user}", CURRENT_USER)}, in ${why}`, resourceCatalog.fix, textOf(scalar)));
        }
      });
    }
    return out;
  },
};

/**
 * Visits every scalar; `catalogKey` when the value is a catalog by position: under a key naming a
 * catalog, the `default`/`value` of a `{name: catalog...}` parameter, or the list item after "--catalog".
 */
/** A key or parameter name that holds a catalog: `catalog`, `catalog_name`, `source_catalog`, `spark.sql.catalog.name`, not `catalog_type`. */
const CATALOG_NAME = /^(?:[A-Za-z0-9]+[._-])*catalog(?:[._-]name)?$/i;

function walk(node: Node, catalogKey: boolean, visit: (n: ScalarNode, catalogKey: boolean) => void): void {
  if (node.kind === "scalar") {
    if (typeof node.value === "string") visit(node, catalogKey);
  } else if (node.kind === "seq") {
    node.items.forEach((item, i) => {
      const previous = i > 0 ? textOf(node.items[i - 1]) : undefined;
      walk(item, catalogKey || (previous !== undefined && CATALOG_NAME.test(previous.replace(/^-+/, ""))), visit);
    });
  } else {
    const named = CATALOG_NAME.test(textOf(node.entries.get("name")) ?? "");
    for (const [k, v] of node.entries) walk(v, CATALOG_NAME.test(k) || (named && (k === "default" || k === "value")), visit);
  }
}
