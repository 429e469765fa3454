/**
 * What is declared of a catalog against what is live: its owner (and its schemas', objects' and
 * storage's), its isolation mode and its workspace bindings.
 */
import type { ExpectedCatalog } from "./expected";
import { SQL_TYPE, at, sqlName, type Context } from "./findings";

/**
 * A live owner other than the environment's principal (who holds every privilege and grants them):
 * a risk, said with the words for the securable (`what`: the live owner as a reader names them,
 * `id`: how SQL names the declared one).
 */
function reportOwner(ctx: Context, spec: ExpectedCatalog, where: ReturnType<typeof at>, owner: string, words: (what: string, id: string) => { summary: string; fix: string }): void {
  const liveOwner = owner ? ctx.principals.resolve(owner) : undefined;
  if (liveOwner?.key === spec.owner) return;
  const what = liveOwner ? `${liveOwner.label}${liveOwner.kind === "user" ? " (a user)" : liveOwner.kind === "group" ? " (a group)" : ""}` : "(none)";
  ctx.findings.push({
    ...where,
    ...(liveOwner ? { principal: liveOwner.label, principalKind: liveOwner.kind } : {}),
    direction: "risk",
    kind: "owner",
    attribute: "owner",
    declared: spec.owner,
    live: liveOwner?.label ?? "",
    ...words(what, ctx.principals.idOf(spec.owner) ?? spec.owner),
  });
}

/** A schema or object in an environment catalog is owned by the environment's principal, like the catalog. */
export function compareOwner(ctx: Context, spec: ExpectedCatalog, securableType: string, securable: string, owner: string): void {
  reportOwner(ctx, spec, at(ctx, spec.environment, securableType, securable), owner, (what, id) => ({
    summary: `owner is ${what}, not ${spec.owner} (the owner holds every privilege on the ${securableType} and grants them)`,
    fix:
      securableType === "model"
        ? `databricks registered-models update ${securable} --owner ${id}`
        : `ALTER ${SQL_TYPE[securableType] ?? securableType.toUpperCase()} ${securable} OWNER TO ${sqlName(id)}`,
  }));
}

/** Storage over an environment's bucket is owned by that environment's principal or the administrators. */
export function compareStorageOwner(ctx: Context, environment: string, securableType: string, securable: string, owner: string, why: string): void {
  const spec = ctx.expected.catalogs.find((c) => c.environment === environment)!;
  const liveOwner = owner ? ctx.principals.resolve(owner) : undefined;
  if (liveOwner && (liveOwner.key === spec.owner || (liveOwner.kind === "group" && ctx.expected.sandbox.admins.includes(liveOwner.key)))) return;
  ctx.findings.push({
    ...at(ctx, environment, securableType, securable),
    prod: environment === ctx.expected.production.environment,
    ...(liveOwner ? { principal: liveOwner.label, principalKind: liveOwner.kind } : {}),
    direction: "risk",
    kind: "owner",
    attribute: "owner",
    declared: [spec.owner, ...ctx.expected.sandbox.admins].join(" or "),
    live: liveOwner?.label ?? "",
    summary: `${securableType.replace("_", " ")} ${securable} (${why}) is owned by ${liveOwner?.label ?? "(none)"}, who may then read and write environments.${environment}'s files; only ${[spec.owner, ...ctx.expected.sandbox.admins].join(" or ")} may own it`,
    fix: `ALTER ${SQL_TYPE[securableType]} ${sqlName(securable)} OWNER TO ${sqlName(ctx.principals.idOf(spec.owner) ?? spec.owner)}`,
  });
}

export function compareCatalog(
  ctx: Context,
  spec: ExpectedCatalog,
  owner: string,
  isolationMode: string | undefined,
  bindings: readonly { workspaceId: number; bindingType: string }[] | undefined,
): void {
  const where = at(ctx, spec.environment, "catalog", spec.name);
  reportOwner(ctx, spec, where, owner, (what, id) => ({
    summary: `owner is ${what}; the stacks declare ${spec.owner} (the owner holds every privilege and grants them)`,
    fix: `deploy ${spec.stack} (it sets the owner back), or ALTER CATALOG ${spec.name} OWNER TO ${sqlName(id)}`,
  }));
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

