// For `npm run bench`: `npm run audit` over the model's environments with the fake CLI's recorded
// responses (FAKE_DATABRICKS_STATE) answered in-process, so that what is measured is the audit's own
// time (node, loading, the model, the comparison, the report) without the CLI's processes. With
// BENCH_AUDIT_TABLES=N the state is generated instead (scripts/generate-audit-state.js: N tables in
// prod, every one read). Prints the report and, on stderr, how many CLI commands the audit ran.
import * as fs from "fs";
import { runAudit } from "../lib/audit/audit";
import { DatabricksCli } from "../lib/audit/databricks-cli";
import { renderAuditMarkdown } from "../lib/audit/report";
import { loadModel } from "../lib/review/cli";
import { respond } from "../__tests__/fixtures/audit/responder";
const { generateAuditState } = require("./generate-audit-state") as { generateAuditState: (tables: number) => unknown };

const tables = process.env.BENCH_AUDIT_TABLES;
const state = tables ? generateAuditState(Number(tables)) : JSON.parse(fs.readFileSync(process.env.FAKE_DATABRICKS_STATE ?? "", "utf8"));
const model = loadModel(undefined);
const cli = new DatabricksCli(async (args, env) => respond(args, env, state as Parameters<typeof respond>[2]), "databricks", {});
runAudit(model, { cli, environments: [], ambientAuth: false }).then((result) => {
  process.stdout.write(renderAuditMarkdown(result, model.source));
  process.stderr.write(`bench-audit: ${cli.commands.length} CLI commands\n`);
  process.exitCode = result.findings.length === 0 ? 0 : 1;
});
