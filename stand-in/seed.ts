/**
 * The workspace before the first deploy, as the model describes it: what exists already and is
 * looked up or adopted, never what the stacks create. A pure function of the validated model.
 *
 * - the metastore, and every workspace by host (the model's numeric ID, or a made-up stable one
 *   when the model has none: a workspace always has an ID, the model just does not know it yet);
 * - the model's groups, at account level, assigned to every workspace (Okta SCIM made them);
 * - each catalog marked `adopt`, owned by the old HCL stack's principal (the first of
 *   `legacyServicePrincipals`, else the caller), with its adopted schemas and the grants of
 *   `adopt.groupGrants` (the privileges the model gives those groups there: adopting says they exist);
 * - the retired principals (`legacyServicePrincipals`), each with ALL_PRIVILEGES on every adopted
 *   catalog (the old single CI principal managed them);
 * - the plan principal (`github.planServicePrincipal`), made by hand before the first deploy;
 * - the sandboxes' external location when the model names one.
 */
import * as crypto from "crypto";
import type { EnvironmentModel } from "../lib/model/types";
import { WORKSPACE_FORMAT, type CatalogObject, type Grants, type WorkspaceFile } from "./workspace/types";

/** The user terraform runs as in a rehearsal (an account admin applying by hand, as the first deploy is). */
export const REHEARSAL_CALLER = "admin@example.com";
/** The accounts console when the model names no account. */
const DEFAULT_ACCOUNT_HOST = "https://accounts.cloud.databricks.com";
/** A fixed time, so that a seed is the same every time (milliseconds since the epoch: 2025-01-01). */
export const SEED_TIME = Date.UTC(2025, 0, 1);

/** A stable number of `digits` digits derived from `key` (IDs the model does not know). */
export function stableDigits(key: string, digits = 16): string {
  const hex = crypto.createHash("sha256").update(key).digest("hex");
  let out = "";
  for (let i = 0; out.length < digits; i++) out += (parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 10).toString();
  return out[0] === "0" ? `1${out.slice(1)}` : out;
}

/** A stable UUID derived from `key`. */
export function stableUuid(key: string): string {
  const h = crypto.createHash("sha256").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function seedWorkspace(model: EnvironmentModel): WorkspaceFile {
  const workspaces: WorkspaceFile["workspaces"] = {};
  for (const env of model.environments) {
    workspaces[env.workspace.host] = { id: env.workspace.id ?? Number(stableDigits(`workspace:${env.workspace.host}`, 15)), environment: env.key };
  }
  const allIds = Object.values(workspaces).map((w) => w.id);
  const groups: WorkspaceFile["groups"] = {};
  for (const g of model.groups) groups[g.displayName] = { id: stableDigits(`group:${g.displayName}`), workspaces: [...allIds] };

  const servicePrincipals: WorkspaceFile["servicePrincipals"] = {};
  const addPrincipal = (name: string, applicationId: string) => {
    servicePrincipals[stableDigits(`sp:${applicationId}`)] = { applicationId, displayName: name, active: true, entitlements: [], workspaces: [...allIds] };
  };
  for (const legacy of model.legacyServicePrincipals) addPrincipal(legacy.name, legacy.applicationId);
  if (model.github) addPrincipal(model.github.planServicePrincipal.name, model.github.planServicePrincipal.applicationId);

  const oldOwner = model.legacyServicePrincipals[0]?.applicationId ?? REHEARSAL_CALLER;
  const catalogs: WorkspaceFile["catalogs"] = {};
  for (const env of model.environments) {
    const spec = env.catalog;
    if (!spec.adopt.catalog) continue;
    const grants: Grants = {};
    for (const legacy of model.legacyServicePrincipals) grants[legacy.applicationId] = ["ALL_PRIVILEGES"];
    for (const key of spec.adopt.groupGrants) {
      const access = model.access.find((a) => a.group.key === key && a.environment.key === env.key);
      const group = model.groups.find((g) => g.key === key);
      if (group && access) grants[group.displayName] = [...access.privileges];
    }
    const catalog: CatalogObject = {
      owner: oldOwner,
      comment: `${env.key} catalog (made by the HCL stack)`,
      isolationMode: "OPEN",
      ...(spec.storageRoot !== undefined ? { storageRoot: spec.storageRoot } : {}),
      bindings: {},
      grants,
      schemas: {},
      createdAt: SEED_TIME,
      updatedAt: SEED_TIME,
    };
    for (const schema of spec.adopt.schemas) {
      catalog.schemas[schema] = { owner: oldOwner, schemaId: stableUuid(`schema:${spec.name}.${schema}`), grants: {}, tables: [] };
    }
    catalogs[spec.name] = catalog;
  }

  const externalLocations: WorkspaceFile["externalLocations"] = {};
  if (model.sandbox.storage) externalLocations[model.sandbox.storage.externalLocation] = { url: model.sandbox.storage.url, owner: REHEARSAL_CALLER, grants: {} };

  return {
    format: WORKSPACE_FORMAT,
    caller: REHEARSAL_CALLER,
    account: { id: model.account?.id ?? stableUuid(`account:${model.metastore.id}`), host: model.account?.host ?? DEFAULT_ACCOUNT_HOST },
    metastore: { id: model.metastore.id, name: "metastore", region: "us-east-1", owner: REHEARSAL_CALLER, grants: {} },
    workspaces,
    catalogs,
    externalLocations,
    groups,
    servicePrincipals,
    users: { [REHEARSAL_CALLER]: { id: stableDigits(`user:${REHEARSAL_CALLER}`) } },
    federationPolicies: {},
    permissionAssignments: {},
    states: {},
  };
}
