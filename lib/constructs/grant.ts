import { Construct } from "constructs";
import type { Grant } from "../cdk";
import { GrantBlock, securableName, type DesiredGrant } from "../resources/grant";
import { importExisting } from "../resources/state-blocks";
import type { IGrantee } from "./grantee";

export interface UnityGrantProps {
  /** The grant as the desired state has it (lib/desired-state.ts): securable, privileges, address, adoption. */
  readonly grant: DesiredGrant;
  /** The principal it names, as this stack refers to it. */
  readonly grantee: IGrantee;
  /**
   * How the stack refers to the securable, when it declares it (`${databricks_catalog.dev.name}`).
   * @default - the securable's literal name
   */
  readonly securableRef?: string;
}

/**
 * One principal's privileges on one securable, as a `databricks_grant` (lib/resources/grant.ts:
 * why not `databricks_grants`), adopted with an import block when the model says it exists.
 */
export class UnityGrant extends Construct {
  readonly resource: Grant;

  constructor(scope: Construct, id: string, props: UnityGrantProps) {
    super(scope, id);
    const { grant, grantee } = props;
    this.resource = new GrantBlock(this, "resource", {
      id: grant.id,
      securableType: grant.securable.type,
      securable: props.securableRef ?? securableName(grant.securable),
      principal: grantee.principal,
      privileges: grant.privileges,
    }).resource;
    if (grant.importId !== undefined) importExisting(this.resource, grant.importId);
  }
}
