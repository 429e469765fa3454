/**
 * The policy's allow-list: every privilege the environment model gives, to whom, on what, and why.
 * Derived from the validated model and the rules of lib/permissions.ts, never from the synthesized
 * output, so the policy checks the output against the model rather than against itself.
 */
import { RULES, isReadOnly, privilegesOf, type SecurableType } from "../permissions";
import type { Environment, EnvironmentModel } from "../model/types";
import { IN_CATALOG, type PrincipalKind } from "./grants";

/** One grant the model allows. */
export interface AllowedGrant {
  readonly securableType: SecurableType;
  readonly securable: string;
  readonly principalKind: PrincipalKind;
  readonly principal: string;
  readonly privileges: readonly string[];
  /** Where the model gives it, for messages, e.g. `access.dev.staging in environments.yaml`. */
  readonly source: string;
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
  /**
   * The environments whose catalogs a principal may write to: those where the model gives it more
   * than read-only privileges (a deploying service principal: its own; most groups: none).
   */
  writableEnvironments(principalKind: PrincipalKind, principal: string): readonly Environment[];
}


export function allowListOf(model: EnvironmentModel): AllowList {
  const file = model.source;
  const entries: AllowedGrant[] = [];
  const add = (
    securableType: SecurableType,
    securable: string,
    principalKind: PrincipalKind,
    principal: string,
    privileges: readonly string[] | undefined,
    source: string,
  ) => {
    // privilegesOf() is undefined only for a rule that does not apply to the securable: a bug here.
    if (!privileges) throw new Error(`allow-list: ${source} gives no privileges on a ${securableType}`);
    entries.push({ securableType, securable, principalKind, principal, privileges, source });
  };

  for (const a of model.access) {
    add("catalog", a.environment.catalog.name, "group", a.group.displayName, a.privileges, `access.${a.group.key}.${a.environment.key} in ${file}`);
  }
  for (const env of model.environments) {
    const sp = env.servicePrincipal;
    const level = RULES.servicePrincipalOwnCatalog;
    add("catalog", env.catalog.name, "service_principal", sp, privilegesOf(level, "catalog"), `rule servicePrincipalOwnCatalog (${level}) for environments.${env.key}`);
    if (env.promotion) {
      const from = env.promotion.from.catalog.name;
      const why = `environments.${env.key}.promotion in ${file}`;
      add("catalog", from, "service_principal", sp, privilegesOf(RULES.promotionSourceCatalog, "catalog"), why);
      add("schema", `${from}.${env.promotion.schema}`, "service_principal", sp, privilegesOf(RULES.promotionSourceSchema, "schema"), why);
    }
  }
  if (model.github) {
    // The read-only principal pull-request plans run as, granted to by application ID.
    const level = RULES.planPrincipalCatalog;
    const plan = model.github.planServicePrincipal;
    for (const env of model.environments) {
      add("catalog", env.catalog.name, "service_principal", plan.applicationId, privilegesOf(level, "catalog"), `rule planPrincipalCatalog (${level}) for github.planServicePrincipal (${plan.name}) in ${file}`);
    }
  }
  for (const group of model.sandbox.creators) {
    add("metastore", model.metastore.id, "group", group.displayName, privilegesOf(RULES.sandboxCreators, "metastore"), `sandbox.creators in ${file}`);
  }

  const key = (type: string, securable: string, kind: PrincipalKind, principal: string) => `${type}\u0000${securable}\u0000${kind}\u0000${principal}`;
  const byKey = new Map<string, AllowedGrant[]>();
  for (const e of entries) {
    const k = key(e.securableType, e.securable, e.principalKind, e.principal);
    byKey.set(k, [...(byKey.get(k) ?? []), e]);
  }
  const catalogOwner = new Map(model.environments.map((env) => [env.catalog.name, env]));

  const sources = (securableType: string, securable: string, kind: PrincipalKind, principal: string): AllowedGrant[] =>
    [[securableType, securable] as const, ...enclosing(securableType, securable)].flatMap(
      ([type, name]) => byKey.get(key(type, name, kind, principal)) ?? [],
    );

  return {
    model,
    entries,
    sources,
    allowed: (securableType, securable, kind, principal) => [...new Set(sources(securableType, securable, kind, principal).flatMap((e) => e.privileges))].sort(),
    environmentOf: (securableType, securable) => (IN_CATALOG.has(securableType) ? catalogOwner.get(securable.split(".")[0]) : undefined),
    writableEnvironments: (kind, principal) =>
      model.environments.filter((env) =>
        entries.some(
          (e) =>
            e.principalKind === kind &&
            e.principal === principal &&
            IN_CATALOG.has(e.securableType) &&
            catalogOwner.get(e.securable.split(".")[0]) === env &&
            !isReadOnly(e.privileges),
        ),
      ),
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
