import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { STORAGE_VARIABLE } from "../facts";

/**
 * `environment` and `s3_bucket` (Appendix A) are the target's own, when the bundle uses them. With
 * `sandbox.storage`, the sandbox's `catalog_managed_location` is each developer's own path under its
 * URL (where the sandbox creators hold CREATE_MANAGED_STORAGE); every other target leaves it empty.
 */
export const targetVariables: Rule = {
  id: "target-variables",
  description:
    "A target's `environment` or `s3_bucket` variable is not its environment's, or `catalog_managed_location` is not the developer's own path under `sandbox.storage.url` in `sandbox` (and empty in every other target).",
  fix: "set the target's environment, s3_bucket and catalog_managed_location as the model says (the generated targets do)",
  check: ({ view }) => {
    const out: Finding[] = [];
    const { model } = view.facts;
    for (const { name, decls, target: t } of view.knownTargets) {
      for (const variable of ["environment", "s3_bucket"] as const) {
        const want = t.variables[variable];
        if (want === undefined || !view.declaresVariable(variable)) continue;
        const fix = `set targets.${name}.variables.${variable} to ${want}`;
        const values = view.variable(name, variable);
        if (values.length === 0) out.push(finding(targetVariables, decls[0], `target ${name} does not set ${variable}`, fix));
        for (const c of values) {
          if (c.text !== want) out.push(finding(targetVariables, c.node, `target ${name}'s ${variable} is not ${want}`, fix, c.text));
        }
      }
      const values = view.variable(name, STORAGE_VARIABLE);
      const want = t.managedLocation;
      if (want !== undefined) {
        // Without it, CREATE CATALOG fails on a metastore without a storage root (why the model has sandbox.storage).
        const fix = `declare the variable ${STORAGE_VARIABLE} (default "") and set targets.${name}.variables.${STORAGE_VARIABLE} to ${want} (sandbox.storage.url, then the developer's short name)`;
        if (values.length === 0) {
          out.push(finding(targetVariables, decls[0], `target ${name} does not set ${STORAGE_VARIABLE}, which its CREATE CATALOG needs: the model's sandbox.storage says the metastore has no storage root`, fix));
        }
        for (const c of values) {
          if (c.text !== want) out.push(finding(targetVariables, c.node, `target ${name}'s ${STORAGE_VARIABLE} is not each developer's own path under sandbox.storage.url (${want})`, fix, c.text));
        }
      } else {
        for (const c of values) {
          if (c.text === "") continue;
          const [problem, fix] = !t.sandbox
            ? [
                `target ${name} sets ${STORAGE_VARIABLE}: environments.${t.environment.key}'s catalog is created by the stacks, never by the bundle`,
                `remove targets.${name}.variables.${STORAGE_VARIABLE} (its default is empty); only sandbox sets it`,
              ]
            : [
                `target ${name} sets ${STORAGE_VARIABLE}, but ${model.source} has no sandbox.storage (the metastore's storage root keeps sandbox catalogs, and no creator holds CREATE_MANAGED_STORAGE anywhere)`,
                `remove ${STORAGE_VARIABLE} and generate the targets again, or add sandbox.storage to the model`,
              ];
          out.push(finding(targetVariables, c.node, problem, fix, c.text));
        }
      }
    }
    return out;
  },
};
