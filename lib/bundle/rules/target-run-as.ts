import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { UUID } from "../../model/load";
import { textOf } from "../yaml-tree";
import { CURRENT_USER_NAME } from "../allow-list";

/**
 * Every environment target runs as its own environment's deploying principal, named by application
 * ID (what `service_principal_name` takes). The incident: every target ran as one shared principal.
 * Retired principals are the retired-principal rule's.
 */
export const targetRunAs: Rule = {
  id: "target-run-as",
  description: "`run_as` missing on a production target, naming a user, another environment's or (through a variable) a retired principal, or not the environment's principal's application ID; in `sandbox`, anyone but the developer who deploys it.",
  fix: "set run_as.service_principal_name to the environment's principal's application ID (the generated targets do)",
  check: ({ view }) => {
    const out: Finding[] = [];
    const { facts } = view;
    for (const { name, decls, target: t } of view.knownTargets) {
      if (t.sandbox) {
        // The developer deploys the sandbox as themselves; a run_as (the target's, else the
        // top-level one, which the sandbox inherits) may name only them.
        for (const node of view.effective(name, "run_as")) {
          const user = node.kind === "map" && node.entries.size === 1 ? node.entries.get("user_name") : undefined;
          if (user && view.resolve(name, user).every((c) => c.text === CURRENT_USER_NAME)) continue;
          out.push(
            finding(
              targetRunAs,
              node,
              `target sandbox runs its jobs and pipelines as ${node.kind === "map" ? [...node.entries].map(([k, v]) => `${k} ${textOf(v) ?? v.kind}`).join(", ") : textOf(node) ?? node.kind}, not as the developer who deploys it`,
              `remove run_as from the sandbox target${view.inTarget(name, "run_as").length === 0 ? " (it inherits the top-level run_as: move that into the environment targets)" : ""}; each developer's sandbox runs as the developer`,
            ),
          );
        }
        continue;
      }
      const env = t.environment;
      const id = facts.applicationIds?.get(env.key);
      const fix = `set targets.${name}.run_as.service_principal_name to ${id ?? `the application ID of ${env.servicePrincipal} (pass --outputs to check it)`}`;
      const runAs = view.effective(name, "run_as");
      if (runAs.length === 0) {
        out.push(finding(targetRunAs, decls[0], `production target ${name} has no run_as: its jobs and pipelines run as whoever deploys`, fix));
        continue;
      }
      for (const node of runAs) {
        if (node.kind !== "map") {
          out.push(finding(targetRunAs, node, `target ${name}'s run_as is not a mapping the check can read`, fix, textOf(node)));
          continue;
        }
        for (const key of ["user_name", "group_name"]) {
          const n = node.entries.get(key);
          if (n) out.push(finding(targetRunAs, n, `target ${name} runs as a ${key === "user_name" ? "user" : "group"}, not its environment's principal`, fix, textOf(n)));
        }
        const sp = node.entries.get("service_principal_name");
        if (!sp) {
          if (!node.entries.has("user_name") && !node.entries.has("group_name")) out.push(finding(targetRunAs, node, `target ${name}'s run_as names no service principal`, fix));
          continue;
        }
        for (const c of view.resolve(name, sp)) {
          const value = c.text?.trim().toLowerCase();
          if (value === undefined) {
            out.push(finding(targetRunAs, c.node, `target ${name}'s run_as does not resolve to a principal here`, fix, textOf(sp)));
            continue;
          }
          const retired = facts.model.legacyServicePrincipals.find((r) => r.name.toLowerCase() === value || r.applicationId === value);
          if (retired) {
            // Written literally, the retired-principal rule reports it; through a variable, here.
            if (textOf(c.node)?.trim().toLowerCase() !== value) {
              out.push(finding(targetRunAs, c.node, `target ${name} runs as the retired principal ${retired.name}`, fix, textOf(c.node)));
            }
            continue;
          }
          if (id !== undefined && value === id.toLowerCase()) continue;
          const other = facts.byApplicationId.get(value) ?? facts.byPrincipal.get(value);
          if (other && other.key !== env.key) {
            out.push(finding(targetRunAs, c.node, `target ${name} runs as environments.${other.key}'s principal (${other.servicePrincipal})`, fix, c.text));
          } else if (other) {
            out.push(finding(targetRunAs, c.node, `target ${name}'s run_as names ${env.servicePrincipal} by display name; service_principal_name takes its application ID`, fix, c.text));
          } else if (id === undefined && UUID.test(value)) {
            out.push(finding(targetRunAs, c.node, `target ${name}'s run_as application ID cannot be checked without the stacks' outputs`, `pass --outputs (the stacks' service_principal_application_id outputs)`, c.text));
          } else {
            out.push(finding(targetRunAs, c.node, `target ${name}'s run_as is not ${env.servicePrincipal}${id ? ` (${id})` : ""}`, fix, c.text));
          }
        }
      }
    }
    return out;
  },
};
