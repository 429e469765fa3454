import { Construct } from "constructs";
import { DataDatabricksGroup } from "../cdk";
import type { Group } from "../model/types";
import type { IGrantee } from "./grantee";
import { referenceTo } from "./address";

/**
 * Looks up an account-level group (SCIM-managed: looked up, never created). Granting to the data
 * source's display name makes the plan fail early when the group does not exist.
 */
export class GroupLookup extends Construct implements IGrantee {
  readonly group: Group;
  readonly principal: string;

  constructor(scope: Construct, id: string, group: Group) {
    super(scope, id);
    this.group = group;
    const lookup = new DataDatabricksGroup(this, "lookup", { displayName: group.displayName });
    lookup.overrideLogicalId(group.key);
    this.principal = referenceTo(lookup, "display_name");
  }
}

/** The stack's group lookups, one per group, created the first time a grant needs the group. */
export class GroupDirectory extends Construct {
  private readonly lookups = new Map<string, GroupLookup>();

  /** The lookup of `group`, declared on first use so that a stack looks up only what it grants to. */
  lookup(group: Group): GroupLookup {
    let found = this.lookups.get(group.key);
    if (!found) {
      found = new GroupLookup(this, group.key, group);
      this.lookups.set(group.key, found);
    }
    return found;
  }
}
