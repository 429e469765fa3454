/**
 * What a change does that the synthesized grants alone do not show:
 * - the model's own safety facts (retired principals, production, sandbox settings, promotion,
 *   code owners), which change what the policy gate allows, or what the audit and the bundles
 *   trust, without changing the output; compared between the BASE and HEAD models;
 * - who can sign in as a principal: the federation policies' trust (issuer, subject, audiences) per
 *   principal, read from the output, so that a changed subject is a risk on that principal's
 *   environment, not a neutral configuration line.
 * Reordering alone is no change: every list here is compared as a set.
 */
import * as path from "path";
import type { Environment, EnvironmentModel } from "../model/types";
import { storageKey, within } from "../model/load";
import type { AccessChange, Direction } from "./diff";
import { normalizeStacks, text, type SynthesizedStack } from "../output/stack";
import { parseReference, referencedBlock } from "../output/references";

/** The heading model facts are listed under (one of diff.ts's CONFIG_HEADINGS). */
export const MODEL_HEADING = "model facts" as const;

type Change = Omit<AccessChange, "prod">;

/** True when `url` lies in the environment's bucket or catalog storage root. */
function inStorageOf(url: string, env: Environment): boolean {
  const key = storageKey(url);
  if (env.catalog.bucket !== undefined && key.split("/")[2] === env.catalog.bucket.toLowerCase()) return true;
  return env.catalog.storageRoot !== undefined && within(key, storageKey(env.catalog.storageRoot));
}

/**
 * The model facts that differ between BASE and HEAD, each marked by what it does to a rule: `! risk`
 * where it weakens one (a principal no longer retired, production moved, sandbox storage moved,
 * fewer code owners), `+ widens` where the model lets more happen (a promotion), `- narrows` where
 * it tightens one, `~` where the output's own rows carry the direction.
 */
export function modelFactChanges(base: EnvironmentModel, head: EnvironmentModel): AccessChange[] {
  const file = path.basename(head.source);
  const out: AccessChange[] = [];
  const prodEnvs = [base.production, head.production];
  const isProdEnv = (key: string | undefined) => key !== undefined && prodEnvs.some((e) => e.key === key);
  const add = (c: Omit<Change, "kind" | "heading">, prod: boolean) => out.push({ kind: "config", heading: MODEL_HEADING, ...c, prod });

  // Retired principals: the invariant refuses their names and IDs anywhere in the output.
  const pair = (p: { name: string; applicationId: string }) => `${p.name}\u0000${p.applicationId}`;
  const headPairs = new Set(head.legacyServicePrincipals.map(pair));
  const basePairs = new Set(base.legacyServicePrincipals.map(pair));
  for (const p of base.legacyServicePrincipals) {
    if (headPairs.has(pair(p))) continue;
    const renamed = head.legacyServicePrincipals.find((h) => h.applicationId === p.applicationId);
    add(
      {
        direction: "risk",
        stack: file,
        resource: `legacyServicePrincipals.${p.name}`,
        principal: p.name,
        principalKind: "service_principal",
        summary: renamed
          ? `retired principal renamed to ${renamed.name}: the name ${p.name} is no longer refused in the output`
          : `${p.name} (${p.applicationId}) is no longer retired: grants may name it again on every environment (the retired-principal invariant no longer covers it)`,
      },
      true,
    );
  }
  for (const p of head.legacyServicePrincipals) {
    if (basePairs.has(pair(p)) || base.legacyServicePrincipals.some((b) => b.applicationId === p.applicationId)) continue;
    add({ direction: "narrows", stack: file, resource: `legacyServicePrincipals.${p.name}`, principal: p.name, principalKind: "service_principal", summary: `${p.name} (${p.applicationId}) retired: no grant may name it` }, false);
  }

  // Production: which environment the PROD marks and the production rules (never promoted from) follow.
  if (base.production.key !== head.production.key) {
    add(
      {
        direction: "risk",
        stack: head.production.stackName,
        resource: "production",
        summary: `production: ${base.production.key} -> ${head.production.key}: the production rules (models never promoted out of it) and the PROD marks move to ${head.production.key} (this diff still marks ${base.production.key}, from the base side)`,
      },
      true,
    );
  }

  // Sandboxes: which catalogs count as developers' own, and where their managed storage lives.
  if (base.sandbox.catalogName !== head.sandbox.catalogName) {
    add(
      {
        direction: "risk",
        stack: file,
        resource: "sandbox.catalogName",
        summary: `sandbox catalog pattern: ${base.sandbox.catalogName} -> ${head.sandbox.catalogName}: other catalog names now count as developers' own sandboxes (owned by users, in the audit and the bundles)`,
      },
      false,
    );
  }
  const storage = (m: EnvironmentModel) => (m.sandbox.storage ? `location ${m.sandbox.storage.externalLocation} (url ${m.sandbox.storage.url})` : undefined);
  const [was, now] = [storage(base), storage(head)];
  if (was !== now) {
    const url = head.sandbox.storage?.url ?? base.sandbox.storage?.url ?? "";
    const prod = [base, head].some((m) => url !== "" && inStorageOf(url, m.production));
    add(
      {
        // Added or removed, the CREATE_MANAGED_STORAGE grant's own row carries the direction.
        direction: was !== undefined && now !== undefined ? "risk" : "neutral",
        stack: base.metastore.grantsFrom.stackName,
        resource: "sandbox.storage",
        summary:
          was === undefined
            ? `sandbox storage added: ${now}; developers create their sandboxes' managed storage under it`
            : now === undefined
              ? `sandbox storage removed: ${was}`
              : `sandbox storage: ${was} -> ${now}; developers' new sandboxes keep their data under the new url`,
      },
      prod,
    );
  }

  // Promotion: whose principal may read which environment's models.
  const promotion = (e: Environment | undefined) => (e?.promotion ? `${e.promotion.from.key}.${e.promotion.schema}` : undefined);
  for (const key of [...new Set([...base.environments, ...head.environments].map((e) => e.key))].sort()) {
    const b = base.environments.find((e) => e.key === key);
    const h = head.environments.find((e) => e.key === key);
    const [from, to] = [promotion(b), promotion(h)];
    if (from === to || !b || !h) continue; // an environment added or removed shows as its stack
    const direction: Direction = to === undefined ? "narrows" : "widens";
    const source = (e: Environment | undefined) => e?.promotion?.from;
    add(
      {
        direction,
        stack: h.stackName,
        resource: `environments.${key}.promotion`,
        principal: h.servicePrincipal,
        principalKind: "service_principal",
        summary:
          to === undefined
            ? `promotion from ${from} removed: ${h.servicePrincipal} no longer reads those models`
            : `promotion ${from === undefined ? "added" : `changed from ${from}`}: ${h.servicePrincipal} reads ${to.replace(".", "'s catalog, schema ")}'s models (read-only)`,
      },
      [key, source(b)?.key, source(h)?.key].some(isProdEnv),
    );
  }

  // Code owners: who must review a change to the code and the workflows (.github/CODEOWNERS).
  const lower = (m: EnvironmentModel) => new Set(m.codeOwners.map((o) => o.toLowerCase()));
  const [ownersBefore, ownersAfter] = [lower(base), lower(head)];
  const dropped = base.codeOwners.filter((o) => !ownersAfter.has(o.toLowerCase()));
  const added = head.codeOwners.filter((o) => !ownersBefore.has(o.toLowerCase()));
  if (dropped.length > 0 || added.length > 0) {
    add(
      {
        direction: dropped.length > 0 ? "risk" : "narrows",
        stack: file,
        resource: "codeOwners",
        summary: `code owners: ${[...added.map((o) => `+${o}`), ...dropped.map((o) => `-${o}`)].join(" ")} (who must review changes to the code and the workflows, once .github/CODEOWNERS is regenerated)`,
      },
      false,
    );
  }
  return out;
}

// --- who can sign in as a principal ---------------------------------------------------------------

const POLICY = "databricks_service_principal_federation_policy";

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
    for (const [id, policy] of Object.entries(s.json.resource?.[POLICY] ?? {})) {
      const principal = trustedPrincipal(s, policy);
      const of = out.get(principal) ?? new Map<string, { stack: string; resource: string }>();
      of.set(trustWords(policy), { stack: s.name, resource: `${POLICY}.${id}` });
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

/** The principals whose sign-in is production's: the production deployer and the plan principal (reads every catalog). */
export function productionPrincipals(models: readonly EnvironmentModel[]): Set<string> {
  const out = new Set<string>();
  for (const m of models) {
    out.add(m.production.servicePrincipal);
    if (m.github) out.add(m.github.planServicePrincipal.applicationId);
  }
  return out;
}
