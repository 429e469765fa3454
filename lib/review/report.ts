/**
 * The effective-permissions report: what the synthesized output grants, to whom, on what, as JSON
 * rows for machines and as Markdown tables for a pull-request comment.
 */
import { ACCESS_LEVELS, privilegesOf, type AccessLevel, type SecurableType } from "../permissions";
import { comparePlaces, type Environments, type Place } from "./environments";
import { pairKey, type GrantRow, type PrincipalKind } from "../output/grants";
import { IN_CATALOG } from "../resources/grant";
import { levelOf } from "./levels";
import type { EnvironmentModel } from "../model/types";

/** One declared grant, as `npm run grants -- --format json` prints it (a fixed interface). */
export interface ReportRow {
  readonly stack: string;
  readonly resource: string;
  readonly securableType: string;
  readonly securable: string;
  readonly principal: string;
  readonly principalKind: PrincipalKind;
  readonly privileges: readonly string[];
}

/** Rows in grantRows order (securable type, securable, principal, stack, resource). */
export function reportRows(rows: readonly GrantRow[]): ReportRow[] {
  return rows.map(({ stack, resource, securableType, securable, principal, principalKind, privileges }) => ({
    stack,
    resource,
    securableType,
    securable,
    principal,
    principalKind,
    privileges: [...privileges],
  }));
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const KIND_LABEL: { readonly [K in PrincipalKind]: string } = {
  group: "group",
  service_principal: "service principal",
  user: "user",
  unresolved: "unresolved",
};

/** A principal as a reader names it: `Databricks - Dev (group)`. */
export function principalLabel(principal: string, kind: PrincipalKind | string): string {
  return `${principal} (${KIND_LABEL[kind as PrincipalKind] ?? kind})`;
}

/** The order a reader expects; other types follow alphabetically. */
const TYPE_ORDER = ["metastore", "catalog", "schema", "table", "volume", "model", "function"];

/**
 * One table per securable type: principals down, catalogs across (production's first and marked
 * `PROD: prod`, then the model's order; for types outside catalogs the securable itself, e.g.
 * `metastore (<id>)`), in the cells the access level where the privileges are one (`read`), else
 * the privileges; the levels used are spelled out under the tables. A pair declared more than once,
 * or a grant that references something undeclared, is flagged under the tables.
 */
export function renderMarkdown(rows: readonly GrantRow[], source: string, stackCount: number, envs: Environments): string {
  const lines = [`### Effective permissions`, "", `From \`${source}\`: ${stackCount} stacks, ${rows.length} grants.`];
  const types = [...new Set(rows.map((r) => r.securableType))].sort((a, b) => typeRank(a) - typeRank(b) || (a < b ? -1 : 1));
  const levelsUsed = new Map<string, Set<string>>();
  for (const type of types) {
    const ofType = rows.filter((r) => r.securableType === type);
    const inCatalog = IN_CATALOG.has(type);
    const column = (r: GrantRow) => (inCatalog ? r.securable.split(".")[0] : r.securable);
    // Columns in the environments' order: production first, the metastore last.
    const places = new Map<string, Place>();
    for (const r of ofType) {
      const place = envs.of(inCatalog ? "catalog" : type, column(r));
      places.set(column(r), place);
    }
    const columns = [...places.keys()].sort((a, b) => comparePlaces(places.get(a)!, places.get(b)!) || (a < b ? -1 : a > b ? 1 : 0));
    const header = (c: string) => (inCatalog ? `${places.get(c)!.prod ? "PROD: " : ""}${c}` : `${type.replace(/_/g, " ")} (${c})`);
    const kinds = Object.keys(KIND_LABEL);
    const principals = [...new Map(ofType.map((r) => [`${r.principalKind}\u0000${r.principal}`, r])).values()].sort(
      (a, b) => kinds.indexOf(a.principalKind) - kinds.indexOf(b.principalKind) || (a.principal < b.principal ? -1 : 1),
    );
    lines.push("", `#### ${type}`, "", `| Principal | ${columns.map((c) => cell(header(c))).join(" | ")} |`, `| --- |${" --- |".repeat(columns.length)}`);
    // Indexed once: each cell is a lookup, so the table costs what it prints (linear).
    const byCell = new Map<string, GrantRow[]>();
    for (const r of ofType) {
      const k = `${r.principalKind}\u0000${r.principal}\u0000${column(r)}`;
      const list = byCell.get(k);
      if (list) list.push(r);
      else byCell.set(k, [r]);
    }
    for (const p of principals) {
      const cells = columns.map((c) => {
        const here = byCell.get(`${p.principalKind}\u0000${p.principal}\u0000${c}`) ?? [];
        // Within a catalog column, a schema (or object) grant names its schema: `models: read`.
        const bySecurable = new Map<string, GrantRow[]>();
        for (const r of here) bySecurable.set(r.securable, [...(bySecurable.get(r.securable) ?? []), r]);
        return [...bySecurable.entries()]
          .map(([securable, list]) => {
            const privileges = [...new Set(list.flatMap((r) => r.privileges))].sort();
            const level = levelOf(type, privileges);
            if (level) levelsUsed.set(level, (levelsUsed.get(level) ?? new Set<string>()).add(type));
            const prefix = inCatalog && type !== "catalog" ? `${securable.split(".").slice(1).join(".")}: ` : "";
            const twice = list.length > 1 ? ` (declared ${list.length}×)` : "";
            return cell(`${prefix}${level ?? privileges.join(", ")}${twice}`);
          })
          .join("<br>");
      });
      lines.push(`| ${cell(principalLabel(p.principal, p.principalKind))} | ${cells.join(" | ")} |`);
    }
  }
  if (levelsUsed.size > 0) {
    // The levels the cells name, spelled out from lib/permissions.ts: the tables stay exact.
    lines.push("", "Access levels (lib/permissions.ts):");
    for (const level of Object.keys(ACCESS_LEVELS).filter((l) => levelsUsed.has(l))) {
      const by = [...levelsUsed.get(level)!].sort((a, b) => typeRank(a) - typeRank(b)).map((type) => ({ type, privileges: privilegesOf(level as AccessLevel, type as SecurableType)!.join(", ") }));
      const same = by.every((b) => b.privileges === by[0].privileges);
      lines.push(`- \`${level}\`: ${same ? by[0].privileges : by.map((b) => `${b.privileges} on a ${b.type.replace(/_/g, " ")}`).join("; ")}`);
    }
  }
  const unresolved = rows.filter((r) => r.unresolved.length > 0);
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const k of rows.map(pairKey)) (seen.has(k) ? twice : seen).add(k);
  if (unresolved.length > 0 || twice.size > 0) lines.push("");
  for (const r of unresolved) lines.push(`- unresolved: ${r.stack} \`${r.resource}\`: ${r.unresolved.join("; ")}`);
  for (const r of rows.filter((x) => twice.has(pairKey(x)))) lines.push(`- declared more than once: ${r.stack} \`${r.resource}\``);
  if (rows.length === 0) lines.push("", "No grants.");
  return `${lines.join("\n")}\n`;
}

function typeRank(type: string): number {
  const i = TYPE_ORDER.indexOf(type);
  return i === -1 ? TYPE_ORDER.length : i;
}

/** Text safe inside a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * Readable names for principals that grants name by a literal application ID and the model knows:
 * the plan principal and the retired ones. Presentation only (the policy compares IDs).
 */
export function principalLabels(model: EnvironmentModel | undefined): (principal: string) => string {
  const names = new Map<string, string>();
  if (model?.github) names.set(model.github.planServicePrincipal.applicationId, model.github.planServicePrincipal.name);
  for (const p of model?.legacyServicePrincipals ?? []) names.set(p.applicationId, `${p.name} (retired)`);
  return (principal) => names.get(principal) ?? principal;
}
