import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { byProblem, principalOf, resolved, targetList } from "../identities";
import { at, textOf } from "../yaml-tree";

/**
 * Workspace permissions (who may view, run or manage a job, pipeline, experiment, ...), written for
 * the whole bundle, a target or one resource (databricks/cli v1.13.0 applies the bundle's and the
 * target's to every resource: bundle/config/mutator/resourcemutator/apply_bundle_permissions.go),
 * resolved per target and held to the allow-list derived from the model (lib/bundle/allow-list.ts):
 * CAN_MANAGE on prod's jobs for the Dev group lets Dev run anything as prod's principal.
 */
export const resourcePermissions: Rule = {
  id: "resource-permissions",
  description:
    "A `permissions` entry (the bundle's, a target's or a resource's) gives, in some target, a level to a principal the model does not allow there: only the target's principal (the developer in `sandbox`), and groups with access to its catalog (view levels when that access only reads).",
  fix: "remove the entry, or give the group the access in environments.yaml first",
  check: ({ view, resources, allow }) => {
    const out: Finding[] = [];
    for (const use of resources.identities) {
      if (use.kind !== "permissions") continue;
      const problems = byProblem(use.targets, (t) => {
        const levelNode = at(use.node, "level");
        const level = levelNode ? resolved(view, t, levelNode) : undefined;
        if (level === undefined) return "has no level the check can read";
        const who = principalOf(view, t, use.node);
        if (typeof who === "string") return who;
        const why = allow.permission(t, who, level.trim().toUpperCase());
        return why === undefined ? undefined : `gives ${why}`;
      });
      for (const [problem, ts] of problems) {
        const got = use.node.kind === "map" ? [...use.node.entries].map(([k, v]) => `${k}: ${textOf(v) ?? v.kind}`).join(", ") : textOf(use.node);
        out.push(finding(resourcePermissions, use.node, `${use.address} ${problem} in ${targetList(ts)}`, `${resourcePermissions.fix}; ${ts.map((t) => allow.describe(t, "permissions")).join("; ")}`, got));
      }
    }
    return out;
  },
};
