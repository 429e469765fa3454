/**
 * What the stacks declare, in the form the live audit compares with the workspaces: every grant,
 * each environment catalog's owner, isolation mode and workspace bindings (the declared read-only
 * ones and the read-write one the provider makes itself for an ISOLATED catalog), each
 * environment's workspace and storage, production, and the sandbox rules.
 *
 * The one place the audit learns the declared state: a view of the desired state
 * (lib/desired-state.ts), the same value the stacks render and the policy gate compares with;
 * what each resource type expects live is its module's (lib/resources/).
 */
import { allowListOf, type AllowedGrant } from "../review/allow-list";
import { desiredState } from "../desired-state";
import type { PrincipalKind } from "../output/references";
import type { EnvironmentModel } from "../model/types";
import { ownWorkspaceBinding, type BindingType } from "../resources/catalog";
import { expectedLiveBinding } from "../resources/workspace-binding";

export type { BindingType } from "../resources/catalog";

/**
 * One grant the stacks declare: an allow-list entry (a group by display name; a service principal
 * by display name, the deploying principals, whose application IDs are known only live, or by
 * application ID, the plan principal), with the stack that declares it.
 */
export type ExpectedGrant = AllowedGrant;

export interface ExpectedBinding {
  readonly workspaceId: number;
  readonly bindingType: BindingType;
  /** Why it exists, for messages. */
  readonly reason: string;
}

/** An environment's catalog as its stack declares it. */
export interface ExpectedCatalog {
  /** The environment's key in the model. */
  readonly environment: string;
  /** The stack that declares the catalog. */
  readonly stack: string;
  readonly name: string;
  readonly schemas: readonly string[];
  /** Display name of the owner: the environment's deploying service principal. */
  readonly owner: string;
  /** `ISOLATED` when declared; undefined when the stack leaves the mode as it is. */
  readonly isolationMode?: "ISOLATED";
  /**
   * Every workspace binding the catalog should have: its own workspace (bound read-write when it is
   * made ISOLATED) and the declared read-only ones. Undefined when the stacks manage no bindings.
   */
  readonly bindings?: readonly ExpectedBinding[];
}

/** An environment's workspace, as the audit reads it. */
export interface ExpectedEnvironment {
  readonly key: string;
  readonly host: string;
  readonly profile: string;
  /** Its storage (lower case, no trailing slash): what is under it is the environment's. */
  readonly storage: readonly string[];
}

export interface ExpectedState {
  readonly metastoreId: string;
  /** The environment whose workspace reads the shared metastore, the sandboxes and the storage. */
  readonly metastoreFrom: string;
  /** The environments, in the model's order. */
  readonly environments: readonly ExpectedEnvironment[];
  readonly production: { readonly environment: string; readonly catalog: string };
  readonly catalogs: readonly ExpectedCatalog[];
  readonly grants: readonly ExpectedGrant[];
  /**
   * The privileges the model allows a principal on a securable, including what it inherits from
   * the enclosing catalog (a grant within this is drift, not a risk). Principals as in ExpectedGrant.
   */
  allowed(securableType: string, securable: string, principalKind: PrincipalKind, principal: string): readonly string[];
  readonly sandbox: {
    /** Catalog name pattern with `{user}`, e.g. `{user}_sandbox`. */
    readonly pattern: string;
    /**
     * Groups (display names) that may hold grants on anyone's sandbox: those the model gives
     * ALL_PRIVILEGES on every environment's catalog (the administrators).
     */
    readonly admins: readonly string[];
    /** The sandboxes' storage, attributed to the environment whose workspace they use. */
    readonly storage?: { readonly environment: string; readonly prefix: string };
  };
}

export function expectedState(model: EnvironmentModel): ExpectedState {
  const desired = desiredState(model);
  const allowList = allowListOf(model, desired);
  const grants: readonly ExpectedGrant[] = allowList.entries;
  const workspaces = desired.stacks.flatMap((s) => (s.kind === "workspace" ? [s] : []));

  const catalogs: ExpectedCatalog[] = workspaces.map((stack) => {
    const env = stack.environment;
    const c = stack.catalog;
    // Bindings exist only with ISOLATED catalogs: the stack binds its catalog read-only to each
    // workspace that promotes from it; making it ISOLATED binds it read-write to its own workspace.
    const own = ownWorkspaceBinding(c, env.workspace.id);
    const bindings: ExpectedBinding[] | undefined = own ? [{ ...own, reason: `its own workspace (environments.${env.key})` }, ...stack.bindings.map(expectedLiveBinding)] : undefined;
    return {
      environment: env.key,
      stack: stack.name,
      name: c.name,
      schemas: c.schemas.map((x) => x.name),
      owner: c.owner.servicePrincipal,
      ...(c.isolationMode !== undefined ? { isolationMode: c.isolationMode } : {}),
      ...(bindings ? { bindings } : {}),
    };
  });

  const { sandbox } = desired;
  return {
    metastoreId: desired.metastore.id,
    metastoreFrom: desired.metastore.grantsFrom.key,
    environments: workspaces.map((s) => ({ key: s.environment.key, host: s.provider.host, profile: s.provider.profile, storage: s.storage })),
    production: { environment: desired.production.environment, catalog: desired.production.catalog },
    catalogs,
    grants,
    allowed: (type, securable, kind, principal) => allowList.allowed(type, securable, kind, principal),
    sandbox: {
      pattern: sandbox.catalogPattern,
      admins: sandbox.admins,
      ...(sandbox.storage ? { storage: { environment: sandbox.environment.key, prefix: sandbox.storage.url.toLowerCase().replace(/\/+$/, "") } } : {}),
    },
  };
}
