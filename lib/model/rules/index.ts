/**
 * Every rule of the model that spans fields, in the order they run. Each is `{ id, paths, check,
 * fix }` (./rule.ts); docs/model.md lists them (npm run model:schema).
 */
import { ENVIRONMENT_RULES } from "./environments";
import { NAME_RULES } from "./names";
import { REFERENCE_RULES } from "./references";
import type { Rule } from "./rule";
import { STACK_RULES } from "./stacks";

export const MODEL_RULES: readonly Rule[] = [...ENVIRONMENT_RULES, ...REFERENCE_RULES, ...NAME_RULES, ...STACK_RULES];
