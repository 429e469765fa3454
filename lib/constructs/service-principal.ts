import { Construct } from "constructs";
import { ServicePrincipal } from "../cdk";
import type { Environment } from "../model/types";
import type { IGrantee } from "./grantee";
import { referenceTo } from "./address";

export interface EnvironmentServicePrincipalProps {
  readonly environment: Environment;
}

/**
 * The environment's deploying service principal, declared in its own stack and no other. It has no
 * secret: CI signs in as it through GitHub OIDC federation. Grants name it by `application_id`,
 * which Databricks assigns: the stack never sets it (a pinned ID could be another principal's).
 */
export class EnvironmentServicePrincipal extends Construct implements IGrantee {
  readonly resource: ServicePrincipal;
  readonly principal: string;

  constructor(scope: Construct, id: string, props: EnvironmentServicePrincipalProps) {
    super(scope, id);
    const env = props.environment;
    this.resource = new ServicePrincipal(this, "resource", { displayName: env.servicePrincipal });
    this.resource.overrideLogicalId(env.key);
    this.principal = referenceTo(this.resource, "application_id");
  }
}

/**
 * A service principal that exists outside every stack (created by hand, like the SCIM groups), named
 * by its application ID from the model: granting to it needs no lookup, so no stack waits for
 * another to be applied first.
 */
export function existingServicePrincipal(applicationId: string): IGrantee {
  return { principal: applicationId };
}
