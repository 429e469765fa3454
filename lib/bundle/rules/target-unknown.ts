import type { Rule } from "../rule";
import { finding } from "../rule";
import { SANDBOX_TARGET } from "../facts";

/** Targets come from the model: any other name is a workspace the model does not govern. */
export const targetUnknown: Rule = {
  id: "target-unknown",
  description: "A target that is neither an environment of the model nor `sandbox`.",
  fix: "remove the target, or add the environment to environments.yaml and generate the targets again",
  check: ({ view }) =>
    [...view.targets].flatMap(([name, decls]) =>
      view.facts.target(name)
        ? []
        : [finding(targetUnknown, decls[0], `target ${name} is not an environment of ${view.facts.model.source} (${[...view.facts.model.environments.map((e) => e.key), SANDBOX_TARGET].join(", ")})`, targetUnknown.fix, name)],
    ),
};
