import { Construct } from "constructs";
import { TerraformStack, Token } from "cdktf";
import { DataDatabricksServicePrincipal } from "@cdktf/provider-databricks/lib/data-databricks-service-principal";
import { ServicePrincipalFederationPolicy } from "@cdktf/provider-databricks/lib/service-principal-federation-policy";
import { MwsPermissionAssignment } from "@cdktf/provider-databricks/lib/mws-permission-assignment";
import type { Account, EnvironmentModel, GitHub } from "../lib/model/types";
import { logicalId } from "../lib/constructs/address";
import { configureStateBackend } from "../lib/constructs/state-backend";
import { TargetProvider } from "../lib/constructs/target-provider";

/** GitHub's OIDC token issuer. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

export interface AccountStackProps {
  readonly model: EnvironmentModel;
  readonly account: Account;
  readonly github: GitHub;
  /**
   * Local state file (when the model has no remote state), relative to the stack's working directory.
   * @default - `terraform.<stack>.tfstate` in the current directory, as an absolute path
   */
  readonly localStatePath?: string;
}

/** The OIDC subject of a GitHub Actions job that runs in a GitHub environment. */
export function environmentSubject(repository: string, githubEnvironment: string): string {
  return `repo:${repository}:environment:${githubEnvironment}`;
}

/** The OIDC subject of a GitHub Actions job triggered by a pull request. */
export function pullRequestSubject(repository: string): string {
  return `repo:${repository}:pull_request`;
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
export class AccountStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id);
    const { model, account, github } = props;
    configureStateBackend(this, model.state, props.localStatePath);

    new TargetProvider(this, "provider", { host: account.host, profile: account.profile, accountId: account.id });

    const policy = (key: string, servicePrincipalId: number, subject: string, description: string) => {
      const p = new ServicePrincipalFederationPolicy(this, `policy-${key}`, {
        servicePrincipalId,
        description,
        oidcPolicy: { issuer: GITHUB_ISSUER, subject, audiences: [account.id] },
      });
      p.overrideLogicalId(logicalId("github", key));
      return p;
    };

    for (const env of model.environments) {
      const sp = new DataDatabricksServicePrincipal(this, `deployer-${env.key}`, { displayName: env.servicePrincipal });
      sp.overrideLogicalId(env.key);
      policy(
        env.key,
        Token.asNumber(sp.spId),
        environmentSubject(github.repository, env.key),
        `GitHub Actions deploys of ${env.stackName} from ${github.repository} (GitHub environment ${env.key})`,
      );
    }

    // The plan principal is made by hand before anything else (README, "Continuous delivery"), so
    // the workspace stacks grant to its application ID without waiting for this stack.
    const plan = new DataDatabricksServicePrincipal(this, "plan-principal", { applicationId: github.planServicePrincipal.applicationId });
    plan.overrideLogicalId("plan");
    policy("plan", Token.asNumber(plan.spId), pullRequestSubject(github.repository), `GitHub Actions pull-request plans of ${github.repository} (read-only)`);
    // The plan principal must be able to sign in to each workspace; with the workspace IDs known it
    // is assigned here, otherwise by hand (README).
    for (const env of model.environments) {
      if (env.workspace.id === undefined) continue;
      const assignment = new MwsPermissionAssignment(this, `plan-workspace-${env.key}`, {
        workspaceId: env.workspace.id,
        principalId: Token.asNumber(plan.spId),
        permissions: ["USER"],
      });
      assignment.overrideLogicalId(logicalId("plan", `workspace_${env.key}`));
    }
  }
}
