/**
 * What the stacks declare, in the form the live audit compares with the workspaces: every grant,
 * each environment catalog's owner, isolation mode and workspace bindings, and the sandbox rules.
 *
 * The one place the audit learns the declared state: a view of the desired state
 * (lib/desired-state.ts), the same value the stacks render and the policy gate compares with.
 */
import { allowListOf, type AllowedGrant } from "../review/allow-list";
import { desiredState } from "../desired-state";
import type { PrincipalKind } from "../output/grants";
import type { EnvironmentModel } from "../model/types";

/**
 * One grant the stacks declare: an allow-list entry (a group by display name; a service principal
 * by display name, the deploying principals, whose application IDs are known only live, or by
 * application ID, the plan principal), with the stack that declares it.
 */
export type ExpectedGrant = AllowedGrant;

export type BindingType = "BINDING_TYPE_READ_ONLY" | "BINDING_TYPE_READ_WRITE";

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

export interface ExpectedState {
  readonly metastoreId: string;
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
  };
}

export function expectedState(model: EnvironmentModel): ExpectedState {
  const desired = desiredState(model);
  const allowList = allowListOf(model, desired);
  const grants: readonly ExpectedGrant[] = allowList.entries;

  const catalogs: ExpectedCatalog[] = desired.stacks.flatMap((stack) => {
    if (stack.kind !== "workspace") return [];
    const env = stack.environment;
    const c = stack.catalog;
    // Bindings exist only with ISOLATED catalogs: the stack binds its catalog read-only to each
    // workspace that promotes from it; making it ISOLATED binds it read-write to its own workspace.
    const bindings: ExpectedBinding[] | undefined =
      c.isolationMode === "ISOLATED"
        ? [
            { workspaceId: env.workspace.id!, bindingType: "BINDING_TYPE_READ_WRITE", reason: `its own workspace (environments.${env.key})` },
            ...stack.bindings.map((b) => ({ workspaceId: b.workspaceId, bindingType: b.bindingType, reason: `environments.${b.consumer.key}.promotion reads it` })),
          ]
        : undefined;
    return [
      {
        environment: env.key,
        stack: stack.name,
        name: c.name,
        schemas: c.schemas.map((x) => x.name),
        owner: c.owner.servicePrincipal,
        ...(c.isolationMode !== undefined ? { isolationMode: c.isolationMode } : {}),
        ...(bindings ? { bindings } : {}),
      },
    ];
  });

  const admins = model.groups
    .filter((g) => model.environments.every((env) => model.access.some((a) => a.group.key === g.key && a.environment.key === env.key && a.privileges.includes("ALL_PRIVILEGES"))))
    .map((g) => g.displayName);

  return {
    metastoreId: model.metastore.id,
    catalogs,
    grants,
    allowed: (type, securable, kind, principal) => allowList.allowed(type, securable, kind, principal),
    sandbox: { pattern: model.sandbox.catalogName, admins },
  };
}
