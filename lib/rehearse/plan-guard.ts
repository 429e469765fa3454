/**
 * The plan guard: reads ONE plan as terraform describes it (`terraform show -json PLANFILE`) and
 * finds every change that loses something no apply can bring back: a destroy or a replace of a
 * catalog, a schema (their tables go with them) or a service principal (its application ID, which CI
 * signs in with, changes). Terraform's own words decide: the actions and the reason it gives for
 * each resource, never our reading of the configuration.
 *
 * Pure: input is the parsed JSON, output the findings. A plan this module cannot read is itself a
 * finding (fail closed), never "no findings".
 */

import { STATEFUL_TYPES } from "../resources/index";
import { changeKey, plannedByTerraform, type PlannedChange } from "../review/terraform-plan";

/** Resource types whose destroy or replace loses data or an identity (the desired state's stateful types). */
export const GUARDED_TYPES: readonly string[] = [...STATEFUL_TYPES];

export interface GuardFinding {
  /** The resource's address in the plan, e.g. `databricks_schema.dev__gold`. */
  readonly address: string;
  readonly type: string;
  /** "destroy" (deleted, not recreated), "replace" (deleted and created again), or "unreadable" (the plan could not be read). */
  readonly action: "destroy" | "replace" | "unreadable";
  /** Terraform's actions for it, e.g. ["delete", "create"]. */
  readonly actions: readonly string[];
  /** Why, in terraform's words (its action_reason, the attributes that force replacement). */
  readonly reason: string;
}

/** Terraform's `action_reason` values (internal/plans, rendered by `terraform show -json`), in words. */
const REASONS: { readonly [reason: string]: string } = {
  replace_because_tainted: "the object is tainted (a failed create or `terraform taint`)",
  replace_because_cannot_update: "a changed attribute cannot be updated in place",
  replace_by_request: "replacement was requested (-replace or replace_triggered_by)",
  delete_because_no_resource_config: "its block is no longer in the configuration",
  delete_because_no_module: "its module is no longer in the configuration",
  delete_because_wrong_repetition: "its block changed between count, for_each and a single instance",
  delete_because_count_index: "its count index is beyond the new count",
  delete_because_each_key: "its for_each key is no longer in the map",
  delete_because_no_move_target: "a moved block points at an address that no longer exists",
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function pathText(p: Json): string {
  return Array.isArray(p) ? p.map((s) => (typeof s === "number" ? `[${s}]` : String(s))).join(".").replace(/\.\[/g, "[") : JSON.stringify(p);
}

/** Findings for one plan (the parsed output of `terraform show -json PLANFILE`). */
export function guardPlan(plan: unknown): GuardFinding[] {
  const unreadable = (reason: string): GuardFinding[] => [{ address: "(plan)", type: "", action: "unreadable", actions: [], reason }];
  if (!plan || typeof plan !== "object" || Array.isArray(plan)) return unreadable("the plan is not a JSON object (expected the output of `terraform show -json PLANFILE`)");
  const p = plan as { [k: string]: Json };
  if (typeof p.format_version !== "string") return unreadable("the plan has no format_version: not the output of `terraform show -json PLANFILE`");
  if (!/^1\./.test(p.format_version)) return unreadable(`plan format ${p.format_version} is not 1.x; the guard reads format 1`);
  const changes = p.resource_changes ?? [];
  if (!Array.isArray(changes)) return unreadable("resource_changes is not a list");
  const findings: GuardFinding[] = [];
  for (const rc of changes) {
    if (!rc || typeof rc !== "object" || Array.isArray(rc)) return unreadable("an entry of resource_changes is not an object");
    const address = typeof rc.address === "string" ? rc.address : "(unnamed)";
    const type = typeof rc.type === "string" ? rc.type : "";
    const change = rc.change as { [k: string]: Json } | undefined;
    const actions = change && Array.isArray(change.actions) ? change.actions.map(String) : undefined;
    if (actions === undefined) return unreadable(`${address}: no change.actions`);
    if (!GUARDED_TYPES.includes(type) || !actions.includes("delete")) continue;
    const replace = actions.includes("create");
    const reasonCode = typeof rc.action_reason === "string" ? rc.action_reason : undefined;
    const words = reasonCode ? (REASONS[reasonCode] ?? reasonCode) : replace ? "terraform gives no reason" : "terraform gives no reason";
    const paths = Array.isArray(change!.replace_paths) ? change!.replace_paths.map(pathText) : [];
    const reason = replace && paths.length > 0 ? `${paths.join(", ")} forces replacement: ${words}${reasonCode ? ` (${reasonCode})` : ""}` : `${words}${reasonCode ? ` (${reasonCode})` : ""}`;
    findings.push({ address, type, action: replace ? "replace" : "destroy", actions, reason });
  }
  return findings;
}

/** One line per finding, for people. */
export function formatFinding(stack: string, f: GuardFinding): string {
  if (f.action === "unreadable") return `${stack}: cannot check the plan: ${f.reason}`;
  return `${stack}: ${f.address} would be ${f.action === "replace" ? "REPLACED (destroyed and created again)" : "DESTROYED"}: ${f.reason}`;
}

/** A change in a real plan that the configuration change does not explain, or a guarded loss. */
export interface PlanCheck {
  readonly stack: string;
  /** Destroys and replaces of catalogs, schemas and service principals (and an unreadable plan). */
  readonly losses: readonly GuardFinding[];
  /** `address action` the plan has and the change (BASE -> HEAD) does not explain. */
  readonly unexplained: readonly { readonly address: string; readonly action: string; readonly why: string }[];
  /** What the change explains that the plan does not do (drift already repaired by hand, say): reported, not failed. */
  readonly notPlanned: readonly { readonly address: string; readonly action: string }[];
  /** How many resources the plan changes. */
  readonly changes: number;
}

/**
 * The plan guard of a pull request's or a deploy's plan: the plan must lose nothing (guardPlan) and
 * change nothing the configuration change does not explain. What explains it is the prediction the
 * grants diff shows (lib/review/terraform-plan.ts, BASE applied, HEAD planned); anything else is a
 * workspace or a state that differs from what BASE declares (drift, a hand import), which a
 * reviewer of the change did not see: the job fails and says which.
 */
export function checkPlan(stack: string, plan: unknown, predicted: readonly PlannedChange[]): PlanCheck {
  const losses = guardPlan(plan);
  if (losses.some((f) => f.action === "unreadable")) return { stack, losses, unexplained: [], notPlanned: [], changes: 0 };
  const planned = plannedByTerraform(stack, plan);
  const expected = new Set(predicted.filter((p) => p.stack === stack).map(changeKey));
  const done = new Set(planned.map(changeKey));
  return {
    stack,
    losses,
    unexplained: planned.filter((p) => !expected.has(changeKey(p))).map((p) => ({ address: p.address, action: p.action, why: p.why })),
    notPlanned: predicted.filter((p) => p.stack === stack && !done.has(changeKey(p))).map((p) => ({ address: p.address, action: p.action })),
    changes: planned.length,
  };
}

/** The guard's verdict in words: one line per problem, then one summary line. */
export function formatPlanCheck(c: PlanCheck): string[] {
  const lines = c.losses.map((f) => formatFinding(c.stack, f));
  for (const u of c.unexplained) {
    lines.push(
      `${c.stack}: ${u.address}: terraform plans to ${u.action} it (${u.why}), which the change does not explain: the workspace or the state differs from what the base branch declares (a change by hand, a hand import, an apply that did not finish). ` +
        "Fix: find it with `npm run --silent audit` and the plan, repair it on main (or by hand), then plan again",
    );
  }
  for (const n of c.notPlanned) lines.push(`${c.stack}: note: the change would ${n.action} ${n.address}, but terraform plans nothing there (the workspace already has it?)`);
  const failed = c.losses.length > 0 || c.unexplained.length > 0;
  lines.push(
    failed
      ? `${c.stack}: plan guard: FAILED: ${c.losses.length} catalog, schema or principal destroyed or replaced, ${c.unexplained.length} change${c.unexplained.length === 1 ? "" : "s"} not explained`
      : `${c.stack}: plan guard: passed: ${c.changes} change${c.changes === 1 ? "" : "s"}, each explained by the change; no catalog, schema or service principal destroyed or replaced`,
  );
  return lines;
}
