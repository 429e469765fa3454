/**
 * The grants diff as a sticky pull-request comment: access changes first (production first,
 * widening marked apart from narrowing), then every other configuration difference under its
 * heading, then what Terraform will do per stack.
 */
import { cell, principalLabel } from "../report";
import { directionCounts, DIFF_ORDER, inProd, markCell, prodCell } from "../severity";
import { PLANNED_ACTIONS } from "../terraform-plan";
import { CONFIG_HEADINGS, type AccessChange } from "./change";

/** Printed only when the two configurations are the same in every respect. */
export const NO_CHANGES = "No access changes and no other configuration changes.";

/**
 * What Terraform will do, per stack, in one line (the base applied, the head planned; the plan guard
 * holds each real plan to it): `**Terraform**: ref-prod: 1 create; ref-dev: 1 forget`.
 */
function terraformLine(changes: readonly AccessChange[]): string {
  const byStack = new Map<string, Map<string, Set<string>>>();
  for (const c of changes) {
    if (c.terraform === undefined) continue;
    const of = byStack.get(c.stack) ?? new Map<string, Set<string>>();
    of.set(c.terraform, (of.get(c.terraform) ?? new Set<string>()).add(c.resource));
    byStack.set(c.stack, of);
  }
  if (byStack.size === 0) return "**Terraform**: no resource changes (BASE applied, HEAD planned).";
  const stacks = [...byStack.entries()].map(([stack, of]) => `${stack}: ${PLANNED_ACTIONS.filter((a) => of.has(a)).map((a) => `${of.get(a)!.size} ${a}`).join(", ")}`);
  return `**Terraform** (BASE applied, HEAD planned): ${stacks.join("; ")}.`;
}

/**
 * A sticky pull-request comment: access changes first (production first, widening marked apart
 * from narrowing), then every other configuration difference under its heading.
 */
export function renderDiffMarkdown(changes: readonly AccessChange[]): string {
  if (changes.length === 0) return `${NO_CHANGES}\n`;
  const access = changes.filter((c) => c.kind !== "config");
  const config = changes.filter((c) => c.kind === "config");
  const lines: string[] = [];
  if (access.length === 0) {
    lines.push(`### Access changes: none`, "");
  } else {
    lines.push(
      `### Access changes: ${access.length} (${directionCounts(access, DIFF_ORDER)})${inProd(access.filter((c) => c.prod).length)}`,
      "",
      "`+ widens`: more access or less protection. " +
        (changes.some((c) => c.direction === "risk") ? "`! risk`: the apply itself revokes access or deletes (see What). " : "") +
        "`- narrows`: less access or more protection." +
        (access.some((c) => c.direction === "neutral") ? " `~`: neither by itself (a principal or catalog added or removed, a grant renamed with a moved block)." : ""),
      "",
      "| | Env | Change | Principal | Securable | What | Terraform | Declared by |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const c of access) {
      lines.push(
        `| ${markCell(c.direction)} | ${prodCell(c.prod)} | ${c.kind} | ${c.principal ? cell(principalLabel(c.principal, c.principalKind ?? "")) : ""} | ${c.securable ? cell(`${c.securableType} ${c.securable}`) : ""} | ${cell(c.summary)} | ${c.terraform ?? ""} | ${cell(c.stack)} \`${cell(c.resource)}\` |`,
      );
    }
    lines.push("");
  }
  if (config.length > 0) {
    lines.push(`### Other configuration changes: ${config.length}${inProd(config.filter((c) => c.prod).length)}`, "");
    for (const heading of CONFIG_HEADINGS) {
      const under = config.filter((c) => c.heading === heading);
      if (under.length === 0) continue;
      lines.push(`#### ${heading[0].toUpperCase()}${heading.slice(1)}`, "", "| | Env | Stack | Address | What | Terraform |", "| --- | --- | --- | --- | --- | --- |");
      for (const c of under) lines.push(`| ${markCell(c.direction)} | ${prodCell(c.prod)} | ${cell(c.stack)} | \`${cell(c.resource)}\` | ${cell(c.summary)} | ${c.terraform ?? ""} |`);
      lines.push("");
    }
  }
  lines.push(terraformLine(changes));
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}
