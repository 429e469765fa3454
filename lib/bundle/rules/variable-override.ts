import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { MODEL_VARIABLES, STORAGE_VARIABLE } from "../facts";
import { flagValues } from "../workflows";
import { entriesOf } from "../yaml-tree";

/**
 * The model decides catalog_name, environment, s3_bucket and (with sandbox.storage)
 * catalog_managed_location per target; `--var`, BUNDLE_VAR_* and a committed variable-overrides.json
 * all beat the target's value at deploy, so none may set them.
 */
export const variableOverride: Rule = {
  id: "variable-override",
  description: "A workflow (`--var`, `BUNDLE_VAR_*`) or a committed `.databricks/bundle/<target>/variable-overrides.json` overrides catalog_name, environment, s3_bucket or catalog_managed_location.",
  fix: "remove the override: the targets set these variables from the model",
  check: ({ view, commands }) => {
    const out: Finding[] = [];
    const governed = new Set<string>([...MODEL_VARIABLES, STORAGE_VARIABLE]);
    for (const c of commands) {
      for (const v of flagValues(c.args, ["--var"])) {
        const name = v.split("=")[0].trim();
        if (governed.has(name)) out.push(finding(variableOverride, c, `\`${c.text}\` overrides ${name}`, variableOverride.fix, v));
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
