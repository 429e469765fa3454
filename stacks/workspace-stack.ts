import { Construct } from "constructs";
import { TerraformOutput } from "../lib/cdk";
import { IndependentStack } from "../lib/constructs/independent-stack";
import { principalAddressKey, type DesiredPrincipal, type DesiredWorkspaceStack } from "../lib/desired-state";
import { TargetProvider } from "../lib/constructs/target-provider";
import { GroupDirectory } from "../lib/constructs/groups";
import { EnvironmentServicePrincipal, existingServicePrincipal } from "../lib/constructs/service-principal";
import { GovernedCatalog } from "../lib/constructs/governed-catalog";
import type { IGrantee } from "../lib/constructs/grantee";
import { PromotionAccess } from "../lib/constructs/promotion-access";
import { SandboxCreators } from "../lib/constructs/sandbox-creators";
import { configureStateBackend, requireTerraform } from "../lib/constructs/state-backend";
import { declareForgotten, declareMoved } from "../lib/constructs/state-blocks";

export interface WorkspaceStackProps {
  /** What this stack declares, from the desired state (lib/desired-state.ts). */
  readonly desired: DesiredWorkspaceStack;
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
 * another stack: what it needs of other environments comes from the model, through the desired
 * state, which decides every grant; this class only renders it.
 */
export class WorkspaceStack extends IndependentStack {
  constructor(scope: Construct, id: string, props: WorkspaceStackProps) {
    super(scope, id);
    const { desired } = props;
    const env = desired.environment;

    configureStateBackend(this, desired.backend, props.localStatePath);
    requireTerraform(this, desired.requiredVersion);
    new TargetProvider(this, "provider", desired.provider);
    const groups = new GroupDirectory(this, "groups");
    for (const group of desired.groupLookups) groups.lookup(group);
    const principal = new EnvironmentServicePrincipal(this, "service-principal", { environment: env });
    const granteeOf = (p: DesiredPrincipal): IGrantee =>
      p.kind === "group" ? groups.lookup(p.group) : p.kind === "deployer" ? principal : existingServicePrincipal(p.applicationId);

    const catalog = new GovernedCatalog(this, "catalog", { catalog: desired.catalog, owner: principal });
    const promotion = [];
    const sandbox = [];
    for (const grant of desired.grants) {
      const s = grant.securable;
      if (s.type === "catalog" && s.local) catalog.grant(grant, granteeOf(grant.principal), principalAddressKey(grant.principal));
      else if (s.type === "metastore" || s.type === "external_location") sandbox.push({ grant, grantee: granteeOf(grant.principal), addressKey: principalAddressKey(grant.principal) });
      else promotion.push(grant);
    }
    for (const binding of desired.bindings) catalog.bindReadOnly(binding);
    if (promotion.length > 0) new PromotionAccess(this, "promotion", { grants: promotion, grantee: principal });
    if (sandbox.length > 0) new SandboxCreators(this, "sandbox", { grants: sandbox });

    for (const move of desired.moves) declareMoved(this, move.from, move.to);
    for (const forget of desired.forgets) declareForgotten(this, forget.address);

    // Facts the bundles and CI need (the application ID is CI's DATABRICKS_CLIENT_ID).
    for (const output of desired.outputs) {
      const value = "literal" in output.value ? output.value.literal : principal.principal;
      new TerraformOutput(this, output.name, { value, description: output.description });
    }
  }
}
