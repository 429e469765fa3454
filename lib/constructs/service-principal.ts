import { Construct } from "constructs";
import { ServicePrincipal } from "@cdktf/provider-databricks/lib/service-principal";
import { DataDatabricksServicePrincipal } from "@cdktf/provider-databricks/lib/data-databricks-service-principal";
import type { Environment } from "../model/types";
import type { IGrantee } from "./grantee";

export interface EnvironmentServicePrincipalProps {
  readonly environment: Environment;
}

/**
 * The environment's deploying service principal, declared in its own stack and no other. It has no
 * secret: CI signs in as it through GitHub OIDC federation. Grants name it by `application_id`.
 */
export class EnvironmentServicePrincipal extends Construct implements IGrantee {
  readonly resource: ServicePrincipal;
  readonly principal: string;
  readonly addressKey: string;

  constructor(scope: Construct, id: string, props: EnvironmentServicePrincipalProps) {
    super(scope, id);
    const env = props.environment;
    this.resource = new ServicePrincipal(this, "resource", { displayName: env.servicePrincipal });
    this.resource.overrideLogicalId(env.key);
    this.principal = this.resource.applicationId;
    this.addressKey = `sp_${env.key}`;
  }
}

export interface ServicePrincipalLookupProps {
  /** The principal's display name (unique in the account). */
  readonly displayName: string;
  /** Address key of the lookup and of its grants, e.g. `plan`. */
  readonly key: string;
}

/**
 * Looks up a service principal that another stack or a person created (no cross-stack
 * reference), e.g. the read-only principal pull-request plans run as.
 */
export class ServicePrincipalLookup extends Construct implements IGrantee {
  readonly lookup: DataDatabricksServicePrincipal;
  readonly principal: string;
  readonly addressKey: string;

  constructor(scope: Construct, id: string, props: ServicePrincipalLookupProps) {
    super(scope, id);
    this.lookup = new DataDatabricksServicePrincipal(this, "lookup", { displayName: props.displayName });
    this.lookup.overrideLogicalId(props.key);
    this.principal = this.lookup.applicationId;
    this.addressKey = `sp_${props.key}`;
  }
}
