import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { catalogRefs, judge } from "../catalog-refs";
import { CURRENT_USER } from "../facts";
import { byProblem, targetList } from "../identities";
import { textOf, type Node, type ScalarNode } from "../yaml-tree";
import type { ResourceDecl } from "../resources";
import type { TargetFacts } from "../facts";

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
    "A resource (pipeline, job, schema, ...) names a catalog that is not its target's (another environment's, a developer's sandbox), writes a catalog out where `${var.catalog_name}` belongs (a `catalog:` literal in a resource every target deploys), or holds a reference the check cannot resolve (`${bundle.git.branch}`, a complex variable's field), which could name any catalog.",
  fix: "write ${var.catalog_name} instead of the catalog's name",
  check: ({ view, resources }) => {
    const out: Finding[] = [];
    /** Judges one scalar as the targets `targets` see it; `through` names the complex variable it came from. */
    const judgeScalar = (r: ResourceDecl, scalar: ScalarNode, catalogKey: boolean, targets: readonly TargetFacts[], through: readonly string[]) => {
      const address = through.length === 0 ? r.address : `${r.address} (through \${var.${through.join("} and ${var.")}})`;
      // ${var.catalog_name} is the target's own catalog: whether it is right is target-catalog's question.
      // A value without `${` is the same in every target: its references are read once.
      const literal = typeof scalar.value === "string" && !scalar.value.includes("${") ? catalogRefs(scalar.value, catalogKey) : undefined;
      const resolved = new Map(targets.map((t) => [t, literal === undefined ? view.resolve(t.name, scalar, ["catalog_name"]) : []] as const));
      const refsByTarget = new Map(targets.map((t) => [t, literal ?? resolved.get(t)!.flatMap((c) => (c.text === undefined ? [] : catalogRefs(c.text, catalogKey)))] as const));
      if (literal === undefined) {
        // Default deny: a catalog position that resolves to neither a name nor ${var.catalog_name}
        // (a complex variable's field, a lookup, another reference) is a catalog the check cannot read.
        if (catalogKey) {
          const unread = targets.filter((t) => resolved.get(t)!.some((c) => c.text === undefined || /\$\{(?!var\.catalog_name\}|workspace\.current_user\.short_name\})/.test(c.text)));
          if (unread.length > 0) out.push(finding(resourceCatalog, scalar, `${address} names a catalog the check cannot resolve, in ${targetList(unread)}`, resourceCatalog.fix, textOf(scalar)));
        } else {
          // Anywhere else: a reference left unresolved could hold any name (`${bundle.git.branch}.gold.t`,
          // `${var.cfg.catalog}`); only what the workspace computes (IDs, the deploying user, the
          // deployment's folders) and ${var.catalog_name} are known not to.
          const unsafe = new Map<string, TargetFacts[]>();
          const flag = (ref: string, t: TargetFacts) => unsafe.set(ref, [...new Set([...(unsafe.get(ref) ?? []), t])]);
          const wholeVariable = /^\$\{(?:var\.[A-Za-z][A-Za-z0-9_-]*|variables\.[A-Za-z][A-Za-z0-9_-]*\.value)\}$/.test(typeof scalar.value === "string" ? scalar.value.trim() : "");
          for (const t of targets) {
            for (const c of resolved.get(t)!) {
              for (const m of (c.text ?? "").matchAll(/\$\{([^}]*)\}/g)) if (!SAFE_REFERENCE.test(m[1])) flag(m[0], t);
              // No text: a lookup (an ID), a whole complex variable (judged below), or a mapping
              // the configuration holds (`${bundle.git}`), which nothing here reads.
              if (c.text === undefined && !c.lookup && !wholeVariable) flag(textOf(scalar) ?? "a reference", t);
            }
          }
          for (const [ref, ts] of unsafe) {
            out.push(finding(resourceCatalog, scalar, `${address} holds ${ref}, which the check cannot resolve, in ${targetList(ts)}: its value could name any catalog`, "write the value out, or take it from a variable with a plain value", textOf(scalar)));
          }
        }
        // The whole value is a complex variable (`spark_conf: ${var.conf}`): its mapping or list is
        // what the CLI puts here, judged as if written here, per target.
        const whole = /^\$\{(?:var\.([A-Za-z][A-Za-z0-9_-]*)|variables\.([A-Za-z][A-Za-z0-9_-]*)\.value)\}$/.exec(typeof scalar.value === "string" ? scalar.value.trim() : "");
        const name = whole?.[1] ?? whole?.[2];
        if (name !== undefined && !through.includes(name) && through.length < 8) {
          for (const t of targets) {
            for (const c of view.variable(t.name, name)) {
              if (c.text === undefined && !c.lookup && c.node.kind !== "scalar") walk(c.node, catalogKey, (inner, innerKey) => judgeScalar(r, inner, innerKey, [t], [...through, name]));
            }
          }
        }
      }
      if ([...refsByTarget.values()].every((refs) => refs.length === 0)) return;
      const names = new Set([...refsByTarget.values()].flat().map((ref) => ref.catalog));
      for (const name of names) {
        const problems = byProblem(targets, (t) => {
          for (const ref of refsByTarget.get(t)!.filter((x) => x.catalog === name)) {
            const v = judge(view, t, ref, r.shared);
            if (v && !v.ok) return v.reason;
          }
          return undefined;
        });
        if (problems.size === 0) continue;
        const why = [...problems].map(([reason, ts]) => `${targetList(ts)}: ${reason}`).join("; ");
        out.push(finding(resourceCatalog, scalar, `${address} names catalog ${name.replace("{user}", CURRENT_USER)}, in ${why}`, resourceCatalog.fix, textOf(scalar)));
      }
    };
    for (const r of resources.resources) walk(r.node, false, (scalar, catalogKey) => judgeScalar(r, scalar, catalogKey, r.targets, []));
    return out;
  },
};

/**
 * References whose value is not the bundle's to choose, so cannot name a catalog: the target's own
 * catalog (judged by target-catalog), the deploying user, the deployment's own folders (judged by
 * target-paths), a value the workspace computes for a resource (a field the configuration does not
 * set: its ID, URL), the deployed commit.
 */
const SAFE_REFERENCE = /^(?:var\.catalog_name|workspace\.current_user\.(?:short_name|userName|id|domain_friendly_name)|workspace\.(?:root_path|file_path|artifact_path|state_path|resource_path|host)|resources\.[a-z_]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_]+|bundle\.(?:git\.commit|uuid))$/;

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
