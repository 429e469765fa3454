import type { Rule } from "./rule";

/** Reported by the reader of the output directory (lib/output/read.ts), as a file finding. */
export const unexpectedFile = {
  id: "unexpected-file",
  forbids: "any file terraform would read in a stack directory besides the synthesized cdk.tf.json (override files, extra .tf/.tf.json, tfvars), anything else in the output, and a manifest that disagrees with the stack directories",
  fix: "delete it and run `npm run synth`; never edit cdktf.out by hand",
  kind: "comparison",
} as const satisfies Rule;
