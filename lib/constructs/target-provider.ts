import { Construct } from "constructs";
import { TerraformVariable } from "cdktf";
import { DatabricksProvider } from "@cdktf/provider-databricks/lib/provider";
import { PROFILE_DESCRIPTION, PROFILE_VARIABLE } from "../desired-state";

export interface TargetProviderProps {
  /** The one workspace (or the accounts console) this stack changes. */
  readonly host: string;
  /** The Databricks CLI profile people use for it. */
  readonly profile: string;
  /**
   * The account ID, for the account-level stack.
   * @default - none: a workspace-level provider
   */
  readonly accountId?: string;
}

/**
 * The Databricks provider aimed at exactly one target.
 *
 * `host` is a literal from the model: an explicit provider `host` wins over DATABRICKS_HOST, so no
 * environment variable can turn the prod stack onto the dev workspace (the incident this project
 * fixes). `profile` names the person's Databricks CLI profile; CI, which has no ~/.databrickscfg,
 * sets TF_VAR_databricks_profile="" and authenticates with the DATABRICKS_* variables (GitHub OIDC).
 * No token or secret is ever part of the configuration.
 */
export class TargetProvider extends Construct {
  readonly provider: DatabricksProvider;

  constructor(scope: Construct, id: string, props: TargetProviderProps) {
    super(scope, id);
    const profile = new TerraformVariable(this, "profile", {
      type: "string",
      default: props.profile,
      description: PROFILE_DESCRIPTION,
    });
    profile.overrideLogicalId(PROFILE_VARIABLE);
    this.provider = new DatabricksProvider(this, "databricks", {
      host: props.host,
      profile: profile.stringValue,
      ...(props.accountId !== undefined ? { accountId: props.accountId } : {}),
    });
  }
}
