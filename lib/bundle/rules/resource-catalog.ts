import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { CURRENT_USER, type TargetFacts } from "../facts";
import type { BundleView } from "../view";
import { at, entriesOf, textOf, type Node, type ScalarNode } from "../yaml-tree";

/** File name endings that make `dev.py` a file, not catalog `dev`'s table `py`. */
const FILE_ENDINGS = new Set(["py", "sql", "ipynb", "yml", "yaml", "json", "whl", "jar", "txt", "md", "r", "scala", "csv", "parquet", "sh", "cfg", "toml"]);
const DOTTED = /(?<![\w./{}$-])`?([a-z0-9_{}]+)`?\.`?([a-z0-9_]+)`?(?![\w/-])/gi;

/**
 * Resources name their catalog through `${var.catalog_name}`: a literal catalog in a resource that
 * every target deploys (a pipeline's `catalog`, a job parameter, `dev.bronze.messages` in SQL) sends
 * every environment's data to one catalog. Values are resolved per target first, so a variable
 * with a hard-coded default is caught too.
 */
export const resourceCatalog: Rule = {
  id: "resource-catalog",
  description: "A resource (pipeline, job, schema, ...) names a catalog literally that is not its target's: another environment's catalog or a developer's sandbox.",
  fix: "write ${var.catalog_name} instead of the catalog's name",
  check: ({ view }) => {
    const out: Finding[] = [];
    const known = [...view.targets.keys()].map((n) => view.facts.target(n)).filter((t): t is TargetFacts => t !== undefined);
    const scan = (resources: Node | undefined, targets: readonly TargetFacts[], where: string) => {
      for (const [type, byName] of entriesOf(resources)) {
        for (const [resource, node] of entriesOf(byName)) {
          walk(node, false, (scalar, catalogKey) => {
            const wrong = new Map<string, string[]>();
            for (const t of targets) {
              // ${var.catalog_name} is the target's own catalog: whether it is right is target-catalog's question.
              for (const c of view.resolve(t.name, scalar, ["catalog_name"])) {
                if (c.text === undefined) continue;
                for (const ref of catalogRefs(c.text, catalogKey)) {
                  if (isCatalog(view, ref) && ref !== own(t)) wrong.set(ref, [...(wrong.get(ref) ?? []), t.name]);
                }
              }
            }
            for (const [ref, ts] of wrong) {
              out.push(
                finding(
                  resourceCatalog,
                  scalar,
                  `${where}resources.${type}.${resource} names catalog ${ref.replace("{user}", CURRENT_USER)}${describe(view, ref)}, deployed to target${ts.length > 1 ? "s" : ""} ${[...new Set(ts)].join(", ")}`,
                  resourceCatalog.fix,
                  textOf(scalar),
                ),
              );
            }
          });
        }
      }
    };
    for (const file of view.repo.bundleFiles) scan(at(file.root, "resources"), known, "");
    for (const [name, decls] of view.targets) {
      const t = view.facts.target(name);
      for (const d of decls) scan(at(d, "resources"), t ? [t] : [], `targets.${name}.`);
    }
    return out;
  },
};

/** The target's own catalog, with `{user}` for the developer. */
const own = (t: TargetFacts) => t.variables.catalog_name.replace(CURRENT_USER, "{user}");

function isCatalog(view: BundleView, ref: string): boolean {
  return view.facts.byCatalog.has(ref) || view.facts.sandboxCatalog.test(ref.replace("{user}", "user"));
}

function describe(view: BundleView, ref: string): string {
  const env = view.facts.byCatalog.get(ref);
  return env ? ` (environments.${env.key}'s)` : " (a developer's sandbox)";
}

/** Catalog names a text refers to: all of it under a catalog key, and `catalog.schema[.table]` anywhere. */
function catalogRefs(text: string, catalogKey: boolean): string[] {
  const normal = text.split(CURRENT_USER).join("{user}");
  const refs: string[] = [];
  const whole = normal.trim().toLowerCase();
  if (catalogKey && /^[a-z0-9_{}]+$/.test(whole)) refs.push(whole);
  for (const m of normal.matchAll(DOTTED)) {
    if (!FILE_ENDINGS.has(m[2].toLowerCase())) refs.push(m[1].toLowerCase());
  }
  return refs;
}

/**
 * Visits every scalar; `catalogKey` when the value is a catalog by position: under a key naming a
 * catalog, the `default`/`value` of a `{name: catalog...}` parameter, or the list item after "--catalog".
 */
function walk(node: Node, catalogKey: boolean, visit: (n: ScalarNode, catalogKey: boolean) => void): void {
  if (node.kind === "scalar") {
    if (typeof node.value === "string") visit(node, catalogKey);
  } else if (node.kind === "seq") {
    node.items.forEach((item, i) => {
      const previous = i > 0 ? textOf(node.items[i - 1]) : undefined;
      walk(item, catalogKey || (previous !== undefined && /catalog/i.test(previous)), visit);
    });
  } else {
    const named = /catalog/i.test(textOf(node.entries.get("name")) ?? "");
    for (const [k, v] of node.entries) walk(v, /catalog/i.test(k) || (named && (k === "default" || k === "value")), visit);
  }
}
