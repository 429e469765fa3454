import { Construct } from "constructs";
import type { ServicePrincipal } from "../cdk";
import type { Environment } from "../model/types";
import { ServicePrincipalBlock } from "../resources/service-principal";
import type { IGrantee } from "./grantee";

export interface EnvironmentServicePrincipalProps {
  readonly environment: Environment;
}

/**
 * The environment's deploying service principal, declared in its own stack and no other
 * (lib/resources/service-principal.ts). Grants and the catalog's owner name it by application ID.
 */
export class EnvironmentServicePrincipal extends Construct implements IGrantee {
  readonly resource: ServicePrincipal;
  readonly principal: string;

  constructor(scope: Construct, id: string, props: EnvironmentServicePrincipalProps) {
    super(scope, id);
    const env = props.environment;
    const block = new ServicePrincipalBlock(this, "resource", { key: env.key, displayName: env.servicePrincipal });
    this.resource = block.resource;
    this.principal = block.principal;
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
