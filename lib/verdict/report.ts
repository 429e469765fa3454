/**
 * The access verdict in words: the job summary and the pull request comment's verdict section,
 * the files the workflow keeps, and the job outputs the approval and plan jobs read.
 */
import * as fs from "fs";
import * as path from "path";
import { cell } from "../review/report";
import { renderDiffMarkdown } from "../review/diff";
import { changeEdges, diffMermaid, environmentsOf } from "../review/mermaid";
import type { Verdict } from "./verdict";

const short = (sha: string) => sha.slice(0, 7);
const code = (s: string) => `\`${cell(s).replace(/`/g, "'")}\``;

/** A list of paths, the first `max` in full. */
function paths(list: readonly string[], max = 12): string {
  const shown = list.slice(0, max).map(code).join(", ");
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
}

/** The verdict's summary (Markdown): the decision, why, and what follows from it. */
export function renderVerdict(v: Verdict, commits: { readonly base: string; readonly merge: string }): string {
  const lines: string[] = [];
  const from = `Decided by the base branch's code (\`${short(commits.base)}\`) over this pull request's output (merge commit \`${short(commits.merge)}\`), read as data.`;
  if (!v.computed) {
    lines.push(
      "### Access verdict: ❌ not computed: approval required, and this check fails",
      "",
      from,
      "",
      "What stopped it:",
      "",
      "```text",
      v.reason.replace(/```/g, "'''"),
      "```",
      "",
      "Nothing here is planned. Fix what it says and push again; a verdict that cannot be computed never passes.",
    );
    return `${lines.join("\n")}\n`;
  }
  const title = v.check === "failed" ? "❌ this check fails, and approval required" : v.approval === "required" ? "👀 approval required" : "✅ no approval needed";
  lines.push(`### Access verdict: ${title}`, "", from, "");
  const open = v.changed.map((f) => f.path).filter((p) => !v.judged.includes(p));
  if (v.judged.length > 0) {
    lines.push(
      `- **Changes what decides access**: ${paths(v.judged)}. A change to anything but the model and the docs needs a code owner's review (\`.github/CODEOWNERS\`) and the access approval, whatever the grants diff says.`,
    );
  } else {
    lines.push(`- **Changes**: ${open.length > 0 ? `${paths(open)}: the model and the docs only` : "no file"}, so the grants diff and the policy decide.`);
  }
  lines.push(
    v.violations.length === 0
      ? "- **Policy** (the base branch's, over this output and model): passed."
      : `- **Policy** (the base branch's, over this output and model): ${v.violations.length} violation${v.violations.length === 1 ? "" : "s"} (below).${v.failures.length > 0 ? " A change to the model alone must give output the base branch accepts: this check fails." : " This pull request changes the code, so the old policy may not know its output: its code owners and the access reviewers decide."}`,
    v.failing.length === 0 ? "- **Grants diff**: no widening, no risk, no change on production." : `- **Grants diff**: ${v.failing.join(", ")} (below).`,
    v.plan ? "- **Plans**: this output is planned by the base branch's code." : "- **Plans**: not planned: the base branch's policy does not accept this output, and a pull request's output is planned only after it does.",
  );
  if (v.approval === "required") lines.push("", `Approval required because ${v.reasons.join("; ")}.`);
  if (v.violations.length > 0) {
    lines.push("", "<details open><summary>policy violations (the base branch's policy)</summary>", "", "```text", ...v.violations.map((x) => x.replace(/```/g, "'''")), "```", "", "</details>");
  }
  return `${lines.join("\n")}\n`;
}

/** The job outputs, as KEY=value lines for $GITHUB_OUTPUT (fixed words and a hex digest only). */
export function outputLines(v: Verdict): string {
  const lines = [`approval=${v.approval}`, `plan=${v.plan}`, `result=${v.computed ? v.check : "not-computed"}`, `digest=${v.computed ? v.digest : ""}`];
  return `${lines.join("\n")}\n`;
}

/**
 * Writes the report files into `dir` (created; an existing one must be empty, so nothing else is
 * overwritten): verdict.md, and with a computed verdict grants-diff.md and, when a grant changed,
 * grants-diff.mmd.
 */
export function writeReport(dir: string, v: Verdict, commits: { readonly base: string; readonly merge: string }): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new Error(`--report ${dir} is not empty; give a new directory`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "verdict.md"), renderVerdict(v, commits));
  if (!v.computed) return;
  fs.writeFileSync(path.join(dir, "grants-diff.md"), renderDiffMarkdown(v.changes));
  if (changeEdges(v.changes).length > 0) fs.writeFileSync(path.join(dir, "grants-diff.mmd"), diffMermaid(v.changes, environmentsOf(v.headModel)));
}
