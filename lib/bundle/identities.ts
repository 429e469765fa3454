/**
 * Reading the identities a bundle names (run_as, permissions, grants, owners) per target, and
 * grouping the targets that get the same verdict, so that one place gives one finding.
 */
import type { TargetFacts } from "./facts";
import type { PrincipalKind, Who } from "./allow-list";
import type { BundleView } from "./view";
import type { Node } from "./yaml-tree";

const PRINCIPAL_KEYS: readonly [string, PrincipalKind][] = [
  ["user_name", "user"],
  ["group_name", "group"],
  ["service_principal_name", "service_principal"],
];

/** A value as target `t` sees it; undefined when it does not resolve to one literal. */
export function resolved(view: BundleView, t: TargetFacts, node: Node): string | undefined {
  const values = view.resolve(t.name, node);
  const texts = [...new Set(values.map((v) => v.text))];
  return texts.length === 1 ? texts[0] : undefined;
}

/**
 * The principal of a run_as or permissions entry (`user_name`, `group_name` or
 * `service_principal_name`) as target `t` sees it; a string when it cannot be read.
 */
export function principalOf(view: BundleView, t: TargetFacts, entry: Node): Who | string {
  if (entry.kind !== "map") return "is not a mapping the check can read";
  const named = PRINCIPAL_KEYS.filter(([k]) => entry.entries.has(k));
  if (named.length !== 1) return named.length === 0 ? "names no principal (user_name, group_name or service_principal_name)" : `names ${named.map(([k]) => k).join(" and ")}: exactly one is allowed`;
  const [key, kind] = named[0];
  const name = resolved(view, t, entry.entries.get(key)!);
  if (name === undefined) return `has a ${key} that does not resolve to one value here (a variable without a literal value, or a lookup)`;
  return { kind, name };
}

/** A Unity Catalog principal by its form: an application ID, an e-mail, else a group. */
export function grantPrincipal(name: string): Who {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name.trim())) return { kind: "service_principal", name };
  if (name.includes("@") || name === "${workspace.current_user.userName}") return { kind: "user", name };
  return { kind: "group", name };
}

/** Targets grouped by the problem each has (undefined: none). */
export function byProblem(targets: readonly TargetFacts[], problemOf: (t: TargetFacts) => string | undefined): Map<string, TargetFacts[]> {
  const out = new Map<string, TargetFacts[]>();
  for (const t of targets) {
    const p = problemOf(t);
    if (p !== undefined) out.set(p, [...(out.get(p) ?? []), t]);
  }
  return out;
}

export const targetList = (ts: readonly TargetFacts[]) => `target${ts.length > 1 ? "s" : ""} ${ts.map((t) => t.name).join(", ")}`;
