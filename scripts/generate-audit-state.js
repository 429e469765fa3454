#!/usr/bin/env node
// Writes a recorded workspace state for the fake Databricks CLI (__tests__/fixtures/audit) with
// TABLES tables in prod's catalog, for measuring the audit at scale: the clean state of the default
// model, with prod's four schemas holding TABLES / 4 tables each, listed as the API pages them (50
// a page, which the CLI follows itself) and each with its own (empty) grants, so that the audit
// reads every one. The state stays clean: the audit exits 0 on it.
// Usage: node scripts/generate-audit-state.js TABLES [FILE]   (default: stdout)
"use strict";
const fs = require("fs");
const path = require("path");

const CLEAN = path.join(__dirname, "..", "__tests__", "fixtures", "audit", "clean-default.json");
const PAGE = 50;

function generateAuditState(tables) {
  const state = JSON.parse(fs.readFileSync(CLEAN, "utf8"));
  const prod = state.workspaces["ref-prod"].responses;
  const schemas = ["bronze", "silver", "gold", "models"];
  const owner = prod["catalogs get prod"].owner;
  for (const [i, schema] of schemas.entries()) {
    const count = Math.floor(tables / schemas.length) + (i < tables % schemas.length ? 1 : 0);
    const list = [];
    for (let t = 0; t < count; t++) {
      const name = `t_${schema}_${t}`;
      list.push({ name, catalog_name: "prod", schema_name: schema, full_name: `prod.${schema}.${name}`, owner, table_type: "MANAGED", data_source_format: "DELTA" });
      prod[`grants get table prod.${schema}.${name} --max-results 0`] = {};
    }
    const pages = [];
    for (let p = 0; p < list.length || p === 0; p += PAGE) {
      const page = { tables: list.slice(p, p + PAGE) };
      if (p + PAGE < list.length) page.next_page_token = `${schema}-${p + PAGE}`;
      pages.push(page);
    }
    // The fixture's own tables stay; the generated ones follow.
    const key = `tables list prod ${schema} --include-browse --omit-columns --omit-properties`;
    const before = prod[key];
    const existing = Array.isArray(before) ? before : before.$pages.flatMap((p) => p.tables);
    pages[0].tables = [...existing, ...pages[0].tables];
    prod[key] = { $pages: pages };
  }
  return state;
}

module.exports = { generateAuditState };

if (require.main === module) {
  const [tables, file] = process.argv.slice(2);
  if (!/^\d+$/.test(tables ?? "")) {
    process.stderr.write("usage: node scripts/generate-audit-state.js TABLES [FILE]\n");
    process.exit(2);
  }
  const text = `${JSON.stringify(generateAuditState(Number(tables)))}\n`;
  if (file) fs.writeFileSync(file, text);
  else process.stdout.write(text);
}
