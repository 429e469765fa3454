/**
 * The permission model: which privileges exist, what an access level means, and the fixed rules of
 * the written permission model (docs/how-it-works.md#the-permission-model; docs/access-levels.md is
 * generated from here). Constructs and checks ask this module; nothing else spells a privilege.
 */

/** Securable types this project grants on. */
export type SecurableType = "metastore" | "catalog" | "schema" | "external_location";

/** Privileges on a catalog; all but CATALOG_ONLY are inherited by its schemas and objects. */
const CATALOG_PRIVILEGES: readonly string[] = [
  "ALL_PRIVILEGES",
  "APPLY_TAG",
  "BROWSE",
  "CREATE_FUNCTION",
  "CREATE_MATERIALIZED_VIEW",
  "CREATE_MODEL",
  "CREATE_MODEL_VERSION",
  "CREATE_SCHEMA",
  "CREATE_TABLE",
  "CREATE_VOLUME",
  "EXECUTE",
  "EXTERNAL_USE_SCHEMA",
  "MANAGE",
  "MODIFY",
  "READ_VOLUME",
  "REFRESH",
  "SELECT",
  "USE_CATALOG",
  "USE_SCHEMA",
  "WRITE_VOLUME",
];

/** Privileges a catalog takes that a schema does not. */
const CATALOG_ONLY = ["BROWSE", "CREATE_SCHEMA", "USE_CATALOG"];

/**
 * The privileges Unity Catalog accepts on each securable type, as `databricks_grant` spells them.
 * A privilege that is not listed for a securable is rejected when the model is read, so a typo
 * never reaches the API (which would fail the apply half-way).
 */
export const PRIVILEGES: { readonly [T in SecurableType]: readonly string[] } = {
  metastore: [
    "CREATE_CATALOG",
    "CREATE_CLEAN_ROOM",
    "CREATE_CONNECTION",
    "CREATE_EXTERNAL_LOCATION",
    "CREATE_EXTERNAL_METADATA",
    "CREATE_PROVIDER",
    "CREATE_RECIPIENT",
    "CREATE_SERVICE_CREDENTIAL",
    "CREATE_SHARE",
    "CREATE_STORAGE_CREDENTIAL",
    "MANAGE_ALLOWLIST",
    "SET_SHARE_PERMISSION",
    "USE_CONNECTION",
    "USE_MARKETPLACE_ASSETS",
    "USE_PROVIDER",
    "USE_RECIPIENT",
    "USE_SHARE",
  ],
  catalog: CATALOG_PRIVILEGES,
  schema: CATALOG_PRIVILEGES.filter((p) => !CATALOG_ONLY.includes(p)),
  external_location: [
    "ALL_PRIVILEGES",
    "BROWSE",
    "CREATE_EXTERNAL_TABLE",
    "CREATE_EXTERNAL_VOLUME",
    "CREATE_FOREIGN_SECURABLE",
    "CREATE_MANAGED_STORAGE",
    "MANAGE",
    "READ_FILES",
    "WRITE_FILES",
  ],
};

/**
 * Privileges that only let a principal see or read, never change data, metadata or grants.
 * `ALL_PRIVILEGES` and `MANAGE` are not here: they include writes.
 */
export const READ_ONLY_PRIVILEGES: readonly string[] = [
  "BROWSE",
  "EXECUTE",
  "READ_VOLUME",
  "SELECT",
  "USE_CATALOG",
  "USE_SCHEMA",
];

/**
 * Named access levels and the privileges each means on each securable type.
 * "read" must really let a member read: `SELECT` alone reads nothing without `USE_CATALOG` and
 * `USE_SCHEMA`; `EXECUTE` reads functions and registered models, `READ_VOLUME` reads files.
 */
export const ACCESS_LEVELS = {
  /** Read every table, view, volume, function and model in the securable. */
  read: {
    catalog: ["USE_CATALOG", "USE_SCHEMA", "SELECT", "EXECUTE", "READ_VOLUME"],
    schema: ["USE_SCHEMA", "SELECT", "EXECUTE", "READ_VOLUME"],
  },
  /** Reach into the catalog (needed with a schema-level grant), and nothing else. */
  use: {
    catalog: ["USE_CATALOG"],
  },
  /** Everything but ownership and MANAGE: the deploying principal's level on its own catalog. */
  all: {
    catalog: ["ALL_PRIVILEGES"],
    schema: ["ALL_PRIVILEGES"],
  },
  /** See the catalog and its objects' metadata, read no data: what a pull-request plan needs. */
  browse: {
    catalog: ["BROWSE", "USE_CATALOG", "USE_SCHEMA"],
  },
  /** Create catalogs in the metastore (sandbox catalogs); the creator owns what it creates. */
  create_catalog: {
    metastore: ["CREATE_CATALOG"],
  },
  /**
   * Give a new catalog its managed storage under an external location (`CREATE CATALOG ... MANAGED
   * LOCATION`), and nothing else: no reading or writing of the location's files.
   */
  managed_storage: {
    external_location: ["CREATE_MANAGED_STORAGE"],
  },
} as const satisfies { readonly [level: string]: { readonly [T in SecurableType]?: readonly string[] } };

export type AccessLevel = keyof typeof ACCESS_LEVELS;

export function isAccessLevel(value: string): value is AccessLevel {
  return Object.prototype.hasOwnProperty.call(ACCESS_LEVELS, value);
}

/** The levels that can be granted on a securable type, e.g. `read`, `use`, `all` on a catalog. */
export function levelsFor(securable: SecurableType): AccessLevel[] {
  return (Object.keys(ACCESS_LEVELS) as AccessLevel[]).filter(
    (level) => (ACCESS_LEVELS[level] as { [T in SecurableType]?: readonly string[] })[securable] !== undefined,
  );
}

/** The privileges an access level means on a securable, or undefined when it means nothing there. */
export function privilegesOf(level: AccessLevel, securable: SecurableType): readonly string[] | undefined {
  return (ACCESS_LEVELS[level] as { [T in SecurableType]?: readonly string[] })[securable];
}

/**
 * The fixed rules of the written permission model that do not depend on the organisation:
 * - each environment's service principal gets `all` on its own catalog and on nothing else of
 *   the environments (it is the only writer of its environment);
 * - a promoting environment's principal gets `use` on the source catalog and `read` on the source
 *   schema that holds the models, so it can copy a model version without retraining;
 * - the principal pull-request plans run as gets `browse` on every environment's catalog: it
 *   refreshes state, it never reads data or changes anything;
 * - the sandbox creators get `create_catalog` on the metastore, and `managed_storage` on the external
 *   location the model names for sandbox catalogs when the metastore has no storage root.
 */
export const RULES = {
  servicePrincipalOwnCatalog: "all",
  promotionSourceCatalog: "use",
  promotionSourceSchema: "read",
  planPrincipalCatalog: "browse",
  sandboxCreators: "create_catalog",
  sandboxStorage: "managed_storage",
} as const satisfies { readonly [rule: string]: AccessLevel };

/** Sorted, de-duplicated privileges: the form every grant is declared and compared in. */
export function normalizePrivileges(privileges: Iterable<string>): string[] {
  return [...new Set(privileges)].sort();
}

/** True when every privilege only reads (see READ_ONLY_PRIVILEGES). */
export function isReadOnly(privileges: Iterable<string>): boolean {
  for (const p of privileges) if (!READ_ONLY_PRIVILEGES.includes(p)) return false;
  return true;
}

/**
 * Privileges that `ALL_PRIVILEGES` does not include: Unity Catalog makes them be granted by name
 * (MANAGE hands out grant and ownership-like control; EXTERNAL_USE_SCHEMA exposes data to engines
 * outside Databricks).
 */
export const OUTSIDE_ALL_PRIVILEGES: readonly string[] = ["EXTERNAL_USE_SCHEMA", "MANAGE"];

/**
 * True when a principal holding `held` on a securable has `privilege` there: listed by name, or
 * included in `ALL_PRIVILEGES` (everything but OUTSIDE_ALL_PRIVILEGES). Used to compare what is
 * granted with what the model gives, and to tell a widening change from a narrowing one.
 */
export function includesPrivilege(held: readonly string[], privilege: string): boolean {
  if (held.includes(privilege)) return true;
  return held.includes("ALL_PRIVILEGES") && privilege !== "ALL_PRIVILEGES" && !OUTSIDE_ALL_PRIVILEGES.includes(privilege);
}
