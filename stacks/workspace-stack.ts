import type { Construct } from "constructs";
import type { DesiredWorkspaceStack } from "../lib/desired-state";
import { ModelStack, type ModelStackProps } from "../lib/constructs/independent-stack";
import { principalAddressKey } from "../lib/resources/grant";
import type { DesiredPrincipal } from "../lib/resources/principal";
import { declareOutput } from "../lib/resources/outputs";
import { GroupDirectory } from "../lib/constructs/groups";
import { EnvironmentServicePrincipal, existingServicePrincipal } from "../lib/constructs/service-principal";
import { GovernedCatalog } from "../lib/constructs/governed-catalog";
import type { IGrantee } from "../lib/constructs/grantee";
import { PromotionAccess } from "../lib/constructs/promotion-access";
import { SandboxCreators } from "../lib/constructs/sandbox-creators";

/**
 * Everything one workspace owns: its provider, its service principal, its catalog with the grants
 * of the permission model, the bindings that let later environments read it for promotion, and
 * its own principal's read access to the environment it promotes from. No reference crosses to
 * another stack: what it needs of other environments comes from the model, through the desired
 * state, which decides every grant; this class only renders it.
 */
export class WorkspaceStack extends ModelStack<DesiredWorkspaceStack> {
  constructor(scope: Construct, id: string, props: ModelStackProps<DesiredWorkspaceStack>) {
    super(scope, id, props);
    const { desired } = props;
    const env = desired.environment;

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

    this.declareStateChanges();

    // Facts the bundles and CI need (the application ID is CI's DATABRICKS_CLIENT_ID).
    for (const output of desired.outputs) declareOutput(this, output, principal.principal);
  }
}
