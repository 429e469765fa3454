/**
 * Grant changes: each (securable, principal) pair's effective privileges, BASE against HEAD,
 * wherever it is declared; a pair that keeps its access but changes address (a re-grant, which
 * revokes unless a moved block renames it); a `databricks_grants` added (authoritative).
 */
import { includesPrivilege } from "../../permissions";
import { grantRows, grantSecurable, pairKey, type GrantRow } from "../../output/grants";
import { blocksOfType, movesOf } from "../../output/blocks";
import { text, type SynthesizedStack } from "../../output/stack";
import { privilegeChange } from "../levels";
import { privilegeDirection, type Direction } from "../severity";
import type { Change } from "./change";

/** The authoritative grants resource, which the stacks never declare (lib/resources/grant.ts: why). */
const AUTHORITATIVE_GRANTS = "databricks_grants";

interface Declaration {
  readonly stack: string;
  readonly resource: string;
}

interface Pair {
  readonly first: GrantRow;
  readonly privileges: string[];
  readonly declaredBy: Declaration[];
}

const declared = (d: Declaration) => `${d.stack} ${d.resource}`;

function pairs(stacks: readonly SynthesizedStack[]): Map<string, Pair> {
  const out = new Map<string, Pair>();
  for (const r of grantRows(stacks)) {
    const p = out.get(pairKey(r)) ?? { first: r, privileges: [], declaredBy: [] };
    p.privileges.push(...r.privileges.filter((x) => !p.privileges.includes(x)));
    p.declaredBy.push({ stack: r.stack, resource: r.resource });
    out.set(pairKey(r), p);
  }
  for (const p of out.values()) p.privileges.sort();
  return out;
}

export function grantChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Change[] {
  const before = pairs(base);
  const after = pairs(head);
  const moved = movesByOrigin(head);
  const out: Change[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    const row = (a ?? b)!.first;
    const was = b?.privileges ?? [];
    const now = a?.privileges ?? [];
    const added = now.filter((p) => !was.includes(p));
    const removed = was.filter((p) => !now.includes(p));
    const at = {
      stack: row.stack,
      resource: row.resource,
      securableType: row.securableType,
      securable: row.securable,
      principal: row.principal,
      principalKind: row.principalKind,
    };
    if (added.length > 0 || removed.length > 0) {
      // Compared as effective privileges: ALL_PRIVILEGES -> SELECT narrows, though SELECT is "added".
      const verb = !b ? "granted" : !a ? "revoked" : "changed";
      out.push({
        ...at,
        kind: "grant",
        direction: privilegeDirection(was, now, includesPrivilege),
        added,
        removed,
        // The whole privilege lists, so a reader (the chart) can name the levels: `read → all`.
        before: was,
        after: now,
        // In levels where they match, exact either way: `changed: read +MODIFY`, `granted: read (+EXECUTE ...)`.
        summary: `${verb}: ${privilegeChange(row.securableType, was, now)}`,
      });
    }
    if (b && a) {
      const regrant = reGrant(b, a, moved);
      if (regrant) out.push({ ...at, kind: "re-grant", ...regrant });
    }
  }
  return out;
}

/**
 * A pair that keeps its access but changes address. Without a `moved` block Terraform destroys the
 * old grant (revoking its privileges) and creates the new one, in no fixed order: when the destroy
 * runs last, the privileges are gone until the next apply. A moved block renames it in state; none
 * crosses stacks.
 */
/**
 * HEAD's moved blocks by stack, then by origin, each in its order: looked up once per re-declared
 * grant, where searching the stack's whole list for each made a rename of thousands of grants
 * quadratic. A `from` that is not a string names no grant, as before.
 */
function movesByOrigin(head: readonly SynthesizedStack[]): Map<string, Map<string, { readonly from?: unknown; readonly to?: unknown }[]>> {
  const out = new Map<string, Map<string, { readonly from?: unknown; readonly to?: unknown }[]>>();
  // The last stack of a name, as a Map of the stacks by name had it.
  for (const s of new Map(head.map((x) => [x.name, x])).values()) {
    const byOrigin = new Map<string, { readonly from?: unknown; readonly to?: unknown }[]>();
    for (const m of movesOf(s)) {
      if (typeof m.from !== "string") continue;
      const list = byOrigin.get(m.from);
      if (list) list.push(m);
      else byOrigin.set(m.from, [m]);
    }
    out.set(s.name, byOrigin);
  }
  return out;
}

function reGrant(
  b: Pair,
  a: Pair,
  moved: Map<string, Map<string, readonly { readonly from?: unknown; readonly to?: unknown }[]>>,
): { direction: Direction; summary: string } | undefined {
  const now = new Set(a.declaredBy.map(declared));
  const gone = b.declaredBy.filter((d) => !now.has(declared(d)));
  const fresh = a.declaredBy.filter((d) => !b.declaredBy.some((x) => declared(x) === declared(d)));
  if (gone.length === 0 && fresh.length === 0) return undefined;
  const words = `declared by ${a.declaredBy.map(declared).join(", ")} (was ${b.declaredBy.map(declared).join(", ")})`;
  const movedTo = (d: Declaration) => (moved.get(d.stack)?.get(d.resource) ?? []).find((m) => a.declaredBy.some((x) => x.stack === d.stack && x.resource === m.to));
  const unmoved = gone.filter((d) => !movedTo(d));
  const targets = new Set(gone.map((d) => movedTo(d)).filter((m) => m !== undefined).map((m) => text(m!.to)));
  const extra = fresh.filter((d) => !targets.has(d.resource));
  if (unmoved.length === 0 && extra.length === 0) return { direction: "neutral", summary: `${words}, with a moved block: renamed in state, nothing revoked` };
  if (unmoved.length === 0) {
    return { direction: "risk", summary: `${words}: now declared more than once; destroying either revokes what both grant. Fix: keep one declaration` };
  }
  const fixes = unmoved.map((d) => {
    const to = fresh.find((x) => x.stack === d.stack);
    return to
      ? `declare the rename in the model (moved.${d.stack}: { ${d.resource}: ${to.resource} }), which writes the moved block`
      : `a moved block cannot cross stacks: run \`terraform state rm '${d.resource}'\` for ${d.stack} before it applies, so that its destroy revokes nothing`;
  });
  return {
    direction: "risk",
    summary:
      `${words}: without a moved block Terraform destroys the old grant (revoking ${b.privileges.join(", ")}) and creates the new one, in no fixed order, ` +
      `so the privileges can end up revoked. Fix: ${fixes.join("; ")}`,
  };
}

/** An added `databricks_grants` revokes, on every apply, whatever it does not list on its securable. */
export function authoritativeChanges(base: readonly SynthesizedStack[], head: readonly SynthesizedStack[]): Change[] {
  const authoritative = (stacks: readonly SynthesizedStack[]) => {
    const out = new Map<string, { stack: SynthesizedStack; resource: string; block: { readonly [attr: string]: unknown } }>();
    for (const s of stacks) for (const b of blocksOfType(s, AUTHORITATIVE_GRANTS)) out.set(`${s.name} ${b.address}`, { stack: s, resource: b.address, block: b.body });
    return out;
  };
  const before = authoritative(base);
  return [...authoritative(head)]
    .filter(([key]) => !before.has(key))
    .map(([, { stack, resource, block }]) => {
      const { securableType, securable } = grantSecurable(stack, resource, block);
      const listed = ((block.grant ?? []) as unknown[]).length;
      return {
        kind: "authoritative" as const,
        direction: "risk" as const,
        stack: stack.name,
        resource,
        securableType,
        securable,
        summary: `databricks_grants added: on every apply it revokes every privilege on ${securableType} ${securable} it does not list; ${listed === 0 ? "it lists none" : `it lists ${listed} principal${listed === 1 ? "" : "s"}`}`,
      };
    });
}

