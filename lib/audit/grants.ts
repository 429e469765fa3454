/**
 * Live grants against the declared ones and the allow-list: an out-of-band grant (beyond what the
 * model allows) is a risk, one within it is drift, a declared one missing live narrows.
 */
import { PRIVILEGES, includesPrivilege, normalizePrivileges, type SecurableType } from "../permissions";
import type { PrivilegeAssignment } from "./databricks-cli";
import type { ExpectedGrant } from "./expected";
import { SQL_TYPE, STORAGE_TYPES, at, sqlName, type Context } from "./findings";
import type { LivePrincipal } from "./principals";

/** Privileges as `databricks_grant` spells them: the API may answer `ALL PRIVILEGES` or lower case. */
export function normalizeLivePrivilege(privilege: string): string {
  return privilege.trim().toUpperCase().replace(/[\s-]+/g, "_");
}

/** Privileges on a storage credential (Unity Catalog); objects in a schema take the schema's. */
const STORAGE_CREDENTIAL_PRIVILEGES = ["ALL_PRIVILEGES", "CREATE_EXTERNAL_LOCATION", "CREATE_EXTERNAL_TABLE", "MANAGE", "READ_FILES", "WRITE_FILES"];

function isKnown(securableType: string, privilege: string): boolean {
  const known =
    securableType === "storage_credential"
      ? STORAGE_CREDENTIAL_PRIVILEGES
      : (PRIVILEGES[securableType as SecurableType] ?? (["table", "volume", "function", "model"].includes(securableType) ? PRIVILEGES.schema : []));
  return known.includes(privilege);
}

export function revoke(securableType: string, securable: string, principal: string, privileges: readonly string[]): string {
  const on = securableType === "metastore" ? "METASTORE" : `${SQL_TYPE[securableType] ?? securableType.toUpperCase()} ${SQL_TYPE[securableType]?.includes(" ") ? sqlName(securable) : securable}`;
  return `REVOKE ${privileges.map((p) => p.replace(/_/g, " ")).join(", ")} ON ${on} FROM ${sqlName(principal)}`;
}

export function liveRows(ctx: Context, live: readonly PrivilegeAssignment[]): Map<string, { principal: LivePrincipal; raw: string; privileges: string[] }> {
  const rows = new Map<string, { principal: LivePrincipal; raw: string; privileges: string[] }>();
  for (const a of live) {
    const raw = a.principal || `(deleted principal ${a.principalId ?? "of unknown ID"})`;
    const principal: LivePrincipal = a.principal ? ctx.principals.resolve(a.principal) : { key: raw, label: raw, kind: "unresolved" };
    const row = rows.get(principal.key) ?? { principal, raw, privileges: [] };
    row.privileges = normalizePrivileges([...row.privileges, ...a.privileges.map(normalizeLivePrivilege)]);
    rows.set(principal.key, row);
  }
  return rows;
}

export function compareGrants(ctx: Context, environment: string, securableType: string, securable: string, live: readonly PrivilegeAssignment[]): void {
  const declared = new Map<string, ExpectedGrant[]>();
  for (const g of ctx.expected.grants) {
    if (g.securableType === securableType && g.securable === securable) declared.set(g.principal, [...(declared.get(g.principal) ?? []), g]);
  }
  const rows = liveRows(ctx, live);
  const where = { ...at(ctx, environment, securableType, securable), ...(STORAGE_TYPES.has(securableType) ? { prod: environment === ctx.expected.production.environment } : {}) };

  for (const { principal, raw, privileges } of rows.values()) {
    const declaredHere = normalizePrivileges((declared.get(principal.key) ?? []).flatMap((g) => g.privileges));
    const allowed = principal.kind === "unresolved" ? [] : ctx.expected.allowed(securableType, securable, principal.kind, principal.key);
    const notAllowed = privileges.filter((p) => !includesPrivilege(allowed, p));
    const undeclared = privileges.filter((p) => includesPrivilege(allowed, p) && !includesPrivilege(declaredHere, p));
    const who = { principal: principal.label, principalKind: principal.kind };
    if (notAllowed.length > 0) {
      const unknown = notAllowed.filter((p) => !isKnown(securableType, p));
      ctx.findings.push({
        ...where,
        ...who,
        direction: principal.kind === "unresolved" ? "neutral" : "risk",
        kind: "grant",
        added: notAllowed,
        summary:
          principal.kind === "unresolved"
            ? `granted to a deleted principal: ${notAllowed.map((p) => `+${p}`).join(" ")}`
            : `out-of-band grant: ${notAllowed.map((p) => `+${p}`).join(" ")}; the model allows ${allowed.length > 0 ? allowed.join(", ") : "nothing"} here` +
              (unknown.length > 0 ? ` (${unknown.join(", ")}: not a ${securableType} privilege lib/permissions.ts knows)` : ""),
        fix:
          principal.kind === "unresolved"
            ? `revoke it in Catalog Explorer (the principal no longer exists)`
            : `${revoke(securableType, securable, raw, notAllowed)}; or, if it is meant, give it in ${ctx.modelFile} and deploy`,
      });
    }
    if (undeclared.length > 0) {
      ctx.findings.push({
        ...where,
        ...who,
        direction: "neutral",
        kind: "grant",
        added: undeclared,
        summary: `granted outside the stacks, within what the model allows: ${undeclared.map((p) => `+${p}`).join(" ")}`,
        fix: `${revoke(securableType, securable, raw, undeclared)}, or declare it`,
      });
    }
  }

  for (const [principal, grants] of declared) {
    const row = rows.get(principal);
    const declaredHere = normalizePrivileges(grants.flatMap((g) => g.privileges));
    const missing = declaredHere.filter((p) => !includesPrivilege(row?.privileges ?? [], p));
    if (missing.length === 0) continue;
    const stacks = [...new Set(grants.map((g) => g.stack))];
    ctx.findings.push({
      ...where,
      principal: ctx.principals.label(principal),
      principalKind: grants[0].principalKind,
      direction: "narrows",
      kind: "grant",
      removed: missing,
      summary: `declared but missing live: ${missing.map((p) => `-${p}`).join(" ")} (${grants.map((g) => g.source).join("; ")})`,
      fix: `deploy ${stacks.join(", ")} (not applied yet, or revoked by hand)`,
    });
  }
}

