import type { Rule } from "./rule";

/** Reported by the strict JSON reader (lib/output/strict-json.ts), as a file finding. */
export const duplicateKey = {
  id: "duplicate-key",
  forbids: "a key repeated in one JSON object (terraform merges both copies; JSON.parse keeps only the last)",
  fix: "remove the repeated key; run `npm run synth`",
  kind: "comparison",
} as const satisfies Rule;
