/**
 * What the provider's schema JSON (and so `@cdktf/provider-databricks`) cannot say about provider
 * 1.99.0: which attributes force a new resource, defaults, value rules (exactly one of, conflicts),
 * diff suppression, the schema version, the SDK a resource is written with, and its import ID.
 * Each entry was read from the provider's Go source at tag v1.99.0 (github.com/databricks/
 * terraform-provider-databricks), file and function named in `source`. The stand-in plans with it.
 *
 * Names/types/required/optional/computed come from the package instead (generate.ts); a type here
 * that the generator does not find, or an attribute named here that the schema lacks, fails the
 * generator.
 */

/** A value rule the SDKv2 schema enforces at validation (helper/schema ExactlyOneOf, AtLeastOneOf, ConflictsWith, StringInSlice). */
export type ValueRule =
  | { readonly kind: "exactlyOneOf"; readonly attributes: readonly string[] }
  | { readonly kind: "atLeastOneOf"; readonly attributes: readonly string[] }
  | { readonly kind: "conflictsWith"; readonly attribute: string; readonly with: readonly string[] }
  | { readonly kind: "oneOf"; readonly attribute: string; readonly values: readonly string[] };

export interface TypeFacts {
  /** Go file and function at v1.99.0 the entry was read from. */
  readonly source: string;
  /**
   * "sdkv2": terraform-plugin-sdk v2 (legacy type system; defaults and ForceNew in the schema);
   * "framework": terraform-plugin-framework (plan modifiers; strict consistency checks).
   */
  readonly sdk: "sdkv2" | "framework";
  /** The resource's schema version (state upgrades). @default 0 */
  readonly schemaVersion?: number;
  /**
   * The resource has no Update: common/resource.go (Resource.ToResource) then sets ForceNew on every
   * attribute that is not Computed, nested ones included.
   */
  readonly noUpdate?: boolean;
  /** Top-level attributes marked ForceNew (tf:"force_new", SetForceNew(), ForceNew: true). */
  readonly forceNew?: readonly string[];
  /** schema.Default values, applied when the configuration leaves the attribute null. */
  readonly defaults?: { readonly [attribute: string]: string | number | boolean };
  /** Attributes whose diff is suppressed when old and new differ only in letter case (common.EqualFoldDiffSuppress). */
  readonly equalFold?: readonly string[];
  /** Attributes whose diff is suppressed when old and new differ only by a trailing slash (ucDirectoryPathSlashOnlySuppressDiff). */
  readonly trailingSlash?: readonly string[];
  /** Attributes with suppress_diff: a change of configuration to empty is not a diff. */
  readonly suppressDiff?: readonly string[];
  /** Plugin-framework plan modifiers (framework resources only). */
  readonly useStateForUnknown?: readonly string[];
  readonly requiresReplace?: readonly string[];
  readonly rules?: readonly ValueRule[];
  /** The import ID, as the provider's docs and Read/ImportState parse it. */
  readonly importId?: string;
  /** Attributes marked Sensitive (terraform hides their values). */
  readonly sensitive?: readonly string[];
}

const ENTITLEMENTS = ["allow_cluster_create", "allow_instance_pool_create", "databricks_sql_access", "workspace_access", "workspace_consume"] as const;
const entitlementDefaults = Object.fromEntries(ENTITLEMENTS.map((e) => [e, false]));

/** The securable attributes of databricks_grant: catalog/permissions/permissions.go, `Mappings` (attribute -> API securable type). */
export const GRANT_SECURABLES: { readonly [attribute: string]: string } = {
  catalog: "catalog",
  credential: "credential",
  foreign_connection: "connection",
  external_location: "external_location",
  function: "function",
  metastore: "metastore",
  model: "function",
  pipeline: "pipeline",
  recipient: "recipient",
  schema: "schema",
  share: "share",
  storage_credential: "storage_credential",
  table: "table",
  volume: "volume",
};

export const RESOURCE_FACTS: { readonly [type: string]: TypeFacts } = {
  databricks_catalog: {
    source: "catalog/resource_catalog.go ResourceCatalog",
    sdk: "sdkv2",
    // connection_name: SetForceNew(); provider_name, share_name: SetForceNew(); storage_root: SetForceNew().
    // `options` forces a new resource for any key but authorized_paths (CustomizeDiff; provider/plan.ts).
    forceNew: ["connection_name", "provider_name", "share_name", "storage_root"],
    defaults: { force_destroy: false },
    equalFold: ["name", "connection_name", "share_name", "provider_name"],
    trailingSlash: ["storage_root"],
    rules: [
      { kind: "conflictsWith", attribute: "connection_name", with: ["provider_name", "share_name"] },
      { kind: "conflictsWith", attribute: "provider_name", with: ["connection_name", "storage_root"] },
      { kind: "conflictsWith", attribute: "share_name", with: ["connection_name", "storage_root"] },
      { kind: "oneOf", attribute: "enable_predictive_optimization", values: ["DISABLE", "ENABLE", "INHERIT"] },
    ],
    // d.SetId(ci.Name); Read: w.Catalogs.GetByName(ctx, d.Id()).
    importId: "<name>",
  },
  databricks_schema: {
    source: "catalog/resource_schema.go ResourceSchema (SchemaInfo tags tf:\"force_new\")",
    sdk: "sdkv2",
    forceNew: ["name", "catalog_name", "storage_root"],
    defaults: { force_destroy: false },
    equalFold: ["name", "catalog_name"],
    trailingSlash: ["storage_root"],
    rules: [{ kind: "oneOf", attribute: "enable_predictive_optimization", values: ["DISABLE", "ENABLE", "INHERIT"] }],
    // d.SetId(schema.FullName); Read: w.Schemas.GetByFullName(ctx, d.Id()).
    importId: "<catalog_name>.<name>",
  },
  databricks_grant: {
    source: "catalog/resource_grant.go ResourceGrant",
    sdk: "sdkv2",
    // principal: SetForceNew(); every securable field: ForceNew: true, AtLeastOneOf all, ConflictsWith the others.
    forceNew: ["principal", ...Object.keys(GRANT_SECURABLES)],
    rules: [
      { kind: "atLeastOneOf", attributes: Object.keys(GRANT_SECURABLES) },
      ...Object.keys(GRANT_SECURABLES).map((s) => ({ kind: "conflictsWith" as const, attribute: s, with: Object.keys(GRANT_SECURABLES).filter((o) => o !== s) })),
    ],
    // toSecurableId: "<securable>/<name>/<principal>"; parseSecurableId: SplitN(id, "/", 3).
    importId: "<securable_type>/<securable_name>/<principal>",
  },
  databricks_service_principal: {
    source: "scim/resource_service_principal.go ResourceServicePrincipal; scim/scim.go addEntitlementsToSchema",
    sdk: "sdkv2",
    // entity.ApplicationID tf:"computed,force_new"; display_name is computed, not force_new.
    forceNew: ["application_id"],
    // m["active"].Default = true; each entitlement: Optional, Default: false.
    defaults: { active: true, ...entitlementDefaults },
    suppressDiff: ["external_id"],
    rules: [
      { kind: "atLeastOneOf", attributes: ["application_id", "display_name"] },
      { kind: "conflictsWith", attribute: "workspace_consume", with: ["workspace_access", "databricks_sql_access"] },
    ],
    // d.SetId(servicePrincipal.ID): the SCIM ID; the default importer reads it.
    importId: "<scim_id>",
  },
  databricks_workspace_binding: {
    source: "catalog/resource_workspace_binding.go ResourceWorkspaceBinding (no Update: common/resource.go ToResource)",
    sdk: "sdkv2",
    schemaVersion: 1,
    noUpdate: true,
    // securable_type: Default "catalog"; binding_type: SetDefault(BINDING_TYPE_READ_WRITE).
    defaults: { securable_type: "catalog", binding_type: "BINDING_TYPE_READ_WRITE" },
    rules: [
      { kind: "exactlyOneOf", attributes: ["catalog_name", "securable_name"] },
      { kind: "oneOf", attribute: "securable_type", values: ["catalog", "external_location", "storage_credential", "credential"] },
      { kind: "oneOf", attribute: "binding_type", values: ["BINDING_TYPE_READ_WRITE", "BINDING_TYPE_READ_ONLY"] },
    ],
    // d.SetId(fmt.Sprintf("%d|%s|%s", update.WorkspaceId, securableType, securableName)).
    importId: "<workspace_id>|<securable_type>|<securable_name>",
  },
  databricks_mws_permission_assignment: {
    source: "mws/resource_mws_permission_assignment.go ResourceMwsPermissionAssignment (no Update: common/resource.go ToResource)",
    sdk: "sdkv2",
    noUpdate: true,
    // common.NewPairID("workspace_id", "principal_id"): separator "|" (common/pair.go).
    importId: "<workspace_id>|<principal_id>",
  },
  databricks_service_principal_federation_policy: {
    source: "internal/providers/pluginfw/products/service_principal_federation_policy/resource_service_principal_federation_policy.go ApplySchemaCustomizations, ImportState",
    sdk: "framework",
    useStateForUnknown: ["create_time", "name", "policy_id", "service_principal_id", "uid"],
    requiresReplace: ["policy_id", "service_principal_id"],
    // ImportState: strings.Split(req.ID, ","), exactly two non-empty parts.
    importId: "<service_principal_id>,<policy_id>",
  },
};

/**
 * The provider block: every attribute Optional; the sensitive ones are the SDK's config attributes
 * tagged `auth:"...,sensitive"` (internal/providers/sdkv2/sdkv2.go providerSchema, `Sensitive:
 * attr.Sensitive`; databricks-sdk-go v0.93.0, the version provider 1.99.0's go.mod pins,
 * config/config.go).
 */
export const PROVIDER_FACTS = {
  source: "internal/providers/sdkv2/sdkv2.go providerSchema; databricks-sdk-go v0.93.0 config/config.go",
  sensitive: ["azure_client_secret", "client_secret", "google_credentials", "metadata_service_url", "password", "token"],
} as const;

export const DATA_SOURCE_FACTS: { readonly [type: string]: TypeFacts } = {
  databricks_group: {
    source: "scim/data_group.go DataSourceGroup; scim/scim.go addEntitlementsToSchema",
    sdk: "sdkv2",
    defaults: { recursive: true, ...entitlementDefaults },
  },
  databricks_service_principal: {
    source: "scim/data_service_principal.go DataSourceServicePrincipal",
    sdk: "sdkv2",
    rules: [{ kind: "exactlyOneOf", attributes: ["application_id", "display_name", "scim_id"] }],
  },
  databricks_current_metastore: {
    source: "catalog/data_current_metastore.go DataSourceCurrentMetastore",
    sdk: "sdkv2",
  },
};

/** Every attribute of a resource that is named by a fact (for the generator's check). */
export function namedAttributes(f: TypeFacts): string[] {
  const names = [
    ...(f.forceNew ?? []),
    ...Object.keys(f.defaults ?? {}),
    ...(f.equalFold ?? []),
    ...(f.trailingSlash ?? []),
    ...(f.suppressDiff ?? []),
    ...(f.useStateForUnknown ?? []),
    ...(f.requiresReplace ?? []),
    ...(f.sensitive ?? []),
  ];
  for (const r of f.rules ?? []) {
    if (r.kind === "exactlyOneOf" || r.kind === "atLeastOneOf") names.push(...r.attributes);
    else if (r.kind === "conflictsWith") names.push(r.attribute, ...r.with);
    else names.push(r.attribute);
  }
  return [...new Set(names)];
}
