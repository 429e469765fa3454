/**
 * `databricks_service_principal`: an environment's deploying principal, declared in its own
 * stack and no other, named by the environment's key. It has no secret: CI signs in as it through
 * GitHub OIDC federation. Grants name it by `application_id`, which Databricks assigns: the stack
 * never sets it (a pinned ID could be another principal's, which would then get these grants).
 */
import type { Construct } from "constructs";
import type { ServicePrincipal } from "../cdk";
import type { Environment } from "../model/types";
import { show, type ExpectedBody } from "./json";
import { addressOf, invalid, named, referenceTo, type ResourceType } from "./resource";

export const SERVICE_PRINCIPAL = {
  type: "databricks_service_principal",
  mode: "resource",
  stateful: true,
  protected: false,
  access: false,
  heading: "principals and lookups",
  coreAttributes: ["display_name"],
  /** The attribute a grant names the principal by. */
  grantedBy: "application_id",
  gate: {
    extraBlock: "principal-declaration",
    extraAttribute: (path, value) => ({
      rule: "principal-declaration",
      problem: `sets ${path.join(".")} = ${show(value)}${path[0] === "application_id" ? ": a pinned application ID can be another (e.g. a retired) principal's, which would then get this principal's grants" : ""}; the model sets only display_name`,
    }),
    differs: (d) => (d.actual === undefined ? undefined : { rule: "principal-declaration" }),
  },
} as const satisfies ResourceType & { grantedBy: string };

/** `databricks_service_principal.<environment key>`. */
export function servicePrincipalAddress(environmentKey: string): string {
  return addressOf(SERVICE_PRINCIPAL, environmentKey);
}

export function expectedServicePrincipal(env: Environment): ExpectedBody {
  return { display_name: env.servicePrincipal };
}

/** What the address manifest records it as. */
export function servicePrincipalObject(displayName: string): string {
  return `service principal ${displayName}`;
}

export interface ServicePrincipalProps {
  /** The environment's key: the resource's name (`databricks_service_principal.<key>`). */
  readonly key: string;
  /** The principal's display name (the model's `servicePrincipal`). */
  readonly displayName: string;
}

/** Renders the principal at `scope`/`id` (the construct path stays the caller's). */
export class ServicePrincipalBlock {
  readonly resource: ServicePrincipal;
  /** How a grant or an owner names it: `${databricks_service_principal.<key>.application_id}`. */
  readonly principal: string;

  constructor(scope: Construct, id: string, props: ServicePrincipalProps) {
    if (props.displayName.trim() === "") invalid(`environment ${props.key}'s service principal`, props.displayName, "a display name");
    this.resource = named(SERVICE_PRINCIPAL, props.key, (c) => new c.ServicePrincipal(scope, id, { displayName: props.displayName }));
    this.principal = referenceTo(this.resource, SERVICE_PRINCIPAL.grantedBy);
  }
}
