#!/usr/bin/env node
// Renders Mermaid charts to SVG with Mermaid itself (the npm package, pinned in package.json), in
// Node and offline: no browser. Mermaid needs a DOM: svgdom gives it an SVG document that measures
// text with a real font (its bundled Open Sans), so the layout runs as in a browser, with sizes near
// a browser's; jsdom gives DOMPurify (which Mermaid sanitizes labels with) a window and Mermaid its
// CSSStyleSheet. The same set-up as the isomorphic-mermaid package (MIT), which needs Node 22 and
// does not provide CSSStyleSheet, so it is not used as is.
//
// A chart Mermaid cannot parse or lay out is an error, as it would be on GitHub. Used by the tests
// (__tests__/review/mermaid-render.test.ts) and by hand:
//   npm run --silent grants -- --format mermaid | node scripts/lib/render-mermaid.mjs > grants.svg
//   node scripts/lib/render-mermaid.mjs --json < charts.json   # [{"name", "text"}] -> [{"name", "svg"} | {"name", "error"}]
// Exit 0: rendered (with --json: every chart answered, errors included); 1: a chart failed; 2: bad usage.
import { readFileSync } from "node:fs";

const USAGE = "usage: node scripts/lib/render-mermaid.mjs [--json] < INPUT > OUTPUT";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${USAGE}\n\nRenders one Mermaid chart (stdin) to SVG (stdout); with --json, a JSON array of {name, text} to a JSON array of {name, svg} or {name, error}.\n`);
  process.exit(0);
}
if (args.some((a) => a !== "--json")) {
  process.stderr.write(`render-mermaid: unexpected argument ${JSON.stringify(args.find((a) => a !== "--json"))}\n${USAGE}\n`);
  process.exit(2);
}

// Mermaid and its layout log through console: keep stdout for the result.
for (const level of ["log", "info", "debug", "warn", "trace"]) console[level] = (...m) => process.stderr.write(`${m.join(" ")}\n`);

const { createHTMLWindow } = await import("svgdom");
const { JSDOM } = await import("jsdom");
const createDOMPurify = (await import("dompurify")).default;
const html = new JSDOM("").window;
// Mermaid imports DOMPurify's default export and calls sanitize on it: give that export a window.
Object.assign(createDOMPurify, createDOMPurify(html));
const svgWindow = createHTMLWindow();
Object.assign(globalThis, { window: svgWindow, document: svgWindow.document, CSSStyleSheet: html.CSSStyleSheet });
const { default: mermaid } = await import("mermaid");
// GitHub's settings for the parts that matter here: strict security, labels as SVG text (no HTML).
mermaid.initialize({ startOnLoad: false, securityLevel: "strict", htmlLabels: false, flowchart: { htmlLabels: false }, logLevel: "fatal" });

/** Renders one chart: its SVG, or Mermaid's error. */
async function render(text, id) {
  try {
    const { svg } = await mermaid.render(id, text);
    return { svg };
  } catch (e) {
    return { error: String(e?.message ?? e) };
  }
}

const input = readFileSync(0, "utf8");
if (args.includes("--json")) {
  let charts;
  try {
    charts = JSON.parse(input);
    if (!Array.isArray(charts) || !charts.every((c) => c && typeof c.name === "string" && typeof c.text === "string")) throw new Error("not an array of {name, text}");
  } catch (e) {
    process.stderr.write(`render-mermaid: stdin is not a JSON array of {"name", "text"} (${e.message})\n`);
    process.exit(2);
  }
  const out = [];
  for (const [i, c] of charts.entries()) out.push({ name: c.name, ...(await render(c.text, `chart${i}`)) });
  process.stdout.write(JSON.stringify(out));
} else {
  const r = await render(input, "chart");
  if (r.error !== undefined) {
    process.stderr.write(`render-mermaid: ${r.error}\n`);
    process.exit(1);
  }
  process.stdout.write(`${r.svg}\n`);
}
