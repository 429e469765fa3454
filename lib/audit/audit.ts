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
import type { EnvironmentModel } from "../model/types";
import { ReviewInputError } from "../output/stack";
import { compareCatalog, compareOwner, compareStorageOwner } from "./catalogs";
import { CliDenied, CliNotFound, type DatabricksCli, type LiveCatalog, type LiveSecurable, type WorkspaceTarget } from "./databricks-cli";
import { expectedState, type ExpectedCatalog } from "./expected";
import { at, compareFindings, type Context, type Finding } from "./findings";
import { compareGrants } from "./grants";
import { PrincipalDirectory } from "./principals";
import { compareSandbox, sandboxUser } from "./sandboxes";

export type { Finding, FindingKind } from "./findings";

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
  // The command line first: an environment the model does not have.
  const unknown = options.environments.filter((k) => !model.environments.some((e) => e.key === k));
  if (unknown.length > 0) {
    throw new ReviewInputError(
      `unknown environment ${unknown.map((k) => JSON.stringify(k)).join(", ")}: ${model.source} declares ${model.environments.map((e) => e.key).join(", ")}. Fix: pass --env with one of those.`,
    );
  }
  const expected = expectedState(model);
  const selected = expected.environments.filter((e) => options.environments.length === 0 || options.environments.includes(e.key));
  const target = (key: string): WorkspaceTarget => {
    const env = expected.environments.find((e) => e.key === key)!;
    return { environment: env.key, host: env.host, ...(options.ambientAuth ? {} : { profile: env.profile }) };
  };
  const { cli } = options;
  const findings: Finding[] = [];
  const base = { expected, prodCatalog: expected.production.catalog, modelFile: model.source, findings, model };

  // Live, a service principal appears by application ID. Grants on one catalog can name principals
  // of other workspaces (promotion), so every workspace's principals are learnt, whichever is audited.
  const lists = await Promise.all(
    expected.environments.map((e) => readOr({ ...base, principals: undefined }, e.key, "workspace", e.host, "the workspace's service principals (their application IDs name them in grants)", () => cli.servicePrincipals(target(e.key)))),
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
      if (env.key === expected.metastoreFrom) await auditMetastore(ctx, cli, t);
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
      prod: securable.split(".")[0] === ctx.prodCatalog || environment === ctx.expected.production.environment,
      environment,
      securableType,
      securable,
      direction: "risk",
      kind: "not-audited",
      summary: `not audited: ${what}: the audit identity may not read it (${e.reason})`,
      fix: `give the audit identity what it needs (docs/ci-setup.md#rights: a metastore admin), and run the audit again; the command was ${e.command}`,
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
      fix: `make the audit identity a member of ${metastore.owner || "the metastore admin group"} (docs/ci-setup.md#rights)`,
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

async function auditMetastore(ctx: Context, cli: DatabricksCli, t: WorkspaceTarget): Promise<void> {
  const env = t.environment;
  const read = <T,>(type: string, name: string, what: string, r: () => Promise<T>) => readOr(ctx, env, type, name, what, r);
  const { expected } = ctx;
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
  const roots = expected.environments.flatMap((e) => e.storage.map((prefix) => ({ env: e.key, prefix })));
  if (expected.sandbox.storage) roots.push({ env: expected.sandbox.storage.environment, prefix: expected.sandbox.storage.prefix });
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

