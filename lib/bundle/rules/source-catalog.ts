import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { judge } from "../catalog-refs";
import { CURRENT_USER, type TargetFacts } from "../facts";
import { targetList } from "../identities";

/**
 * The code a resource runs (notebooks, SQL files, pipeline libraries, dashboards) names its catalog
 * through what the resource passes it (a job parameter, a pipeline's configuration or `catalog`),
 * never written out: `prod.gold.customers` in a notebook every target runs writes prod from dev, and
 * `dev.models` registers the sandbox's models in dev (the seed plan's Phase 4.1 and 4.2).
 */
export const sourceCatalog: Rule = {
  id: "source-catalog",
  description:
    "A notebook, SQL file or library a resource runs names another environment's catalog (or a developer's sandbox), or writes a catalog out (`USE CATALOG dev`, `catalog = \"dev\"`, `dev.models.x`) where the target's catalog belongs.",
  fix: "take the catalog from the job parameter or pipeline configuration the resource sets to ${var.catalog_name}",
  check: ({ view, sources }) => {
    const out: Finding[] = [];
    type Hit = { file: string; line: number; name: string; text: string; reasons: Map<string, Set<TargetFacts>>; resources: Set<string> };
    const hits = new Map<string, Hit>();
    for (const run of sources.runs) {
      for (const ref of run.file.refs) {
        const v = judge(view, run.target, ref, run.resource.shared);
        if (!v || v.ok) continue;
        const key = `${run.file.path}\0${ref.index}\0${ref.catalog}`;
        const hit = hits.get(key) ?? { file: run.file.path, line: ref.line, name: ref.catalog, text: ref.text, reasons: new Map(), resources: new Set() };
        hit.reasons.set(v.reason, (hit.reasons.get(v.reason) ?? new Set()).add(run.target));
        hit.resources.add(run.resource.address);
        hits.set(key, hit);
      }
    }
    for (const h of hits.values()) {
      const why = [...h.reasons].map(([reason, ts]) => `${targetList([...ts])}: ${reason}`).join("; ");
      out.push(finding(sourceCatalog, { file: h.file, line: h.line }, `names catalog ${h.name.replace("{user}", CURRENT_USER)}, run by ${[...h.resources].join(", ")}, in ${why}`, sourceCatalog.fix, h.text.trim()));
    }
    return out;
  },
};
