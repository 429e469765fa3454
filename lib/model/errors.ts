/** A user error in the environment model: what, where, the value, and the fix. */
export interface ModelIssue {
  /** Dotted path in the model file, e.g. `environments.prod.workspace.host` (empty: the file). */
  readonly path: string;
  /** What is wrong, in a sentence, without the path. */
  readonly problem: string;
  /** How to fix it, in a sentence. */
  readonly fix: string;
  /** The offending value, when there is one. */
  readonly value?: unknown;
  /** 1-based line in the file, when known. */
  readonly line?: number;
  /** The rule across fields that found it (lib/model/rules), when one did. */
  readonly rule?: string;
}

/** Thrown when the model file cannot be used; carries every issue found, in file order. */
export class ModelError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly ModelIssue[],
  ) {
    super(formatIssues(source, issues));
    this.name = "ModelError";
  }
}

const MAX_SHOWN_VALUE = 80;

/** A value as a reader wants to see it: quoted strings, short, one line. */
export function showValue(value: unknown): string {
  let text: string;
  if (value === undefined) return "nothing";
  if (typeof value === "string") text = JSON.stringify(value);
  else if (value === null || typeof value !== "object") text = String(value);
  else if (Array.isArray(value)) text = `a list (${JSON.stringify(value)})`;
  else text = `a mapping (${JSON.stringify(value)})`;
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE - 1)}…` : text;
}

export function formatIssue(source: string, issue: ModelIssue): string {
  const where = issue.line !== undefined ? `${source}:${issue.line}` : source;
  const field = issue.path === "" ? "" : `${issue.path}: `;
  const got = "value" in issue ? ` (got ${showValue(issue.value)})` : "";
  return `${where}: ${field}${issue.problem}${got}. Fix: ${issue.fix}`;
}

export function formatIssues(source: string, issues: readonly ModelIssue[]): string {
  const head =
    issues.length === 1
      ? `the environment model ${source} has 1 error; nothing was synthesized:`
      : `the environment model ${source} has ${issues.length} errors; nothing was synthesized:`;
  return [head, ...issues.map((i) => `  - ${formatIssue(source, i)}`)].join("\n");
}
