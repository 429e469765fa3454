/**
 * The Databricks provider of a stack, aimed at exactly one target: the provider block (the model's
 * literal host, the CLI profile through a variable, the account ID for the account stack), the
 * `databricks_profile` variable, and the pinned provider in `terraform.required_providers`.
 *
 * `host` is a literal from the model: an explicit provider `host` wins over DATABRICKS_HOST, so no
 * environment variable can turn the prod stack onto the dev workspace (the incident this project
 * fixes). `profile` names the person's Databricks CLI profile; CI, which has no ~/.databrickscfg,
 * sets TF_VAR_databricks_profile="" and authenticates with the DATABRICKS_* variables (GitHub OIDC).
 * No token or secret is ever part of the configuration.
 */
import type { Construct } from "constructs";
import type { DatabricksProvider, TerraformProvider } from "../cdk";
import { ref, show, type ExpectedBody } from "./json";
import { cdk, invalid, type Claim, type Difference, type Said } from "./resource";

/** The provider this project uses, pinned (the version @cdktf/provider-databricks 15.16.1 was generated for). */
export const PROVIDER = { localName: "databricks", source: "databricks/databricks", version: "1.99.0" } as const;

export const PROFILE_VARIABLE = "databricks_profile";
export const PROFILE_DESCRIPTION =
  'Databricks CLI profile for people; CI sets TF_VAR_databricks_profile="" and authenticates with DATABRICKS_* variables.';

/** A stack's target, as the desired state decides it. */
export interface DesiredProvider {
  readonly host: string;
  readonly profile: string;
  /** The account stack's: the accounts console and the account's ID. */
  readonly accountId?: string;
}

/** The provider block as the gate expects it. */
export function expectedProvider(p: DesiredProvider): ExpectedBody {
  return { ...(p.accountId !== undefined ? { account_id: p.accountId } : {}), host: p.host, profile: ref("var", PROFILE_VARIABLE) };
}

/** The profile variable as the gate expects it. */
export function expectedProfileVariable(p: DesiredProvider): ExpectedBody {
  return { default: p.profile, description: PROFILE_DESCRIPTION, type: "string" };
}

/** `terraform.required_providers` as the gate expects it. */
export function expectedRequiredProviders(): ExpectedBody {
  return { [PROVIDER.localName]: { source: PROVIDER.source, version: PROVIDER.version } };
}

/** Which rule owns what the gate finds in the provider's blocks (lib/gate/walk.ts): provider-workspace. */
export const PROVIDER_GATE = {
  /** An attribute of the provider block the model does not set. */
  extraAttribute: (path: readonly string[], value: unknown): Said => ({ rule: "provider-workspace", problem: `sets ${path.join(".")} = ${show(value)}; the model's provider sets only host and profile` }),
  /** Another value in the provider block, or one missing. */
  differs: (d: Difference): Claim => ({ rule: "provider-workspace", ...(d.path[0] === "host" ? { problem: `${d.was}: the stack would change another workspace` } : {}) }),
  /** Another value of the profile variable (a missing one is missing-from-output). */
  profileDiffers: (d: Difference): Claim | undefined => (d.actual === undefined ? undefined : { rule: "provider-workspace" }),
  /** A required provider the model does not pin. */
  extraRequiredProvider: (path: readonly string[], value: unknown): Said => ({
    rule: "provider-workspace",
    problem: `required_providers.${path.slice(1).join(".")} = ${show(value)}: another provider local name or source, which resources could be routed through`,
  }),
  /** A provider configuration the stack should not have: another local name, an alias, a second one. */
  extraConfiguration: (local: string, alias: string | undefined, known: boolean): string =>
    known
      ? `a second configuration of ${local}${alias !== undefined ? ` (alias ${alias})` : ""}: resources naming it act on whatever it is aimed at`
      : `declares a provider ${local} the model does not use: resources may name it (provider = ${local}) to act on another target`,
  extraConfigurationFix: "remove it; each stack has one databricks provider, aimed at its own target",
  missingConfiguration: (local: string): string => `declares no ${local} provider block, so terraform takes the target from DATABRICKS_HOST or ~/.databrickscfg`,
  missingConfigurationFix: "declare the provider with the model's host (TargetProvider does)",
} as const;

export interface ProviderProps {
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
 * Renders the profile variable (`profile`) and the provider (`databricks`) in `scope` (the
 * construct path stays the caller's: lib/constructs/target-provider.ts).
 */
export class ProviderBlock {
  readonly provider: DatabricksProvider;

  constructor(scope: Construct, props: ProviderProps) {
    if (!/^https:\/\/[^/\s]+$/.test(props.host)) invalid("the provider's host", props.host, "an https:// URL without a path (the model's workspace.host)");
    const { DatabricksProvider, TerraformVariable } = cdk();
    const profile = new TerraformVariable(scope, "profile", {
      type: "string",
      default: props.profile,
      description: PROFILE_DESCRIPTION,
    });
    profile.overrideLogicalId(PROFILE_VARIABLE);
    this.provider = new DatabricksProvider(scope, "databricks", {
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
