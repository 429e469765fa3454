/**
 * The live access audit: what each environment's workspace really grants, against what the stacks
 * declare (lib/audit/expected.ts). `databricks_grant` is non-authoritative, so Terraform never sees
 * a grant made by hand in the UI or with SQL; this is where such a grant shows up.
 *
 * Findings use the grants diff's words (lib/review/diff.ts): `! risk` for access the model does not
 * allow (an out-of-band grant, a changed owner, a sandbox reachable by others), `+ widens` for less
 * protection than declared (an OPEN catalog, an extra or read-write binding), `- narrows` for a
 * declared grant or binding missing live, `~` for drift within what the model allows.
 */
import { UUID } from "../model/load";
import { PRIVILEGES, includesPrivilege, normalizePrivileges, type SecurableType } from "../permissions";
import type { EnvironmentModel } from "../model/types";
import type { Direction } from "../review/diff";
import type { PrincipalKind } from "../review/grants";
import { principalLabels } from "../review/grants";
import { ReviewInputError } from "../review/output";
import type { DatabricksCli, PrivilegeAssignment, WorkspaceTarget } from "./databricks-cli";
import { expectedState, type ExpectedCatalog, type ExpectedGrant, type ExpectedState } from "./expected";

export type FindingKind = "grant" | "sandbox" | "owner" | "isolation" | "binding" | "principal";

export interface Finding {
  /** On the production environment's catalog (or its schemas). */
  readonly prod: boolean;
  readonly direction: Direction;
  readonly kind: FindingKind;
  /** The environment whose workspace it was read from. */
  readonly environment: string;
  readonly securableType: string;
  readonly securable: string;
  /** A principal as a reader names it (a service principal by display name when known). */
  readonly principal?: string;
  readonly principalKind?: PrincipalKind;
  /** Privileges live but not declared (or not allowed), and declared but not live. */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  /** For an owner, isolation or binding finding: the attribute, what the stacks declare, what is live. */
  readonly attribute?: string;
  readonly declared?: string;
  readonly live?: string;
  readonly summary: string;
  readonly fix: string;
}

export interface AuditOptions {
  readonly cli: DatabricksCli;
  /** Environment keys to audit, in any order; empty: all. */
  readonly environments: readonly string[];
  /** Sign in from DATABRICKS_* (CI, GitHub OIDC) instead of each environment's CLI profile. */
  readonly ambientAuth: boolean;
}

export interface AuditResult {
  /** The audited environments' keys, in the model's order. */
  readonly environments: readonly string[];
  readonly findings: readonly Finding[];
}

export async function runAudit(model: EnvironmentModel, options: AuditOptions): Promise<AuditResult> {
  const unknown = options.environments.filter((k) => !model.environments.some((e) => e.key === k));
  if (unknown.length > 0) {
    throw new ReviewInputError(
      `unknown environment ${unknown.map((k) => JSON.stringify(k)).join(", ")}: ${model.source} declares ${model.environments.map((e) => e.key).join(", ")}. Fix: pass --env with one of those.`,
    );
  }
  const selected = model.environments.filter((e) => options.environments.length === 0 || options.environments.includes(e.key));
  const expected = expectedState(model);
  const target = (key: string): WorkspaceTarget => {
    const env = model.environments.find((e) => e.key === key)!;
    return { environment: env.key, host: env.workspace.host, ...(options.ambientAuth ? {} : { profile: env.workspace.profile }) };
  };
  const { cli } = options;

  // Live, a service principal appears by application ID. Grants on one catalog can name principals
  // of other workspaces (promotion), so every workspace's principals are learnt, whichever is audited.
  const lists = await Promise.all(model.environments.map((e) => cli.servicePrincipals(target(e.key))));
  const principals = new PrincipalDirectory(model, expected, lists.flat());

  const findings: Finding[] = [];
  const prodCatalog = model.production.catalog.name;
  const ctx: Context = { expected, principals, prodCatalog, modelFile: model.source, findings };

  await Promise.all(
    selected.map(async (env) => {
      const t = target(env.key);
      const spec = expected.catalogs.find((c) => c.environment === env.key)!;
      const [catalog, catalogGrants, schemaGrants, bindings] = await Promise.all([
        cli.catalog(t, spec.name),
        cli.grants(t, "catalog", spec.name),
        Promise.all(spec.schemas.map((s) => cli.grants(t, "schema", `${spec.name}.${s}`))),
        spec.bindings ? cli.bindings(t, spec.name) : Promise.resolve(undefined),
      ]);
      compareGrants(ctx, env.key, "catalog", spec.name, catalogGrants);
      spec.schemas.forEach((s, i) => compareGrants(ctx, env.key, "schema", `${spec.name}.${s}`, schemaGrants[i]));
      compareCatalog(ctx, spec, catalog.owner, catalog.isolationMode, bindings);
      if (!principals.idOf(spec.owner)) {
        findings.push({
          ...at(ctx, env.key, "catalog", spec.name),
          direction: "narrows",
          kind: "principal",
          principal: spec.owner,
          principalKind: "service_principal",
          summary: `the deploying service principal ${spec.owner} is in no workspace's service principal list, so none of its grants can be live`,
          fix: `deploy ${spec.stack} (it creates the principal), or correct environments.${env.key}.servicePrincipal`,
        });
      }

      // The metastore and the sandboxes are shared by every workspace; they are read once, through
      // the workspace of the environment whose stack declares the metastore grants.
      if (env.key === model.metastore.grantsFrom.key) {
        const [metastoreGrants, all] = await Promise.all([cli.grants(t, "metastore", expected.metastoreId), cli.catalogs(t)]);
        compareGrants(ctx, env.key, "metastore", expected.metastoreId, metastoreGrants);
        const sandboxes = all.filter((c) => sandboxUser(expected.sandbox.pattern, c.name) !== undefined && !expected.catalogs.some((e) => e.name === c.name));
        const grants = await Promise.all(sandboxes.map((c) => cli.grants(t, "catalog", c.name)));
        sandboxes.forEach((c, i) => compareSandbox(ctx, env.key, c.name, c.owner, grants[i]));
      }
    }),
  );
  return { environments: selected.map((e) => e.key), findings: findings.sort(compareFindings) };
}

interface Context {
  readonly expected: ExpectedState;
  readonly principals: PrincipalDirectory;
  readonly prodCatalog: string;
  readonly modelFile: string;
  readonly findings: Finding[];
}

const at = (ctx: Context, environment: string, securableType: string, securable: string) => ({
  prod: securableType !== "metastore" && securable.split(".")[0] === ctx.prodCatalog,
  environment,
  securableType,
  securable,
});

// --- principals ----------------------------------------------------------------------------------

interface LivePrincipal {
  /** The name the model would give it (for the allow-list and the declared grants). */
  readonly key: string;
  /** As a reader names it. */
  readonly label: string;
  readonly kind: PrincipalKind;
}

/**
 * Service principals by application ID and display name, learnt from the workspaces. A display name
 * that two principals share is never resolved: a look-alike principal must not pass for a deploying
 * one, so each is then shown as `name (application ID)` and allowed nothing.
 */
class PrincipalDirectory {
  private readonly nameOfId = new Map<string, string>();
  private readonly idsOfName = new Map<string, Set<string>>();
  /** Application IDs the model names directly (the plan principal, retired principals). */
  private readonly declaredIds: Set<string>;
  private readonly modelLabel: (principal: string) => string;

  constructor(model: EnvironmentModel, expected: ExpectedState, live: readonly { applicationId: string; displayName: string }[]) {
    for (const sp of live) {
      const id = sp.applicationId.toLowerCase();
      this.nameOfId.set(id, sp.displayName);
      this.idsOfName.set(sp.displayName, (this.idsOfName.get(sp.displayName) ?? new Set()).add(id));
    }
    this.declaredIds = new Set(expected.grants.filter((g) => g.principalKind === "service_principal" && UUID.test(g.principal)).map((g) => g.principal));
    this.modelLabel = principalLabels(model);
  }

  /** The application ID of a service principal the model names by display name, if exactly one has it. */
  idOf(displayName: string): string | undefined {
    const ids = this.idsOfName.get(displayName);
    return ids && ids.size === 1 ? [...ids][0] : undefined;
  }

  /** A principal as the API names it (group or user name, or application ID). */
  resolve(principal: string): LivePrincipal {
    const id = principal.toLowerCase();
    if (UUID.test(id)) {
      // A principal the model names by application ID (plan, retired) keeps it: that is how it is allowed.
      if (this.declaredIds.has(id) || this.modelLabel(id) !== id) return { key: id, label: this.label(id), kind: "service_principal" };
      const name = this.nameOfId.get(id);
      if (name === undefined) return { key: id, label: this.label(id), kind: "service_principal" };
      if (this.idsOfName.get(name)!.size > 1) return { key: `${name} (${id})`, label: `${name} (${id}; ${this.idsOfName.get(name)!.size} principals share this name)`, kind: "service_principal" };
      return { key: name, label: name, kind: "service_principal" };
    }
    return { key: principal, label: principal, kind: principal.includes("@") ? "user" : "group" };
  }

  /** A principal the model names (display name or application ID), as a reader names it. */
  label(principal: string): string {
    const named = this.modelLabel(principal);
    if (named !== principal) return named;
    return this.nameOfId.get(principal.toLowerCase()) ?? principal;
  }
}

// --- grants --------------------------------------------------------------------------------------

/** Privileges as `databricks_grant` spells them: the API may answer `ALL PRIVILEGES` or lower case. */
export function normalizeLivePrivilege(privilege: string): string {
  return privilege.trim().toUpperCase().replace(/[\s-]+/g, "_");
}

function isKnown(securableType: string, privilege: string): boolean {
  return (PRIVILEGES[securableType as SecurableType] ?? []).includes(privilege);
}

/** A principal as SQL names it: in backticks, a backtick doubled. */
function sqlName(principal: string): string {
  return `\`${principal.replace(/`/g, "``")}\``;
}

function revoke(securableType: string, securable: string, principal: string, privileges: readonly string[]): string {
  const on = securableType === "metastore" ? "METASTORE" : `${securableType.toUpperCase()} ${securable}`;
  return `REVOKE ${privileges.map((p) => p.replace(/_/g, " ")).join(", ")} ON ${on} FROM ${sqlName(principal)}`;
}

function liveRows(ctx: Context, live: readonly PrivilegeAssignment[]): Map<string, { principal: LivePrincipal; raw: string; privileges: string[] }> {
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

function compareGrants(ctx: Context, environment: string, securableType: SecurableType, securable: string, live: readonly PrivilegeAssignment[]): void {
  const declared = new Map<string, ExpectedGrant[]>();
  for (const g of ctx.expected.grants) {
    if (g.securableType === securableType && g.securable === securable) declared.set(g.principal, [...(declared.get(g.principal) ?? []), g]);
  }
  const rows = liveRows(ctx, live);
  const where = at(ctx, environment, securableType, securable);

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

// --- catalogs ------------------------------------------------------------------------------------

function compareCatalog(
  ctx: Context,
  spec: ExpectedCatalog,
  owner: string,
  isolationMode: string | undefined,
  bindings: readonly { workspaceId: number; bindingType: string }[] | undefined,
): void {
  const where = at(ctx, spec.environment, "catalog", spec.name);
  const liveOwner = owner ? ctx.principals.resolve(owner) : undefined;
  if (liveOwner?.key !== spec.owner) {
    const what = liveOwner ? `${liveOwner.label}${liveOwner.kind === "user" ? " (a user)" : liveOwner.kind === "group" ? " (a group)" : ""}` : "(none)";
    ctx.findings.push({
      ...where,
      ...(liveOwner ? { principal: liveOwner.label, principalKind: liveOwner.kind } : {}),
      direction: "risk",
      kind: "owner",
      attribute: "owner",
      declared: spec.owner,
      live: liveOwner?.label ?? "",
      summary: `owner is ${what}; the stacks declare ${spec.owner} (the owner holds every privilege and grants them)`,
      fix: `deploy ${spec.stack} (it sets the owner back), or ALTER CATALOG ${spec.name} OWNER TO ${sqlName(ctx.principals.idOf(spec.owner) ?? spec.owner)}`,
    });
  }
  if (spec.isolationMode && isolationMode !== spec.isolationMode) {
    ctx.findings.push({
      ...where,
      direction: "widens",
      kind: "isolation",
      attribute: "isolation_mode",
      declared: spec.isolationMode,
      live: isolationMode ?? "OPEN",
      summary: `isolation_mode is ${isolationMode ?? "OPEN"}; the stacks declare ${spec.isolationMode}: every workspace on the metastore can reach it`,
      fix: `deploy ${spec.stack}`,
    });
  }
  if (!spec.bindings || !bindings) return;
  const words = (type: string) => (type === "BINDING_TYPE_READ_ONLY" ? "read-only" : type === "BINDING_TYPE_READ_WRITE" ? "read-write" : type);
  const live = new Map(bindings.map((b) => [b.workspaceId, b.bindingType]));
  for (const b of spec.bindings) {
    const type = live.get(b.workspaceId);
    const base = { ...where, kind: "binding" as const, attribute: "binding_type", declared: b.bindingType };
    if (type === undefined) {
      ctx.findings.push({ ...base, direction: "narrows", live: "", summary: `not bound to workspace ${b.workspaceId} (${words(b.bindingType)}, ${b.reason})`, fix: `deploy ${spec.stack}` });
    } else if (type !== b.bindingType) {
      ctx.findings.push({
        ...base,
        direction: type === "BINDING_TYPE_READ_WRITE" ? "widens" : "narrows",
        live: type,
        summary: `bound to workspace ${b.workspaceId} ${words(type)}; the stacks declare ${words(b.bindingType)} (${b.reason})`,
        fix: `deploy ${spec.stack}`,
      });
    }
  }
  for (const [workspaceId, type] of live) {
    if (spec.bindings.some((b) => b.workspaceId === workspaceId)) continue;
    ctx.findings.push({
      ...where,
      direction: "widens",
      kind: "binding",
      attribute: "binding_type",
      declared: "",
      live: type,
      summary: `bound to workspace ${workspaceId} (${words(type)}), which the stacks do not declare`,
      fix: `databricks workspace-bindings update-bindings catalog ${spec.name} --json '{"remove":[{"workspace_id":${workspaceId}}]}'`,
    });
  }
}

// --- sandboxes -----------------------------------------------------------------------------------

/** The `{user}` a sandbox catalog is named after, or undefined when the name does not fit the pattern. */
export function sandboxUser(pattern: string, catalog: string): string | undefined {
  const [before, after] = pattern.split("{user}");
  if (catalog.length <= before.length + after.length || !catalog.startsWith(before) || !catalog.endsWith(after)) return undefined;
  const user = catalog.slice(before.length, catalog.length - after.length);
  // The model's pattern: `{user}` is lower-case letters, digits and underscores (lib/model/load.ts).
  return /^[a-z0-9_]+$/.test(user) ? user : undefined;
}

/**
 * A user's short name, as bundles spell `${workspace.current_user.short_name}` (databricks/cli
 * libs/iamutil GetShortUserName): the e-mail's local part, lower case, every run of characters
 * that is not a letter or digit made one `_`, trimmed of `_`.
 */
export function shortName(userName: string): string {
  return userName
    .split("@")[0]
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "");
}

function compareSandbox(ctx: Context, environment: string, catalog: string, owner: string, live: readonly PrivilegeAssignment[]): void {
  const user = sandboxUser(ctx.expected.sandbox.pattern, catalog)!;
  const where = at(ctx, environment, "catalog", catalog);
  const liveOwner = owner ? ctx.principals.resolve(owner) : undefined;
  const ownerIsUser = liveOwner?.kind === "user" && shortName(owner) === user;
  if (!ownerIsUser) {
    ctx.findings.push({
      ...where,
      ...(liveOwner ? { principal: liveOwner.label, principalKind: liveOwner.kind } : {}),
      direction: "risk",
      kind: "sandbox",
      attribute: "owner",
      declared: user,
      live: liveOwner?.label ?? "",
      summary: `sandbox catalog owned by ${liveOwner?.label ?? "(none)"}, not by the user it is named after (${user}): that user does not control it`,
      fix: `ALTER CATALOG ${catalog} OWNER TO \`<${user}'s user name>\`, or drop the catalog`,
    });
  }
  const admins = ctx.expected.sandbox.admins;
  for (const { principal, raw, privileges } of liveRows(ctx, live).values()) {
    if (ownerIsUser && raw.toLowerCase() === owner.toLowerCase()) continue;
    if (principal.kind === "group" && admins.includes(principal.key)) continue;
    ctx.findings.push({
      ...where,
      principal: principal.label,
      principalKind: principal.kind,
      direction: "risk",
      kind: "sandbox",
      added: privileges,
      summary: `sandbox catalog granted to someone other than its owner: ${privileges.map((p) => `+${p}`).join(" ")}; only ${user} and ${admins.length > 0 ? admins.join(", ") : "no one else"} may hold grants on it`,
      fix: principal.kind === "unresolved" ? "revoke it in Catalog Explorer (the principal no longer exists)" : revoke("catalog", catalog, raw, privileges),
    });
  }
}

// --- order ---------------------------------------------------------------------------------------

/** Out-of-band access is the most urgent: risk before widens (unlike the diff, where risk is a revoke). */
const DIRECTION_ORDER: readonly Direction[] = ["risk", "widens", "narrows", "neutral"];
const KIND_ORDER: readonly FindingKind[] = ["grant", "sandbox", "owner", "isolation", "binding", "principal"];
const TYPE_ORDER = ["metastore", "catalog", "schema"];

function compareFindings(a: Finding, b: Finding): number {
  const keys = (f: Finding) => [
    f.prod ? 0 : 1,
    DIRECTION_ORDER.indexOf(f.direction),
    KIND_ORDER.indexOf(f.kind),
    TYPE_ORDER.indexOf(f.securableType),
    f.securable,
    f.principal ?? "",
    f.summary,
  ];
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}
