import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { RETIRED_VARIABLE } from "../facts";
import { at, keys, scalars } from "../yaml-tree";

/** Phase 2.1 removes the `service_principal_id` variable: run_as names the principal directly. */
export const servicePrincipalIdVariable: Rule = {
  id: "service-principal-id-variable",
  description: "The `service_principal_id` variable is still declared, set or used.",
  fix: "remove the variable and ${var.service_principal_id}; targets name their principal in run_as",
  check: ({ view }) => {
    const out: Finding[] = [];
    const ref = new RegExp(`\\$\\{var\\.${RETIRED_VARIABLE}\\}|BUNDLE_VAR_${RETIRED_VARIABLE}\\b|\\b${RETIRED_VARIABLE}=`);
    const declared = [
      ...view.topLevel("variables", RETIRED_VARIABLE),
      ...[...view.targets.values()].flatMap((ds) => ds.map((d) => at(d, "variables", RETIRED_VARIABLE))),
      ...view.repo.variableOverrides.map((o) => at(o.root, RETIRED_VARIABLE)),
    ];
    for (const n of declared) if (n) out.push(finding(servicePrincipalIdVariable, n, `declares or sets ${RETIRED_VARIABLE}`));
    for (const file of [...view.repo.bundleFiles, ...view.repo.workflows]) {
      for (const { node } of scalars(file.root)) {
        if (typeof node.value === "string" && ref.test(node.value)) out.push(finding(servicePrincipalIdVariable, node, `uses ${RETIRED_VARIABLE}`, servicePrincipalIdVariable.fix, node.value.split("\n").find((l) => ref.test(l))?.trim()));
      }
      // A workflow's `env: {BUNDLE_VAR_service_principal_id: ...}` is a key, not a value.
      for (const [key, node] of keys(file.root)) {
        if (key === `BUNDLE_VAR_${RETIRED_VARIABLE}`) out.push(finding(servicePrincipalIdVariable, node, `sets ${key}`, servicePrincipalIdVariable.fix));
      }
    }
    return out;
  },
};
