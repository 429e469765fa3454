/**
 * What each resource type does to the workspace: create, read, update, delete, import. Behaviour
 * that decides a plan follows the provider's Go source at v1.99.0 (file and function named at each
 * type); the API's answers (errors, defaults it fills in) are the stand-in's reading of Unity
 * Catalog and SCIM, kept to what the stacks touch. Messages keep the API's key words ("does not
 * exist", "already exists", "is not empty") so that terraform's output reads like the real one.
 * One module per type; common.ts holds what they share.
 */
import type { ResourceImpl } from "./common";
import { catalog } from "./catalog";
import { federationPolicy } from "./federation-policy";
import { grant } from "./grant";
import { permissionAssignment } from "./permission-assignment";
import { schema } from "./schema";
import { servicePrincipal } from "./service-principal";
import { workspaceBinding } from "./workspace-binding";

export type { ResourceImpl, Target } from "./common";

export const RESOURCES: { readonly [type: string]: ResourceImpl } = {
  databricks_catalog: catalog,
  databricks_schema: schema,
  databricks_grant: grant,
  databricks_service_principal: servicePrincipal,
  databricks_workspace_binding: workspaceBinding,
  databricks_mws_permission_assignment: permissionAssignment,
  databricks_service_principal_federation_policy: federationPolicy,
};
