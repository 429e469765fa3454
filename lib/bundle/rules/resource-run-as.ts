import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { CURRENT_USER_NAME, type Who } from "../allow-list";
import type { TargetFacts } from "../facts";
import { byProblem, principalOf, resolved, targetList } from "../identities";
import type { CheckContext } from "../rule";
import { textOf, type Node } from "../yaml-tree";

/**
 * A job's, pipeline's or alert's own `run_as` beats the target's (databricks/cli v1.13.0
 * bundle/config/mutator/resourcemutator/run_as.go sets the target's only where a resource has
 * none), and an owner holds every privilege on what it owns: each is resolved per target and must
 * be the target's identity (an environment's deploying principal; the developer in the sandbox).
 */
export const resourceRunAs: Rule = {
  id: "resource-run-as",
  description: "A resource's own `run_as`, `run_as_user_name` or `owner` is, in some target, not that target's principal (the developer in `sandbox`).",
  fix: "remove the resource's run_as and owner: the target's run_as applies to every job and pipeline",
  check: (ctx) => {
    const out: Finding[] = [];
    const { view, resources, allow } = ctx;
    for (const use of resources.identities) {
      if (use.kind === "permissions" || use.kind === "grants") continue;
      const problems = byProblem(use.targets, (t) => {
        const own = allow.runAs(t);
        let who: Who | string;
        if (use.kind === "run_as") who = principalOf(view, t, use.node);
        else {
          const name = use.node.kind === "scalar" ? resolved(view, t, use.node) : undefined;
          who = name === undefined ? "does not resolve to one principal here" : { kind: /^[0-9a-f-]{36}$/i.test(name) ? "service_principal" : "user", name };
        }
        if (typeof who === "string") return who;
        return judge(ctx, t, who, own);
      });
      for (const [problem, ts] of problems) {
        out.push(finding(resourceRunAs, use.node, `${use.address} ${problem} in ${targetList(ts)}`, fixFor(ctx, ts), textOf(use.node) ?? summary(use.node)));
      }
    }
    return out;
  },
};

function judge({ allow }: CheckContext, t: TargetFacts, who: Who, own: Who | undefined): string | undefined {
  if (own && who.kind === own.kind && who.name.trim().toLowerCase() === own.name.toLowerCase() && who.name === who.name.trim()) return undefined;
  const env = allow.environmentOf(who.name);
  if (!own && who.kind === "service_principal" && /^[0-9a-f-]{36}$/i.test(who.name) && !env) return "names an application ID the check cannot verify without the stacks' outputs";
  if (env && env.key !== t.environment.key) return `runs as environments.${env.key}'s principal (${env.servicePrincipal})`;
  if (env && t.sandbox) return `runs as environments.${env.key}'s principal, in the developer's own sandbox`;
  if (env) return `names ${env.servicePrincipal} by display name; run_as and owners take the application ID`;
  return `runs as ${who.kind === "user" ? "the user" : who.kind === "group" ? "the group" : "the service principal"} ${who.name}`;
}

function fixFor({ allow }: CheckContext, ts: readonly TargetFacts[]): string {
  const ids = ts.map((t) => (t.sandbox ? `${t.name}: ${CURRENT_USER_NAME}` : `${t.name}: ${allow.runAs(t)?.name ?? `the application ID of ${t.environment.servicePrincipal}`}`));
  return `${resourceRunAs.fix} (${ids.join("; ")})`;
}

const summary = (n: Node) => (n.kind === "map" ? Object.fromEntries([...n.entries].map(([k, v]) => [k, textOf(v) ?? v.kind])) : n.kind);
