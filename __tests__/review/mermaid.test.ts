import * as path from "path";
import { diffOutputs, prodScope, type AccessChange } from "../../lib/review/diff";
import { grantRows } from "../../lib/output/grants";
import { MAX_EDGES, accessLabel, changeLabel, diffMermaid, environmentsOf, grantsMermaid, renderMermaid, type AccessEdge, type Environments } from "../../lib/review/mermaid";
import { readSynthOutput } from "../../lib/output/read";
import { privilegeChange } from "../../lib/review/levels";
import { defaultModel, defaultModelData, modelFrom } from "../helpers";
import { FIXTURES } from "./support";

const model = defaultModel();
const clean = readSynthOutput(path.join(FIXTURES, "clean"));
const edgesOf = (chart: string) => chart.split("\n").filter((l) => / -->\|/.test(l));
/** The clusters (or collapsed environment nodes) as drawn: `id title`, in declaration order. */
const clusterTitles = (chart: string) => [...chart.matchAll(/^ {2}(?:subgraph (e\d+)\["([^"]+)"\]|(e\d+)\(\["([^"]+)"\]\))$/gm)].map((m) => m[2] ?? m[4]);
const noteOf = (chart: string) => chart.match(/^ {2}note\["([^"]*)"\]$/m)?.[1];
const diffOf = (head: string, m = model) => {
  const base = readSynthOutput(path.join(FIXTURES, "diff", "base"));
  const to = readSynthOutput(path.join(FIXTURES, "diff", head));
  return diffOutputs(base, to, prodScope([base, to], m));
};

describe("grants --format mermaid", () => {
  const rows = grantRows(clean);
  const chart = grantsMermaid(rows, environmentsOf(model));

  it("draws one edge per grant, labelled with the access level the privileges are", () => {
    expect(edgesOf(chart)).toHaveLength(rows.length);
    expect(chart).toMatch(/^flowchart LR\n/);
    const dev = chart.match(/^ {2}(p\d+)\["Databricks - Dev \(group\)"\]$/m)![1];
    const devCatalog = chart.match(/^ {4}(e\d+s\d+)\["catalog dev"\]$/m)![1];
    expect(chart).toContain(`  ${dev} -->|"read"| ${devCatalog}`);
    expect(noteOf(chart)).toBeUndefined(); // nothing collapsed, nothing to say
  });

  it("labels each principal as a group or a service principal, groups first", () => {
    const boxes = [...chart.matchAll(/^ {2}p\d+\["([^"]+)"\]$/gm)].map((m) => m[1]);
    expect(boxes).toEqual([
      "Databricks - Account Admin (group)",
      "Databricks - Dev (group)",
      "Databricks - Prod - ReadOnly (group)",
      "ml-pipelines-dev-service-principal (service principal)",
      "ml-pipelines-prod-service-principal (service principal)",
      "ml-pipelines-staging-service-principal (service principal)",
    ]);
  });

  it("orders the environments production first (marked), then the model's order, the metastore last", () => {
    expect(chart).toContain("%% environments: e0 PROD: prod, e1 dev, e2 staging, e3 metastore (shared)");
    expect(chart).toContain("  style e0 stroke:#d1242f,stroke-width:3px");
    // Declared last-first: Mermaid draws the last declared subgraph on top (mermaid-render.test.ts checks the picture).
    expect(clusterTitles(chart)).toEqual(["metastore (shared)", "staging", "dev", "PROD: prod"]);
    const reordered = defaultModelData();
    reordered.environments = { staging: reordered.environments.staging, prod: reordered.environments.prod, dev: reordered.environments.dev };
    reordered.production = "prod";
    expect(grantsMermaid(rows, environmentsOf(modelFrom(reordered)))).toContain("%% environments: e0 PROD: prod, e1 staging, e2 dev, e3 metastore (shared)");
  });

  it("without a model, places a catalog in the stack that declares it, production a stack named prod", () => {
    const plain = grantsMermaid(rows, environmentsOf(undefined, clean));
    expect(plain).toContain("%% environments: e0 PROD: ref-prod, e1 ref-dev, e2 ref-staging, e3 metastore (shared)");
    // ref-prod's promotion grant on staging is drawn in staging's cluster, not production's.
    expect(plain).toMatch(/subgraph e2\["ref-staging"\]\n {4}e2s0\["catalog staging"\]\n {4}e2s1\["schema staging.models"\]\n {2}end/);
  });

  it("collapses past its bound to one edge per principal and environment, keeping every level there", () => {
    const small = grantsMermaid(rows, environmentsOf(model), 12);
    const pairs = new Set(rows.map((r) => `${r.principal} ${environmentsOf(model).of(r.securableType, r.securable).key}`));
    expect(edgesOf(small)).toHaveLength(pairs.size);
    expect(small).not.toMatch(/\d+ grants?"\|/); // never a count where a level belongs
    // ml-pipelines-prod-service-principal in staging: `use` on the catalog and `read` on the models schema, one edge.
    const sp = small.match(/^ {2}(p\d+)\["ml-pipelines-prod-service-principal \(service principal\)"\]$/m)![1];
    const staging = small.match(/^ {2}(e\d+)\(\["staging"\]\)$/m)![1];
    expect(small).toContain(`  ${sp} -->|"use; read models"| ${staging}`);
    expect(clusterTitles(small)).toEqual(["metastore (shared)", "staging", "dev", "PROD: prod"]);
    expect(noteOf(small)).toBe("14 grants, one edge per principal and environment; the table lists each");
  });

  it("then gives principals with the same access one box, saying so", () => {
    const edges: AccessEdge[] = [];
    for (let g = 0; g < 30; g++) for (const env of ["dev", "staging", "prod"]) edges.push({ stack: `ref-${env}`, principal: `team ${String(g).padStart(2, "0")}`, principalKind: "group", securableType: "catalog", securable: env, label: g < 10 ? "read" : "all" });
    const chart = renderMermaid(edges, environmentsOf(model));
    expect(edgesOf(chart)).toHaveLength(6);
    expect(chart).toContain('["team 00, team 01, team 02 and 7 more (10 groups with the same access)"]');
    expect(chart).toContain('["team 10, team 11, team 12 and 17 more (20 groups with the same access)"]');
    expect(noteOf(chart)).toBe("90 grants, one edge per principal and environment; principals with the same access share a box; the table lists each");
  });

  it("stays bounded for a big model, drawing production's first and counting what it leaves out", () => {
    // 60 principals, each with its own access on 20 environments: nothing merges.
    const edges: AccessEdge[] = [];
    for (let p = 0; p < 60; p++) for (let e = 0; e < 20; e++) edges.push({ stack: `s${e}`, principal: `sp ${p}`, principalKind: "service_principal", securableType: "catalog", securable: `c${e}`, label: (p >> e % 6) & 1 ? "all" : "read" });
    // Environment c<e>, in order, production c7.
    const envs: Environments = { of: (_type, securable) => ({ key: securable, prod: securable === "c7", rank: securable === "c7" ? 0 : Number(securable.slice(1)) + 1 }) };
    const chart = renderMermaid(edges, envs);
    expect(edgesOf(chart)).toHaveLength(MAX_EDGES);
    expect(chart).toContain('e0(["PROD: c7"])');
    // Every principal's edge to production is drawn before anything else.
    expect(edgesOf(chart).filter((l) => / e0$/.test(l))).toHaveLength(Math.min(60, MAX_EDGES));
    expect(noteOf(chart)).toMatch(/^1200 grants, one edge per principal and environment; principals with the same access share a box; 1160 more edges \(to c7, c0, c1 and 17 more\) not drawn: production's and widenings come first; the table lists each$/);
  });

  it("names a privilege list that is no access level by its privileges, and escapes what Mermaid would read", () => {
    expect(accessLabel("catalog", ["USE_CATALOG", "MODIFY"])).toBe("USE_CATALOG, MODIFY");
    expect(accessLabel("catalog", ["USE_SCHEMA", "BROWSE", "USE_CATALOG"])).toBe("browse");
    const chart = renderMermaid([{ stack: "s", principal: 'the "quoted" #1 <group> `x`', principalKind: "group", securableType: "catalog", securable: "c", label: "read" }], environmentsOf(undefined));
    expect(chart).toContain('["the #34;quoted#34; #35;1 #60;group#62; #96;x#96; (group)"]');
  });

  it("says no grants when there are none", () => {
    expect(grantsMermaid([], environmentsOf(model))).toBe('flowchart LR\n  none["no grants"]\n');
  });
});

describe("grants:diff --format mermaid", () => {
  it("draws only the changed edges in levels, a widening in red, in the production cluster", () => {
    const chart = diffMermaid(diffOf("widen"), environmentsOf(model));
    expect(edgesOf(chart)).toEqual(['  p0 -->|"read +MODIFY"| e0s0']);
    expect(chart).toContain('subgraph e0["PROD: prod"]');
    expect(chart).toContain("linkStyle 0 stroke:#d1242f");
  });

  it.each([
    ["narrow", "all → read"],
    ["add", "+read"],
    ["remove", "-read"],
  ])("labels the %s change by its levels: %s", (head, label) => {
    expect(edgesOf(diffMermaid(diffOf(head), environmentsOf(model)))).toEqual([`  p0 -->|"${label}"| e0s0`]);
  });

  it("labels a change that no level explains by its privileges, with the level it started or ended at", () => {
    const grant = (before: string[], after: string[]): AccessChange => ({
      kind: "grant",
      direction: "widens",
      prod: false,
      stack: "ref-dev",
      resource: "databricks_grant.x",
      securableType: "catalog",
      securable: "dev",
      principal: "p",
      added: after.filter((p) => !before.includes(p)),
      removed: before.filter((p) => !after.includes(p)),
      before,
      after,
      summary: "",
    });
    const read = ["EXECUTE", "READ_VOLUME", "SELECT", "USE_CATALOG", "USE_SCHEMA"];
    expect(changeLabel(grant(read, [...read, "MODIFY"]))).toBe("read +MODIFY");
    expect(changeLabel(grant(["MODIFY", "USE_CATALOG"], read))).toBe("+EXECUTE +READ_VOLUME +SELECT +USE_SCHEMA -MODIFY → read");
    expect(changeLabel(grant(["MODIFY"], ["SELECT"]))).toBe("+SELECT -MODIFY");
    expect(changeLabel(grant([], ["MODIFY", "SELECT"]))).toBe("+MODIFY +SELECT");
    // The tables' words: the same levels, and the privileges a level names, so they stay exact.
    expect(privilegeChange("catalog", [], read)).toBe("read (+EXECUTE +READ_VOLUME +SELECT +USE_CATALOG +USE_SCHEMA)");
    expect(privilegeChange("catalog", ["ALL_PRIVILEGES"], read)).toBe("all → read (+EXECUTE +READ_VOLUME +SELECT +USE_CATALOG +USE_SCHEMA -ALL_PRIVILEGES)");
    expect(privilegeChange("schema", ["USE_SCHEMA"], [])).toBe("-USE_SCHEMA");
    expect(privilegeChange("catalog", read, [...read, "MODIFY"])).toBe("read +MODIFY");
    // A change without its lists (an audit finding) keeps its privileges.
    const { before: _b, after: _a, ...bare } = grant(read, [...read, "MODIFY"]);
    expect(changeLabel(bare)).toBe("+MODIFY");
  });

  it("marks production from the changes (the base side's model), whatever the head's model says", () => {
    const moved = defaultModelData();
    delete moved.environments.staging.promotion;
    delete moved.environments.prod.promotion;
    moved.production = "dev";
    const chart = diffMermaid(diffOf("widen"), environmentsOf(modelFrom(moved)));
    expect(chart).toContain('subgraph e0["PROD: prod"]');
    expect(chart).toContain("%% environments: e0 PROD: prod");
  });

  it("says no access changes for an empty diff, never no grants", () => {
    expect(diffMermaid([], environmentsOf(model))).toBe('flowchart LR\n  none["no access changes"]\n');
  });

  it("says what the table has that the chart does not draw", () => {
    const added = diffOf("add");
    expect(added.map((c) => c.kind).sort()).toEqual(["grant", "principal"]);
    expect(noteOf(diffMermaid(added, environmentsOf(model)))).toBe("1 other access change (principal): in the table, not drawn");
    const only = added.filter((c) => c.kind === "principal");
    const config: AccessChange = { kind: "config", heading: "provider", direction: "risk", prod: true, stack: "ref-prod", resource: "provider.databricks", summary: "host changed" };
    expect(diffMermaid([...only, config], environmentsOf(model))).toBe(
      'flowchart LR\n  none["no grant changes; 1 other access change (principal) and 1 other configuration change: in the table, not drawn"]\n',
    );
    expect(diffMermaid([config], environmentsOf(model))).toBe('flowchart LR\n  none["no access changes; 1 other configuration change: in the table, not drawn"]\n');
  });

  it("collapses a big diff keeping its levels and its marks", () => {
    const changes: AccessChange[] = [];
    for (let g = 0; g < 30; g++) {
      for (const env of ["dev", "prod"]) {
        const widens = g === 0 && env === "prod";
        const [before, after] = widens ? [[], ["SELECT"]] : [["SELECT"], []];
        changes.push({ kind: "grant", direction: widens ? "widens" : "narrows", prod: env === "prod", stack: `ref-${env}`, resource: `databricks_grant.g${g}`, securableType: "catalog", securable: env, principal: `team ${String(g).padStart(2, "0")}`, principalKind: "group", added: after, removed: before, before, after, summary: "" });
      }
    }
    const chart = diffMermaid(changes, environmentsOf(model));
    expect(edgesOf(chart)).toEqual(['  p0 -->|"+SELECT"| e0', '  p0 -->|"-SELECT"| e1', '  p1 -->|"-SELECT"| e0', '  p1 -->|"-SELECT"| e1']);
    expect(chart).toContain('  p0["team 00 (group)"]');
    expect(chart).toContain('  p1["team 01, team 02, team 03 and 26 more (29 groups with the same access)"]');
    expect(chart).toContain("  linkStyle 0 stroke:#d1242f,stroke-width:2px\n  linkStyle 1 stroke:#1a7f37");
    expect(noteOf(chart)).toBe("60 changed grants, one edge per principal and environment; principals with the same access share a box; the table lists each");
  });
});
