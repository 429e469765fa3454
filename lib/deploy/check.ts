/**
 * A deploy's plan, checked and told (docs/deploying.md#in-ci): the deploy's plan job runs this
 * on the real plan of one stack (`terraform show -json`), before anyone approves its apply.
 *
 * - The guard: no catalog, schema or service principal destroyed or replaced (lib/rehearse/plan-guard.ts),
 *   and no change the model does not explain: every resource the plan touches must be one the
 *   synthesized stack declares (created, updated, imported, moved, forgotten by it), or one it no
 *   longer declares of a type the model produces (a revoked grant, a removed binding). Anything else
 *   (a resource of another type in the state, a hand import) fails.
 * - The summary the approver reads: terraform's own summary line, the grant changes read from the
 *   plan (the state's privileges before, the plan's after) in the grants diff's words with PROD
 *   marked, and every destroy, replace and forget.
 */
import { includesPrivilege } from "../permissions";
import type { EnvironmentModel } from "../model/types";
import { grantRows } from "../output/grants";
import { DIFF_ORDER, inProd, inProdCatalog, markCell, privilegeDirection, prodCell } from "../review/severity";
import type { AccessChange } from "../review/diff";
import { productionOf } from "../desired-state";
import { cell, principalLabel } from "../review/report";
import { privilegeChange } from "../review/levels";
import type { SynthesizedStack } from "../output/stack";
import { BLOCK_META, forgottenAddresses, resourceBodies } from "../output/blocks";
import { parseReference, referenceAddress, referencedBlock, type Reference } from "../output/references";
import { MODEL_RESOURCE_TYPES } from "../resources/index";
import { plannedByTerraform, type PlannedChange } from "../review/terraform-plan";
import { formatFinding, guardPlan, type GuardFinding } from "../rehearse/plan-guard";


export interface DeployCheck {
  readonly stack: string;
  readonly losses: readonly GuardFinding[];
  readonly unexplained: readonly PlannedChange[];
  readonly changes: readonly PlannedChange[];
  /** Values the plan gives a declared resource that the synthesized stack does not (a plan of other output). */
  readonly mismatched: readonly Mismatch[];
}

export interface Mismatch {
  readonly address: string;
  readonly attribute: string;
  readonly planned: string;
  readonly declared: string;
}

type Obj = { readonly [k: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** The guard over one deploy plan; `output` is the stack as synthesized for it. */
export function checkDeployPlan(stack: SynthesizedStack, plan: unknown): DeployCheck {
  const losses = guardPlan(plan);
  if (losses.some((l) => l.action === "unreadable")) return { stack: stack.name, losses, unexplained: [], changes: [], mismatched: [] };
  const changes = plannedByTerraform(stack.name, plan);
  const declared = new Set(resourceBodies(stack).keys());
  const forgets = forgottenAddresses(stack);
  const unexplained = changes.filter((c) => {
    const type = c.address.split(".")[0];
    if (c.action === "forget") return !forgets.has(c.address);
    if (c.action === "delete") return declared.has(c.address) || !MODEL_RESOURCE_TYPES.has(type);
    return !declared.has(c.address);
  });
  return { stack: stack.name, losses, unexplained, changes, mismatched: planValueMismatches(stack, plan) };
}


/**
 * The plan must be of this output: every resource the synthesized stack declares that the plan keeps
 * (creates, updates, replaces, imports, moves or leaves) gets exactly the values the stack gives it.
 * Default deny: each attribute the stack sets is compared with the plan's `after`; a reference
 * (`${databricks_catalog.prod.name}`) is resolved in the stack, else in the plan's own values of
 * the block it names; a value that is unknown at plan time passes only where the stack refers to
 * one (a principal's application ID before it exists). An attribute the stack leaves to the
 * provider may not change a value the object already has (an owner handed to Dev). A grant
 * Terraform would apply to another principal or with other privileges than the reviewed output
 * says, a plan made from another commit's output, fails here. Not judged: the values of undeclared
 * attributes of an object the plan creates (the provider's defaults would need its schema here).
 */
export function planValueMismatches(stack: SynthesizedStack, plan: unknown): Mismatch[] {
  if (!isObject(plan)) return [];
  const bodies = resourceBodies(stack);
  // The plan's own values of each block: planned, else the state it read (data sources).
  const known = new Map<string, Obj>();
  for (const root of [(plan.prior_state as Obj | undefined)?.values, plan.planned_values]) {
    const resources = isObject(root) && isObject(root.root_module) && Array.isArray(root.root_module.resources) ? root.root_module.resources : [];
    for (const r of resources) if (isObject(r) && typeof r.address === "string" && isObject(r.values)) known.set(r.address, r.values);
  }
  // A reference resolved in the stack (lib/output/references.ts), else in the plan's values of its block.
  const resolve = (ref: Reference, depth = 0): unknown => {
    const v = referencedBlock(stack.json, ref)?.[ref.attribute];
    if (typeof v === "string" && depth < 8) {
      const next = parseReference(v);
      if (next) return resolve(next, depth + 1);
      if (!v.includes("${")) return v;
    } else if (v !== undefined && typeof v !== "object") return v;
    return known.get(referenceAddress(ref))?.[ref.attribute];
  };
  const out: Mismatch[] = [];
  const show = (v: unknown) => (v === undefined ? "(not set)" : JSON.stringify(v));
  const compare = (address: string, attribute: string, declared: unknown, planned: unknown, unknown: unknown): void => {
    const miss = (why?: string): void => void out.push({ address, attribute, planned: why ?? show(planned), declared: show(declared) });
    if (typeof declared === "string" && declared.includes("${")) {
      const ref = parseReference(declared);
      if (!ref) return miss("(an expression the check cannot evaluate)");
      if (unknown === true) return;
      const value = resolve(ref);
      if (value === undefined) return miss(`${show(planned)}, and ${referenceAddress(ref)}.${ref.attribute} has no value in the stack or the plan`);
      if (!sameValue(value, planned)) out.push({ address, attribute, planned: show(planned), declared: `${declared} = ${show(value)}` });
      return;
    }
    if (unknown === true) return miss("(unknown until apply)");
    if (Array.isArray(declared)) {
      if (declared.every((d) => d === null || typeof d !== "object")) {
        const sorted = (l: unknown) => (Array.isArray(l) ? JSON.stringify(l.map((x) => JSON.stringify(x)).sort()) : "not a list");
        if (sorted(declared) !== sorted(planned)) miss();
        return;
      }
      if (!Array.isArray(planned) || planned.length !== declared.length) return miss();
      declared.forEach((d, i) => compare(address, `${attribute}[${i}]`, d, planned[i], Array.isArray(unknown) ? unknown[i] : undefined));
      return;
    }
    if (isObject(declared)) {
      const p = Array.isArray(planned) && planned.length === 1 ? planned[0] : planned;
      const u = Array.isArray(unknown) && unknown.length === 1 ? unknown[0] : unknown;
      if (!isObject(p)) return miss();
      for (const [k, v] of Object.entries(declared)) if (k !== "//") compare(address, `${attribute}.${k}`, v, p[k], isObject(u) ? u[k] : undefined);
      return;
    }
    if (!sameValue(declared, planned)) miss();
  };
  const rcs = Array.isArray(plan.resource_changes) ? plan.resource_changes : [];
  for (const rc of rcs) {
    if (!isObject(rc) || typeof rc.address !== "string" || rc.mode === "data" || !isObject(rc.change)) continue;
    const body = bodies.get(rc.address);
    const actions = Array.isArray(rc.change.actions) ? rc.change.actions.join(",") : "";
    if (!body || actions === "delete" || actions === "forget") continue;
    const after = isObject(rc.change.after) ? rc.change.after : {};
    const unknown = isObject(rc.change.after_unknown) ? rc.change.after_unknown : {};
    for (const [k, v] of Object.entries(body)) if (!BLOCK_META.has(k)) compare(rc.address, k, v, after[k], unknown[k]);
    // What the output leaves to the provider (an owner, a storage location, computed IDs) the plan
    // may keep as it is, leave to be computed, drop, or fill in where the object has none (the
    // provider's default, e.g. an imported catalog's force_destroy); never change to something else.
    if (!isObject(rc.change.before)) continue;
    const before = rc.change.before;
    for (const [k, v] of Object.entries(after)) {
      if (k in body || v === null || unknown[k] === true || before[k] === null || before[k] === undefined || JSON.stringify(v) === JSON.stringify(before[k])) continue;
      out.push({ address: rc.address, attribute: k, planned: show(v), declared: `(not set: left to the provider, which holds ${show(before[k])})` });
    }
  }
  return out;
}

/**
 * Equal as terraform assigns them: a string given to a number or bool attribute is converted
 * (a data source's `sp_id` "2414060712925893" is the number 2414060712925893 in a resource's
 * `principal_id`), so the plan shows the converted value.
 */
function sameValue(declared: unknown, planned: unknown): boolean {
  if (declared === planned) return true;
  if (typeof declared === "string" && typeof planned === "number") return declared.trim() !== "" && Number(declared) === planned;
  if (typeof declared === "number" && typeof planned === "string") return planned.trim() !== "" && Number(planned) === declared;
  if (typeof declared === "string" && typeof planned === "boolean") return declared === String(planned);
  if (typeof declared === "boolean" && typeof planned === "string") return planned === String(declared);
  return false;
}

/** Lines for the log: each problem, then the verdict. */
export function formatDeployCheck(c: DeployCheck): string[] {
  const lines = c.losses.map((f) => formatFinding(c.stack, f));
  for (const u of c.unexplained) {
    lines.push(
      `${c.stack}: ${u.address}: terraform plans to ${u.action} it (${u.why}), which the model does not explain: the stack does not declare it and it is not of a type this project manages (a hand import into the state?). ` +
        "Fix: look at it in the state (terraform state show), remove it from the state by hand if it does not belong there, then deploy again",
    );
  }
  for (const m of c.mismatched) {
    lines.push(
      `${c.stack}: ${m.address}: terraform plans ${m.attribute} = ${m.planned}, but the synthesized stack says ${m.declared}: this plan is not of this output (another commit's, or another stack's). ` +
        "Fix: plan the synthesized output of the commit being deployed (npm run synth, terraform plan -out in its stack directory), then run deploy-check on that plan",
    );
  }
  const failed = c.losses.length > 0 || c.unexplained.length > 0 || c.mismatched.length > 0;
  lines.push(
    failed
      ? `${c.stack}: deploy guard: FAILED: ${c.losses.length} catalog, schema or principal destroyed or replaced, ${c.unexplained.length} change${c.unexplained.length === 1 ? "" : "s"} the model does not explain${c.mismatched.length > 0 ? `, ${c.mismatched.length} value${c.mismatched.length === 1 ? "" : "s"} other than the output's` : ""}; nothing is applied`
      : `${c.stack}: deploy guard: passed: ${c.changes.length} change${c.changes.length === 1 ? "" : "s"}, each explained by the model; no catalog, schema or service principal destroyed or replaced`,
  );
  return lines;
}

function privilegesOf(v: unknown): string[] {
  return isObject(v) && Array.isArray(v.privileges) ? v.privileges.map(String).sort() : [];
}

/**
 * The approver's page: terraform's summary, the grant changes in the grants diff's words (PROD
 * first and marked), every destroy, replace and forget, every other change, and the guard's verdict.
 */
/** How every deploy summary starts (how `deploy-check --summary` knows its own earlier output). */
export const SUMMARY_HEADING = "### Plan for ";

export function deploySummary(input: {
  readonly stack: SynthesizedStack;
  readonly model: EnvironmentModel;
  readonly plan: unknown;
  readonly planText: string;
  readonly check: DeployCheck;
  readonly planSha256: string;
  readonly commit: string;
}): string {
  const { stack, model, plan, check } = input;
  const production = productionOf(model);
  const prodStack = production.stack === stack.name;
  const prodCatalogs = new Set([production.catalog.toLowerCase()]);
  const rows = new Map(grantRows([stack]).map((r) => [r.resource, r]));
  const rcs = (isObject(plan) && Array.isArray(plan.resource_changes) ? plan.resource_changes : []) as Obj[];
  // The plan's entry of each address (its first, should one appear twice), looked up once each.
  const rcByAddress = new Map<unknown, Obj>();
  for (const r of rcs) if (!rcByAddress.has(r.address)) rcByAddress.set(r.address, r);
  // Each a grant change in the grants diff's shape, as the plan has it: the state's privileges before, the configuration's after.
  const grants: AccessChange[] = [];
  for (const c of check.changes) {
    if (!c.address.startsWith("databricks_grant.")) continue;
    const rc = rcByAddress.get(c.address);
    const change = isObject(rc?.change) ? (rc!.change as Obj) : {};
    const before = privilegesOf(change.before);
    const after = privilegesOf(change.after);
    const row = rows.get(c.address);
    const principal = row?.principal ?? (isObject(change.before) ? String(change.before.principal) : "(unknown)");
    const added = after.filter((p) => !before.includes(p));
    const removed = before.filter((p) => !after.includes(p));
    const way = privilegeDirection(before, after, includesPrivilege);
    grants.push({
      kind: "grant",
      direction: way === "widens" ? "widens" : c.action === "replace" || (c.action === "delete" && before.length > 0) ? "risk" : way,
      prod: prodStack || inProdCatalog(prodCatalogs, row?.securableType, row?.securable),
      stack: stack.name,
      resource: c.address,
      ...(row ? { securableType: row.securableType, securable: row.securable, principalKind: row.principalKind } : {}),
      principal,
      added,
      removed,
      before,
      after,
      // The grants diff's words: levels where they match, exact either way (`read (+EXECUTE ...)`, `read +MODIFY`).
      summary: added.length + removed.length === 0 ? "(privileges unchanged)" : privilegeChange(row?.securableType ?? "", before, after),
      terraform: c.action,
    });
  }
  grants.sort((a, b) => Number(b.prod) - Number(a.prod) || DIFF_ORDER.indexOf(a.direction) - DIFF_ORDER.indexOf(b.direction) || (a.resource < b.resource ? -1 : 1));
  const summaryLine = /^(Plan: .*|No changes\..*)$/m.exec(input.planText)?.[1]?.trim() ?? "(terraform printed no summary line)";
  const failed = check.losses.length > 0 || check.unexplained.length > 0 || check.mismatched.length > 0;
  const lines = [
    `${SUMMARY_HEADING}${stack.name}${prodStack ? " (**PROD**)" : ""}`,
    "",
    `Terraform: \`${summaryLine}\``,
    "",
    `Commit \`${input.commit}\`; plan file sha256 \`${input.planSha256}\`: the apply job applies exactly this file, after checking the hash.`,
    "",
  ];
  const isLost = (c: PlannedChange) => c.action === "delete" || c.action === "replace" || c.action === "forget";
  const lost = check.changes.filter(isLost);
  if (lost.length > 0) {
    lines.push(`**Destroyed, replaced or forgotten: ${lost.length}**`, "");
    for (const c of lost) lines.push(`- \`${c.address}\`: **${c.action}** (${c.why})`);
    lines.push("");
  }
  if (grants.length > 0) {
    lines.push(`#### Grant changes: ${grants.length}${inProd(grants.filter((g) => g.prod).length)}`, "", "| | Env | Principal | Securable | What | Terraform | Address |", "| --- | --- | --- | --- | --- | --- | --- |");
    for (const g of grants) {
      const securable = g.securable !== undefined ? `${g.securableType} ${g.securable}` : "(unknown)";
      lines.push(`| ${markCell(g.direction)} | ${prodCell(g.prod)} | ${cell(principalLabel(g.principal!, g.principalKind ?? ""))} | ${cell(securable)} | ${cell(g.summary)} | ${g.terraform} | \`${g.resource}\` |`);
    }
    lines.push("");
  }
  const other = check.changes.filter((c) => !c.address.startsWith("databricks_grant.") && !isLost(c));
  if (other.length > 0) {
    lines.push(`#### Other changes: ${other.length}`, "");
    for (const c of other) lines.push(`- \`${c.address}\`: ${c.action} (${c.why})`);
    lines.push("");
  }
  lines.push(failed ? "**Guard: FAILED** (nothing will be applied):" : "Guard: passed.", "", "```", ...formatDeployCheck(check), "```", "");
  return lines.join("\n");
}
