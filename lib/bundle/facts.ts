/**
 * What a bundle target must be, per target name, taken from the environment model (and, once the
 * stacks are deployed, their outputs). Built once; the generator and every check rule look up here.
 */
import type { Environment, EnvironmentModel } from "../model/types";
import { BundleInputError } from "./errors";

/** The developer target: one catalog per developer, on the first environment's workspace. */
export const SANDBOX_TARGET = "sandbox";
/** The bundle's reference to the deploying developer: `{user}` of the model's sandbox pattern. */
export const CURRENT_USER = "${workspace.current_user.short_name}";
/** The variables the model decides per target (Appendix A of the plan). */
export const MODEL_VARIABLES = ["catalog_name", "environment", "s3_bucket"] as const;
export type ModelVariable = (typeof MODEL_VARIABLES)[number];
/**
 * The sandbox catalog's managed location, declared only when the model has `sandbox.storage`: the
 * sandbox target sets it to the developer's own path under the storage URL; every other target
 * keeps its empty default (environment catalogs are the stacks', never created by a bundle).
 */
export const STORAGE_VARIABLE = "catalog_managed_location";
/** Phase 2.1 removes it: run_as names the principal directly. */
export const RETIRED_VARIABLE = "service_principal_id";

export interface TargetFacts {
  readonly name: string;
  /** The environment the target deploys, or for `sandbox` the one whose workspace it uses. */
  readonly environment: Environment;
  readonly sandbox: boolean;
  /** Lower-case host name of the workspace, e.g. `dbc-a72d6af9-df3d.cloud.databricks.com`. */
  readonly hostname: string;
  readonly variables: { readonly catalog_name: string; readonly environment: string; readonly s3_bucket?: string };
  /**
   * The target's `catalog_managed_location`: for `sandbox` when the model has `sandbox.storage`,
   * `<url>/${workspace.current_user.short_name}`; otherwise none (the variable's empty default).
   */
  readonly managedLocation?: string;
}

export interface BundleFacts {
  readonly model: EnvironmentModel;
  /** Environment targets in file order, then `sandbox`. */
  readonly targets: readonly TargetFacts[];
  readonly target: (name: string) => TargetFacts | undefined;
  /** Environment key by lower-case host name, profile, catalog, principal display name, application ID. */
  readonly byHostname: ReadonlyMap<string, Environment>;
  readonly byProfile: ReadonlyMap<string, Environment>;
  readonly byCatalog: ReadonlyMap<string, Environment>;
  readonly byPrincipal: ReadonlyMap<string, Environment>;
  readonly byApplicationId: ReadonlyMap<string, Environment>;
  /** Application IDs by environment key, when the stacks' outputs were given. */
  readonly applicationIds?: ReadonlyMap<string, string>;
  /** Matches a catalog name of the sandbox pattern, with any user. */
  readonly sandboxCatalog: RegExp;
  /** Retired principals: names and application IDs, lower case. */
  readonly retired: readonly { readonly name: string; readonly applicationId: string }[];
}

/** `https://Host:443/path/` -> `host`; undefined when the text is not an http(s) URL or bare host name. */
export function hostnameOf(text: string): string | undefined {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.hostname === "" || url.username !== "" || url.password !== "") return undefined;
  // The URL parser lower-cases the host and drops a trailing dot only sometimes: do both.
  return url.hostname.toLowerCase().replace(/\.$/, "");
}

export function bundleFacts(model: EnvironmentModel, applicationIds?: ReadonlyMap<string, string>): BundleFacts {
  if (model.environments.some((e) => e.key === SANDBOX_TARGET)) {
    throw new BundleInputError(
      `${model.source}: environments.${SANDBOX_TARGET}: the bundle's developer target is named "${SANDBOX_TARGET}", so no environment can be. Fix: give the environment another key`,
    );
  }
  const key = (s: string) => s.trim().toLowerCase();
  const index = (f: (e: Environment) => string | undefined) =>
    new Map(model.environments.flatMap((e) => (f(e) === undefined ? [] : [[key(f(e)!), e] as const])));
  const targets: TargetFacts[] = model.environments.map((env) => ({
    name: env.key,
    environment: env,
    sandbox: false,
    hostname: hostnameOf(env.workspace.host)!,
    variables: { catalog_name: env.catalog.name, environment: env.key, ...(env.catalog.bucket ? { s3_bucket: env.catalog.bucket } : {}) },
  }));
  // The sandbox lives on the first environment's workspace (dev: developers read it, and the
  // model's deploy order starts there) and uses that environment's bucket.
  const first = model.environments[0];
  targets.push({
    name: SANDBOX_TARGET,
    environment: first,
    sandbox: true,
    hostname: hostnameOf(first.workspace.host)!,
    variables: {
      catalog_name: model.sandbox.catalogName.replace("{user}", CURRENT_USER),
      environment: SANDBOX_TARGET,
      ...(first.catalog.bucket ? { s3_bucket: first.catalog.bucket } : {}),
    },
    // `{user}` as in the catalog name: each developer under their own path (the load strips the
    // URL's trailing slashes).
    ...(model.sandbox.storage ? { managedLocation: `${model.sandbox.storage.url}/${CURRENT_USER}` } : {}),
  });
  const byName = new Map(targets.map((t) => [t.name, t]));
  // The model allows only [a-z0-9_] around `{user}`: nothing to escape.
  const pattern = model.sandbox.catalogName.replace("{user}", "[a-z0-9_]+");
  return {
    model,
    targets,
    target: (name) => byName.get(name),
    byHostname: new Map(model.environments.map((e) => [hostnameOf(e.workspace.host)!, e])),
    byProfile: index((e) => e.workspace.profile),
    byCatalog: index((e) => e.catalog.name),
    byPrincipal: index((e) => e.servicePrincipal),
    byApplicationId: new Map([...(applicationIds ?? new Map<string, string>())].map(([k, id]) => [id.toLowerCase(), model.environments.find((e) => e.key === k)!])),
    ...(applicationIds ? { applicationIds } : {}),
    sandboxCatalog: new RegExp(`^${pattern}$`),
    retired: model.legacyServicePrincipals.map((p) => ({ name: p.name.toLowerCase(), applicationId: p.applicationId.toLowerCase() })),
  };
}
