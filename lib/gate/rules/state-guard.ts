import type { Rule } from "./rule";

/**
 * Owns the `import`, `moved` and `removed` blocks other than the model's (the walk compares them;
 * their words: lib/resources/state-blocks.ts) and the backend (lib/resources/backend.ts).
 */
export const stateGuard = {
  id: "state-guard",
  forbids: "anything that destroys, forgets, re-addresses or adopts state outside the model: removed blocks, moved blocks other than the model's renames (`moved`), import blocks other than its adoptions, an import ID that is not the resource's own securable, a backend, state path or key that is not the stack's own",
  fix: "remove it; adopt through the model's `adopt`, rename through its `moved`",
  kind: "comparison",
} as const satisfies Rule;
