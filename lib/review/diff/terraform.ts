/**
 * What Terraform does to each row's resource (lib/review/terraform-plan.ts: HEAD planned over
 * BASE's state), and a row for every resource it changes that no other row shows, so that the diff
 * names exactly the resources the plan changes; and the workspace a resource acts on.
 */
import { resourceBodies } from "../../output/blocks";
import { text, type SynthesizedStack } from "../../output/stack";
import { STATEFUL_TYPES, resourceType } from "../../resources/index";
import type { Direction } from "../severity";
import { predictPlan } from "../terraform-plan";
import { typeHeading, type Change } from "./change";

/** The workspace a resource acts on (a binding's, an assignment's `workspace_id`), by stack and address. */
export function resourceWorkspaces(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of [...base, ...head]) {
    for (const [address, body] of resourceBodies(s)) if (body.workspace_id !== undefined) out.set(`${s.name}\u0000${address}`, text(body.workspace_id));
  }
  return out;
}

/**
 * Every row gets what Terraform does to its resource, and every resource Terraform changes gets a
 * row: one the access changes do not already give (a schema of a new stack, a replaced binding) is
 * listed under its heading, so the diff names exactly the resources the plan changes.
 */
export function withTerraformActions(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[], changes: readonly Change[]): Change[] {
  const planned = new Map(predictPlan(base, head).map((p) => [`${p.stack}\u0000${p.address}`, p]));
  const namedByRegrant = regrantIndex(changes);
  const shown = new Set<string>();
  const out = changes.map((c) => {
    const p = planned.get(`${c.stack}\u0000${c.resource}`);
    if (!p) return c;
    shown.add(`${c.stack}\u0000${c.resource}`);
    return { ...c, terraform: p.action };
  });
  for (const [key, p] of planned) {
    if (shown.has(key)) continue;
    const type = p.address.split(".")[0];
    const heading = typeHeading(type, false);
    const stateful = STATEFUL_TYPES.has(type);
    // A type the model never produces: by what its name says it does.
    const access = resourceType("resource", type)?.access ?? /workspace_binding|permission_assignment|grant/.test(type);
    // The old address of a grant declared again elsewhere (a re-grant row): its delete revokes until the create runs.
    const regranted = p.action === "delete" && namedByRegrant(p.stack, p.address);
    const direction: Direction = regranted ? "risk" :
      p.action === "replace" || (stateful && (p.action === "delete" || p.action === "forget"))
        ? "risk"
        : access && (p.action === "create" || p.action === "import")
          ? "widens"
          : access && p.action === "delete"
            ? "narrows"
            : "neutral";
    out.push({ kind: "config", heading, direction, stack: p.stack, resource: p.address, terraform: p.action, summary: `${p.action}: ${p.why}${regranted ? " (the same pair is declared again elsewhere: see the re-grant row)" : ""}` });
  }
  return out;
}


/**
 * Whether a re-grant row's summary names `stack address` (holds \` ${stack} ${address}\`, as it
 * says `declared by STACK ADDRESS, ...`), for every planned delete: answered from the summaries'
 * words, indexed once (the word after each word, sorted), instead of searching every summary for
 * every delete, which a rename of thousands of grants made minutes. The same answer: with no space
 * in either, the text holds " S A" exactly when one of its words (not the first) is S and the next
 * one starts with A; a name with a space is searched for as before.
 */
export function regrantIndex(changes: readonly Change[]): (stack: string, address: string) => boolean {
  const regrants = changes.filter((c) => c.kind === "re-grant");
  let following: Map<string, string[]> | undefined;
  // Built at the first delete asked about (a plan without one needs none).
  const index = (): Map<string, string[]> => {
    if (following) return following;
    following = new Map<string, string[]>();
    for (const c of regrants) {
      const words = c.summary.split(" ");
      for (let i = 1; i + 1 < words.length; i++) {
        const list = following.get(words[i]);
        if (list) list.push(words[i + 1]);
        else following.set(words[i], [words[i + 1]]);
      }
    }
    for (const list of following.values()) list.sort();
    return following;
  };
  return (stack, address) => {
    if (stack === "" || address === "" || stack.includes(" ") || address.includes(" ")) return regrants.some((c) => c.summary.includes(` ${stack} ${address}`));
    const list = index().get(stack);
    if (!list) return false;
    // The first word not below `address`: the words starting with it, if any, begin there.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] < address) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length && list[lo].startsWith(address);
  };
}
