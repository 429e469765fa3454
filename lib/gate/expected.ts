/**
 * The desired state written as the Terraform JSON that each stack must be, block for block and
 * attribute for attribute: the gate's reference. It is written here from the desired state, not
 * taken from the constructs, so a construct (or a hand edit) that adds, drops or changes anything
 * shows up as a difference. Extending the project with a resource type or attribute means
 * extending this file in the same change, reviewed.
 */
import * as path from "path";
import {
  GITHUB_ISSUER,
  PROFILE_DESCRIPTION,
  PROFILE_VARIABLE,
  PROVIDER,
  type DesiredAccountStack,
  type DesiredPrincipal,
  type DesiredRetiringStack,
  type DesiredStack,
  type DesiredWorkspaceStack,
} from "../desired-state";

/** Where the stack being checked was read from, for values that depend on it. */
export interface MatchContext {
  /** The stack's directory, when read from disk. */
  readonly stackDir?: string;
}

/** A value the output must match that is not one literal (the local state path). */
export class Matcher {
  constructor(
    readonly describe: string,
    readonly test: (value: unknown, context: MatchContext) => boolean,
  ) {}
}

export type Expected = string | number | boolean | null | Matcher | readonly Expected[] | { readonly [key: string]: Expected };

export type ExpectedStack = { readonly [topLevel: string]: Expected };

const ref = (address: string, attribute: string) => `\${${address}.${attribute}}`;

/**
 * The local state path: the stack's own `terraform.<stack>.tfstate` in the project directory, never
 * another file. Synth writes it relative to the stack's directory: `../../../<file>` for an output in
 * the project (`cdktf.out/stacks/<stack>`), or the way to the current directory for an output
 * written elsewhere. Read from disk, it must lead to the output's parent directory or the current
 * directory; in memory, it must be `../../../<file>`.
 */
export function localStatePathMatcher(stack: string): Matcher {
  const file = `terraform.${stack}.tfstate`;
  return new Matcher(`../../../${file} (the stack's own state file, in the project directory)`, (v, { stackDir }) => {
    if (typeof v !== "string" || path.isAbsolute(v) || path.basename(v) !== file) return false;
    if (stackDir === undefined) return v === `../../../${file}`;
    const resolved = path.resolve(stackDir, v);
    const outputParent = path.dirname(path.dirname(path.dirname(path.resolve(stackDir))));
    return resolved === path.join(outputParent, file) || resolved === path.resolve(file);
  });
}

function terraformBlock(stack: DesiredStack): Expected {
  const backend: { [type: string]: Expected } =
    stack.backend.type === "local"
      ? { local: { path: localStatePathMatcher(stack.name) } }
      : { s3: { bucket: stack.backend.bucket, encrypt: true, key: stack.backend.key, region: stack.backend.region, use_lockfile: true } };
  return {
    backend,
    required_providers: { [PROVIDER.localName]: { source: PROVIDER.source, version: PROVIDER.version } },
    required_version: `>= ${stack.requiredVersion}`,
  };
}

function common(stack: DesiredStack): { [key: string]: Expected } {
  return {
    terraform: terraformBlock(stack),
    provider: {
      [PROVIDER.localName]: [
        {
          ...(stack.provider.accountId !== undefined ? { account_id: stack.provider.accountId } : {}),
          host: stack.provider.host,
          profile: ref("var", PROFILE_VARIABLE),
        },
      ],
    },
    variable: { [PROFILE_VARIABLE]: { default: stack.provider.profile, description: PROFILE_DESCRIPTION, type: "string" } },
  };
}

function principalRef(p: DesiredPrincipal): string {
  switch (p.kind) {
    case "group":
      return ref(`data.databricks_group.${p.group.key}`, "display_name");
    case "deployer":
      return ref(`databricks_service_principal.${p.environment.key}`, "application_id");
    case "existing":
      return p.applicationId;
  }
}

function workspaceStack(stack: DesiredWorkspaceStack): ExpectedStack {
  const env = stack.environment;
  const c = stack.catalog;
  const catalogRef = ref(`databricks_catalog.${c.id}`, "name");
  const lifecycle = { prevent_destroy: true };
  /** An adopted catalog or schema keeps the comment it has: the model states none (desired-state.ts). */
  const lifecycleOf = (comment: string | undefined) => (comment !== undefined ? lifecycle : { ...lifecycle, ignore_changes: ["comment"] });
  const imports: { to: string; id: string }[] = [];

  const resource: { [type: string]: { [name: string]: Expected } } = {
    databricks_service_principal: { [env.key]: { display_name: env.servicePrincipal } },
    databricks_catalog: {
      [c.id]: {
        ...(c.comment !== undefined ? { comment: c.comment } : {}),
        ...(c.isolationMode !== undefined ? { isolation_mode: c.isolationMode } : {}),
        lifecycle: lifecycleOf(c.comment),
        name: c.name,
        owner: ref(`databricks_service_principal.${c.owner.key}`, "application_id"),
        ...(c.storageRoot !== undefined ? { storage_root: c.storageRoot } : {}),
      },
    },
    databricks_schema: {},
    databricks_grant: {},
  };
  if (c.importId !== undefined) imports.push({ to: `databricks_catalog.${c.id}`, id: c.importId });
  for (const s of c.schemas) {
    resource.databricks_schema[s.id] = { catalog_name: catalogRef, ...(s.comment !== undefined ? { comment: s.comment } : {}), lifecycle: lifecycleOf(s.comment), name: s.name };
    if (s.importId !== undefined) imports.push({ to: `databricks_schema.${s.id}`, id: s.importId });
  }
  for (const g of stack.grants) {
    const s = g.securable;
    const target: { [attr: string]: Expected } =
      s.type === "metastore"
        ? { metastore: s.id }
        : s.type === "catalog"
          ? { catalog: s.local ? catalogRef : s.name }
          : s.type === "schema"
            ? { schema: `${s.catalog}.${s.name}` }
            : { external_location: s.name };
    resource.databricks_grant[g.id] = { ...target, principal: principalRef(g.principal), privileges: [...g.privileges] };
    if (g.importId !== undefined) imports.push({ to: `databricks_grant.${g.id}`, id: g.importId });
  }
  if (stack.bindings.length > 0) {
    resource.databricks_workspace_binding = Object.fromEntries(
      stack.bindings.map((b) => [b.id, { binding_type: b.bindingType, securable_name: catalogRef, securable_type: "catalog", workspace_id: b.workspaceId }]),
    );
  }
  const out: { [key: string]: Expected } = {
    ...common(stack),
    resource,
    output: Object.fromEntries(
      stack.outputs.map((o) => [o.name, { description: o.description, value: "literal" in o.value ? o.value.literal : ref(`databricks_service_principal.${o.value.deployerApplicationId.key}`, "application_id") }]),
    ),
  };
  if (stack.groupLookups.length > 0) out.data = { databricks_group: Object.fromEntries(stack.groupLookups.map((g) => [g.key, { display_name: g.displayName }])) };
  if (imports.length > 0) out.import = imports;
  return { ...out, ...stateBlocks(stack) };
}

/** `moved` and `removed` blocks: the model's renames, and the stateful objects it forgets. */
function stateBlocks(stack: DesiredStack): { [key: string]: Expected } {
  return {
    ...(stack.moves.length > 0 ? { moved: stack.moves.map((m) => ({ from: m.from, to: m.to })) } : {}),
    ...(stack.forgets.length > 0 ? { removed: stack.forgets.map((f) => ({ from: f.address, lifecycle: { destroy: false } })) } : {}),
  };
}

/** A retired environment's stack: its provider and state, and what it forgets. */
function retiringStack(stack: DesiredRetiringStack): ExpectedStack {
  return { ...common(stack), ...stateBlocks(stack) };
}

function accountStack(stack: DesiredAccountStack): ExpectedStack {
  const spId = (key: string) => ref(`data.databricks_service_principal.${key}`, "sp_id");
  const resource: { [type: string]: { [name: string]: Expected } } = {
    databricks_service_principal_federation_policy: Object.fromEntries(
      stack.policies.map((p) => [
        p.id,
        { description: p.description, oidc_policy: { audiences: [stack.account.id], issuer: GITHUB_ISSUER, subject: p.subject }, service_principal_id: spId(p.principal) },
      ]),
    ),
  };
  if (stack.assignments.length > 0) {
    resource.databricks_mws_permission_assignment = Object.fromEntries(
      stack.assignments.map((a) => [a.id, { permissions: [...a.permissions], principal_id: spId(stack.planLookup.id), workspace_id: a.workspaceId }]),
    );
  }
  return {
    ...common(stack),
    ...stateBlocks(stack),
    data: {
      databricks_service_principal: {
        ...Object.fromEntries(stack.deployerLookups.map((env) => [env.key, { display_name: env.servicePrincipal }])),
        [stack.planLookup.id]: { application_id: stack.planLookup.applicationId },
      },
    },
    resource,
  };
}

export function expectedStack(stack: DesiredStack): ExpectedStack {
  return stack.kind === "workspace" ? workspaceStack(stack) : stack.kind === "account" ? accountStack(stack) : retiringStack(stack);
}
