/** The check's report: lines for the log (default), a table for the job summary (`--format md`), or JSON. */
import { passed, type GitHubCheckReport } from "./check";

function subject(report: GitHubCheckReport): string {
  const i = report.input;
  return `${i.owner}/${i.repo} environment "${i.environment}" (approval ${i.approval}), branch "${i.branch}"`;
}

function summary(report: GitHubCheckReport): string {
  const failed = report.results.filter((r) => !r.ok).length;
  return failed === 0
    ? `github-check: ${subject(report)}: all ${report.results.length} checks passed`
    : `github-check: ${subject(report)}: ${failed} of ${report.results.length} checks failed; the deploy must not proceed until a repository admin fixes them`;
}

/** One line per finding, a line per note, then the summary line. */
export function formatText(report: GitHubCheckReport): string {
  const lines = report.results.filter((r) => !r.ok).map((r) => `FAIL ${r.setting}: ${r.found}. Fix: ${r.fix}`);
  lines.push(...report.notes.map((n) => `note: ${n}`), summary(report));
  return `${lines.join("\n")}\n`;
}

const cell = (text: string) => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** For $GITHUB_STEP_SUMMARY: the summary, a table of every check, the notes. */
export function renderMarkdown(report: GitHubCheckReport): string {
  const ok = passed(report);
  const lines = [
    `### GitHub settings: ${ok ? "✅ all checks passed" : `❌ ${report.results.filter((r) => !r.ok).length} of ${report.results.length} checks failed, the deploy must not proceed`}`,
    "",
    cell(subject(report)),
    "",
    "| | setting | found | fix |",
    "| --- | --- | --- | --- |",
    ...report.results.map((r) => `| ${r.ok ? "✅" : "❌"} | ${cell(r.setting)} | ${cell(r.found)} | ${cell(r.fix ?? "")} |`),
  ];
  if (report.notes.length > 0) lines.push("", ...report.notes.map((n) => `- Note: ${n}`));
  return `${lines.join("\n")}\n`;
}

export function renderJson(report: GitHubCheckReport): string {
  return `${JSON.stringify({ passed: passed(report), input: report.input, results: report.results, notes: report.notes }, null, 2)}\n`;
}
