/**
 * What a change does that the synthesized grants alone do not show: the model's own safety facts
 * (retired principals, production, sandbox settings, promotion, code owners), which change what the
 * policy gate allows, or what the audit and the bundles trust, without changing the output;
 * compared between the BASE and HEAD models (who can sign in as a principal: trust.ts).
 * Reordering alone is no change: every list here is compared as a set.
 */
import * as path from "path";
import type { Environment, EnvironmentModel } from "../../model/types";
import { storageKey, within } from "../../model/load";
import type { Direction } from "../severity";
import type { AccessChange, Change } from "./change";

/** The heading model facts are listed under (one of change.ts's CONFIG_HEADINGS). */
export const MODEL_HEADING = "model facts" as const;

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
  const headById = new Map<string, (typeof head.legacyServicePrincipals)[number]>();
  for (const h of head.legacyServicePrincipals) if (!headById.has(h.applicationId)) headById.set(h.applicationId, h);
  const baseIds = new Set(base.legacyServicePrincipals.map((b) => b.applicationId));
  for (const p of base.legacyServicePrincipals) {
    if (headPairs.has(pair(p))) continue;
    const renamed = headById.get(p.applicationId);
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
    if (basePairs.has(pair(p)) || baseIds.has(p.applicationId)) continue;
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
  const byKey = (envs: readonly Environment[]) => {
    const out = new Map<string, Environment>();
    for (const e of envs) if (!out.has(e.key)) out.set(e.key, e);
    return out;
  };
  const [baseEnvs, headEnvs] = [byKey(base.environments), byKey(head.environments)];
  for (const key of [...new Set([...base.environments, ...head.environments].map((e) => e.key))].sort()) {
    const b = baseEnvs.get(key);
    const h = headEnvs.get(key);
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
