/**
 * The desired state written as the Terraform JSON that each stack must be, block for block and
 * attribute for attribute: the gate's reference. It is written from the desired state by each
 * resource module's expected JSON (lib/resources/), not taken from the constructs, so a construct
 * (or a hand edit) that adds, drops or changes anything shows up as a difference. Extending the
 * project with a resource type or attribute means extending its module and this file in the same
 * change, reviewed.
 */
import type { DesiredAccountStack, DesiredStack, DesiredWorkspaceStack } from "../desired-state";
import { expectedBackend, expectedRequiredVersion } from "../resources/backend";
import { catalogAddress, expectedCatalog } from "../resources/catalog";
import { expectedFederationPolicy } from "../resources/federation-policy";
import { expectedGrant, grantAddress } from "../resources/grant";
import { expectedGroupLookup } from "../resources/group-lookup";
import type { Expected, ExpectedBody } from "../resources/json";
import { expectedOutput } from "../resources/outputs";
import { expectedPermissionAssignment } from "../resources/permission-assignment";
import { PROFILE_VARIABLE, PROVIDER, expectedProfileVariable, expectedProvider, expectedRequiredProviders } from "../resources/provider";
import { expectedSchema, schemaAddress } from "../resources/schema";
import { expectedServicePrincipal } from "../resources/service-principal";
import { expectedServicePrincipalLookup } from "../resources/service-principal-lookup";
import { expectedStateBlocks, type DesiredImport } from "../resources/state-blocks";
import { expectedWorkspaceBinding } from "../resources/workspace-binding";

export { Matcher, type Expected, type MatchContext } from "../resources/json";
export { localStatePathMatcher } from "../resources/backend";

export type ExpectedStack = { readonly [topLevel: string]: Expected };

type Blocks = { [type: string]: { [name: string]: ExpectedBody } };

/** What every stack has: its state and Terraform version, its provider and the profile variable. */
function common(stack: DesiredStack): { [key: string]: Expected } {
  return {
    terraform: {
      backend: expectedBackend(stack.name, stack.backend),
      required_providers: expectedRequiredProviders(),
      required_version: expectedRequiredVersion(stack.requiredVersion),
    },
    provider: { [PROVIDER.localName]: [expectedProvider(stack.provider)] },
    variable: { [PROFILE_VARIABLE]: expectedProfileVariable(stack.provider) },
  };
}

function workspaceStack(stack: DesiredWorkspaceStack): ExpectedStack {
  const env = stack.environment;
  const c = stack.catalog;
  const imports: DesiredImport[] = [];
  const resource: Blocks = {
    databricks_service_principal: { [env.key]: expectedServicePrincipal(env) },
    databricks_catalog: { [c.id]: expectedCatalog(c) },
    databricks_schema: {},
    databricks_grant: {},
  };
  if (c.importId !== undefined) imports.push({ to: catalogAddress(c.id), id: c.importId });
  for (const s of c.schemas) {
    resource.databricks_schema[s.id] = expectedSchema(c.id, s);
    if (s.importId !== undefined) imports.push({ to: schemaAddress(s.id), id: s.importId });
  }
  for (const g of stack.grants) {
    resource.databricks_grant[g.id] = expectedGrant(g, c.id);
    if (g.importId !== undefined) imports.push({ to: grantAddress(g.id), id: g.importId });
  }
  if (stack.bindings.length > 0) resource.databricks_workspace_binding = Object.fromEntries(stack.bindings.map((b) => [b.id, expectedWorkspaceBinding(b, c.id)]));
  return {
    ...common(stack),
    resource,
    output: Object.fromEntries(stack.outputs.map((o) => [o.name, expectedOutput(o)])),
    ...(stack.groupLookups.length > 0 ? { data: { databricks_group: Object.fromEntries(stack.groupLookups.map((g) => [g.key, expectedGroupLookup(g)])) } } : {}),
    ...expectedStateBlocks(imports, stack.moves, stack.forgets),
  };
}

function accountStack(stack: DesiredAccountStack): ExpectedStack {
  const resource: Blocks = {
    databricks_service_principal_federation_policy: Object.fromEntries(stack.policies.map((p) => [p.id, expectedFederationPolicy(p, stack.account.id)])),
  };
  if (stack.assignments.length > 0) {
    resource.databricks_mws_permission_assignment = Object.fromEntries(stack.assignments.map((a) => [a.id, expectedPermissionAssignment(a, stack.planLookup.id)]));
  }
  return {
    ...common(stack),
    ...expectedStateBlocks([], stack.moves, stack.forgets),
    data: {
      databricks_service_principal: {
        ...Object.fromEntries(stack.deployerLookups.map((env) => [env.key, expectedServicePrincipalLookup({ displayName: env.servicePrincipal })])),
        [stack.planLookup.id]: expectedServicePrincipalLookup({ applicationId: stack.planLookup.applicationId }),
      },
    },
    resource,
  };
}

export function expectedStack(stack: DesiredStack): ExpectedStack {
  return stack.kind === "workspace" ? workspaceStack(stack) : stack.kind === "account" ? accountStack(stack) : { ...common(stack), ...expectedStateBlocks([], stack.moves, stack.forgets) };
}
