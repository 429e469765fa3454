import type { Construct } from "constructs";
import type { DesiredAccountStack } from "../lib/desired-state";
import { ModelStack, type ModelStackProps } from "../lib/constructs/independent-stack";
import { FederationPolicyBlock } from "../lib/resources/federation-policy";
import { PermissionAssignmentBlock } from "../lib/resources/permission-assignment";
import { ServicePrincipalLookupBlock } from "../lib/resources/service-principal-lookup";

/**
 * Account-level identity for CI, so that no job holds a secret: a federation policy per deploying
 * service principal, trusting only GitHub's tokens for this repository's job in that
 * environment's GitHub environment (whose required reviewers gate prod), and a policy for the
 * read-only principal that pull-request plans run as, trusting `pull_request` tokens only.
 *
 * The deploying principals are created by the workspace stacks and looked up here by display name;
 * the plan principal is made by hand and looked up by application ID (no cross-stack reference).
 * Bootstrap order (docs/ci-setup.md#bootstrapping-oidc): make the plan principal, apply the workspace
 * stacks once by hand, then this stack with an account admin's profile; CI takes over from there.
 */
export class AccountStack extends ModelStack<DesiredAccountStack> {
  constructor(scope: Construct, id: string, props: ModelStackProps<DesiredAccountStack>) {
    super(scope, id, props);
    const { desired } = props;
    const lookups = new Map<string, ServicePrincipalLookupBlock>();
    for (const env of desired.deployerLookups) lookups.set(env.key, new ServicePrincipalLookupBlock(this, `deployer-${env.key}`, { name: env.key, by: { displayName: env.servicePrincipal } }));
    // The plan principal is made by hand before anything else (docs/ci-setup.md#bootstrapping-oidc), so
    // the workspace stacks grant to its application ID without waiting for this stack.
    const plan = new ServicePrincipalLookupBlock(this, "plan-principal", { name: desired.planLookup.id, by: { applicationId: desired.planLookup.applicationId } });
    lookups.set(desired.planLookup.id, plan);

    for (const policy of desired.policies) {
      new FederationPolicyBlock(this, `policy-${policy.id}`, { id: policy.id, principal: lookups.get(policy.principal)!, subject: policy.subject, audience: desired.account.id, description: policy.description });
    }
    this.declareStateChanges();
    // The plan principal must be able to sign in to each workspace; with the workspace IDs known it
    // is assigned here, otherwise by hand (README).
    for (const a of desired.assignments) {
      new PermissionAssignmentBlock(this, `plan-workspace-${a.environment.key}`, { id: a.id, workspaceId: a.workspaceId, principal: plan, permissions: a.permissions });
    }
  }
}
