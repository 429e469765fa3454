/**
 * Who can sign in as a principal: the federation policies' trust (issuer, subject, audiences) per
 * principal, read from the output, so that a changed subject is a risk on that principal's
 * environment, not a neutral configuration line. Reordering alone is no change.
 */
import { blocksOfType } from "../../output/blocks";
import { parseReference, referencedBlock } from "../../output/references";
import { normalizeStacks, text, type SynthesizedStack } from "../../output/stack";
import { FEDERATION_POLICY } from "../../resources/federation-policy";
import type { Change } from "./change";

/** One trust of a federation policy, as a reader names it. */
function trustWords(policy: { readonly [key: string]: unknown }): string {
  const oidc = policy.oidc_policy !== null && typeof policy.oidc_policy === "object" && !Array.isArray(policy.oidc_policy) ? (policy.oidc_policy as { [key: string]: unknown }) : {};
  const audiences = Array.isArray(oidc.audiences) ? [...oidc.audiences].map(text).sort() : oidc.audiences === undefined ? [] : [text(oidc.audiences)];
  const rest = Object.keys(oidc)
    .filter((k) => !["issuer", "subject", "audiences"].includes(k))
    .sort()
    .map((k) => `${k} ${text(oidc[k])}`);
  return [`subject ${text(oidc.subject)}`, `issuer ${text(oidc.issuer)}`, `audience ${audiences.join(", ") || "(none)"}`, ...rest].join(", ");
}

/** The principal a policy trusts tokens for: its lookup's display name or application ID. */
function trustedPrincipal(stack: SynthesizedStack, policy: { readonly [key: string]: unknown }): string {
  const ref = parseReference(policy.service_principal_id);
  const block = ref ? referencedBlock(stack.json, ref) : undefined;
  if (block && typeof block.display_name === "string") return block.display_name;
  if (block && typeof block.application_id === "string") return block.application_id;
  return `(unresolved: ${text(policy.service_principal_id)})`;
}

/** Principal -> its trusts -> where they are declared. */
function trusts(stacks: readonly SynthesizedStack[]): Map<string, Map<string, { stack: string; resource: string }>> {
  const out = new Map<string, Map<string, { stack: string; resource: string }>>();
  for (const s of normalizeStacks(stacks)) {
    for (const { address, body: policy } of blocksOfType(s, FEDERATION_POLICY.type)) {
      const principal = trustedPrincipal(s, policy);
      const of = out.get(principal) ?? new Map<string, { stack: string; resource: string }>();
      of.set(trustWords(policy), { stack: s.name, resource: address });
      out.set(principal, of);
    }
  }
  return out;
}

/**
 * A change to who can sign in as a principal (a federation policy's subject, issuer or audience, a
 * policy added, removed or moved to another principal): `! risk` when the principal trusts tokens
 * it did not trust before, `- narrows` when it only trusts fewer. Production's when the principal
 * is (ProdScope.principals).
 */
export function trustChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Change[] {
  const before = trusts(base);
  const after = trusts(head);
  const out: Change[] = [];
  for (const principal of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = before.get(principal) ?? new Map();
    const now = after.get(principal) ?? new Map();
    const added = [...now.keys()].filter((t) => !was.has(t)).sort();
    const removed = [...was.keys()].filter((t) => !now.has(t)).sort();
    if (added.length === 0 && removed.length === 0) continue;
    // One row per policy resource that changes, so each carries its own address (and what
    // terraform does to it); the principal decides whether it is production's.
    const at = new Map<string, { stack: string; resource: string; added: string[]; removed: string[] }>();
    const row = (where: { stack: string; resource: string }) => {
      const key = `${where.stack}\u0000${where.resource}`;
      const r = at.get(key) ?? { ...where, added: [], removed: [] };
      at.set(key, r);
      return r;
    };
    for (const t of added) row(now.get(t)!).added.push(t);
    for (const t of removed) row(was.get(t)!).removed.push(t);
    for (const r of at.values()) {
      out.push({
        kind: "trust",
        direction: r.added.length > 0 ? "risk" : "narrows",
        stack: r.stack,
        resource: r.resource,
        principal,
        principalKind: "service_principal",
        added: r.added,
        removed: r.removed,
        summary: `who can sign in as it (federation policy): ${[...r.added.map((t) => `+trusts ${t}`), ...r.removed.map((t) => `-no longer trusts ${t}`)].join("; ")}`,
      });
    }
  }
  return out;
}
