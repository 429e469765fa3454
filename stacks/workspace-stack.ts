import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { RULES } from "../lib/permissions";
import type { Environment, EnvironmentModel } from "../lib/model/types";
import { TargetProvider } from "../lib/constructs/target-provider";
import { GroupDirectory } from "../lib/constructs/groups";
import { EnvironmentServicePrincipal, existingServicePrincipal } from "../lib/constructs/service-principal";
import { GovernedCatalog } from "../lib/constructs/governed-catalog";
import { PromotionAccess } from "../lib/constructs/promotion-access";
import { SandboxCreators } from "../lib/constructs/sandbox-creators";
import { configureStateBackend } from "../lib/constructs/state-backend";

export interface WorkspaceStackProps {
  /** The validated environment model (lib/model/load.ts). */
  readonly model: EnvironmentModel;
  /** The environment this stack deploys; its workspace is the only one the stack changes. */
  readonly environment: Environment;
  /**
   * Local state file (when the model has no remote state), relative to the stack's working
   * directory (cdktf.out/stacks/<stack>).
   * @default - `terraform.<stack>.tfstate` in the current directory, as an absolute path
   */
  readonly localStatePath?: string;
}

/**
 * Everything one workspace owns: its provider, its service principal, its catalog with the grants
 * of the permission model, the bindings that let later environments read it for promotion, and
 * its own principal's read access to the environment it promotes from. No reference crosses to
 * another stack: what it needs of other environments comes from the model.
 */
export class WorkspaceStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: WorkspaceStackProps) {
    super(scope, id);
    const { model, environment: env } = props;

    configureStateBackend(this, model.state, props.localStatePath);
    new TargetProvider(this, "provider", { host: env.workspace.host, profile: env.workspace.profile });
    const groups = new GroupDirectory(this, "groups");
    const principal = new EnvironmentServicePrincipal(this, "service-principal", { environment: env });

    const catalog = new GovernedCatalog(this, "catalog", {
      spec: env.catalog,
      environmentKey: env.key,
      ...(model.isolated ? { isolationMode: "ISOLATED" as const } : {}),
      owner: principal,
    });
    catalog.grant(principal, RULES.servicePrincipalOwnCatalog);
    for (const access of model.access) {
      if (access.environment.key === env.key) catalog.grantPrivileges(groups.lookup(access.group), access.privileges);
    }

    // Pull-request plans run as a read-only principal (made by hand, trusted by the account stack's
    // federation policy): it may see the catalog's metadata to refresh state, nothing more.
    if (model.github) {
      catalog.grant(existingServicePrincipal("plan", model.github.planServicePrincipal.applicationId), RULES.planPrincipalCatalog);
    }

    // Later environments copy models out of this catalog: an ISOLATED catalog must be bound to
    // their workspaces, read-only (never to its own workspace).
    if (model.isolated) {
      for (const consumer of model.environments) {
        if (consumer.promotion?.from.key === env.key) catalog.bindReadOnlyTo(consumer.key, consumer.workspace.id!);
      }
    }

    if (env.promotion) new PromotionAccess(this, "promotion", { promotion: env.promotion, grantee: principal });

    if (model.metastore.grantsFrom.key === env.key) {
      new SandboxCreators(this, "sandbox", {
        metastoreId: model.metastore.id,
        creators: model.sandbox.creators.map((g) => groups.lookup(g)),
      });
    }

    // Facts the bundles and CI need (the application ID is CI's DATABRICKS_CLIENT_ID).
    const outputs: [string, string, string][] = [
      ["workspace_host", env.workspace.host, "The workspace this stack deploys to."],
      ["catalog_name", env.catalog.name, "The environment's catalog (the bundle's catalog_name)."],
      ["service_principal_application_id", principal.principal, "CI's DATABRICKS_CLIENT_ID for this environment."],
    ];
    if (env.catalog.bucket) outputs.push(["bucket", env.catalog.bucket, "The environment's bucket (the bundle's s3_bucket)."]);
    for (const [name, value, description] of outputs) new TerraformOutput(this, name, { value, description });
  }
}
