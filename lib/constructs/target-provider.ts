import { Construct } from "constructs";
import { DatabricksProvider, type TerraformProvider, TerraformVariable } from "../cdk";
import { PROFILE_DESCRIPTION, PROFILE_VARIABLE, PROVIDER } from "../desired-state";

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
    pinProviderVersion(this.provider, PROVIDER.version);
  }
}

/**
 * Makes `version` the provider version the stack requires (`terraform.required_providers`).
 *
 * cdktf (and its fork cdktn) write there the version the bindings package was generated from
 * (`terraformGeneratorMetadata.providerVersion`, read when the stack is synthesized:
 * lib/terraform-provider.js, `toTerraform`). The project pins its provider itself
 * (`PROVIDER.version`: the stand-in's schema, facts.ts and the gate are all of that version), so
 * upgrading the bindings, or moving to CDK Terrain, whose Databricks bindings are generated from a
 * later provider, changes no provider: the output stays byte for byte the same, and a construct
 * property the pinned provider lacks shows up as a failed schema test, not as a silent upgrade.
 */
export function pinProviderVersion(provider: TerraformProvider, version: string): void {
  const metadata = provider.terraformGeneratorMetadata;
  if (!metadata) throw new Error(`provider ${provider.node.path}: no generator metadata to pin the version in (not a prebuilt provider class)`);
  Object.defineProperty(provider, "terraformGeneratorMetadata", { value: { ...metadata, providerVersion: version }, enumerable: true });
}
