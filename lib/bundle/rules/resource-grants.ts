import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { byProblem, grantPrincipal, resolved, targetList } from "../identities";
import { at, textOf } from "../yaml-tree";

/**
 * Unity Catalog grants a bundle deploys with its schemas, volumes and registered models: a grant
 * the stacks do not declare, which the model must allow (lib/bundle/allow-list.ts). A bundle must
 * not widen access beyond environments.yaml through the back door of a pipelines repository.
 */
export const resourceGrants: Rule = {
  id: "resource-grants",
  description:
    "A resource's Unity Catalog `grants` give, in some target, a principal privileges the model does not allow on that environment's catalog (the target's principal, or the developer in `sandbox`, may hold any).",
  fix: "remove the grant, or give the group the access in environments.yaml (the stacks grant it)",
  check: ({ view, resources, allow }) => {
    const out: Finding[] = [];
    for (const use of resources.identities) {
      if (use.kind !== "grants") continue;
      const problems = byProblem(use.targets, (t) => {
        const principalNode = at(use.node, "principal");
        const principal = principalNode ? resolved(view, t, principalNode) : undefined;
        if (principal === undefined) return "names no principal the check can read";
        const list = at(use.node, "privileges");
        if (!list || list.kind !== "seq") return "has no list of privileges the check can read";
        const privileges = list.items.map((p) => resolved(view, t, p));
        if (privileges.some((p) => p === undefined)) return "has a privilege that does not resolve to one value here";
        const why = allow.grant(t, grantPrincipal(principal), (privileges as string[]).map((p) => p.trim().toUpperCase().replace(/[\s-]+/g, "_")));
        return why === undefined ? undefined : `grants ${why}`;
      });
      for (const [problem, ts] of problems) {
        const got = use.node.kind === "map" ? [...use.node.entries].map(([k, v]) => `${k}: ${textOf(v) ?? (v.kind === "seq" ? v.items.map((i) => textOf(i)).join(" ") : v.kind)}`).join(", ") : textOf(use.node);
        out.push(finding(resourceGrants, use.node, `${use.address} ${problem} in ${targetList(ts)}`, `${resourceGrants.fix}; ${ts.map((t) => allow.describe(t, "grants")).join("; ")}`, got));
      }
    }
    return out;
  },
};
