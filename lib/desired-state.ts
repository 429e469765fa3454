/**
 * The desired state: everything each stack declares, worked out once from the validated model and
 * the rules of the permission model. The stacks render it (stacks/*.ts); the policy gate compares
 * the synthesized output with it in both directions (lib/gate); the reports, the audit, the bundles
 * and the CI workflows read it. Nothing else decides which grant, owner, isolation mode, binding,
 * host or import a stack has; how each is written in Terraform is its resource module's
 * (lib/resources/), what the address manifest adds (renames, forgets) is lib/address-history.ts.
 *
 * Pure: the same model gives the same value, and no construct or file is touched.
 */
import { RULES, normalizePrivileges, privilegesOf, type AccessLevel, type SecurableType } from "./permissions";
import type { Account, Environment, EnvironmentModel, GitHub, Group, RemoteState, RetiredEnvironment } from "./model/types";
import { ModelError } from "./model/errors";
import { MANIFEST_FILE } from "./model/history";
import { checkMoves, forgetWarnings, missingRenamesIn, renameIssue, withForgets } from "./address-history";
import { requiredVersionOf, type DesiredBackend } from "./resources/backend";
import type { DesiredCatalog } from "./resources/catalog";
import { schemaId } from "./resources/schema";
import { branchSubject, environmentSubject, federationPolicyId, pullRequestSubject, type DesiredFederationPolicy } from "./resources/federation-policy";
import { grantId, securableName, type DesiredGrant, type DesiredSecurable } from "./resources/grant";
import { permissionAssignmentId, type DesiredAssignment } from "./resources/permission-assignment";
import type { DesiredPrincipal } from "./resources/principal";
import type { DesiredProvider } from "./resources/provider";
import type { DesiredForget, DesiredMove } from "./resources/state-blocks";
import type { DesiredOutput } from "./resources/outputs";
import { workspaceBindingId, type DesiredBinding } from "./resources/workspace-binding";

interface StackBase {
  readonly name: string;
  readonly provider: DesiredProvider;
  readonly backend: DesiredBackend;
  /** Renamed addresses (the model's `moved`): each a `moved` block, to an address the stack declares. */
  readonly moves: readonly DesiredMove[];
  /** Stateful objects that left the model, forgotten instead of destroyed (from the address manifest). */
  readonly forgets: readonly DesiredForget[];
  /** `terraform.required_version`, without the `>= ` (TERRAFORM_NEEDS). */
  readonly requiredVersion: string;
}

export interface DesiredWorkspaceStack extends StackBase {
  readonly kind: "workspace";
  readonly environment: Environment;
  /** The environment's bucket (its stack's `bucket` output, the bundle's s3_bucket). */
  readonly bucket?: string;
  /**
   * The storage that is this environment's (lower case, no trailing slash): `s3://<bucket>`, its
   * catalog's storage root. What is under it (external locations, their credentials) the audit
   * expects owned by the environment's principal or the administrators.
   */
  readonly storage: readonly string[];
  /** Groups the stack grants to, in first-use order: each looked up once (`data.databricks_group.<key>`). */
  readonly groupLookups: readonly Group[];
  readonly catalog: DesiredCatalog;
  readonly grants: readonly DesiredGrant[];
  readonly bindings: readonly DesiredBinding[];
  readonly outputs: readonly DesiredOutput[];
}

export interface DesiredAccountStack extends StackBase {
  readonly kind: "account";
  readonly account: Account;
  readonly github: GitHub;
  /** Deployers looked up by display name (`data.databricks_service_principal.<env>`). */
  readonly deployerLookups: readonly Environment[];
  /** The plan principal, looked up by application ID (`data.databricks_service_principal.plan`). */
  readonly planLookup: { readonly id: "plan"; readonly applicationId: string };
  readonly policies: readonly DesiredFederationPolicy[];
  /** The plan principal's USER assignment to each workspace with a known ID. */
  readonly assignments: readonly DesiredAssignment[];
}

/**
 * A retired environment's stack (`retired.<key>`): its provider and backend, and nothing but the
 * `removed` blocks that make Terraform forget its catalog, schemas and service principal. Whatever
 * else its state holds (grants, bindings) is no longer declared, so the apply destroys it: access
 * is revoked, no data is deleted.
 */
export interface DesiredRetiringStack extends StackBase {
  readonly kind: "retiring";
  readonly environment: RetiredEnvironment;
}

export type DesiredStack = DesiredWorkspaceStack | DesiredAccountStack | DesiredRetiringStack;

/**
 * Production (the model's `production`, else the environment keyed prod, else the last one): the
 * PROD marks of the grants diff, the deploy summary and the audit follow it.
 */
export interface DesiredProduction {
  /** The environment's key. */
  readonly environment: string;
  readonly stack: string;
  readonly catalog: string;
  readonly workspaceId?: number;
  /** Whose sign-in is production's: the production deployer (display name) and the plan principal (application ID), which reads every catalog. */
  readonly principals: readonly string[];
}

/** The developers' sandboxes: catalogs they create on the metastore, owned by themselves. */
export interface DesiredSandbox {
  /** The catalog name pattern, with `{user}` (the developer's short name). */
  readonly catalogPattern: string;
  /** The environment whose workspace the sandboxes use: the first (developers read it; deploys start there). */
  readonly environment: Environment;
  /**
   * Groups (display names) the model gives ALL_PRIVILEGES on every environment's catalog (the
   * administrators): they may hold grants on anyone's sandbox and own storage.
   */
  readonly admins: readonly string[];
  /** Where sandboxes keep their managed storage, when the model says (sandbox.storage). */
  readonly storage?: { readonly url: string; readonly externalLocation: string };
}

export interface DesiredState {
  readonly model: EnvironmentModel;
  readonly production: DesiredProduction;
  /** The shared metastore, and the environment whose stack declares its grants (and reads it in the audit). */
  readonly metastore: { readonly id: string; readonly grantsFrom: Environment };
  readonly sandbox: DesiredSandbox;
  /** Workspace stacks in model order, then the account stack, then the retiring stacks. */
  readonly stacks: readonly DesiredStack[];
  /** Every grant of every stack, with the stack that declares it. */
  readonly grants: readonly { readonly stack: string; readonly grant: DesiredGrant }[];
  /** What synth says once besides the model's warnings: objects forgotten for the first time. */
  readonly warnings: readonly string[];
}

/** The branch every deploy runs from (deploy.yml's `push` trigger): its plan jobs run as the plan principal. */
export const DEPLOY_BRANCH = "main";

export function desiredState(model: EnvironmentModel): DesiredState {
  const live = liveStacks(model);
  checkMoves(model, live);
  const renames = missingRenamesIn(model, live);
  if (renames.length > 0) throw new ModelError(model.source, renames.map(renameIssue));
  const stacks = [...live.map((s) => withForgets(model, s)), ...model.retired.map((r) => retiringStack(model, r))];
  const grants = stacks.flatMap((s) => (s.kind === "workspace" ? s.grants.map((grant) => ({ stack: s.name, grant })) : []));
  return {
    model,
    production: productionOf(model),
    metastore: { id: model.metastore.id, grantsFrom: model.metastore.grantsFrom },
    sandbox: sandboxOf(model),
    stacks,
    grants,
    warnings: forgetWarnings(model, stacks),
  };
}

/** The sandboxes: their pattern, workspace, administrators and storage. */
function sandboxOf(model: EnvironmentModel): DesiredSandbox {
  const all = new Set(model.access.filter((a) => a.privileges.includes("ALL_PRIVILEGES")).map((a) => `${a.group.key}\u0000${a.environment.key}`));
  const admins = model.groups.filter((g) => model.environments.every((env) => all.has(`${g.key}\u0000${env.key}`))).map((g) => g.displayName);
  return {
    catalogPattern: model.sandbox.catalogName,
    environment: model.environments[0],
    admins,
    ...(model.sandbox.storage ? { storage: { url: model.sandbox.storage.url, externalLocation: model.sandbox.storage.externalLocation } } : {}),
  };
}

/** Which environment is production, and what that makes production's. */
export function productionOf(model: EnvironmentModel): DesiredProduction {
  const env = model.production;
  return {
    environment: env.key,
    stack: env.stackName,
    catalog: env.catalog.name,
    ...(env.workspace.id !== undefined ? { workspaceId: env.workspace.id } : {}),
    principals: [env.servicePrincipal, ...(model.github ? [model.github.planServicePrincipal.applicationId] : [])],
  };
}

/**
 * Objects the address manifest recorded at one address that the model now declares at another,
 * without a `moved` entry (lib/address-history.ts): `npm run update` writes these renames into the
 * model; everything else refuses the model until they are there.
 */
export function missingRenames(model: EnvironmentModel, stacks: readonly DesiredStack[] = liveStacks(model)): { stack: string; from: string; to: string; object: string }[] {
  return missingRenamesIn(model, stacks);
}

/** The stacks of the live environments (and the account stack), before the manifest's forgets. */
function liveStacks(model: EnvironmentModel): DesiredStack[] {
  const stacks: DesiredStack[] = model.environments.map((env) => workspaceStack(model, env));
  if (model.account && model.github) stacks.push(accountStack(model, model.account, model.github));
  return stacks;
}

function backendOf(state: RemoteState | undefined, stackName: string): DesiredBackend {
  if (!state) return { type: "local", stateFile: `terraform.${stackName}.tfstate` };
  return { type: "s3", bucket: state.bucket, key: stateKey(state, stackName), region: state.region };
}

/** The state object key of a stack. */
export function stateKey(state: RemoteState, stackName: string): string {
  return state.key.replace("{stack}", stackName);
}

function workspaceStack(model: EnvironmentModel, env: Environment): DesiredWorkspaceStack {
  const file = model.source;
  const spec = env.catalog;
  const grants: DesiredGrant[] = [];
  const groupLookups: Group[] = [];
  const lookedUp = new Set<string>();
  const deployer: DesiredPrincipal = { kind: "deployer", environment: env };
  const adoptedGroups = new Set(spec.adopt.groupGrants);

  const grant = (securable: DesiredSecurable, principal: DesiredPrincipal, privileges: readonly string[] | undefined, source: string, level?: AccessLevel) => {
    // privilegesOf() is undefined only for a rule that does not apply to the securable: a bug.
    if (!privileges || privileges.length === 0) throw new Error(`desired state: ${source} gives no privileges on a ${securable.type}`);
    if (principal.kind === "group" && !lookedUp.has(principal.group.key)) {
      lookedUp.add(principal.group.key);
      groupLookups.push(principal.group);
    }
    const adopted = principal.kind === "group" && securable.type === "catalog" && securable.local && adoptedGroups.has(principal.group.key);
    grants.push({
      id: grantId(securable, principal),
      securable,
      principal,
      privileges: normalizePrivileges(privileges),
      ...(level !== undefined ? { level } : {}),
      source,
      ...(adopted && principal.kind === "group" ? { importId: `${securable.type}/${securableName(securable)}/${principal.group.displayName}` } : {}),
    });
  };
  const level = (l: AccessLevel, type: SecurableType) => privilegesOf(l, type);

  const own: DesiredSecurable = { type: "catalog", name: spec.name, local: true };
  grant(own, deployer, level(RULES.servicePrincipalOwnCatalog, "catalog"), `rule servicePrincipalOwnCatalog (${RULES.servicePrincipalOwnCatalog}) for environments.${env.key}`, RULES.servicePrincipalOwnCatalog);
  for (const access of model.access) {
    if (access.environment.key !== env.key) continue;
    grant(own, { kind: "group", group: access.group }, access.privileges, `access.${access.group.key}.${env.key} in ${file}`, access.level);
  }
  if (model.github) {
    const plan = model.github.planServicePrincipal;
    grant(
      own,
      { kind: "existing", key: "plan", name: plan.name, applicationId: plan.applicationId },
      level(RULES.planPrincipalCatalog, "catalog"),
      `rule planPrincipalCatalog (${RULES.planPrincipalCatalog}) for github.planServicePrincipal (${plan.name}) in ${file}`,
      RULES.planPrincipalCatalog,
    );
  }

  // Later environments copy models out of this catalog: an ISOLATED catalog is bound read-only to
  // their workspaces (never to its own: that binding breaks destroy).
  const bindings: DesiredBinding[] = [];
  if (model.isolated) {
    for (const consumer of model.environments) {
      if (consumer.promotion?.from.key !== env.key) continue;
      bindings.push({
        id: workspaceBindingId(spec.name, consumer.key),
        catalog: spec.name,
        consumer,
        workspaceId: consumer.workspace.id!,
        bindingType: "BINDING_TYPE_READ_ONLY",
      });
    }
  }

  // Promotion without retraining: the consuming stack owns its principal, so it declares its read
  // access to the source catalog and schema, by literal name (no cross-stack reference).
  if (env.promotion) {
    const from = env.promotion.from.catalog.name;
    const why = `environments.${env.key}.promotion in ${file}`;
    grant({ type: "catalog", name: from, local: false }, deployer, level(RULES.promotionSourceCatalog, "catalog"), why, RULES.promotionSourceCatalog);
    grant({ type: "schema", catalog: from, name: env.promotion.schema }, deployer, level(RULES.promotionSourceSchema, "schema"), why, RULES.promotionSourceSchema);
  }

  if (model.metastore.grantsFrom.key === env.key) {
    for (const creator of model.sandbox.creators) {
      grant({ type: "metastore", id: model.metastore.id }, { kind: "group", group: creator }, level(RULES.sandboxCreators, "metastore"), `sandbox.creators in ${file}`, RULES.sandboxCreators);
    }
    // Without a metastore storage root, CREATE CATALOG needs a managed location on an external
    // location where the creator holds CREATE_MANAGED_STORAGE, and only that.
    const storage = model.sandbox.storage;
    for (const creator of storage ? model.sandbox.creators : []) {
      grant({ type: "external_location", name: storage!.externalLocation }, { kind: "group", group: creator }, level(RULES.sandboxStorage, "external_location"), `sandbox.storage in ${file}`, RULES.sandboxStorage);
    }
  }

  const catalog: DesiredCatalog = {
    id: spec.name,
    name: spec.name,
    ...(spec.adopt.catalog ? {} : { comment: `${env.key} environment catalog; managed by Terraform (uc-env-isolation)` }),
    ...(model.isolated ? { isolationMode: "ISOLATED" as const } : {}),
    owner: env,
    ...(spec.storageRoot !== undefined ? { storageRoot: spec.storageRoot } : {}),
    ...(spec.adopt.catalog ? { importId: spec.name } : {}),
    schemas: spec.schemas.map((name) => ({
      id: schemaId(spec.name, name),
      name,
      ...(spec.adopt.schemas.includes(name) ? {} : { comment: `${env.key} ${name}; managed by Terraform (uc-env-isolation)` }),
      ...(spec.adopt.schemas.includes(name) ? { importId: `${spec.name}.${name}` } : {}),
    })),
  };

  const backend = backendOf(model.state, env.stackName);
  const outputs: DesiredOutput[] = [
    { name: "workspace_host", value: { literal: env.workspace.host }, description: "The workspace this stack deploys to." },
    { name: "catalog_name", value: { literal: spec.name }, description: "The environment's catalog (the bundle's catalog_name)." },
    { name: "service_principal_application_id", value: { deployerApplicationId: env }, description: "CI's DATABRICKS_CLIENT_ID for this environment." },
  ];
  if (spec.bucket) outputs.push({ name: "bucket", value: { literal: spec.bucket }, description: "The environment's bucket (the bundle's s3_bucket)." });

  return {
    kind: "workspace",
    name: env.stackName,
    environment: env,
    ...(spec.bucket ? { bucket: spec.bucket } : {}),
    storage: [...(spec.bucket ? [`s3://${spec.bucket.toLowerCase()}`] : []), ...(spec.storageRoot ? [spec.storageRoot.toLowerCase().replace(/\/+$/, "")] : [])],
    provider: { host: env.workspace.host, profile: env.workspace.profile },
    backend,
    requiredVersion: requiredVersionOf(backend, catalog.importId !== undefined || catalog.schemas.some((s) => s.importId !== undefined) || grants.some((g) => g.importId !== undefined)),
    groupLookups,
    catalog,
    grants,
    bindings,
    outputs,
    moves: model.moved[env.stackName] ?? [],
    forgets: [],
  };
}

function accountStack(model: EnvironmentModel, account: Account, github: GitHub): DesiredAccountStack {
  const backend = backendOf(model.state, account.stackName);
  const policies: DesiredFederationPolicy[] = model.environments.map((env) => ({
    id: federationPolicyId(env.key),
    principal: env.key,
    subject: environmentSubject(github.repository, env.key),
    description: `GitHub Actions deploys of ${env.stackName} from ${github.repository} (GitHub environment ${env.key})`,
  }));
  policies.push({
    id: federationPolicyId("plan"),
    principal: "plan",
    subject: pullRequestSubject(github.repository),
    description: `GitHub Actions pull-request plans of ${github.repository} (read-only)`,
  });
  // The deploys plan before anyone approves, as the same read-only principal: their plan jobs run
  // on pushes to the deploy branch (no GitHub environment, so no approval gates the plan).
  policies.push({
    id: federationPolicyId("plan", "deploy"),
    principal: "plan",
    subject: branchSubject(github.repository, DEPLOY_BRANCH),
    description: `GitHub Actions deploy plans of ${github.repository} on ${DEPLOY_BRANCH} (read-only)`,
  });
  return {
    kind: "account",
    name: account.stackName,
    provider: { host: account.host, profile: account.profile, accountId: account.id },
    backend,
    requiredVersion: requiredVersionOf(backend, false),
    account,
    github,
    deployerLookups: model.environments,
    planLookup: { id: "plan", applicationId: github.planServicePrincipal.applicationId },
    policies,
    moves: model.moved[account.stackName] ?? [],
    forgets: [],
    assignments: model.environments.flatMap((env) =>
      env.workspace.id === undefined ? [] : [{ id: permissionAssignmentId("plan", env.key), environment: env, workspaceId: env.workspace.id, permissions: ["USER"] as const }],
    ),
  };
}

/** A retired environment's stack: provider, backend and the forgets (docs/renaming-and-retiring.md). */
function retiringStack(model: EnvironmentModel, env: RetiredEnvironment): DesiredRetiringStack {
  const recorded = model.history?.[env.stackName];
  if (!recorded) {
    throw new ModelError(model.source, [
      {
        path: `retired.${env.key}`,
        problem: `${MANIFEST_FILE} beside the model has no record of stack ${env.stackName}, so what its state holds (the catalog, schemas and principal to forget) is unknown; a stack without that record would destroy them`,
        fix: `retire it from a checkout whose ${MANIFEST_FILE} still lists ${env.stackName} (the commit before the environment was deleted), or restore its entry from git history`,
      },
    ]);
  }
  const backend = backendOf(model.state, env.stackName);
  const stack: DesiredRetiringStack = {
    kind: "retiring",
    name: env.stackName,
    environment: env,
    provider: { host: env.workspace.host, profile: env.workspace.profile },
    backend,
    moves: [],
    forgets: [],
    requiredVersion: requiredVersionOf(backend, false, true),
  };
  return withForgets(model, stack) as DesiredRetiringStack;
}

