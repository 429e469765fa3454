/**
 * Every privilege the environment model gives, to whom, on what, and why: a view of the desired
 * state's grants (lib/desired-state.ts) by principal name, for reports and the live audit. Indexed
 * once, so each lookup is O(1).
 */
import type { SecurableType } from "../permissions";
import type { Environment, EnvironmentModel } from "../model/types";
import { desiredState, type DesiredState } from "../desired-state";
import { securableName } from "../resources/grant";
import { principalIdentity } from "../resources/principal";
import type { PrincipalKind } from "../output/grants";
import { IN_CATALOG } from "../resources/grant";

/** One grant the model allows. */
export interface AllowedGrant {
  readonly securableType: SecurableType;
  readonly securable: string;
  readonly principalKind: PrincipalKind;
  readonly principal: string;
  readonly privileges: readonly string[];
  /** Where the model gives it, for messages, e.g. `access.dev.staging in environments.yaml`. */
  readonly source: string;
  /** The stack that declares it (whose deploy applies it). */
  readonly stack: string;
}

export interface AllowList {
  readonly model: EnvironmentModel;
  readonly entries: readonly AllowedGrant[];
  /**
   * The privileges the model gives a principal on a securable, including what it inherits from the
   * enclosing catalog and schema (a catalog grant applies to every schema and object in it).
   */
  allowed(securableType: string, securable: string, principalKind: PrincipalKind, principal: string): readonly string[];
  /** The model's grants behind `allowed` (for the fix in a message). */
  sources(securableType: string, securable: string, principalKind: PrincipalKind, principal: string): readonly AllowedGrant[];
  /** The environment whose catalog holds a securable (catalog, schema, table, ...), if any. */
  environmentOf(securableType: string, securable: string): Environment | undefined;
}

export function allowListOf(model: EnvironmentModel, desired: DesiredState = desiredState(model)): AllowList {
  const entries: AllowedGrant[] = desired.grants.map(({ stack, grant }) => {
    const id = principalIdentity(grant.principal);
    return {
      securableType: grant.securable.type,
      securable: securableName(grant.securable),
      principalKind: id.kind,
      principal: id.name,
      privileges: grant.privileges,
      source: grant.source,
      stack,
    };
  });
  const key = (type: string, securable: string, kind: PrincipalKind, principal: string) => `${type}\u0000${securable}\u0000${kind}\u0000${principal}`;
  const byKey = new Map<string, AllowedGrant[]>();
  for (const e of entries) {
    const k = key(e.securableType, e.securable, e.principalKind, e.principal);
    byKey.set(k, [...(byKey.get(k) ?? []), e]);
  }
  const catalogOwner = new Map(model.environments.map((env) => [env.catalog.name, env]));
  const sources = (securableType: string, securable: string, kind: PrincipalKind, principal: string): AllowedGrant[] =>
    [[securableType, securable] as const, ...enclosing(securableType, securable)].flatMap(([type, name]) => byKey.get(key(type, name, kind, principal)) ?? []);

  return {
    model,
    entries,
    sources,
    allowed: (securableType, securable, kind, principal) => [...new Set(sources(securableType, securable, kind, principal).flatMap((e) => e.privileges))].sort(),
    environmentOf: (securableType, securable) => (IN_CATALOG.has(securableType) ? catalogOwner.get(securable.split(".")[0]) : undefined),
  };
}

/** The catalog (and schema) a securable inherits privileges from: `dev.models.t` -> catalog dev, schema dev.models. */
function enclosing(securableType: string, securable: string): (readonly [string, string])[] {
  if (!IN_CATALOG.has(securableType) || securableType === "catalog") return [];
  const parts = securable.split(".");
  const out: (readonly [string, string])[] = [["catalog", parts[0]]];
  if (securableType !== "schema" && parts.length > 2) out.push(["schema", `${parts[0]}.${parts[1]}`]);
  return out;
}
