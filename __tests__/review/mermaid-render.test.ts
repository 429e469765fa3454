// The charts drawn by Mermaid itself (scripts/lib/render-mermaid.mjs: the npm package, in Node,
// offline), as GitHub draws them: a chart Mermaid cannot parse or lay out fails here, and what it
// draws (every label, production's cluster on top) is read back from the SVG.
import { spawnSync } from "child_process";
import * as path from "path";
import { diffOutputs, prodScope, type AccessChange } from "../../lib/review/diff";
import { grantRows } from "../../lib/output/grants";
import { diffMermaid, environmentsOf, grantsMermaid, renderMermaid } from "../../lib/review/mermaid";
import { readSynthOutput } from "../../lib/output/read";
import { ROOT, defaultModel, synthOutput } from "../helpers";
import { FIXTURES } from "./support";

const model = defaultModel();
const envs = environmentsOf(model);
const diffOf = (head: string) => {
  const base = readSynthOutput(path.join(FIXTURES, "diff", "base"));
  const to = readSynthOutput(path.join(FIXTURES, "diff", head));
  return diffOutputs(base, to, prodScope([base, to], model));
};
const hostile = 'the "a|b" <team> #1 `x` [y]; {z} & ünïcode';
const config: AccessChange = { kind: "config", heading: "provider", direction: "risk", prod: true, stack: "ref-prod", resource: "provider.databricks", summary: "host changed" };
const CHARTS: { readonly [name: string]: string } = {
  "grants of the default model": grantsMermaid(grantRows(synthOutput(model)), envs),
  "grants, collapsed by environment": grantsMermaid(grantRows(synthOutput(model)), envs, 12),
  "a diff that widens production": diffMermaid(diffOf("widen"), envs),
  "a diff that narrows": diffMermaid(diffOf("narrow"), envs),
  "a diff that grants, with a change not drawn": diffMermaid(diffOf("add"), envs),
  "an empty diff": diffMermaid([], envs),
  "a diff of configuration only": diffMermaid([config], envs),
  "names Mermaid would read as syntax": renderMermaid([{ stack: "ref-dev", principal: hostile, principalKind: "group", securableType: "schema", securable: "dev.we|rd", label: "read" }], envs),
  broken: 'flowchart LR\n  a["x" -->\n',
};

/** Each chart's SVG or Mermaid's error: one Node process renders them all. */
function renderAll(charts: { readonly [name: string]: string }): Map<string, { svg?: string; error?: string }> {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "lib", "render-mermaid.mjs"), "--json"], {
    input: JSON.stringify(Object.entries(charts).map(([name, text]) => ({ name, text }))),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`render-mermaid failed (${r.status}): ${r.stderr}`);
  return new Map((JSON.parse(r.stdout) as { name: string; svg?: string; error?: string }[]).map(({ name, ...rest }) => [name, rest]));
}

const decode = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
/**
 * The text Mermaid drew: each <text> element's words. Mermaid wraps a long label into rows and
 * breaks a long word inside, so texts are compared without their spaces. Drawn as SVG text (the
 * renderer has no HTML layout), an entity code (`#34;`) shows as `&#34;`, which GitHub's HTML labels
 * show as the character: decoded here the same way.
 */
const drawnTexts = (svg: string) => [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => decode(decode(m[1].replace(/<[^>]+>/g, ""))).replace(/\s+/g, ""));
/** The labels a chart asks for: nodes, clusters and edges, as Mermaid reads them (#<code>; decoded), without spaces. */
const labelsOf = (chart: string) =>
  [...chart.matchAll(/(?:\["|\(\["|\|")([^"]*)(?:"\]|"\]\)|"\|)/g)].map((m) => m[1].replace(/#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/\s+/g, ""));
const squeezed = (s: string) => s.replace(/\s+/g, "");

describe("the charts, drawn by Mermaid", () => {
  const rendered = renderAll(CHARTS);

  it.each(Object.keys(CHARTS).filter((n) => n !== "broken"))("draws %s, every label as written", (name) => {
    const r = rendered.get(name)!;
    expect(r.error).toBeUndefined();
    expect(r.svg).toMatch(/^<svg [^>]*aria-roledescription="flowchart-v2"/);
    const texts = drawnTexts(r.svg!);
    for (const label of labelsOf(CHARTS[name])) expect(texts).toContainEqual(label);
  });

  it("fails a chart Mermaid cannot read (so a broken chart fails this test)", () => {
    expect(rendered.get("broken")!.error).toMatch(/^Parse error on line \d+:/);
  });

  it("draws production on top, then the model's order, the metastore last, production's border red", () => {
    const svg = rendered.get("grants of the default model")!.svg!;
    const clusters = [...svg.matchAll(/<g class="cluster[^"]*" id="[^"]*-(e\d+)"[^>]*>\s*<rect\b([^>]*)>/g)].map((m) => ({ id: m[1], y: Number(/\by="([-\d.]+)"/.exec(m[2])![1]) }));
    expect(clusters.sort((a, b) => a.y - b.y).map((c) => c.id)).toEqual(["e0", "e1", "e2", "e3"]);
    expect(drawnTexts(svg)).toEqual(expect.arrayContaining(["PROD: prod", "dev", "staging", "metastore (shared)"].map(squeezed)));
    expect(svg).toMatch(/<g class="cluster[^"]*" id="[^"]*-e0"[^>]*>\s*<rect\b[^>]*style="[^"]*stroke:#d1242f/);
  });

  it("says no access changes for an empty diff, and what it does not draw", () => {
    expect(drawnTexts(rendered.get("an empty diff")!.svg!)).toEqual([squeezed("no access changes")]);
    expect(drawnTexts(rendered.get("a diff of configuration only")!.svg!)).toEqual([squeezed("no access changes; 1 other configuration change: in the table, not drawn")]);
  });
});
