import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { textOf } from "../yaml-tree";

/**
 * Environment targets deploy one copy, as their principal: `mode: production`. The sandbox is each
 * developer's own copy: `mode: development`. Only the sandbox may be the default target, so that a
 * bare `databricks bundle deploy` never reaches an environment.
 */
export const targetMode: Rule = {
  id: "target-mode",
  description: "An environment target not in `mode: production`, the sandbox not in `mode: development`, or `default: true` on any target but the sandbox.",
  fix: "environment targets: mode: production; sandbox: mode: development, default: true",
  check: ({ view }) => {
    const out: Finding[] = [];
    for (const { name, decls, target: t } of view.knownTargets) {
      const want = t.sandbox ? "development" : "production";
      const modes = view.inTarget(name, "mode");
      for (const m of modes) {
        if (textOf(m) !== want) out.push(finding(targetMode, m, `target ${name} must be mode: ${want}`, `set targets.${name}.mode: ${want}`, textOf(m) ?? m.kind));
      }
      if (modes.length === 0) out.push(finding(targetMode, decls[0], `target ${name} sets no mode`, `set targets.${name}.mode: ${want}`));
      if (!t.sandbox) {
        for (const d of view.inTarget(name, "default")) {
          if (d.kind !== "scalar" || (d.value !== false && textOf(d) !== "false")) {
            out.push(finding(targetMode, d, `target ${name} is a default target: a bare \`databricks bundle deploy\` would deploy it`, "remove default from the target; only sandbox is the default", textOf(d)));
          }
        }
      }
    }
    return out;
  },
};
