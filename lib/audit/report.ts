/**
 * The audit's findings as Markdown (the nightly issue, a terminal) and JSON, in the grants diff's
 * words and marks (lib/review/severity.ts): production first and marked PROD.
 */
import { AUDIT_ORDER, directionCounts, inProd, markCell, prodCell } from "../review/severity";
import { cell, principalLabel } from "../review/report";
import type { AuditResult } from "./audit";

export const NO_DRIFT = "No drift";

export function renderAuditMarkdown(result: AuditResult, modelFile: string): string {
  const { findings } = result;
  const scope = `${result.environments.join(", ")} against \`${modelFile}\``;
  if (findings.length === 0) {
    return `${NO_DRIFT}: the live grants and owners (catalogs, schemas, tables, volumes, functions, models, storage), isolation modes and workspace bindings of ${scope} are what the stacks declare.\n`;
  }
  const lines = [
    `### Access audit: ${findings.length} finding${findings.length === 1 ? "" : "s"} (${directionCounts(findings, AUDIT_ORDER)})${inProd(findings.filter((f) => f.prod).length)}`,
    "",
    `Live state of ${scope}.`,
    "",
    "`! risk`: access the model does not allow (granted by hand, a changed owner, a sandbox open to others), or what the audit could not read (not audited). " +
      "`+ widens`: less protection than declared. `- narrows`: declared but missing live. `~`: drift within what the model allows.",
    "",
    "| | Env | Finding | Principal | Securable | What | Fix |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const f of findings) {
    lines.push(
      `| ${markCell(f.direction)} | ${prodCell(f.prod, cell(f.environment))} | ${f.kind} | ${f.principal ? cell(principalLabel(f.principal, f.principalKind ?? "")) : ""} | ${cell(`${f.securableType} ${f.securable}`)} | ${cell(f.summary)} | ${code(f.fix)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A fix as inline code in a table cell: backticks inside get a longer fence (CommonMark). */
function code(text: string): string {
  const safe = cell(text);
  const longest = Math.max(0, ...(safe.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  return `${fence} ${safe} ${fence}`;
}
