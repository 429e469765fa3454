import * as path from "path";
import { diffOutputs, prodScope } from "../../lib/review/diff";
import { grantRows } from "../../lib/review/grants";
import { MAX_EDGES, accessLabel, changeEdges, environmentsOf, grantEdges, renderMermaid } from "../../lib/review/mermaid";
import { readSynthOutput } from "../../lib/gate/read";
import { defaultModel } from "../helpers";
import { FIXTURES } from "./support";

const model = defaultModel();
const clean = readSynthOutput(path.join(FIXTURES, "clean"));
const edgesOf = (chart: string) => chart.split("\n").filter((l) => / -->\|/.test(l));

describe("grants --format mermaid", () => {
  const rows = grantRows(clean);
  const chart = renderMermaid(grantEdges(rows), environmentsOf(model));

  it("draws one edge per grant, labelled with the access level the privileges are", () => {
    expect(edgesOf(chart)).toHaveLength(rows.length);
    expect(chart).toMatch(/^flowchart LR\n/);
    const dev = chart.match(/^ {2}(p\d+)\["Databricks - Dev"\]$/m)![1];
    const devCatalog = chart.match(/^ {4}(e\d+s\d+)\["catalog dev"\]$/m)![1];
    expect(chart).toContain(`  ${dev} -->|"read"| ${devCatalog}`);
  });

  it("puts each environment in a cluster, production first and marked", () => {
    const clusters = [...chart.matchAll(/^ {2}subgraph (e\d+)\["([^"]+)"\]$/gm)].map((m) => m[2]);
    expect(clusters).toEqual(["PROD: prod", "dev", "metastore (shared)", "staging"]);
    expect(chart).toContain("  style e0 stroke:#d1242f,stroke-width:3px");
  });

  it("collapses by environment past its bound: one edge per principal and environment", () => {
    const small = renderMermaid(grantEdges(rows), environmentsOf(model), 5);
    const pairs = new Set(rows.map((r) => `${r.principal} ${environmentsOf(model).of(r.securableType, r.securable, r.stack).key}`));
    expect(edgesOf(small)).toHaveLength(pairs.size);
    expect(small).toContain(`%% ${rows.length} edges collapsed by environment (more than 5)`);
  });

  it("stays bounded for a big model: 50 groups on 20 environments draw at most one edge per pair", () => {
    const edges = Array.from({ length: 50 * 20 * 3 }, (_, i) => ({
      stack: `s${i % 20}`,
      principal: `group ${i % 50}`,
      principalKind: "group",
      securableType: "schema",
      securable: `c${i % 20}.s${i % 3}`,
      label: "read",
    }));
    const big = renderMermaid(edges, environmentsOf(undefined));
    expect(edges.length).toBeGreaterThan(MAX_EDGES);
    expect(edgesOf(big).length).toBeLessThanOrEqual(50 * 20);
    expect(big).toContain("collapsed by environment");
  });

  it("names a privilege list that is no access level by its privileges, and escapes quotes", () => {
    expect(accessLabel("catalog", ["USE_CATALOG", "MODIFY"])).toBe("USE_CATALOG, MODIFY");
    expect(accessLabel("catalog", ["USE_SCHEMA", "BROWSE", "USE_CATALOG"])).toBe("browse");
    const chart = renderMermaid([{ stack: "s", principal: 'the "quoted" group', principalKind: "group", securableType: "catalog", securable: "c", label: "read" }], environmentsOf(undefined));
    expect(chart).toContain('["the #quot;quoted#quot; group"]');
  });
});

describe("grants:diff --format mermaid", () => {
  it("draws only the changed edges, a widening in red, in the production cluster", () => {
    const base = readSynthOutput(path.join(FIXTURES, "diff", "base"));
    const head = readSynthOutput(path.join(FIXTURES, "diff", "widen"));
    const chart = renderMermaid(changeEdges(diffOutputs(base, head, prodScope([base, head], model))), environmentsOf(model));
    expect(edgesOf(chart)).toEqual(['  p0 -->|"+MODIFY"| e0s0']);
    expect(chart).toContain('subgraph e0["PROD: prod"]');
    expect(chart).toContain("linkStyle 0 stroke:#d1242f");
  });

  it("draws an empty diagram for no change", () => {
    expect(renderMermaid(changeEdges([]), environmentsOf(model))).toBe('flowchart LR\n  none["no grants"]\n');
  });
});
