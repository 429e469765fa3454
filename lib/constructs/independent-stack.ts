import type { Construct } from "constructs";
import { TerraformStack } from "../cdk";
import type { DesiredStack } from "../desired-state";
import { configureStateBackend, requireTerraform } from "../resources/backend";
import { TargetProvider } from "./target-provider";
import { declareForgotten, declareMoved } from "../resources/state-blocks";

export interface ModelStackProps<D extends DesiredStack> {
  /** What this stack declares, from the desired state (lib/desired-state.ts). */
  readonly desired: D;
  /**
   * Local state file (when the model has no remote state), relative to the stack's working
   * directory (cdktf.out/stacks/<stack>).
   * @default - `terraform.<stack>.tfstate` in the current directory, as an absolute path
   */
  readonly localStatePath?: string;
}

/**
 * A stack that refers to no other stack (stacks deploy independently: what one needs of another
 * comes from the model). cdktf's `prepareStack` resolves every element once before synthesis only
 * to find cross-stack references and add the remote-state lookups they need; with none to find, it
 * doubled the cost of resolving (about 1.2 s of 5 s at 10,000 grants; CONTRIBUTING.md#the-bench). The backend
 * check it also does stays. A cross-stack reference would now stay an unresolved token, which the
 * policy gate refuses (the output would differ from the desired state).
 */
export class IndependentStack extends TerraformStack {
  prepareStack(): void {
    this.ensureBackendExists();
  }
}

/**
 * A stack of the model: it declares its own state, the Terraform version its features need and
 * its one provider first (`declareTarget`), and its renames and forgets last (`declareStateChanges`),
 * whatever else it holds.
 */
export abstract class ModelStack<D extends DesiredStack> extends IndependentStack {
  protected readonly desired: D;

  constructor(scope: Construct, id: string, props: ModelStackProps<D>) {
    super(scope, id);
    this.desired = props.desired;
    configureStateBackend(this, props.desired.backend, props.localStatePath);
    requireTerraform(this, props.desired.requiredVersion);
    new TargetProvider(this, "provider", props.desired.provider);
  }

  /** The model's renames (`moved`) and the stateful objects that left it (`removed`, destroy = false). */
  protected declareStateChanges(): void {
    for (const move of this.desired.moves) declareMoved(this, move.from, move.to);
    for (const forget of this.desired.forgets) declareForgotten(this, forget.address);
  }
}
