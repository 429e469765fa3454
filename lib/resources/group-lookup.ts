/**
 * `data.databricks_group`: an account-level group (SCIM-managed: looked up, never created), one
 * lookup per group a stack grants to, named by the group's key in the model. Granting to the
 * lookup's display name makes the plan fail early when the group does not exist.
 */
import type { Construct } from "constructs";
import type { DataDatabricksGroup } from "../cdk";
import type { Group } from "../model/types";
import type { ExpectedBody } from "./json";
import { addressOf, invalid, named, referenceTo, type ResourceType } from "./resource";

export const GROUP_LOOKUP = {
  type: "databricks_group",
  mode: "data",
  stateful: false,
  protected: false,
  access: false,
  heading: "principals and lookups",
  coreAttributes: ["display_name"],
  /** The attribute a grant names the group by. */
  grantedBy: "display_name",
  gate: {
    extraBlock: "principal-declaration",
    extraAttribute: () => ({ rule: "principal-declaration" }),
    differs: (d) => (d.actual === undefined ? undefined : { rule: "principal-declaration" }),
  },
} as const satisfies ResourceType & { grantedBy: string };

/** `data.databricks_group.<key>`. */
export function groupLookupAddress(key: string): string {
  return addressOf(GROUP_LOOKUP, key);
}

/** The lookup as the gate expects it. */
export function expectedGroupLookup(group: Group): ExpectedBody {
  return { display_name: group.displayName };
}

/** What the address manifest records it as. */
export function groupLookupObject(group: Group): string {
  return `lookup of group ${group.displayName}`;
}

export interface GroupLookupProps {
  /** The group's key in the model: the lookup's name (`data.databricks_group.<key>`). */
  readonly key: string;
  /** The account-level group's display name. */
  readonly displayName: string;
}

/**
 * Renders the lookup at `scope`/`id` (not a construct node of its own: the construct path, which
 * the output's metadata records, stays the caller's).
 */
export class GroupLookupBlock {
  readonly lookup: DataDatabricksGroup;
  /** How a grant names the group: `${data.databricks_group.<key>.display_name}`. */
  readonly principal: string;

  constructor(scope: Construct, id: string, props: GroupLookupProps) {
    if (props.displayName.trim() === "") invalid(`group ${props.key}'s display name`, props.displayName, "a group's display name");
    this.lookup = named(GROUP_LOOKUP, props.key, (c) => new c.DataDatabricksGroup(scope, id, { displayName: props.displayName }));
    this.principal = referenceTo(this.lookup, GROUP_LOOKUP.grantedBy);
  }
}
