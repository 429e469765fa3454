import { Construct } from "constructs";
import type { DatabricksProvider } from "../cdk";
import { ProviderBlock, type ProviderProps } from "../resources/provider";

export type TargetProviderProps = ProviderProps;

/**
 * The Databricks provider aimed at exactly one target, with the profile variable it reads
 * (lib/resources/provider.ts: why a literal host, why a profile variable, no secret ever).
 */
export class TargetProvider extends Construct {
  readonly provider: DatabricksProvider;

  constructor(scope: Construct, id: string, props: TargetProviderProps) {
    super(scope, id);
    this.provider = new ProviderBlock(this, props).provider;
  }
}
