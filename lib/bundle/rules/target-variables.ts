import type { Finding, Rule } from "../rule";
import { finding } from "../rule";

/** `environment` and `s3_bucket` (Appendix A) are the target's own, when the bundle uses them. */
export const targetVariables: Rule = {
  id: "target-variables",
  description: "A target's `environment` or `s3_bucket` variable is not its environment's.",
  fix: "set the target's environment and s3_bucket as the model says (the generated targets do)",
  check: ({ view }) => {
    const out: Finding[] = [];
    for (const [name, decls] of view.targets) {
      const t = view.facts.target(name);
      if (!t) continue;
      for (const variable of ["environment", "s3_bucket"] as const) {
        const want = t.variables[variable];
        if (want === undefined || !view.declaresVariable(variable)) continue;
        const fix = `set targets.${name}.variables.${variable} to ${want}`;
        const values = view.variable(name, variable);
        if (values.length === 0) out.push(finding(targetVariables, decls[0], `target ${name} does not set ${variable}`, fix));
        for (const c of values) {
          if (c.text !== want) out.push(finding(targetVariables, c.node, `target ${name}'s ${variable} is not ${want}`, fix, c.text));
        }
      }
    }
    return out;
  },
};
