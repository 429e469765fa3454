/**
 * The desired state: everything each stack declares, worked out once from the validated model and
 * the rules of the permission model. The stacks render it (stacks/*.ts); the policy gate compares
 * the synthesized output with it in both directions (lib/gate); the reports and the live audit read
 * it. Nothing else decides which grant, owner, isolation mode, binding or import a stack has.
 *
 * Pure: the same model gives the same value, and no construct or file is touched.
 */
import { RULES, normalizePrivileges, privilegesOf, type AccessLevel, type SecurableType } from "./permissions";
import type { Account, Environment, EnvironmentModel, GitHub, Group, RemoteState, RetiredEnvironment } from "./model/types";
import { MANIFEST_FILE } from "./model/history";
import { ModelError, type ModelIssue } from "./model/errors";

/** The provider this project uses, pinned (the version @cdktf/provider-databricks 15.16.1 was generated for). */
export const PROVIDER = { localName: "databricks", source: "databricks/databricks", version: "1.99.0" } as const;
/**
 * The Terraform versions the output's features need (a stack's `terraform.required_version` is the
 * highest its features need, so an older terraform stops at `init` with a clear message instead of
 * failing halfway through a plan). CI pins 1.11.
 */
export const TERRAFORM_NEEDS = {
  /** cdktf 0.21's own minimum for the JSON it writes. */
  baseline: "1.2.0",
  /** `import` blocks (adopting existing catalogs, schemas, grants). */
  importBlocks: "1.5.0",
  /** `removed` blocks (forgetting a dropped catalog, schema or principal instead of destroying it). */
  removedBlocks: "1.7.0",
  /** The S3 backend's native locking, `use_lockfile`. */
  s3NativeLocking: "1.10.0",
} as const;

/**
 * Resource types that hold data or an identity: when one leaves the model Terraform must forget it
 * (a `removed` block with `destroy = false`), never destroy it. `prevent_destroy` cannot do this:
 * Terraform drops it together with the resource block, and then plans the destroy.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set(["databricks_catalog", "databricks_schema", "databricks_service_principal"]);

export const PROFILE_VARIABLE = "databricks_profile";
export const PROFILE_DESCRIPTION =
  'Databricks CLI profile for people; CI sets TF_VAR_databricks_profile="" and authenticates with DATABRICKS_* variables.';
/** GitHub's OIDC token issuer. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** Joins address parts; names are validated to use single underscores, so `__` is unambiguous. */
export function logicalId(...parts: readonly string[]): string {
  return parts.join("__");
}

/** Who a grant names. */
export type DesiredPrincipal =
  /** An account-level group, looked up in the stack (`data.databricks_group.<key>`), named by display name. */
  | { readonly kind: "group"; readonly group: Group }
  /** The stack's own deploying principal (`databricks_service_principal.<env>`), named by application ID. */
  | { readonly kind: "deployer"; readonly environment: Environment }
  /** A principal made by hand (the plan principal), named by its application ID from the model. */
  | { readonly kind: "existing"; readonly key: string; readonly name: string; readonly applicationId: string };

/** The address key of a principal's grants: `group_dev`, `sp_staging`, `sp_plan`. */
export function principalAddressKey(p: DesiredPrincipal): string {
  switch (p.kind) {
    case "group":
      return `group_${p.group.key}`;
    case "deployer":
      return `sp_${p.environment.key}`;
    case "existing":
      return `sp_${p.key}`;
  }
}

/** How reviewers, the allow-list and the audit name a principal: display name, or application ID. */
export function principalIdentity(p: DesiredPrincipal): { readonly kind: "group" | "service_principal"; readonly name: string } {
  switch (p.kind) {
    case "group":
      return { kind: "group", name: p.group.displayName };
    case "deployer":
      return { kind: "service_principal", name: p.environment.servicePrincipal };
    case "existing":
      return { kind: "service_principal", name: p.applicationId };
  }
}

export type DesiredSecurable =
  | { readonly type: "metastore"; readonly id: string }
  /** `local`: the stack's own catalog (named through its resource), else a literal name. */
  | { readonly type: "catalog"; readonly name: string; readonly local: boolean }
  /** Always by literal name: the stacks grant on schemas only for promotion, in another stack's catalog. */
  | { readonly type: "schema"; readonly catalog: string; readonly name: string }
  /** The sandboxes' managed storage (the model's sandbox.storage), by name. */
  | { readonly type: "external_location"; readonly name: string };

/** `metastore`, `catalog_dev`, `schema_dev__models`, `sandbox_storage` (one external location, whatever its name). */
export function securableAddress(s: DesiredSecurable): string {
  switch (s.type) {
    case "metastore":
      return "metastore";
    case "catalog":
      return `catalog_${s.name}`;
    case "schema":
      return logicalId(`schema_${s.catalog}`, s.name);
    case "external_location":
      return "sandbox_storage";
  }
}

/** The securable's full name: the metastore ID, `dev`, `dev.models`, the external location's name. */
export function securableName(s: DesiredSecurable): string {
  return s.type === "metastore" ? s.id : s.type === "schema" ? `${s.catalog}.${s.name}` : s.name;
}

export interface DesiredGrant {
  /** Logical ID (the part after `databricks_grant.`). */
  readonly id: string;
  readonly securable: DesiredSecurable;
  readonly principal: DesiredPrincipal;
  /** Sorted. */
  readonly privileges: readonly string[];
  /** The level the model names, when it names one. */
  readonly level?: AccessLevel;
  /** Why the model gives it, e.g. `access.dev.staging in environments.yaml`. */
  readonly source: string;
  /** Provider import ID when the grant already exists (adopted); else created. */
  readonly importId?: string;
}

export interface DesiredSchema {
  readonly id: string;
  readonly name: string;
  /**
   * Not set on an adopted schema, which means "keep the comment it has": the stack then ignores
   * changes to it (lifecycle.ignore_changes), since an optional attribute left out of the
   * configuration is planned as a removal (terraform-plugin-sdk v2, schema.go diffString).
   */
  readonly comment?: string;
  readonly importId?: string;
}

export interface DesiredCatalog {
  readonly id: string;
  readonly name: string;
  /**
   * Not set on an adopted catalog: the model does not state its comment, so the stack keeps the one
   * it has (lifecycle.ignore_changes = [comment]; without it the first plan would clear it: an
   * optional attribute left out is planned as a removal). README, "Migrating from the HCL stack".
   */
  readonly comment?: string;
  /**
   * ISOLATED when every workspace ID is known; otherwise not set, which means "keep": the provider
   * creates a new catalog OPEN and leaves an adopted catalog's mode as it is. One meaning everywhere.
   */
  readonly isolationMode?: "ISOLATED";
  /** The owner: the environment's deploying principal. */
  readonly owner: Environment;
  readonly storageRoot?: string;
  readonly importId?: string;
  readonly schemas: readonly DesiredSchema[];
}

export interface DesiredBinding {
  readonly id: string;
  readonly catalog: string;
  /** The promoting environment whose workspace may read the catalog. */
  readonly consumer: Environment;
  readonly workspaceId: number;
  readonly bindingType: "BINDING_TYPE_READ_ONLY";
}

export type DesiredBackend =
  | { readonly type: "local"; readonly stateFile: string }
  | { readonly type: "s3"; readonly bucket: string; readonly key: string; readonly region: string };

export interface DesiredOutput {
  readonly name: string;
  readonly description: string;
  /** A literal, or the stack's own deploying principal's application ID. */
  readonly value: { readonly literal: string } | { readonly deployerApplicationId: Environment };
}

/** A stateful object that left the model: its stack carries `removed { from, lifecycle { destroy = false } }`. */
export interface DesiredForget {
  readonly address: string;
  /** The object, as the address manifest recorded it (`schema dev.gold`). */
  readonly object: string;
  /** First forgotten by this model (not yet in the manifest's `forgotten`): synth warns about it. */
  readonly isNew: boolean;
}

interface StackBase {
  readonly name: string;
  readonly provider: { readonly host: string; readonly profile: string; readonly accountId?: string };
  readonly backend: DesiredBackend;
  /** Renamed addresses (the model's `moved`): each a `moved` block, to an address the stack declares. */
  readonly moves: readonly { readonly from: string; readonly to: string }[];
  /** Stateful objects that left the model, forgotten instead of destroyed (from the address manifest). */
  readonly forgets: readonly DesiredForget[];
  /** `terraform.required_version`, without the `>= ` (TERRAFORM_NEEDS). */
  readonly requiredVersion: string;
}

export interface DesiredWorkspaceStack extends StackBase {
  readonly kind: "workspace";
  readonly environment: Environment;
  /** Groups the stack grants to, in first-use order: each looked up once (`data.databricks_group.<key>`). */
  readonly groupLookups: readonly Group[];
  readonly catalog: DesiredCatalog;
  readonly grants: readonly DesiredGrant[];
  readonly bindings: readonly DesiredBinding[];
  readonly outputs: readonly DesiredOutput[];
}

export interface DesiredFederationPolicy {
  readonly id: string;
  /** The `data.databricks_service_principal` it is for. */
  readonly principal: string;
  readonly subject: string;
  readonly description: string;
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
  readonly assignments: readonly { readonly id: string; readonly environment: Environment; readonly workspaceId: number; readonly permissions: readonly ["USER"] }[];
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

export interface DesiredState {
  readonly model: EnvironmentModel;
  /** Workspace stacks in model order, then the account stack, then the retiring stacks. */
  readonly stacks: readonly DesiredStack[];
  /** Every grant of every stack, with the stack that declares it. */
  readonly grants: readonly { readonly stack: string; readonly grant: DesiredGrant }[];
  /** What synth says once besides the model's warnings: objects forgotten for the first time. */
  readonly warnings: readonly string[];
}

/** The OIDC subject of a GitHub Actions job that runs in a GitHub environment. */
export function environmentSubject(repository: string, githubEnvironment: string): string {
  return `repo:${repository}:environment:${githubEnvironment}`;
}

/** The OIDC subject of a GitHub Actions job triggered by a pull request. */
/** The branch every deploy runs from (deploy.yml's `push` trigger). */
export const DEPLOY_BRANCH = "main";

/** The OIDC subject of a GitHub Actions job of a push to a branch, outside any GitHub environment. */
export function branchSubject(repository: string, branch: string): string {
  return `repo:${repository}:ref:refs/heads/${branch}`;
}

export function pullRequestSubject(repository: string): string {
  return `repo:${repository}:pull_request`;
}

export function desiredState(model: EnvironmentModel): DesiredState {
  const live: DesiredStack[] = model.environments.map((env) => workspaceStack(model, env));
  if (model.account && model.github) live.push(accountStack(model, model.account, model.github));
  checkMoves(model, live);
  const renames = missingRenames(model, live);
  if (renames.length > 0) throw new ModelError(model.source, renames.map(renameIssue));
  const stacks = [...live.map((s) => withForgets(model, s)), ...model.retired.map((r) => retiringStack(model, r))];
  const grants = stacks.flatMap((s) => (s.kind === "workspace" ? s.grants.map((grant) => ({ stack: s.name, grant })) : []));
  return { model, stacks, grants, warnings: forgetWarnings(model, stacks) };
}

/** The highest version the stack's features need: S3 native locking, removed blocks, import blocks, else cdktf's minimum. */
function requiredVersionOf(backend: DesiredBackend, imports: boolean, removed = false): string {
  if (backend.type === "s3") return TERRAFORM_NEEDS.s3NativeLocking;
  if (removed) return TERRAFORM_NEEDS.removedBlocks;
  return imports ? TERRAFORM_NEEDS.importBlocks : TERRAFORM_NEEDS.baseline;
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
      id: logicalId(securableAddress(securable), principalAddressKey(principal)),
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
        id: logicalId(`catalog_${spec.name}`, `workspace_${consumer.key}`),
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
      id: logicalId(spec.name, name),
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
    id: logicalId("github", env.key),
    principal: env.key,
    subject: environmentSubject(github.repository, env.key),
    description: `GitHub Actions deploys of ${env.stackName} from ${github.repository} (GitHub environment ${env.key})`,
  }));
  policies.push({
    id: logicalId("github", "plan"),
    principal: "plan",
    subject: pullRequestSubject(github.repository),
    description: `GitHub Actions pull-request plans of ${github.repository} (read-only)`,
  });
  // The deploys plan before anyone approves, as the same read-only principal: their plan jobs run
  // on pushes to the deploy branch (no GitHub environment, so no approval gates the plan).
  policies.push({
    id: logicalId("github", "plan", "deploy"),
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
      env.workspace.id === undefined ? [] : [{ id: logicalId("plan", `workspace_${env.key}`), environment: env, workspaceId: env.workspace.id, permissions: ["USER"] as const }],
    ),
  };
}

/**
 * Every address a stack declares (resources and data sources) and the object it stands for, in the
 * words the address manifest records: `catalog dev`, `schema dev.models`, `service principal
 * ml-pipelines-dev-service-principal`, `grant on catalog dev to group Databricks - Dev`. Two
 * addresses with one object are one object renamed: it needs a `moved` block.
 */
export function stackObjects(stack: DesiredStack): Map<string, string> {
  const out = new Map<string, string>();
  if (stack.kind === "retiring") return out;
  if (stack.kind === "account") {
    const sp = (key: string) => (key === stack.planLookup.id ? `service principal ${stack.planLookup.applicationId}` : `service principal ${stack.deployerLookups.find((e) => e.key === key)!.servicePrincipal}`);
    for (const p of stack.policies) out.set(`databricks_service_principal_federation_policy.${p.id}`, `federation policy of ${sp(p.principal)} for ${p.subject}`);
    for (const a of stack.assignments) out.set(`databricks_mws_permission_assignment.${a.id}`, `workspace ${a.workspaceId} assignment of ${sp(stack.planLookup.id)}`);
    for (const e of stack.deployerLookups) out.set(`data.databricks_service_principal.${e.key}`, `lookup of ${sp(e.key)}`);
    out.set(`data.databricks_service_principal.${stack.planLookup.id}`, `lookup of ${sp(stack.planLookup.id)}`);
    return out;
  }
  out.set(`databricks_service_principal.${stack.environment.key}`, `service principal ${stack.environment.servicePrincipal}`);
  out.set(`databricks_catalog.${stack.catalog.id}`, `catalog ${stack.catalog.name}`);
  for (const s of stack.catalog.schemas) out.set(`databricks_schema.${s.id}`, `schema ${stack.catalog.name}.${s.name}`);
  for (const g of stack.grants) {
    const p = principalIdentity(g.principal);
    out.set(`databricks_grant.${g.id}`, `grant on ${g.securable.type} ${securableName(g.securable)} to ${p.kind === "group" ? "group" : "service principal"} ${p.name}`);
  }
  for (const b of stack.bindings) out.set(`databricks_workspace_binding.${b.id}`, `binding of catalog ${b.catalog} to workspace ${b.workspaceId}`);
  for (const g of stack.groupLookups) out.set(`data.databricks_group.${g.key}`, `lookup of group ${g.displayName}`);
  return out;
}

/** Every resource address a stack declares (not data sources: those are never moved). */
export function resourceAddresses(stack: DesiredStack): string[] {
  return [...stackObjects(stack).keys()].filter((a) => !a.startsWith("data."));
}

const typeOf = (address: string) => address.split(".")[0];

/**
 * Objects the address manifest recorded at one address that the model now declares at another,
 * without a `moved` entry: Terraform would destroy the old address (revoking a grant, deleting a
 * schema) and create the new. `npm run update` writes these renames into the model; everything
 * else refuses the model until they are there.
 */
export function missingRenames(model: EnvironmentModel, stacks: readonly DesiredStack[] = liveStacks(model)): { stack: string; from: string; to: string; object: string }[] {
  const out: { stack: string; from: string; to: string; object: string }[] = [];
  for (const stack of stacks) {
    const recorded = model.history?.[stack.name];
    if (!recorded) continue;
    const declared = stackObjects(stack);
    const movedFrom = new Set(stack.moves.map((m) => m.from));
    const byObject = new Map<string, string>();
    for (const [address, object] of declared) if (!address.startsWith("data.") && recorded.addresses[address] === undefined) byObject.set(`${typeOf(address)}\u0000${object}`, address);
    for (const [address, object] of Object.entries(recorded.addresses)) {
      if (object === "" || address.startsWith("data.") || declared.has(address) || movedFrom.has(address)) continue;
      const to = byObject.get(`${typeOf(address)}\u0000${object}`);
      if (to !== undefined) out.push({ stack: stack.name, from: address, to, object });
    }
  }
  return out;
}

function liveStacks(model: EnvironmentModel): DesiredStack[] {
  const stacks: DesiredStack[] = model.environments.map((env) => workspaceStack(model, env));
  if (model.account && model.github) stacks.push(accountStack(model, model.account, model.github));
  return stacks;
}

function renameIssue(r: { stack: string; from: string; to: string; object: string }): ModelIssue {
  return {
    path: `moved.${r.stack}`,
    problem: `${r.object} was recorded at ${r.from} (${MANIFEST_FILE}) and is now declared at ${r.to}; without a rename Terraform would destroy the old address and create the new one${r.from.startsWith("databricks_grant.") ? ", in no fixed order, so the privileges can end up revoked" : ""}`,
    fix: `run \`npm run update\`, which adds the rename, or add it by hand: moved: { ${r.stack}: { ${r.from}: ${r.to} } }`,
  };
}

/**
 * The stack with a `removed { destroy = false }` block for every catalog, schema and service
 * principal the manifest recorded in it (or already forgets) that the model no longer declares and
 * does not rename. One the model declares again is declared, not forgotten: it still exists, so
 * it must be adopted (imported), or creating it would fail.
 */
function withForgets(model: EnvironmentModel, stack: DesiredStack): DesiredStack {
  const recorded = model.history?.[stack.name];
  if (!recorded) return stack;
  const declared = stackObjects(stack);
  const movedFrom = new Set(stack.moves.map((m) => m.from));
  const issues: ModelIssue[] = [];
  const forgets: DesiredForget[] = [];
  const candidates = new Map<string, { object: string; isNew: boolean }>();
  for (const [address, object] of Object.entries(recorded.forgotten ?? {})) {
    // Only what holds data or an identity is ever forgotten: a grant, a binding or a federation
    // policy that leaves the model must be destroyed (revoked), or the access would stay, unmanaged,
    // while the diff reads "revoked". A manifest that says otherwise was not written by this project.
    if (!STATEFUL_TYPES.has(typeOf(address))) {
      issues.push({
        path: "",
        problem: `${MANIFEST_FILE} lists ${address} (${object}) under ${stack.name}'s forgotten, but only catalogs, schemas and service principals are ever forgotten: Terraform would stop managing the access instead of revoking it`,
        fix: `remove ${address} from ${stack.name}'s forgotten list in ${MANIFEST_FILE} (npm run update writes that list; it is never edited by hand but to drop an entry)`,
      });
      continue;
    }
    candidates.set(address, { object, isNew: false });
  }
  for (const [address, object] of Object.entries(recorded.addresses)) if (STATEFUL_TYPES.has(typeOf(address)) && !candidates.has(address)) candidates.set(address, { object, isNew: true });
  for (const [address, { object, isNew }] of [...candidates].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (movedFrom.has(address)) continue;
    if (!declared.has(address)) {
      forgets.push({ address, object: object || address, isNew });
      continue;
    }
    if (isNew || stack.kind !== "workspace") continue;
    // Forgotten earlier and declared again: the object was left in the workspace.
    const adopted =
      address === `databricks_catalog.${stack.catalog.id}` ? stack.catalog.importId !== undefined : stack.catalog.schemas.some((s) => address === `databricks_schema.${s.id}` && s.importId !== undefined);
    if (!adopted && typeOf(address) !== "databricks_service_principal") {
      const schema = stack.catalog.schemas.find((s) => address === `databricks_schema.${s.id}`);
      issues.push({
        path: schema ? `environments.${stack.environment.key}.catalog.schemas` : `environments.${stack.environment.key}.catalog`,
        problem: `${object || address} was forgotten by Terraform earlier (${MANIFEST_FILE}, ${stack.name} forgotten) and is still in the workspace, so creating it again would fail with "already exists"`,
        fix: schema
          ? `add ${schema.name} to environments.${stack.environment.key}.catalog.adopt.schemas (the stack then imports it); or drop it by hand first and remove ${address} from ${stack.name}'s forgotten list in ${MANIFEST_FILE}`
          : `set environments.${stack.environment.key}.catalog.adopt.catalog: true (the stack then imports it); or drop it by hand first and remove ${address} from ${stack.name}'s forgotten list in ${MANIFEST_FILE}`,
      });
    }
  }
  if (issues.length > 0) throw new ModelError(model.source, issues);
  if (forgets.length === 0) return stack;
  return { ...stack, forgets, requiredVersion: requiredVersionOf(stack.backend, false, true) };
}

/** A retired environment's stack: provider, backend and the forgets (README, "Renaming, dropping and retiring"). */
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

/** One warning per object the model forgets for the first time: what happens, and how to delete it if that was meant. */
function forgetWarnings(model: EnvironmentModel, stacks: readonly DesiredStack[]): string[] {
  const out: string[] = [];
  for (const stack of stacks) {
    for (const f of stack.forgets) {
      if (!f.isNew) continue;
      const [kind, name] = [f.object.split(" ")[0], f.object.split(" ").slice(1).join(" ")];
      const byHand =
        kind === "schema"
          ? `DROP SCHEMA ${name} (with CASCADE to drop its tables) as its owner`
          : kind === "catalog"
            ? `DROP CATALOG ${name} CASCADE as its owner`
            : `delete the service principal ${f.object.replace(/^service principal /, "")} in the account console`;
      out.push(
        `${model.source}: ${f.object} (${stack.name} ${f.address}) is no longer in the model: Terraform will forget it (a removed block with destroy = false), ` +
          `and it stays in the workspace with its data${kind === "service principal" ? " and memberships" : ""}; the grants the stack declared on or to it are revoked. ` +
          `If you meant to delete it, do it by hand after the deploy: ${byHand}. \`npm run update\` records the forget in ${MANIFEST_FILE}.`,
      );
    }
  }
  return out;
}

/**
 * A rename must land on an address the stack declares, and its old address must be gone: otherwise
 * the moved block would re-address state onto nothing (or onto a second resource).
 */
function checkMoves(model: EnvironmentModel, stacks: readonly DesiredStack[]): void {
  const issues: ModelIssue[] = [];
  for (const stack of stacks) {
    if (stack.moves.length === 0) continue;
    const declared = new Set(resourceAddresses(stack));
    for (const { from, to } of stack.moves) {
      const path = `moved.${stack.name}.${from}`;
      if (!declared.has(to)) issues.push({ path, problem: `moves to ${to}, which ${stack.name} does not declare`, fix: `name the new address as terraform plan shows it (e.g. ${[...declared].find((a) => a.startsWith(to.split(".")[0])) ?? [...declared][0]})`, value: to });
      if (declared.has(from)) issues.push({ path, problem: `moves from ${from}, which ${stack.name} still declares`, fix: "remove the rename: the old address still exists", value: from });
    }
  }
  if (issues.length > 0) throw new ModelError(model.source, issues);
}
