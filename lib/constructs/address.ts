/**
 * Terraform addresses are an external contract: renaming one destroys and recreates the resource.
 * Every address is decided in the desired state (lib/desired-state.ts) from stable names in the
 * model (catalog names, group and environment keys), never from list positions or hashes.
 */
import { TerraformDataSource, type TerraformResource } from "../cdk";

/**
 * A reference to an attribute of a block in the same stack, `${<type>.<id>.<attribute>}`, written
 * out rather than made a cdktf token. Why: cdktf records a stack trace for every token it makes and
 * resolves each one twice at synth; with thousands of grants that was most of synth's time (README,
 * "Speed"). Call it after the element's logical ID is final. Same-stack only: no stack references
 * another (README, "Stacks deploy independently").
 */
export function referenceTo(element: TerraformResource | TerraformDataSource, attribute: string): string {
  const prefix = element instanceof TerraformDataSource ? "data." : "";
  return `\${${prefix}${element.terraformResourceType}.${element.friendlyUniqueId}.${attribute}}`;
}
