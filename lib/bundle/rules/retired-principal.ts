import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { scalars } from "../yaml-tree";

/**
 * The retired single CI principal (legacyServicePrincipals) must not appear anywhere: not as a
 * target's or a job's run_as, not in permissions, not as a workflow's DATABRICKS_CLIENT_ID.
 */
export const retiredPrincipal: Rule = {
  id: "retired-principal",
  description: "A retired principal (legacyServicePrincipals, by name or application ID) in run_as, permissions or a workflow's credentials.",
  fix: "use the environment's own deploying principal (run_as: the generated targets; CI: that principal's application ID as DATABRICKS_CLIENT_ID)",
  check: ({ view }) => {
    const out: Finding[] = [];
    const retired = view.facts.retired;
    if (retired.length === 0) return out;
    const files = [...view.repo.bundleFiles, ...view.repo.workflows, ...view.repo.variableOverrides];
    for (const file of files) {
      for (const { node } of scalars(file.root)) {
        if (typeof node.value !== "string") continue;
        const text = node.value.toLowerCase();
        const hit = retired.find((r) => text.includes(r.applicationId) || text.includes(r.name));
        if (!hit) continue;
        const lines = node.value.split("\n");
        const offset = node.block ? 1 + lines.findIndex((l) => l.toLowerCase().includes(hit.applicationId) || l.toLowerCase().includes(hit.name)) : 0;
        const name = view.facts.model.legacyServicePrincipals.find((p) => p.name.toLowerCase() === hit.name)!.name;
        out.push(finding(retiredPrincipal, { file: node.file, line: node.line + offset }, `names the retired principal ${name}`, retiredPrincipal.fix, lines[Math.max(0, offset - 1)].trim()));
      }
    }
    return out;
  },
};
