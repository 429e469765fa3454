import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { MODEL_VARIABLES, STORAGE_VARIABLE } from "../facts";
import type { BundleView } from "../view";
import type { ResourceIndex } from "../resources";
import { flagValues } from "../shell";
import { at, entriesOf, scalars, textOf, type Node } from "../yaml-tree";

const VAR_REF = /\$\{var\.([A-Za-z][A-Za-z0-9_-]*)\}/g;

/**
 * The variables whose value a rule judges: the model's (catalog_name, environment, s3_bucket,
 * catalog_managed_location), and every variable an identity (run_as, permissions, grants, owner)
 * or a resource's code path names, directly or through another variable's value. `--var`,
 * BUNDLE_VAR_* and a committed variable-overrides.json beat the value the check judged
 * (databricks/cli v1.13.0 bundle/config/mutator/set_variables.go), so none may set them.
 */
export function judgedVariables(view: BundleView, resources: ResourceIndex): Set<string> {
  const judged = new Set<string>([...MODEL_VARIABLES, STORAGE_VARIABLE]);
  const pending: string[] = [];
  const note = (n: Node | undefined) => {
    for (const { node } of scalars(n)) for (const m of (textOf(node) ?? "").matchAll(VAR_REF)) if (!judged.has(m[1])) (judged.add(m[1]), pending.push(m[1]));
  };
  for (const use of resources.identities) note(use.node);
  for (const f of view.repo.bundleFiles) note(at(f.root, "run_as"));
  for (const decls of view.targets.values()) for (const d of decls) note(at(d, "run_as"));
  // Every value of a resource is judged (resource-catalog reads them all, source-* its code paths).
  for (const r of resources.resources) note(r.node);
  for (const name of [...judged]) pending.push(name);
  // Through another variable's value or default.
  while (pending.length > 0) {
    const name = pending.pop()!;
    for (const n of [...view.topLevel("variables", name), ...[...view.targets.values()].flatMap((ds) => ds.map((d) => at(d, "variables", name)))]) note(n);
  }
  return judged;
}

export const variableOverride: Rule = {
  id: "variable-override",
  description:
    "A workflow (`--var`, `BUNDLE_VAR_*`) or a committed `.databricks/bundle/<target>/variable-overrides.json` overrides a variable the check judges: catalog_name, environment, s3_bucket, catalog_managed_location, or one that a resource or an identity uses.",
  fix: "remove the override: the targets set these variables, and the check judges the values they set",
  check: ({ view, commands, resources }) => {
    const out: Finding[] = [];
    const governed = judgedVariables(view, resources);
    for (const c of commands) {
      // --var is a string slice (cmd/bundle/variables.go): `--var="a=1,catalog_name=dev"` sets both.
      for (const v of flagValues(c.args, ["--var"])) {
        for (const item of csvFields(v)) {
          const name = item.split("=")[0].trim();
          if (governed.has(name)) out.push(finding(variableOverride, c, `\`${c.text}\` overrides ${name}`, variableOverride.fix, item));
        }
      }
    }
    const seen = new Set<string>();
    for (const c of commands) {
      for (const e of c.env) {
        const name = /^BUNDLE_VAR_(.+)$/.exec(e.name)?.[1];
        const key = `${e.file}:${e.line}:${e.name}`;
        if (name && governed.has(name) && !seen.has(key)) {
          seen.add(key);
          out.push(finding(variableOverride, e, `sets ${e.name} for \`${c.text}\``, variableOverride.fix, e.value));
        }
      }
    }
    for (const o of view.repo.variableOverrides) {
      for (const [name, node] of entriesOf(o.root)) {
        if (governed.has(name)) out.push(finding(variableOverride, node, `overrides ${name} for target ${o.target}`, variableOverride.fix, node.kind === "scalar" ? node.value : node.kind));
      }
    }
    return out;
  },
};

/** pflag's string slice: comma-separated, CSV quoting. */
function csvFields(v: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '"') {
      if (quoted && v[i + 1] === '"') field += v[++i];
      else quoted = !quoted;
    } else if (c === "," && !quoted) {
      out.push(field);
      field = "";
    } else field += c;
  }
  out.push(field);
  return out;
}
