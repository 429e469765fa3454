/**
 * The environment model after validation: typed, complete, cross-checked. Constructs receive these
 * values and never re-parse strings.
 *
 * Each type is the schema's (lib/model/schema/model.ts, where every field is described) with the
 * references resolved and the defaults filled in: a field added to the schema appears here by
 * itself, and one left out of the model below fails the type-check (ModelFileCovered).
 */
import type { AccessLevel } from "../permissions";
import type { AddressManifest } from "./history";
import type { ModelFile } from "./schema/model";

type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
type File<K extends keyof ModelFile> = DeepReadonly<NonNullable<ModelFile[K]>>;
type FileEnvironment = File<"environments">[string];
type FileWorkspace = FileEnvironment["workspace"];
type FileCatalog = FileEnvironment["catalog"];
type FileAdoption = Required<NonNullable<FileCatalog["adopt"]>>;
type FilePromotion = NonNullable<FileEnvironment["promotion"]>;
type FileRetired = File<"retired">[string];

export interface Group {
  /** Key in the model file; stable, used in Terraform addresses. */
  readonly key: string;
  /** The account-level group's display name (what grants name). */
  readonly displayName: string;
}

/** `environments.<key>.workspace`: host, profile, and the numeric ID when known. */
export interface Workspace extends FileWorkspace {}

/** Existing resources to import instead of create (`catalog.adopt`, every field filled in). */
export interface Adoption extends FileAdoption {}

export interface CatalogSpec extends Omit<FileCatalog, "adopt"> {
  /** What already exists (managed by the old HCL stack): imported on the first plan, not created. */
  readonly adopt: Adoption;
}

export interface Promotion extends Omit<FilePromotion, "from"> {
  /** The environment whose catalog models are copied from. */
  readonly from: Environment;
}

export interface Environment extends Omit<FileEnvironment, "stack" | "workspace" | "catalog" | "promotion" | "approval"> {
  /** Key in the model file (dev, staging, prod). */
  readonly key: string;
  /** `stack` in the model file. */
  readonly stackName: string;
  readonly workspace: Workspace;
  readonly catalog: CatalogSpec;
  readonly promotion?: Promotion;
  /**
   * Whether a reviewer must approve each apply of the stack (its GitHub environment's required
   * reviewers; every deploy checks they are set).
   * @default - `required` for production and the environment before it, `none` otherwise
   */
  readonly approval: NonNullable<FileEnvironment["approval"]>;
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
  readonly metastore: Omit<File<"metastore">, "grantsFrom"> & {
    /** The environment whose stack declares every metastore grant. */
    readonly grantsFrom: Environment;
  };
  /** Sorted by key. */
  readonly groups: readonly Group[];
  readonly sandbox: Omit<File<"sandbox">, "creators"> & {
    /** Groups whose members may create (and then own) sandbox catalogs. Sorted by key. */
    readonly creators: readonly Group[];
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
  /** Principals this project never grants to (the legacy single CI principal). Sorted by name. */
  readonly legacyServicePrincipals: readonly { readonly name: string; readonly applicationId: string }[];
  /**
   * Renamed addresses, per stack name: old address -> new address. Each becomes a `moved` block, so
   * Terraform renames the resource in state instead of destroying and creating it.
   * @default - none
   */
  readonly moved: { readonly [stack: string]: readonly { readonly from: string; readonly to: string }[] };
  /**
   * Who must review a change to anything but the model and the docs: `.github/CODEOWNERS` is
   * rendered from it (lib/ci/code-owners.ts).
   * @default - none: CODEOWNERS names no owner (a warning says so)
   */
  readonly codeOwners: File<"codeOwners">;
  /** Environments being retired (`retired.<key>`), in model order. @default - none */
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
export interface RetiredEnvironment extends Omit<FileRetired, "stack"> {
  /** The environment's key while it was live. */
  readonly key: string;
  /** Its stack, whose state still holds its objects until the retiring deploy. */
  readonly stackName: string;
}

/** `account`, with its host derived and its stack named when the model leaves them out. */
export interface Account extends Omit<File<"account">, "host" | "stack"> {
  /** The accounts console host, e.g. https://accounts.cloud.databricks.com. */
  readonly host: string;
  /** Name of the account-level stack. */
  readonly stackName: string;
}

/** `github`: the repository CI runs in and the read-only principal pull-request plans run as. */
export interface GitHub extends File<"github"> {}

/** `state`: S3 remote state (the key has `{stack}` once). */
export interface RemoteState extends File<"state"> {}

type Assert<T extends true> = T;
/** Every section of the model file is a field of EnvironmentModel: a new one fails the type-check until added above. */
export type ModelFileCovered = Assert<Exclude<keyof ModelFile, keyof EnvironmentModel> extends never ? true : false>;
