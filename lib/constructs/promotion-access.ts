import { Construct } from "constructs";
import type { DesiredGrant } from "../resources/grant";
import { UnityGrant } from "./grant";
import type { IGrantee } from "./grantee";

export interface PromotionAccessProps {
  /** The promotion grants of the desired state: `use` on the source catalog, `read` on its models schema. */
  readonly grants: readonly DesiredGrant[];
  /** The promoting environment's service principal. */
  readonly grantee: IGrantee;
}

/**
 * Read-only access for promotion without retraining: the consuming environment's principal may
 * enter the source catalog and read its models schema (to copy a model version), nothing more.
 *
 * Declared in the consuming stack, because that stack owns the principal; the source catalog is
 * named by its literal name from the model, not by a cross-stack reference, so each stack still
 * deploys on its own. With ISOLATED catalogs the source stack binds its catalog read-only to the
 * consuming workspace, so deploy the source environment first (dev before staging before prod).
 */
export class PromotionAccess extends Construct {
  constructor(scope: Construct, id: string, props: PromotionAccessProps) {
    super(scope, id);
    for (const grant of props.grants) new UnityGrant(this, grant.securable.type, { grant, grantee: props.grantee });
  }
}
