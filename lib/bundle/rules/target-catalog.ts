import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { CURRENT_USER } from "../facts";

/**
 * Each target's `catalog_name` is its environment's catalog; the sandbox's is the model's pattern
 * with the deploying developer's short name, so that no two developers (and no environment) share one.
 */
export const targetCatalog: Rule = {
  id: "target-catalog",
  description: "A target's `catalog_name` is another environment's catalog, a sandbox catalog outside `sandbox`, or not the model's.",
  fix: "set the target's catalog_name to its environment's catalog (the generated targets do)",
  check: ({ view }) => {
    const out: Finding[] = [];
    const { facts } = view;
    for (const { name, decls, target: t } of view.knownTargets) {
      const want = t.variables.catalog_name;
      const fix = `set targets.${name}.variables.catalog_name to ${want}`;
      const values = view.variable(name, "catalog_name");
      if (values.length === 0) out.push(finding(targetCatalog, decls[0], `target ${name} does not set catalog_name`, fix));
      for (const c of values) {
        if (c.text === want) continue;
        const other = c.text === undefined ? undefined : facts.byCatalog.get(c.text.toLowerCase());
        const problem =
          c.text === undefined
            ? `target ${name}'s catalog_name does not resolve to a catalog here (a lookup or a variable without a value)`
            : other && other.key !== t.environment.key
              ? `target ${name} writes to environments.${other.key}'s catalog`
              : other && t.sandbox
                ? `target sandbox writes to environments.${other.key}'s catalog: every developer would share it`
                : !t.sandbox && facts.sandboxCatalog.test(c.text.replace(CURRENT_USER, "user"))
                  ? `target ${name} writes to a developer's sandbox catalog`
                  : t.sandbox && facts.sandboxCatalog.test(c.text)
                    ? "target sandbox names one developer's sandbox: every developer would write to it"
                    : `target ${name}'s catalog_name is not the model's`;
        out.push(finding(targetCatalog, c.node, problem, fix, c.text));
      }
    }
    return out;
  },
};
