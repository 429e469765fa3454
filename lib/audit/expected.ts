/**
 * What the stacks declare, in the form the live audit compares with the workspaces: every grant,
 * each environment catalog's owner, isolation mode and workspace bindings, and the sandbox rules.
 *
 * The one place the audit learns the declared state. Today it is derived from the policy's
 * allow-list (whose entries are exactly the grants the stacks declare) and the model, following
 * what stacks/workspace-stack.ts and lib/constructs/governed-catalog.ts build; it is meant to be
 * swapped onto a single desired-state module without the audit changing.
 */
import { allowListOf } from "../review/allow-list";
import type { PrincipalKind } from "../review/grants";
import type { SecurableType } from "../permissions";
import type { EnvironmentModel } from "../model/types";

/** One grant the stacks declare. */
export interface ExpectedGrant {
  readonly securableType: SecurableType;
  /** Catalog name, `catalog.schema`, or the metastore ID. */
  readonly securable: string;
  readonly principalKind: PrincipalKind;
  /**
   * A group by display name; a service principal by display name (the environments' deploying
   * principals, whose application IDs are known only live) or by application ID (principals made by
   * hand, such as the plan principal).
   */
  readonly principal: string;
  /** Sorted. */
  readonly privileges: readonly string[];
  /** Where the model gives it, for messages, e.g. `access.dev.staging in environments.yaml`. */
  readonly source: string;
  /** The stack that declares it (whose deploy applies it). */
  readonly stack: string;
}

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
  const allowList = allowListOf(model);
  const stackOfCatalog = new Map(model.environments.map((env) => [env.catalog.name, env.stackName]));
  // Which stack declares a grant (stacks/workspace-stack.ts): the metastore's in `grantsFrom`, a
  // promotion grant in the promoting environment's stack, every other in its catalog's.
  const stackOf = (securableType: string, securable: string, source: string): string => {
    if (securableType === "metastore") return model.metastore.grantsFrom.stackName;
    const promoting = model.environments.find((env) => source.startsWith(`environments.${env.key}.promotion `));
    return promoting?.stackName ?? stackOfCatalog.get(securable.split(".")[0])!;
  };
  const grants: ExpectedGrant[] = allowList.entries.map((e) => ({
    securableType: e.securableType,
    securable: e.securable,
    principalKind: e.principalKind,
    principal: e.principal,
    privileges: [...e.privileges].sort(),
    source: e.source,
    stack: stackOf(e.securableType, e.securable, e.source),
  }));

  const catalogs: ExpectedCatalog[] = model.environments.map((env) => {
    // Bindings exist only with ISOLATED catalogs (every workspace ID known): the stack binds its
    // catalog read-only to each workspace that promotes from it; making it ISOLATED binds it
    // read-write to the workspace the owner works in, its own.
    const bindings: ExpectedBinding[] | undefined = model.isolated
      ? [
          { workspaceId: env.workspace.id!, bindingType: "BINDING_TYPE_READ_WRITE", reason: `its own workspace (environments.${env.key})` },
          ...model.environments
            .filter((consumer) => consumer.promotion?.from.key === env.key)
            .map((consumer) => ({
              workspaceId: consumer.workspace.id!,
              bindingType: "BINDING_TYPE_READ_ONLY" as const,
              reason: `environments.${consumer.key}.promotion reads it`,
            })),
        ]
      : undefined;
    return {
      environment: env.key,
      stack: env.stackName,
      name: env.catalog.name,
      schemas: env.catalog.schemas,
      owner: env.servicePrincipal,
      ...(model.isolated ? { isolationMode: "ISOLATED" as const } : {}),
      ...(bindings ? { bindings } : {}),
    };
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
