/**
 * `databricks_mws_permission_assignment`: the plan principal's USER assignment to a workspace
 * (`databricks_mws_permission_assignment.plan__workspace_<env>`), so that the pull requests' plans
 * can sign in there. Declared by the account stack for each workspace whose ID the model knows;
 * otherwise made by hand (README).
 */
import type { Construct } from "constructs";
import type { MwsPermissionAssignment } from "../cdk";
import type { Environment } from "../model/types";
import type { ExpectedBody } from "./json";
import { addressOf, invalid, logicalId, named, type ResourceType } from "./resource";
import { servicePrincipalIdOf, type ServicePrincipalLookupBlock } from "./service-principal-lookup";

export interface DesiredAssignment {
  /** The resource's name: `plan__workspace_<env>`. */
  readonly id: string;
  readonly environment: Environment;
  readonly workspaceId: number;
  readonly permissions: readonly ["USER"];
}

export const PERMISSION_ASSIGNMENT = {
  type: "databricks_mws_permission_assignment",
  mode: "resource",
  stateful: false,
  protected: false,
  access: true,
  heading: "other resources",
  coreAttributes: [],
  gate: { extraBlock: "unknown-construct" },
} as const satisfies ResourceType;

/** An assignment's name: `<principal>__workspace_<environment>`. */
export function permissionAssignmentId(principal: string, environmentKey: string): string {
  return logicalId(principal, `workspace_${environmentKey}`);
}

/** `databricks_mws_permission_assignment.<id>`. */
export function permissionAssignmentAddress(id: string): string {
  return addressOf(PERMISSION_ASSIGNMENT, id);
}

/** The assignment as the gate expects it; `principal`: the lookup it assigns (`plan`). */
export function expectedPermissionAssignment(a: DesiredAssignment, principal: string): ExpectedBody {
  return { permissions: [...a.permissions], principal_id: servicePrincipalIdOf(principal), workspace_id: a.workspaceId };
}

/** What the address manifest records it as; `principal`: `service principal <application ID>`. */
export function permissionAssignmentObject(a: DesiredAssignment, principal: string): string {
  return `workspace ${a.workspaceId} assignment of ${principal}`;
}

export interface PermissionAssignmentProps {
  /** The resource's name. */
  readonly id: string;
  readonly workspaceId: number;
  /** The principal assigned (the account stack's lookup of it). */
  readonly principal: ServicePrincipalLookupBlock;
  readonly permissions: readonly ["USER"];
}

/** Renders the assignment at `scope`/`id` (the construct path stays the caller's). */
export class PermissionAssignmentBlock {
  readonly resource: MwsPermissionAssignment;

  constructor(scope: Construct, constructId: string, props: PermissionAssignmentProps) {
    if (!Number.isSafeInteger(props.workspaceId) || props.workspaceId <= 0) invalid(`assignment ${props.id}'s workspace ID`, props.workspaceId, "a workspace's numeric ID");
    if (props.permissions.length !== 1 || props.permissions[0] !== "USER") invalid(`assignment ${props.id}'s permissions`, props.permissions, '["USER"] (the plan principal signs in; it administers nothing)');
    this.resource = named(PERMISSION_ASSIGNMENT, props.id, (c) => new c.MwsPermissionAssignment(scope, constructId, {
      workspaceId: props.workspaceId,
      principalId: c.Token.asNumber(props.principal.lookup.spId),
      permissions: [...props.permissions],
    }));
  }
}
