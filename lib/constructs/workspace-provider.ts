import { Construct } from "constructs";
import { TerraformVariable } from "cdktf";
import { DatabricksProvider } from "@cdktf/provider-databricks/lib/provider";
import type { Workspace } from "../model/types";

export interface WorkspaceProviderProps {
  /** The workspace this stack, and only this stack, changes. */
  readonly workspace: Workspace;
}

/**
 * The Databricks provider aimed at one workspace.
 *
 * `host` is a literal from the model: an explicit provider `host` wins over DATABRICKS_HOST, so no
 * environment variable can turn the prod stack onto the dev workspace (the incident this project
 * fixes). `profile` names the person's Databricks CLI profile; CI, which has no ~/.databrickscfg,
 * sets TF_VAR_databricks_profile="" and authenticates with the DATABRICKS_* variables (GitHub OIDC).
 * No token or secret is ever part of the configuration.
 */
export class WorkspaceProvider extends Construct {
  readonly provider: DatabricksProvider;

  constructor(scope: Construct, id: string, props: WorkspaceProviderProps) {
    super(scope, id);
    const profile = new TerraformVariable(this, "profile", {
      type: "string",
      default: props.workspace.profile,
      description:
        "Databricks CLI profile for people; CI sets TF_VAR_databricks_profile=\"\" and authenticates with DATABRICKS_* variables.",
    });
    profile.overrideLogicalId("databricks_profile");
    this.provider = new DatabricksProvider(this, "databricks", {
      host: props.workspace.host,
      profile: profile.stringValue,
    });
  }
}
