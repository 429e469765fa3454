import type { Construct } from "constructs";
import type { DesiredRetiringStack } from "../lib/desired-state";
import { ModelStack, type ModelStackProps } from "../lib/constructs/independent-stack";

/**
 * A retired environment's stack (`retired.<key>` in the model): its own provider and state, and a
 * `removed { destroy = false }` block for each catalog, schema and service principal its state
 * holds, so that applying it leaves them (and their data) in place and unmanaged. The grants and
 * bindings it declared are declared no more, so the same apply revokes them. Once it is applied,
 * the environment can leave the model.
 */
export class RetiringStack extends ModelStack<DesiredRetiringStack> {
  constructor(scope: Construct, id: string, props: ModelStackProps<DesiredRetiringStack>) {
    super(scope, id, props);
    this.declareStateChanges();
  }
}
