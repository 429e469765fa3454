import type { Rule } from "./rule";

/** Any other value than the model's, where no precise rule owns the attribute (lib/gate/owners.ts). */
export const differsFromModel = {
  id: "differs-from-model",
  forbids: "an attribute whose value is not the one the model gives",
  fix: "write the model's value (the stacks render lib/desired-state.ts), or change the model",
  kind: "comparison",
} as const satisfies Rule;
