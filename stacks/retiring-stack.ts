import { Construct } from "constructs";
import type { DesiredRetiringStack } from "../lib/desired-state";
import { IndependentStack } from "../lib/constructs/independent-stack";
import { TargetProvider } from "../lib/constructs/target-provider";
import { configureStateBackend, requireTerraform } from "../lib/constructs/state-backend";
import { declareForgotten } from "../lib/constructs/state-blocks";

export interface RetiringStackProps {
  /** What this stack declares, from the desired state (lib/desired-state.ts). */
  readonly desired: DesiredRetiringStack;
  /**
   * Local state file (when the model has no remote state), relative to the stack's working directory.
   * @default - `terraform.<stack>.tfstate` in the current directory, as an absolute path
   */
  readonly localStatePath?: string;
}

/**
 * A retired environment's stack (`retired.<key>` in the model): its own provider and state, and a
 * `removed { destroy = false }` block for each catalog, schema and service principal its state
 * holds, so that applying it leaves them (and their data) in place and unmanaged. The grants and
 * bindings it declared are declared no more, so the same apply revokes them. Once it is applied,
 * the environment can leave the model.
 */
export class RetiringStack extends IndependentStack {
  constructor(scope: Construct, id: string, props: RetiringStackProps) {
    super(scope, id);
    const { desired } = props;
    configureStateBackend(this, desired.backend, props.localStatePath);
    requireTerraform(this, desired.requiredVersion);
    new TargetProvider(this, "provider", desired.provider);
    for (const f of desired.forgets) declareForgotten(this, f.address);
  }
}
