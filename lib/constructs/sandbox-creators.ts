import { Construct } from "constructs";
import type { DesiredGrant } from "../resources/grant";
import { UnityGrant } from "./grant";
import type { IGrantee } from "./grantee";

export interface SandboxCreatorsProps {
  /**
   * The sandbox grants of the desired state, with their grantees: `CREATE_CATALOG` on the metastore
   * for each creator group, and `CREATE_MANAGED_STORAGE` on the sandboxes' external location if any.
   */
  readonly grants: readonly { readonly grant: DesiredGrant; readonly grantee: IGrantee; readonly addressKey: string }[];
}

/**
 * `CREATE_CATALOG` on the shared metastore for the sandbox creators. Unity Catalog makes the
 * creator the owner of what it creates, so each developer fully owns their own sandbox and no one
 * else's. Only one stack declares this (the model's `metastore.grantsFrom`): the metastore is
 * shared by every workspace, so a second declaration would be a second owner of the same pair.
 */
export class SandboxCreators extends Construct {
  constructor(scope: Construct, id: string, props: SandboxCreatorsProps) {
    super(scope, id);
    for (const { grant, grantee, addressKey } of props.grants) {
      // Construct IDs of the metastore grants stay the group's key (their paths predate storage).
      new UnityGrant(this, grant.securable.type === "metastore" ? addressKey : `${grant.securable.type}-${addressKey}`, { grant, grantee });
    }
  }
}
