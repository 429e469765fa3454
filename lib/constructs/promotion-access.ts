import { Construct } from "constructs";
import { RULES, privilegesOf } from "../permissions";
import type { Promotion } from "../model/types";
import { UnityGrant } from "./grant";
import type { IGrantee } from "./grantee";

export interface PromotionAccessProps {
  /** Where models are copied from (another environment's catalog and schema). */
  readonly promotion: Promotion;
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
    const source = props.promotion.from.catalog.name;
    new UnityGrant(this, "catalog", {
      securable: { type: "catalog", name: source },
      grantee: props.grantee,
      privileges: privilegesOf(RULES.promotionSourceCatalog, "catalog")!,
    });
    new UnityGrant(this, "schema", {
      securable: { type: "schema", catalog: source, name: props.promotion.schema },
      grantee: props.grantee,
      privileges: privilegesOf(RULES.promotionSourceSchema, "schema")!,
    });
  }
}
