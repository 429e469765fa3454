import * as path from "path";
import type { StackJson, SynthesizedStack } from "../../lib/output/stack";
import { ROOT } from "../helpers";

/** Synthesized-output fixtures (written by __tests__/fixtures/synth/generate.ts). */
export const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "synth");

/** A copy of `output` with the stack `name` changed by `edit` (on a deep copy). */
export function edited(output: readonly SynthesizedStack[], name: string, edit: (json: any) => void): SynthesizedStack[] {
  return output.map((s) => {
    if (s.name !== name) return s;
    const json = JSON.parse(JSON.stringify(s.json)) as StackJson;
    edit(json);
    return { name: s.name, json };
  });
}
