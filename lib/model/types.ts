/**
 * The environment model after validation: typed, complete, cross-checked. Constructs receive these
 * values and never re-parse strings.
 */
import type { AccessLevel } from "../permissions";
import type { AddressManifest } from "./history";

export interface Group {
  /** Key in the model file; stable, used in Terraform addresses. */
  readonly key: string;
  /** The account-level group's display name (what grants name). */
  readonly displayName: string;
}

export interface Workspace {
  /** https://<host>, no path, no trailing slash. */
  readonly host: string;
  /** Databricks CLI profile people use for this workspace. */
  readonly profile: string;
  /** Numeric workspace ID; needed to bind ISOLATED catalogs. */
  readonly id?: number;
}

export interface CatalogSpec {
  readonly name: string;
  readonly schemas: readonly string[];
  /** The environment's S3 bucket (the bundles' `s3_bucket`); informational, exported as an output. */
  readonly bucket?: string;
  /**
   * The catalog's managed storage location, when it has one of its own. Changing it replaces the
   * catalog, so an adopted catalog must state the location it already has.
   * @default - none: the metastore's storage root
   */
  readonly storageRoot?: string;
  /** What already exists (managed by the old HCL stack): imported on the first plan, not created. */
  readonly adopt: Adoption;
}

/** Existing resources to import instead of create. */
export interface Adoption {
  readonly catalog: boolean;
  /** Schema names (a subset of the catalog's schemas). */
  readonly schemas: readonly string[];
  /** Keys of groups whose grant on this catalog already exists. */
  readonly groupGrants: readonly string[];
}

export interface Promotion {
  /** The environment whose catalog models are copied from. */
  readonly from: Environment;
  /** The schema of the source catalog that holds the registered models. */
  readonly schema: string;
}

export interface Environment {
  /** Key in the model file (dev, staging, prod). */
  readonly key: string;
  readonly stackName: string;
  readonly workspace: Workspace;
  /** Display name of the environment's deploying service principal. */
  readonly servicePrincipal: string;
  readonly catalog: CatalogSpec;
  readonly promotion?: Promotion;
  /**
   * Whether a reviewer must approve each apply of the stack (its GitHub environment's required
   * reviewers; every deploy checks they are set).
   * @default - `required` for production and the environment before it, `none` otherwise
   */
  readonly approval: "required" | "none";
}

/** A group's access to one environment's catalog. */
export interface CatalogAccess {
  readonly group: Group;
  readonly environment: Environment;
  /** The level the model names, when it names one (for reports). */
  readonly level?: AccessLevel;
  /** Sorted privileges. */
  readonly privileges: readonly string[];
}

export interface EnvironmentModel {
  /** Where the model was read from (for messages). */
  readonly source: string;
  readonly metastore: {
    readonly id: string;
    /** The environment whose stack declares every metastore grant. */
    readonly grantsFrom: Environment;
  };
  /** Sorted by key. */
  readonly groups: readonly Group[];
  readonly sandbox: {
    /** Catalog name pattern with `{user}`, e.g. `{user}_sandbox`. */
    readonly catalogName: string;
    /** Groups whose members may create (and then own) sandbox catalogs. Sorted by key. */
    readonly creators: readonly Group[];
    /**
     * Where sandbox catalogs keep their managed storage when the metastore has none: an external
     * location (by name) and its URL, under which `CREATE CATALOG ... MANAGED LOCATION` names a path.
     * @default - none: the metastore's storage root
     */
    readonly storage?: { readonly externalLocation: string; readonly url: string };
  };
  /** In file order (the deploy order people read). */
  readonly environments: readonly Environment[];
  /**
   * The production environment (reviews mark its changes first): `production` in the file, else
   * the environment keyed `prod`, else the last one.
   */
  readonly production: Environment;
  /** Sorted by group key, then environment key. */
  readonly access: readonly CatalogAccess[];
  /**
   * True when every workspace has a numeric ID: catalogs are then ISOLATED and bound read-only to
   * the workspaces that promote from them. Otherwise every catalog stays OPEN.
   */
  readonly isolated: boolean;
  /** Non-fatal findings to print once at synth (e.g. missing workspace IDs). */
  readonly warnings: readonly string[];
  /** The account, when known: enables the account stack (with `github`). */
  readonly account?: Account;
  /** The GitHub repository CI runs in, when known. */
  readonly github?: GitHub;
  /** Remote state; without it each stack keeps a local state file. */
  readonly state?: RemoteState;
  /** Principals this project never grants to (the legacy single CI principal). */
  readonly legacyServicePrincipals: readonly { readonly name: string; readonly applicationId: string }[];
  /**
   * Renamed addresses, per stack name: old address -> new address. Each becomes a `moved` block, so
   * Terraform renames the resource in state instead of destroying and creating it.
   * @default - none
   */
  readonly moved: { readonly [stack: string]: readonly { readonly from: string; readonly to: string }[] };
  /**
   * Who must review a change to anything but the model and the docs: `.github/CODEOWNERS` is
   * rendered from it (lib/ci/code-owners.ts). GitHub users or teams, e.g. `@my-org/platform`.
   * @default - none: CODEOWNERS names no owner (a warning says so)
   */
  readonly codeOwners: readonly string[];
  /**
   * Environments being retired: their stacks tell Terraform to forget the catalog, schemas and
   * service principal (which stay, with their data) and revoke the grants the stacks declared.
   * Model order. README, "Renaming, dropping and retiring".
   * @default - none
   */
  readonly retired: readonly RetiredEnvironment[];
  /**
   * What this repository recorded of Terraform state: the address manifest beside the model file
   * (lib/model/history.ts). Decides which dropped objects are forgotten and which renames need a
   * `moved` block.
   * @default - none: nothing recorded (a model without a manifest beside it), nothing forgotten
   */
  readonly history?: AddressManifest;
}

/** An environment on its way out (`retired.<key>` in the model). */
export interface RetiredEnvironment {
  /** The environment's key while it was live. */
  readonly key: string;
  /** Its stack, whose state still holds its objects until the retiring deploy. */
  readonly stackName: string;
  /** Host and profile: the provider still reads (refreshes) what it forgets. */
  readonly workspace: { readonly host: string; readonly profile: string };
}

export interface Account {
  /** Databricks account ID (a UUID). */
  readonly id: string;
  /** The accounts console host, e.g. https://accounts.cloud.databricks.com. */
  readonly host: string;
  /** Databricks CLI profile of an account admin, for the first (bootstrap) apply. */
  readonly profile: string;
  /** Name of the account-level stack. */
  readonly stackName: string;
}

export interface GitHub {
  /** `<org>/<repo>`. */
  readonly repository: string;
  /**
   * The read-only service principal pull-request plans run as. Created by hand before the first
   * deploy (like the SCIM groups, it is looked up, never created), so that no stack depends on
   * another having been applied: grants name it by its application ID.
   */
  readonly planServicePrincipal: { readonly name: string; readonly applicationId: string };
}

export interface RemoteState {
  readonly bucket: string;
  readonly region: string;
  /** Key pattern with `{stack}`, e.g. `uc-env-isolation/{stack}.tfstate`. */
  readonly key: string;
}
