import { Construct } from "constructs";
import { Grant } from "../cdk";
import { PRIVILEGES } from "../permissions";
import type { DesiredGrant } from "../desired-state";
import { importExisting } from "./state-blocks";
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
 * One principal's privileges on one securable, as a `databricks_grant`.
 *
 * Why not `databricks_grants`: it is authoritative for the whole securable and revokes every
 * principal it does not list. Two of them on one securable fight forever, and one on the shared
 * metastore would wipe every other team's metastore grants. `databricks_grant` owns exactly one
 * (securable, principal) pair, and each pair is declared by exactly one stack (checked at synth).
 */
export class UnityGrant extends Construct {
  readonly resource: Grant;

  constructor(scope: Construct, id: string, props: UnityGrantProps) {
    super(scope, id);
    const { grant, grantee } = props;
    const securable = grant.securable;
    const valid = PRIVILEGES[securable.type];
    const invalid = grant.privileges.filter((p) => !valid.includes(p));
    if (invalid.length > 0 || grant.privileges.length === 0) {
      // The model is validated before constructs exist; reaching this is a programming error.
      throw new Error(`invalid privileges [${invalid.join(", ")}] for a ${securable.type} grant ${grant.id}`);
    }
    const target =
      securable.type === "metastore"
        ? { metastore: securable.id }
        : securable.type === "catalog"
          ? { catalog: props.securableRef ?? securable.name }
          : securable.type === "schema"
            ? { schema: props.securableRef ?? `${securable.catalog}.${securable.name}` }
            : { externalLocation: securable.name };
    this.resource = new Grant(this, "resource", { ...target, principal: grantee.principal, privileges: [...grant.privileges] });
    this.resource.overrideLogicalId(grant.id);
    if (grant.importId !== undefined) importExisting(this.resource, grant.importId);
  }
}
