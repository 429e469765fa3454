/**
 * A workspace stack's outputs: the facts the bundles and CI read after a deploy (its workspace,
 * its catalog, its bucket, its deploying principal's application ID, which is CI's
 * DATABRICKS_CLIENT_ID). Their renderer and the JSON the gate expects.
 */
import type { Construct } from "constructs";
import type { Environment } from "../model/types";
import { ref, type ExpectedBody } from "./json";
import { cdk, invalid } from "./resource";
import { SERVICE_PRINCIPAL, servicePrincipalAddress } from "./service-principal";

export interface DesiredOutput {
  readonly name: string;
  readonly description: string;
  /** A literal, or the stack's own deploying principal's application ID. */
  readonly value: { readonly literal: string } | { readonly deployerApplicationId: Environment };
}

export function expectedOutput(o: DesiredOutput): ExpectedBody {
  return { description: o.description, value: "literal" in o.value ? o.value.literal : ref(servicePrincipalAddress(o.value.deployerApplicationId.key), SERVICE_PRINCIPAL.grantedBy) };
}

/** Renders an output; `deployer`: how the stack names its deploying principal's application ID. */
export function declareOutput(scope: Construct, o: DesiredOutput, deployer: string): void {
  if (!/^[a-z][a-z0-9_]*$/.test(o.name)) invalid("an output's name", o.name, "a lower-case Terraform identifier");
  new (cdk().TerraformOutput)(scope, o.name, { value: "literal" in o.value ? o.value.literal : deployer, description: o.description });
}
