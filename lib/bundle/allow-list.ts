/**
 * Who a bundle may name in each target, derived from the environment model (no field of its own):
 *
 * - **run_as and owners**: an environment target's resources run as, and are owned by, that
 *   environment's deploying principal (its application ID) and nobody else; the sandbox's as the
 *   developer who deploys it (`${workspace.current_user.userName}`), or unset.
 * - **permissions** (workspace ACLs on jobs, pipelines, experiments, ...; the bundle's, a target's
 *   or a resource's own): the target's principal (or, in the sandbox, the developer) at any level;
 *   a group the model gives access on the environment's catalog: when that access only reads
 *   (`read`, `browse`, ...), the view levels (CAN_VIEW, CAN_READ); when it writes (`all`, ...), any
 *   level but IS_OWNER. The sandbox uses the first environment's groups (its workspace). Nobody
 *   else: no user, no other environment's principal, no group the model gives nothing there.
 * - **grants** (Unity Catalog grants on a bundle's schemas, volumes, models): the target's
 *   principal (the developer in the sandbox) any privilege; a group only privileges within what
 *   `access` gives it on the environment's catalog (ALL_PRIVILEGES covering the rest, as Unity
 *   Catalog counts it); in the sandbox only the administrators (the groups the model gives `all`
 *   on every environment), as the audit allows on sandbox catalogs.
 */
import { includesPrivilege, isReadOnly } from "../permissions";
import type { Environment } from "../model/types";
import type { BundleFacts, TargetFacts } from "./facts";

/** The developer deploying the sandbox, as the bundle names them. */
export const CURRENT_USER_NAME = "${workspace.current_user.userName}";
/** Permission levels that only let a principal see a resource. */
export const VIEW_LEVELS = ["CAN_VIEW", "CAN_READ"];

export type PrincipalKind = "user" | "group" | "service_principal";

export interface Who {
  readonly kind: PrincipalKind;
  /** As written (an application ID for a service principal, a display name for a group, an e-mail). */
  readonly name: string;
}

export interface BundleAllowList {
  /** The one identity a target's resources run as: an application ID, the developer, or undefined (unknown ID). */
  runAs(t: TargetFacts): Who | undefined;
  /** Undefined when allowed; otherwise why not. */
  permission(t: TargetFacts, who: Who, level: string): string | undefined;
  /** Undefined when allowed; otherwise why not. */
  grant(t: TargetFacts, who: Who, privileges: readonly string[]): string | undefined;
  /** Who may hold what in a target, one line (for a finding's fix). */
  describe(t: TargetFacts, what: "permissions" | "grants"): string;
  /** Whose principal an application ID or display name is, if an environment's. */
  environmentOf(name: string): Environment | undefined;
}

export function bundleAllowList(facts: BundleFacts): BundleAllowList {
  const { model } = facts;
  // Group display name -> environment key -> privileges on that environment's catalog.
  const access = new Map<string, Map<string, readonly string[]>>();
  for (const a of model.access) {
    const byEnv = access.get(a.group.displayName) ?? new Map<string, readonly string[]>();
    byEnv.set(a.environment.key, a.privileges);
    access.set(a.group.displayName, byEnv);
  }
  const admins = model.groups
    .filter((g) => model.environments.every((e) => access.get(g.displayName)?.get(e.key)?.includes("ALL_PRIVILEGES")))
    .map((g) => g.displayName);
  const ownId = (t: TargetFacts) => facts.applicationIds?.get(t.environment.key)?.toLowerCase();
  const isSelf = (t: TargetFacts, who: Who) =>
    t.sandbox ? who.kind === "user" && who.name === CURRENT_USER_NAME : who.kind === "service_principal" && ownId(t) !== undefined && who.name.toLowerCase() === ownId(t);
  const other = (t: TargetFacts, who: Who): string => {
    const env = environmentOf(who.name);
    if (env && env.key !== t.environment.key) return `environments.${env.key}'s principal (${env.servicePrincipal})`;
    if (env && t.sandbox) return `environments.${env.key}'s principal: the sandbox is the developer's own`;
    if (who.kind === "service_principal" && facts.applicationIds === undefined && /^[0-9a-f-]{36}$/i.test(who.name)) return "an application ID the check cannot verify without the stacks' outputs (pass --outputs)";
    if (who.kind === "group") return `the group ${who.name}, to which the model gives nothing on environments.${t.environment.key}'s catalog`;
    return `${who.kind === "user" ? "the user" : "the service principal"} ${who.name}, which is not the target's ${t.sandbox ? "developer" : "principal"}`;
  };
  const environmentOf = (name: string) => facts.byApplicationId.get(name.trim().toLowerCase()) ?? facts.byPrincipal.get(name.trim().toLowerCase());
  const groupAccess = (t: TargetFacts, group: string) => access.get(group)?.get(t.environment.key);

  return {
    runAs: (t) => (t.sandbox ? { kind: "user", name: CURRENT_USER_NAME } : ownId(t) ? { kind: "service_principal", name: facts.applicationIds!.get(t.environment.key)! } : undefined),
    permission: (t, who, level) => {
      if (isSelf(t, who)) return undefined;
      if (who.kind === "group") {
        const privileges = groupAccess(t, who.name);
        if (privileges) {
          if (level === "IS_OWNER") return `IS_OWNER for the group ${who.name}: only the target's ${t.sandbox ? "developer" : "principal"} owns what the bundle deploys`;
          if (isReadOnly(privileges) && !VIEW_LEVELS.includes(level)) {
            return `${level} for the group ${who.name}, which the model lets only read environments.${t.environment.key}'s catalog (${privileges.join(", ")}): at most ${VIEW_LEVELS.join(" or ")}`;
          }
          return undefined;
        }
      }
      return `${level} for ${other(t, who)}`;
    },
    grant: (t, who, privileges) => {
      if (isSelf(t, who)) return undefined;
      if (who.kind === "group") {
        const allowed = t.sandbox ? (admins.includes(who.name) ? ["ALL_PRIVILEGES"] : undefined) : groupAccess(t, who.name);
        if (allowed) {
          const beyond = privileges.filter((p) => !includesPrivilege(allowed, p));
          return beyond.length === 0 ? undefined : `${beyond.join(", ")} for the group ${who.name}, beyond what the model gives it there (${allowed.join(", ")})`;
        }
        if (t.sandbox) return `${privileges.join(", ")} for the group ${who.name}: only the developer and the administrators (${admins.join(", ") || "none"}) may hold grants in a sandbox`;
      }
      return `${privileges.join(", ")} for ${other(t, who)}`;
    },
    describe: (t, what) => {
      const self = t.sandbox ? `the developer (${CURRENT_USER_NAME})` : `the target's principal (${ownId(t) ?? `the application ID of ${t.environment.servicePrincipal}`})`;
      const env = t.environment.key;
      const groups = [...access].flatMap(([g, byEnv]) => {
        const p = byEnv.get(env);
        if (!p) return [];
        if (what === "grants") return t.sandbox ? (admins.includes(g) ? [`${g} (any privilege)`] : []) : [`${g} (${p.join(", ")})`];
        return [`${g} (${isReadOnly(p) ? VIEW_LEVELS.join(" or ") : "any level but IS_OWNER"})`];
      });
      return `in target ${t.name} only ${[self, ...groups].join(", ")} may hold ${what} (derived from access in ${model.source})`;
    },
    environmentOf,
  };
}
