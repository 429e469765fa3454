import { Construct } from "constructs";
import { RULES, privilegesOf } from "../permissions";
import { UnityGrant } from "./grant";
import type { IGrantee } from "./grantee";

export interface SandboxCreatorsProps {
  /** The shared metastore's ID. */
  readonly metastoreId: string;
  /** Groups whose members create their own `<user>_sandbox` catalogs. */
  readonly creators: readonly IGrantee[];
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
    for (const creator of props.creators) {
      new UnityGrant(this, creator.addressKey, {
        securable: { type: "metastore", id: props.metastoreId },
        grantee: creator,
        privileges: privilegesOf(RULES.sandboxCreators, "metastore")!,
      });
    }
  }
}
