import { Construct } from "constructs";
import { DataDatabricksServicePrincipal, MwsPermissionAssignment, ServicePrincipalFederationPolicy, Token } from "../lib/cdk";
import { IndependentStack } from "../lib/constructs/independent-stack";
import { GITHUB_ISSUER, type DesiredAccountStack } from "../lib/desired-state";
import { configureStateBackend, requireTerraform } from "../lib/constructs/state-backend";
import { declareForgotten, declareMoved } from "../lib/constructs/state-blocks";
import { TargetProvider } from "../lib/constructs/target-provider";


export interface AccountStackProps {
  /** What this stack declares, from the desired state (lib/desired-state.ts). */
  readonly desired: DesiredAccountStack;
  /**
   * Local state file (when the model has no remote state), relative to the stack's working directory.
   * @default - `terraform.<stack>.tfstate` in the current directory, as an absolute path
   */
  readonly localStatePath?: string;
}

/**
 * Account-level identity for CI, so that no job holds a secret: a federation policy per deploying
 * service principal, trusting only GitHub's tokens for this repository's job in that
 * environment's GitHub environment (whose required reviewers gate prod), and a policy for the
 * read-only principal that pull-request plans run as, trusting `pull_request` tokens only.
 *
 * The deploying principals are created by the workspace stacks and looked up here by display name;
 * the plan principal is made by hand and looked up by application ID (no cross-stack reference).
 * Bootstrap order (README, "Continuous delivery"): make the plan principal, apply the workspace
 * stacks once by hand, then this stack with an account admin's profile; CI takes over from there.
 */
export class AccountStack extends IndependentStack {
  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id);
    const { desired } = props;
    configureStateBackend(this, desired.backend, props.localStatePath);
    requireTerraform(this, desired.requiredVersion);
    new TargetProvider(this, "provider", desired.provider);

    const lookups = new Map<string, DataDatabricksServicePrincipal>();
    for (const env of desired.deployerLookups) {
      const sp = new DataDatabricksServicePrincipal(this, `deployer-${env.key}`, { displayName: env.servicePrincipal });
      sp.overrideLogicalId(env.key);
      lookups.set(env.key, sp);
    }
    // The plan principal is made by hand before anything else (README, "Continuous delivery"), so
    // the workspace stacks grant to its application ID without waiting for this stack.
    const plan = new DataDatabricksServicePrincipal(this, "plan-principal", { applicationId: desired.planLookup.applicationId });
    plan.overrideLogicalId(desired.planLookup.id);
    lookups.set(desired.planLookup.id, plan);

    for (const policy of desired.policies) {
      const p = new ServicePrincipalFederationPolicy(this, `policy-${policy.id}`, {
        servicePrincipalId: Token.asNumber(lookups.get(policy.principal)!.spId),
        description: policy.description,
        oidcPolicy: { issuer: GITHUB_ISSUER, subject: policy.subject, audiences: [desired.account.id] },
      });
      p.overrideLogicalId(policy.id);
    }
    for (const move of desired.moves) declareMoved(this, move.from, move.to);
    for (const forget of desired.forgets) declareForgotten(this, forget.address);
    // The plan principal must be able to sign in to each workspace; with the workspace IDs known it
    // is assigned here, otherwise by hand (README).
    for (const assignment of desired.assignments) {
      const a = new MwsPermissionAssignment(this, `plan-workspace-${assignment.environment.key}`, {
        workspaceId: assignment.workspaceId,
        principalId: Token.asNumber(plan.spId),
        permissions: [...assignment.permissions],
      });
      a.overrideLogicalId(assignment.id);
    }
  }
}
