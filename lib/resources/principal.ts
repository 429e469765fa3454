/**
 * Who a grant names, and how: an account-level group by its display name (through the stack's
 * lookup of it), the stack's own deploying service principal by its application ID (through its
 * resource), a principal made by hand by its application ID from the model. The provider's rule
 * for `principal` (databricks_grant: a group's display name, a service principal's application ID).
 */
import type { Environment, Group } from "../model/types";
import { GROUP_LOOKUP, groupLookupAddress } from "./group-lookup";
import { ref } from "./json";
import { SERVICE_PRINCIPAL, servicePrincipalAddress } from "./service-principal";

/** Who a grant names. */
export type DesiredPrincipal =
  /** An account-level group, looked up in the stack (`data.databricks_group.<key>`), named by display name. */
  | { readonly kind: "group"; readonly group: Group }
  /** The stack's own deploying principal (`databricks_service_principal.<env>`), named by application ID. */
  | { readonly kind: "deployer"; readonly environment: Environment }
  /** A principal made by hand (the plan principal), named by its application ID from the model. */
  | { readonly kind: "existing"; readonly key: string; readonly name: string; readonly applicationId: string };

/** How reviewers, the allow-list and the audit name a principal: display name, or application ID. */
export function principalIdentity(p: DesiredPrincipal): { readonly kind: "group" | "service_principal"; readonly name: string } {
  switch (p.kind) {
    case "group":
      return { kind: "group", name: p.group.displayName };
    case "deployer":
      return { kind: "service_principal", name: p.environment.servicePrincipal };
    case "existing":
      return { kind: "service_principal", name: p.applicationId };
  }
}

/** The value of a grant's `principal` in the expected JSON (the renderers reach the same through their constructs). */
export function principalReference(p: DesiredPrincipal): string {
  switch (p.kind) {
    case "group":
      return ref(groupLookupAddress(p.group.key), GROUP_LOOKUP.grantedBy);
    case "deployer":
      return ref(servicePrincipalAddress(p.environment.key), SERVICE_PRINCIPAL.grantedBy);
    case "existing":
      return p.applicationId;
  }
}
