/** One rule, one module: its id, what it forbids, the fix it suggests, and its check. */
import { showValue } from "../model/errors";
import type { BundleAllowList } from "./allow-list";
import type { ResourceIndex } from "./resources";
import type { SourceIndex } from "./sources";
import type { DatabricksCommand, WorkflowJob } from "./workflows";
import type { BundleView } from "./view";
import type { Node } from "./yaml-tree";

export interface Finding {
  readonly rule: string;
  /** Relative to the repository. */
  readonly file: string;
  readonly line: number;
  /** What is wrong, naming the target or command. */
  readonly problem: string;
  readonly value?: unknown;
  readonly fix: string;
}

export interface CheckContext {
  readonly view: BundleView;
  /** Every `databricks` command of the workflows (composite actions, called workflows and scripts followed). */
  readonly commands: readonly DatabricksCommand[];
  /** Every workflow job, with what it can reach and what it runs that the check cannot read. */
  readonly jobs: readonly WorkflowJob[];
  /** Every resource, run_as, permission, grant and owner of the bundle, with the targets that deploy it. */
  readonly resources: ResourceIndex;
  /** The code resources run (notebooks, SQL files, pipeline libraries), read and scanned once. */
  readonly sources: SourceIndex;
  /** Who may be named where, derived from the model. */
  readonly allow: BundleAllowList;
}

export interface Rule {
  readonly id: string;
  /** What the rule forbids, one sentence (README table, --help). */
  readonly description: string;
  /** The usual fix, one sentence. */
  readonly fix: string;
  readonly check: (ctx: CheckContext) => Finding[];
}

/** A finding at a node of the bundle; `value` is shown as `(got ...)`. */
export function finding(rule: Rule, where: Node | { file: string; line: number }, problem: string, fix: string = rule.fix, ...value: [] | [unknown]): Finding {
  const f = { rule: rule.id, file: where.file, line: where.line, problem, fix };
  return value.length > 0 ? { ...f, value: value[0] } : f;
}

export function formatFinding(f: Finding): string {
  const got = "value" in f ? ` (got ${showValue(f.value)})` : "";
  return `${f.file}:${f.line}: [${f.rule}] ${f.problem}${got}. Fix: ${f.fix}`;
}
