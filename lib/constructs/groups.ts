import { Construct } from "constructs";
import type { Group } from "../model/types";
import { GroupLookupBlock } from "../resources/group-lookup";
import type { IGrantee } from "./grantee";

/**
 * Looks up an account-level group (SCIM-managed: looked up, never created; lib/resources/group-lookup.ts).
 * Granting to the data source's display name makes the plan fail early when the group does not exist.
 */
export class GroupLookup extends Construct implements IGrantee {
  readonly group: Group;
  readonly principal: string;

  constructor(scope: Construct, id: string, group: Group) {
    super(scope, id);
    this.group = group;
    this.principal = new GroupLookupBlock(this, "lookup", { key: group.key, displayName: group.displayName }).principal;
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
