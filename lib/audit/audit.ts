/**
 * The live access audit: what each environment's workspace really grants, against what the stacks
 * declare (lib/audit/expected.ts). `databricks_grant` is non-authoritative, so Terraform never sees
 * a grant made by hand in the UI or with SQL; this is where such a grant shows up.
 *
 * Default deny over what it reads: every schema of each environment catalog (not only the declared
 * ones), every table, volume, function and registered model in them, the external locations and
 * storage credentials under an environment's storage, every sandbox catalog (bound to this
 * workspace or not). Whatever the audit identity may not read is a finding, never a silent gap.
 *
 * Findings use the grants diff's words (lib/review/severity.ts): `! risk` for access the model does not
 * allow (an out-of-band grant, a changed owner, a sandbox reachable by others) and for what could not
 * be audited, `+ widens` for less protection than declared (an OPEN catalog, an extra or read-write
 * binding, an undeclared schema), `- narrows` for a declared grant, binding, catalog or schema
 * missing live, `~` for drift within what the model allows.
 */
import { UUID } from "../model/load";
import { PRIVILEGES, includesPrivilege, normalizePrivileges, type SecurableType } from "../permissions";
import type { EnvironmentModel } from "../model/types";
import { AUDIT_ORDER, type Direction } from "../review/severity";
import type { PrincipalKind } from "../output/grants";
import { principalLabels } from "../review/report";
import { ReviewInputError } from "../output/stack";
import { CliDenied, CliNotFound, type DatabricksCli, type LiveCatalog, type LiveSecurable, type PrivilegeAssignment, type WorkspaceTarget } from "./databricks-cli";
import { expectedState, type ExpectedCatalog, type ExpectedGrant, type ExpectedState } from "./expected";

export type FindingKind = "not-audited" | "grant" | "sandbox" | "owner" | "schema" | "catalog" | "isolation" | "binding" | "principal";

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
  const findings: Finding[] = [];
  const prodCatalog = model.production.catalog.name;
  const base = { expected, prodCatalog, modelFile: model.source, findings, model };

  // Live, a service principal appears by application ID. Grants on one catalog can name principals
  // of other workspaces (promotion), so every workspace's principals are learnt, whichever is audited.
  const lists = await Promise.all(
    model.environments.map((e) => readOr({ ...base, principals: undefined }, e.key, "workspace", e.workspace.host, "the workspace's service principals (their application IDs name them in grants)", () => cli.servicePrincipals(target(e.key)))),
  );
  const principals = new PrincipalDirectory(model, expected, lists.flatMap((l) => l ?? []));
  const ctx: Context = { ...base, principals };

  // Listings leave out what the caller may not see: only a metastore admin sees everything.
  await auditIdentity(ctx, cli, target(selected[0].key));

  await Promise.all(
    selected.map(async (env) => {
      const t = target(env.key);
      const spec = expected.catalogs.find((c) => c.environment === env.key)!;
      await auditCatalog(ctx, cli, t, spec);
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
      // The metastore, the sandboxes and the storage are shared by every workspace; they are read
      // once, through the workspace of the environment whose stack declares the metastore grants.
      if (env.key === model.metastore.grantsFrom.key) await auditMetastore(ctx, cli, t);
    }),
  );
  return { environments: selected.map((e) => e.key), findings: findings.sort(compareFindings) };
}

/**
 * Runs a read; when the audit identity may not read it, says so as a finding ("not audited: ..."),
 * never as no drift, and returns undefined. Any other failure stops the audit (exit 2).
 */
async function readOr<T>(ctx: Omit<Context, "principals"> & { principals: PrincipalDirectory | undefined }, environment: string, securableType: string, securable: string, what: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof CliDenied)) throw e;
    ctx.findings.push({
      prod: securable.split(".")[0] === ctx.prodCatalog || environment === ctx.model.production.key,
      environment,
      securableType,
      securable,
      direction: "risk",
      kind: "not-audited",
      summary: `not audited: ${what}: the audit identity may not read it (${e.reason})`,
      fix: `give the audit identity what it needs (README, "Rights": a metastore admin), and run the audit again; the command was ${e.command}`,
    });
    return undefined;
  }
}

async function auditIdentity(ctx: Context, cli: DatabricksCli, t: WorkspaceTarget): Promise<void> {
  const [me, metastore] = await Promise.all([
    readOr(ctx, t.environment, "metastore", ctx.expected.metastoreId, "who the audit runs as", () => cli.me(t)),
    readOr(ctx, t.environment, "metastore", ctx.expected.metastoreId, "the metastore's administrator", () => cli.metastore(t)),
  ]);
  if (!me || !metastore) return;
  const where = { ...at(ctx, t.environment, "metastore", ctx.expected.metastoreId), prod: false, direction: "risk" as const, kind: "not-audited" as const };
  if (metastore.id !== ctx.expected.metastoreId) {
    ctx.findings.push({
      ...where,
      summary: `not audited: environments.${t.environment}'s workspace is attached to metastore ${metastore.id}, not metastore.id ${ctx.expected.metastoreId}: everything it lists is another metastore's`,
      fix: `correct metastore.id in ${ctx.modelFile}, or attach the workspace to the model's metastore`,
    });
  }
  const names = [me.userName, me.displayName, ...me.groups].filter((n): n is string => n !== undefined);
  if (!names.includes(metastore.owner)) {
    ctx.findings.push({
      ...where,
      principal: me.displayName ?? me.userName,
      summary: `not audited: the audit identity is not the metastore admin (${metastore.owner || "no owner"}; its groups: ${me.groups.join(", ") || "none"}), and listings leave out what it may not see: schemas, tables, volumes, functions, models, locations or sandboxes may be missing from this report`,
      fix: `make the audit identity a member of ${metastore.owner || "the metastore admin group"} (README, "Rights")`,
    });
  }
}

/** Schemas the catalog always has: Unity Catalog makes `information_schema` itself. */
const SYSTEM_SCHEMAS = new Set(["information_schema"]);

async function auditCatalog(ctx: Context, cli: DatabricksCli, t: WorkspaceTarget, spec: ExpectedCatalog): Promise<void> {
  const env = spec.environment;
  const read = <T,>(type: string, name: string, what: string, r: () => Promise<T>) => readOr(ctx, env, type, name, what, r);
  let catalog: LiveCatalog | undefined;
  try {
    catalog = await read("catalog", spec.name, `catalog ${spec.name}`, () => cli.catalog(t, spec.name));
  } catch (e) {
    if (!(e instanceof CliNotFound)) throw e;
    ctx.findings.push({ ...at(ctx, env, "catalog", spec.name), direction: "narrows", kind: "catalog", summary: `declared but missing live: catalog ${spec.name} does not exist`, fix: `deploy ${spec.stack}` });
    return;
  }
  const [catalogGrants, liveSchemas, bindings] = await Promise.all([
    read("catalog", spec.name, `the grants on catalog ${spec.name}`, () => cli.grants(t, "catalog", spec.name)),
    read("catalog", spec.name, `the schemas of catalog ${spec.name}`, () => cli.schemas(t, spec.name)),
    spec.bindings ? read("catalog", spec.name, `the workspace bindings of catalog ${spec.name}`, () => cli.bindings(t, spec.name)) : Promise.resolve(undefined),
  ]);
  if (catalogGrants) compareGrants(ctx, env, "catalog", spec.name, catalogGrants);
  if (catalog) compareCatalog(ctx, spec, catalog.owner, catalog.isolationMode, bindings);

  // Every schema the catalog has (the declared ones when the list cannot be read), its owner and grants.
  const declared = new Set(spec.schemas);
  const schemas: { name: string; owner?: string }[] = liveSchemas
    ? liveSchemas.filter((s) => !SYSTEM_SCHEMAS.has(s.name)).map((s) => ({ name: s.name, owner: s.owner }))
    : spec.schemas.map((name) => ({ name }));
  if (liveSchemas) {
    const live = new Set(schemas.map((s) => s.name));
    for (const name of spec.schemas.filter((n) => !live.has(n))) {
      ctx.findings.push({ ...at(ctx, env, "schema", `${spec.name}.${name}`), direction: "narrows", kind: "schema", summary: `declared but missing live: schema ${spec.name}.${name} does not exist`, fix: `deploy ${spec.stack}` });
    }
  }
  await Promise.all(
    schemas.map(async (schema) => {
      const full = `${spec.name}.${schema.name}`;
      if (!declared.has(schema.name)) {
        ctx.findings.push({
          ...at(ctx, env, "schema", full),
          direction: "widens",
          kind: "schema",
          summary: `schema ${full} is not declared (environments.${env}.catalog.schemas): made by hand, nothing reviews what it holds or who may use it`,
          fix: `add it to environments.${env}.catalog.schemas and deploy ${spec.stack}, or DROP SCHEMA ${full}`,
        });
      }
      if (schema.owner !== undefined) compareOwner(ctx, spec, "schema", full, schema.owner);
      const [grants, objects] = await Promise.all([
        read("schema", full, `the grants on schema ${full}`, () => cli.grants(t, "schema", full)),
        Promise.all(
          OBJECT_KINDS.map((k) => read("schema", full, `the ${k.plural} of schema ${full}`, () => k.list(cli, t, spec.name, schema.name)).then((list) => ({ kind: k, list: list ?? [] }))),
        ),
      ]);
      if (grants) compareGrants(ctx, env, "schema", full, grants);
      await Promise.all(
        objects.flatMap(({ kind, list }) =>
          list.map(async (o) => {
            compareOwner(ctx, spec, kind.type, o.fullName, o.owner);
            try {
              const live = await read(kind.type, o.fullName, `the grants on ${kind.type} ${o.fullName}`, () => cli.grants(t, kind.apiType, o.fullName));
              if (live) compareGrants(ctx, env, kind.type, o.fullName, live);
            } catch (e) {
              // Dropped since it was listed: nothing to audit.
              if (!(e instanceof CliNotFound)) throw e;
            }
          }),
        ),
      );
    }),
  );
}

/**
 * What lives in a schema and carries its own grants. Registered models are FUNCTION securables to
 * the grants API (databricks/cli v1.13.0 cmd/workspace/registered-models: "The securable type for
 * models is FUNCTION").
 */
const OBJECT_KINDS: readonly { type: string; apiType: string; plural: string; list: (cli: DatabricksCli, t: WorkspaceTarget, c: string, s: string) => Promise<LiveSecurable[]> }[] = [
  { type: "table", apiType: "table", plural: "tables", list: (cli, t, c, s) => cli.tables(t, c, s) },
  { type: "volume", apiType: "volume", plural: "volumes", list: (cli, t, c, s) => cli.volumes(t, c, s) },
  { type: "function", apiType: "function", plural: "functions", list: (cli, t, c, s) => cli.functions(t, c, s) },
  { type: "model", apiType: "function", plural: "registered models", list: (cli, t, c, s) => cli.registeredModels(t, c, s) },
];

/** A schema or object in an environment catalog is owned by the environment's principal, like the catalog. */
function compareOwner(ctx: Context, spec: ExpectedCatalog, securableType: string, securable: string, owner: string): void {
  const liveOwner = owner ? ctx.principals.resolve(owner) : undefined;
  if (liveOwner?.key === spec.owner) return;
  const what = liveOwner ? `${liveOwner.label}${liveOwner.kind === "user" ? " (a user)" : liveOwner.kind === "group" ? " (a group)" : ""}` : "(none)";
  const id = ctx.principals.idOf(spec.owner) ?? spec.owner;
  ctx.findings.push({
    ...at(ctx, spec.environment, securableType, securable),
    ...(liveOwner ? { principal: liveOwner.label, principalKind: liveOwner.kind } : {}),
    direction: "risk",
    kind: "owner",
    attribute: "owner",
    declared: spec.owner,
    live: liveOwner?.label ?? "",
    summary: `owner is ${what}, not ${spec.owner} (the owner holds every privilege on the ${securableType} and grants them)`,
    fix:
      securableType === "model"
        ? `databricks registered-models update ${securable} --owner ${id}`
        : `ALTER ${SQL_TYPE[securableType] ?? securableType.toUpperCase()} ${securable} OWNER TO ${sqlName(id)}`,
  });
}

async function auditMetastore(ctx: Context, cli: DatabricksCli, t: WorkspaceTarget): Promise<void> {
  const env = t.environment;
  const read = <T,>(type: string, name: string, what: string, r: () => Promise<T>) => readOr(ctx, env, type, name, what, r);
  const { expected, model } = ctx;
  const [metastoreGrants, all, locations, credentials] = await Promise.all([
    read("metastore", expected.metastoreId, "the grants on the metastore", () => cli.grants(t, "metastore", expected.metastoreId)),
    read("metastore", expected.metastoreId, "the metastore's catalogs (the sandboxes among them)", () => cli.catalogs(t)),
    read("metastore", expected.metastoreId, "the metastore's external locations", () => cli.externalLocations(t)),
    read("metastore", expected.metastoreId, "the metastore's storage credentials", () => cli.storageCredentials(t)),
  ]);
  if (metastoreGrants) compareGrants(ctx, env, "metastore", expected.metastoreId, metastoreGrants);
  if (all) {
    const sandboxes = all.filter((c) => sandboxUser(expected.sandbox.pattern, c.name) !== undefined && !expected.catalogs.some((e) => e.name === c.name));
    await Promise.all(
      sandboxes.map(async (c) => {
        const grants = await read("catalog", c.name, `the grants on sandbox catalog ${c.name}`, () => cli.grants(t, "catalog", c.name));
        if (grants) compareSandbox(ctx, env, c.name, c.owner, grants);
      }),
    );
  }
  // Storage under an environment's bucket (or its catalog's storage root, or the sandboxes' storage).
  const roots = model.environments.flatMap((e) => [
    ...(e.catalog.bucket ? [{ env: e.key, prefix: `s3://${e.catalog.bucket.toLowerCase()}` }] : []),
    ...(e.catalog.storageRoot ? [{ env: e.key, prefix: e.catalog.storageRoot.toLowerCase().replace(/\/+$/, "") }] : []),
  ]);
  if (model.sandbox.storage) roots.push({ env: model.environments[0].key, prefix: model.sandbox.storage.url.toLowerCase().replace(/\/+$/, "") });
  const under = (url: string) => {
    const u = url.trim().toLowerCase().replace(/^s3[an]:\/\//, "s3://");
    return roots.find((r) => u === r.prefix || u.startsWith(`${r.prefix}/`));
  };
  const credentialEnv = new Map<string, string>();
  await Promise.all(
    (locations ?? []).map(async (l) => {
      const root = l.url === undefined ? undefined : under(l.url);
      if (!root) return;
      if (l.credential) credentialEnv.set(l.credential, credentialEnv.get(l.credential) ?? root.env);
      compareStorageOwner(ctx, root.env, "external_location", l.name, l.owner, `over ${l.url}`);
      const grants = await read("external_location", l.name, `the grants on external location ${l.name}`, () => cli.grants(t, "external_location", l.name));
      if (grants) compareGrants(ctx, root.env, "external_location", l.name, grants);
    }),
  );
  // The credentials those locations use reach every path their cloud role reaches.
  await Promise.all(
    (credentials ?? []).map(async (c) => {
      const owner = credentialEnv.get(c.name);
      if (owner === undefined) return;
      compareStorageOwner(ctx, owner, "storage_credential", c.name, c.owner, "used by an external location under an environment's storage");
      const grants = await read("storage_credential", c.name, `the grants on storage credential ${c.name}`, () => cli.grants(t, "storage_credential", c.name));
      if (grants) compareGrants(ctx, owner, "storage_credential", c.name, grants);
    }),
  );
}

/** Storage over an environment's bucket is owned by that environment's principal or the administrators. */
function compareStorageOwner(ctx: Context, environment: string, securableType: string, securable: string, owner: string, why: string): void {
  const spec = ctx.expected.catalogs.find((c) => c.environment === environment)!;
  const liveOwner = owner ? ctx.principals.resolve(owner) : undefined;
  if (liveOwner && (liveOwner.key === spec.owner || (liveOwner.kind === "group" && ctx.expected.sandbox.admins.includes(liveOwner.key)))) return;
  ctx.findings.push({
    ...at(ctx, environment, securableType, securable),
    prod: environment === ctx.model.production.key,
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

interface Context {
  readonly model: EnvironmentModel;
  readonly expected: ExpectedState;
  readonly principals: PrincipalDirectory;
  readonly prodCatalog: string;
  readonly modelFile: string;
  readonly findings: Finding[];
}

const at = (ctx: Omit<Context, "principals">, environment: string, securableType: string, securable: string) => ({
  prod: securableType !== "metastore" && securable.split(".")[0] === ctx.prodCatalog,
  environment,
  securableType,
  securable,
});

/** The SQL keyword of each securable type (registered models are FUNCTIONs to Unity Catalog). */
const SQL_TYPE: { readonly [type: string]: string } = {
  catalog: "CATALOG",
  schema: "SCHEMA",
  table: "TABLE",
  volume: "VOLUME",
  function: "FUNCTION",
  model: "FUNCTION",
  external_location: "EXTERNAL LOCATION",
  storage_credential: "STORAGE CREDENTIAL",
};

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

/** Privileges on a storage credential (Unity Catalog); objects in a schema take the schema's. */
const STORAGE_CREDENTIAL_PRIVILEGES = ["ALL_PRIVILEGES", "CREATE_EXTERNAL_LOCATION", "CREATE_EXTERNAL_TABLE", "MANAGE", "READ_FILES", "WRITE_FILES"];

function isKnown(securableType: string, privilege: string): boolean {
  const known =
    securableType === "storage_credential"
      ? STORAGE_CREDENTIAL_PRIVILEGES
      : (PRIVILEGES[securableType as SecurableType] ?? (["table", "volume", "function", "model"].includes(securableType) ? PRIVILEGES.schema : []));
  return known.includes(privilege);
}

/** A principal as SQL names it: in backticks, a backtick doubled. */
function sqlName(principal: string): string {
  return `\`${principal.replace(/`/g, "``")}\``;
}

function revoke(securableType: string, securable: string, principal: string, privileges: readonly string[]): string {
  const on = securableType === "metastore" ? "METASTORE" : `${SQL_TYPE[securableType] ?? securableType.toUpperCase()} ${SQL_TYPE[securableType]?.includes(" ") ? sqlName(securable) : securable}`;
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

function compareGrants(ctx: Context, environment: string, securableType: string, securable: string, live: readonly PrivilegeAssignment[]): void {
  const declared = new Map<string, ExpectedGrant[]>();
  for (const g of ctx.expected.grants) {
    if (g.securableType === securableType && g.securable === securable) declared.set(g.principal, [...(declared.get(g.principal) ?? []), g]);
  }
  const rows = liveRows(ctx, live);
  const where = { ...at(ctx, environment, securableType, securable), ...(STORAGE_TYPES.has(securableType) ? { prod: environment === ctx.model.production.key } : {}) };

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

const KIND_ORDER: readonly FindingKind[] = ["not-audited", "grant", "sandbox", "owner", "catalog", "schema", "isolation", "binding", "principal"];
const TYPE_ORDER = ["workspace", "metastore", "catalog", "schema", "table", "volume", "function", "model", "external_location", "storage_credential"];
/** Securables outside a catalog, attributed to the environment whose storage they reach. */
const STORAGE_TYPES = new Set(["external_location", "storage_credential"]);

function compareFindings(a: Finding, b: Finding): number {
  const keys = (f: Finding) => [
    f.prod ? 0 : 1,
    AUDIT_ORDER.indexOf(f.direction),
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
