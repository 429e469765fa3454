/**
 * Sandbox catalogs: each owned by the developer it is named after, granted to no one but them and
 * the administrators.
 */
import type { PrivilegeAssignment } from "./databricks-cli";
import { at, type Context } from "./findings";
import { liveRows, revoke } from "./grants";

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

export function compareSandbox(ctx: Context, environment: string, catalog: string, owner: string, live: readonly PrivilegeAssignment[]): void {
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

