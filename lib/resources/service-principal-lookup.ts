/**
 * `data.databricks_service_principal`: the account stack's lookups of the principals its
 * federation policies and workspace assignments are for. The deploying principals are created by
 * the workspace stacks and looked up by display name; the plan principal is made by hand and looked
 * up by application ID (no cross-stack reference). Policies and assignments name it by `sp_id`.
 */
import type { Construct } from "constructs";
import type { DataDatabricksServicePrincipal } from "../cdk";
import { ref, type ExpectedBody } from "./json";
import { addressOf, invalid, named, type ResourceType } from "./resource";
import { servicePrincipalObject } from "./service-principal";

export const SERVICE_PRINCIPAL_LOOKUP = {
  type: "databricks_service_principal",
  mode: "data",
  stateful: false,
  protected: false,
  access: false,
  heading: "principals and lookups",
  coreAttributes: ["display_name", "application_id"],
  gate: {
    extraBlock: "principal-declaration",
    extraAttribute: () => ({ rule: "principal-declaration" }),
    differs: (d) => (d.actual === undefined ? undefined : { rule: "principal-declaration" }),
  },
} as const satisfies ResourceType;

/** How the account stack looks a principal up: by display name (a deployer) or by application ID (the plan principal). */
export type PrincipalLookup = { readonly displayName: string } | { readonly applicationId: string };

/** `data.databricks_service_principal.<name>`. */
export function servicePrincipalLookupAddress(name: string): string {
  return addressOf(SERVICE_PRINCIPAL_LOOKUP, name);
}

/** `${data.databricks_service_principal.<name>.sp_id}`: the account-level ID policies and assignments take. */
export function servicePrincipalIdOf(name: string): string {
  return ref(servicePrincipalLookupAddress(name), "sp_id");
}

export function expectedServicePrincipalLookup(by: PrincipalLookup): ExpectedBody {
  return "displayName" in by ? { display_name: by.displayName } : { application_id: by.applicationId };
}

/** What the address manifest records it as: the principal by display name, or the plan principal by application ID. */
export function servicePrincipalLookupObject(principal: string): string {
  return `lookup of ${servicePrincipalObject(principal)}`;
}

export interface ServicePrincipalLookupProps {
  /** The lookup's name (`data.databricks_service_principal.<name>`): the environment's key, or `plan`. */
  readonly name: string;
  readonly by: PrincipalLookup;
}

/** Renders the lookup at `scope`/`id` (the construct path stays the caller's). */
export class ServicePrincipalLookupBlock {
  readonly lookup: DataDatabricksServicePrincipal;

  constructor(scope: Construct, id: string, props: ServicePrincipalLookupProps) {
    const value = "displayName" in props.by ? props.by.displayName : props.by.applicationId;
    if (value.trim() === "") invalid(`the lookup ${props.name}'s ${"displayName" in props.by ? "display name" : "application ID"}`, value, "a non-empty identifier");
    this.lookup = named(SERVICE_PRINCIPAL_LOOKUP, props.name, (c) => new c.DataDatabricksServicePrincipal(scope, id, "displayName" in props.by ? { displayName: props.by.displayName } : { applicationId: props.by.applicationId }));
  }
}
