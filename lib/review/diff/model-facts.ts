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
import { MANIFEST_FILE } from "../../model/history";
import { STATEFUL_TYPES } from "../../resources/index";

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

  // Code owners: who must review a change to the code and the workflows (.github/CODEOWNERS). Any
  // one owner's approval satisfies GitHub's code-owner review, so an owner added is one more person
  // who can let code through alone, and one dropped may leave no one: both need a reviewer.
  const lower = (m: EnvironmentModel) => new Set(m.codeOwners.map((o) => o.toLowerCase()));
  const [ownersBefore, ownersAfter] = [lower(base), lower(head)];
  const dropped = base.codeOwners.filter((o) => !ownersAfter.has(o.toLowerCase()));
  const added = head.codeOwners.filter((o) => !ownersBefore.has(o.toLowerCase()));
  if (dropped.length > 0 || added.length > 0) {
    add(
      {
        direction: "risk",
        stack: file,
        resource: "codeOwners",
        summary: `code owners: ${[...added.map((o) => `+${o}`), ...dropped.map((o) => `-${o}`)].join(" ")} (who must review changes to the code and the workflows, once .github/CODEOWNERS is regenerated; any one of them may approve alone)`,
      },
      false,
    );
  }

  // Approvals: which stacks' applies wait for a reviewer (deploy.yml, github-check --approval). The
  // effective value is compared: a default follows production and the deploy order.
  for (const h of head.environments) {
    const b = base.environments.find((e) => e.key === h.key);
    if (!b || b.approval === h.approval) continue;
    add(
      {
        direction: h.approval === "none" ? "risk" : "narrows",
        stack: h.stackName,
        resource: `environments.${h.key}.approval`,
        summary:
          h.approval === "none"
            ? `approval: required -> none: ${h.stackName} is applied without anyone's approval (its GitHub environment's reviewers are no longer required by the deploy)`
            : `approval: none -> required: every apply of ${h.stackName} waits for a reviewer`,
      },
      isProdEnv(h.key),
    );
  }

  // The plan principal's name: only what reports call it (grants name it by application ID).
  const planName = (m: EnvironmentModel) => m.github?.planServicePrincipal.name;
  if (base.github && head.github && base.github.planServicePrincipal.applicationId === head.github.planServicePrincipal.applicationId && planName(base) !== planName(head)) {
    add({ direction: "neutral", stack: file, resource: "github.planServicePrincipal.name", summary: `plan principal's name: ${planName(base)} -> ${planName(head)} (what the reports call application ID ${head.github.planServicePrincipal.applicationId})` }, false);
  }

  out.push(...manifestChanges(base, head));

  // Default deny: every other fact of the model either shows in the synthesized output, which the
  // diff compares whole, or is judged above; a fact neither covers changed is a risk.
  const [factsBefore, factsAfter] = [modelFacts(base), modelFacts(head)];
  for (const fact of [...new Set([...factsBefore.keys(), ...factsAfter.keys()])].sort()) {
    const [was, now] = [factsBefore.get(fact), factsAfter.get(fact)];
    if (was === now || isJudgedFact(fact)) continue;
    add(
      {
        direction: "risk",
        stack: file,
        resource: fact,
        summary: `${fact}: ${was ?? "(not set)"} -> ${now ?? "(not set)"}: a model fact that neither the synthesized output nor the diff's model facts show, so a reviewer must judge it`,
      },
      true,
    );
  }
  return out;
}

/**
 * The address manifest (terraform-addresses.json) beside each model is what keeps a catalog, schema
 * or service principal that leaves the model from being destroyed: it is forgotten because the
 * manifest records it. A record that HEAD's manifest drops, for a stack HEAD still has, changes
 * nothing in the output now, but the next pull request that drops the object would destroy it: a
 * risk, whoever edited the file. Every other edit shows in the output (a record added becomes a
 * removed block, or the loader refuses the model).
 */
function manifestChanges(base: EnvironmentModel, head: EnvironmentModel): AccessChange[] {
  const out: AccessChange[] = [];
  const stacks = new Set([...head.environments.map((e) => e.stackName), ...head.retired.map((r) => r.stackName), ...(head.account ? [head.account.stackName] : [])]);
  const prodStacks = new Set([base.production.stackName, head.production.stackName]);
  for (const [stack, was] of Object.entries(base.history ?? {})) {
    if (!stacks.has(stack)) continue; // a stack HEAD no longer has shows as its stack row
    const now = head.history?.[stack];
    const movedFrom = new Set((head.moved[stack] ?? []).map((m) => m.from));
    const recorded = (r: typeof now, address: string) => r?.addresses[address] ?? r?.forgotten?.[address];
    for (const [address, object] of [...Object.entries(was.addresses), ...Object.entries(was.forgotten ?? {})]) {
      if (!STATEFUL_TYPES.has(address.split(".")[0]) || movedFrom.has(address)) continue;
      const kept = recorded(now, address);
      if (kept !== undefined && (object === "" || kept === object)) continue;
      out.push({
        kind: "config",
        heading: MODEL_HEADING,
        direction: "risk",
        prod: prodStacks.has(stack),
        stack,
        resource: address,
        summary:
          kept === undefined
            ? `${MANIFEST_FILE} no longer records ${address} (${object || "its object"}) under ${stack}: should it leave the model, Terraform would DESTROY it instead of forgetting it`
            : `${MANIFEST_FILE} records ${address} under ${stack} as ${kept} (was ${object}): renames and forgets of it are decided from that record`,
      });
    }
  }
  return out.sort((a, b) => (a.stack + a.resource < b.stack + b.resource ? -1 : 1));
}

/**
 * The model facts that are judged elsewhere, as patterns over modelFacts' paths (`*`: one segment):
 * those the synthesized output carries (the diff compares it whole: grants, owners, providers,
 * backends, bindings, imports, moved and removed blocks, outputs), and those judged above. `**`
 * is the rest of the path (an address or a display name may hold dots).
 */
const JUDGED: readonly RegExp[] = [
  // In the output.
  "metastore.id",
  "metastore.grantsFrom",
  "groups.*",
  "sandbox.creators",
  "environments.*.stackName",
  "environments.*.workspace.host",
  "environments.*.workspace.profile",
  "environments.*.workspace.id",
  "environments.*.servicePrincipal",
  "environments.*.catalog.name",
  "environments.*.catalog.schemas",
  "environments.*.catalog.bucket",
  "environments.*.catalog.storageRoot",
  "environments.*.catalog.adopt.catalog",
  "environments.*.catalog.adopt.schemas",
  "environments.*.catalog.adopt.groupGrants",
  "access.*.*",
  "isolated",
  "account.id",
  "account.profile",
  "account.host",
  "account.stackName",
  "github.repository",
  "github.planServicePrincipal.applicationId",
  "state.bucket",
  "state.region",
  "state.key",
  "moved.**",
  "retired.*.stackName",
  "retired.*.workspace.host",
  "retired.*.workspace.profile",
  // Above.
  "legacyServicePrincipals.**",
  "production",
  "sandbox.catalogName",
  "sandbox.storage.externalLocation",
  "sandbox.storage.url",
  "environments.*.promotion.from",
  "environments.*.promotion.schema",
  "environments.*.approval",
  // The deploy order is carried out by deploy.yml, which a code owner reviews and the tests hold to
  // the model; the approvals it decides by default are compared above. Reordering alone is no change.
  "environments (order)",
  "github.planServicePrincipal.name",
  "codeOwners",
].map((p) => new RegExp(`^${p.replace(/[.()]/g, (c) => `\\${c}`).replace(/\*\*|\*/g, (w) => (w === "**" ? ".+" : "[^.]+"))}$`));

/** Whether a fact (a modelFacts path) is shown by the output or judged by an analyser above. */
export function isJudgedFact(fact: string): boolean {
  return JUDGED.some((re) => re.test(fact));
}

/**
 * Every fact of a model as path -> value (JSON), for the default-deny comparison above: environments
 * and retired environments by key, groups by key, access by group and environment, principals by
 * name, renames by stack and old address; an environment referred to elsewhere by its key; a list
 * of names as a set. A field added to the model appears here by itself.
 */
export function modelFacts(model: EnvironmentModel): Map<string, string> {
  const out = new Map<string, string>();
  const envs = new Map<unknown, string>(model.environments.map((e) => [e, e.key]));
  const put = (path: string, value: unknown): void => {
    if (value === undefined) return;
    if (envs.has(value)) {
      out.set(path, JSON.stringify(envs.get(value)));
      return;
    }
    if (Array.isArray(value)) {
      if (value.every((v) => v === null || typeof v !== "object")) out.set(path, JSON.stringify([...value].map(String).sort()));
      else if (value.every((v) => v !== null && typeof v === "object" && "key" in v && "displayName" in v)) out.set(path, JSON.stringify(value.map((g) => g.key).sort()));
      else value.forEach((v, i) => put(`${path}[${i}]`, v));
      return;
    }
    if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) put(path === "" ? k : `${path}.${k}`, v);
      return;
    }
    out.set(path, JSON.stringify(value));
  };
  for (const [key, value] of Object.entries(model)) {
    switch (key) {
      case "source":
      case "warnings":
      case "history": // the address manifest: compared on its own (manifestChanges)
        break;
      case "environments":
        out.set("environments (order)", JSON.stringify(model.environments.map((e) => e.key)));
        for (const e of model.environments) for (const [k, v] of Object.entries(e)) if (k !== "key") put(`environments.${e.key}.${k}`, v);
        break;
      case "retired":
        for (const r of model.retired) for (const [k, v] of Object.entries(r)) if (k !== "key") put(`retired.${r.key}.${k}`, v);
        break;
      case "groups":
        for (const g of model.groups) put(`groups.${g.key}`, g.displayName);
        break;
      case "access":
        for (const a of model.access) put(`access.${a.group.key}.${a.environment.key}`, a.privileges);
        break;
      case "legacyServicePrincipals":
        for (const p of model.legacyServicePrincipals) put(`legacyServicePrincipals.${p.name}`, p.applicationId);
        break;
      case "moved":
        for (const [stack, moves] of Object.entries(model.moved)) for (const m of moves) put(`moved.${stack}.${m.from}`, m.to);
        break;
      default:
        put(key, value);
    }
  }
  return out;
}
