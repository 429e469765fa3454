/**
 * What a bundle target must be, per target name, read from the desired state (each environment's
 * stack: its workspace, profile, catalog, bucket and principal; the sandboxes) and, once the stacks
 * are deployed, their outputs. Built once; the generator and every check rule look up here.
 */
import type { DesiredState } from "../desired-state";
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

export function bundleFacts(desired: DesiredState, applicationIds?: ReadonlyMap<string, string>): BundleFacts {
  const model = desired.model;
  const stacks = desired.stacks.flatMap((s) => (s.kind === "workspace" ? [s] : []));
  const environments = stacks.map((s) => s.environment);
  if (environments.some((e) => e.key === SANDBOX_TARGET)) {
    throw new BundleInputError(
      `${model.source}: environments.${SANDBOX_TARGET}: the bundle's developer target is named "${SANDBOX_TARGET}", so no environment can be. Fix: give the environment another key`,
    );
  }
  const key = (s: string) => s.trim().toLowerCase();
  const index = (f: (s: (typeof stacks)[number]) => string | undefined) =>
    new Map(stacks.flatMap((s) => (f(s) === undefined ? [] : [[key(f(s)!), s.environment] as const])));
  const targets: TargetFacts[] = stacks.map((s) => ({
    name: s.environment.key,
    environment: s.environment,
    sandbox: false,
    hostname: hostnameOf(s.provider.host)!,
    variables: { catalog_name: s.catalog.name, environment: s.environment.key, ...(s.bucket ? { s3_bucket: s.bucket } : {}) },
  }));
  // The sandbox lives on its environment's workspace (the first: developers read it, and the
  // model's deploy order starts there) and uses that environment's bucket.
  const { sandbox } = desired;
  const first = stacks.find((s) => s.environment.key === sandbox.environment.key)!;
  targets.push({
    name: SANDBOX_TARGET,
    environment: first.environment,
    sandbox: true,
    hostname: hostnameOf(first.provider.host)!,
    variables: {
      catalog_name: sandbox.catalogPattern.replace("{user}", CURRENT_USER),
      environment: SANDBOX_TARGET,
      ...(first.bucket ? { s3_bucket: first.bucket } : {}),
    },
    // `{user}` as in the catalog name: each developer under their own path (the load strips the
    // URL's trailing slashes).
    ...(sandbox.storage ? { managedLocation: `${sandbox.storage.url}/${CURRENT_USER}` } : {}),
  });
  const byName = new Map(targets.map((t) => [t.name, t]));
  // The model allows only [a-z0-9_] around `{user}`: nothing to escape.
  const pattern = sandbox.catalogPattern.replace("{user}", "[a-z0-9_]+");
  return {
    model,
    targets,
    target: (name) => byName.get(name),
    byHostname: new Map(stacks.map((s) => [hostnameOf(s.provider.host)!, s.environment])),
    byProfile: index((s) => s.provider.profile),
    byCatalog: index((s) => s.catalog.name),
    byPrincipal: index((s) => s.environment.servicePrincipal),
    byApplicationId: new Map([...(applicationIds ?? new Map<string, string>())].map(([k, id]) => [id.toLowerCase(), environments.find((e) => e.key === k)!])),
    ...(applicationIds ? { applicationIds } : {}),
    sandboxCatalog: new RegExp(`^${pattern}$`),
    retired: model.legacyServicePrincipals.map((p) => ({ name: p.name.toLowerCase(), applicationId: p.applicationId.toLowerCase() })),
  };
}
