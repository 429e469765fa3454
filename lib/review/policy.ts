/**
 * The access policy gate: checks synthesized output (whatever produced it, including hand-written
 * Terraform around the constructs) against the environment model and the project's safety rules.
 * Synth runs it over its own output before writing it (lib/synth.ts); reviewers and CI run it over
 * any cdktf.out, including one with hand-written additions.
 */
import { includesPrivilege, isReadOnly } from "../permissions";
import type { EnvironmentModel } from "../model/types";
import type { AllowList } from "./allow-list";
import { duplicatePairs, grantRows, grantSecurable, resolveName, resolvePrincipal, type GrantRow } from "./grants";
import { ReviewInputError, normalizeStacks, parseReference, stackLocation, text, type StackJson, type SynthesizedStack } from "./output";

export const POLICY_RULES = {
  "exceeds-model": "no principal holds more on a securable than the permission model gives it",
  "write-outside-own-environment": "no principal writes to another environment's catalog",
  "duplicate-pair": "each (securable, principal) pair is declared once across all stacks",
  "authoritative-metastore": "no databricks_grants (authoritative) on the shared metastore",
  "authoritative-grants": "no databricks_grants (authoritative) on any other securable either: always databricks_grant",
  "principal-declaration": "principals are the model's: each workspace stack creates only its own environment's service principal, groups and users are never created, lookups name the model's principals",
  "provider-workspace": "each stack's provider aims at its own target and no other: the model's host (and account_id) as a literal, the model's profile",
  "provider-secret": "no secret-shaped value in any provider block",
  "secret-resource": "no token or secret resources",
  "catalog-protection": "every catalog has prevent_destroy and no force_destroy",
  "catalog-owner": "each catalog (and a schema that names an owner) is owned by its environment's deploying principal, declared in the same stack",
  "catalog-isolation": "catalogs have the model's isolation_mode; a binding is read-only, from a promotion's source catalog (in its own stack) to a promoting environment's workspace, never its own",
  "unresolved-reference": "every grant names declared things and literal privileges, checkable before apply",
} as const;

export type RuleId = keyof typeof POLICY_RULES;

export interface Violation {
  readonly rule: RuleId;
  readonly stack: string;
  /** Terraform address (or `provider.databricks`), as `terraform plan` shows it. */
  readonly resource: string;
  readonly principal?: string;
  /** `catalog prod`, `schema dev.models`, `metastore <id>`. */
  readonly securable?: string;
  readonly privilege?: string;
  /** What is wrong, with the values. */
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
}

export interface PolicyResult {
  readonly violations: readonly Violation[];
  readonly stacks: number;
  readonly grants: number;
  readonly principals: number;
}

/** Resources that carry a secret in Terraform state; CI authenticates through OIDC instead. */
const SECRET_RESOURCES = ["databricks_token", "databricks_service_principal_secret", "databricks_obo_token"];
/** Provider attributes that hold credentials (token, password, client_secret, google_credentials, ...). */
const SECRET_ATTRIBUTE = /(^|_)(token|password|secret|credentials)$/;
const SECRET_VALUES: readonly (readonly [RegExp, string])[] = [
  [/dapi[0-9a-f]{32}/, "a Databricks personal access token"],
  [/dose[0-9a-f]{32}/, "a Databricks OAuth secret"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./, "a JSON web token"],
];

export function checkPolicy(input: readonly SynthesizedStack[], allow: AllowList): PolicyResult {
  const stacks = normalizeStacks(input);
  const rows = grantRows(stacks);
  const violations: Violation[] = [
    ...checkGrantsAgainstModel(rows, allow),
    ...checkOwnership(stacks, rows),
    ...stacks.flatMap((s) => checkPrincipalDeclarations(s, allow.model, rows)),
    ...stacks.flatMap((s) => [...checkProvider(s, allow.model), ...checkSecretResources(s), ...checkCatalogs(s), ...checkOwners(s, allow.model), ...checkIsolation(s, allow.model)]),
  ];
  return {
    violations: dedupe(violations).sort(compareViolations),
    stacks: stacks.length,
    grants: rows.length,
    principals: new Set(rows.map((r) => `${r.principalKind}\u0000${r.principal}`)).size,
  };
}

/** `stack resource: [rule] principal / securable / privilege: problem. Fix: fix.` */
export function formatViolation(v: Violation): string {
  const what = [v.principal, v.securable, v.privilege].filter((x) => x !== undefined).join(" / ");
  return `${v.stack} ${v.resource}: [${v.rule}] ${what ? `${what}: ` : ""}${v.problem}. Fix: ${v.fix}.`;
}

export function policySummary(result: PolicyResult, modelSource: string): string {
  const n = result.violations.length;
  const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? "" : "s"}`;
  const scope = `${plural(result.stacks, "stack")}, ${plural(result.grants, "grant")}, ${plural(result.principals, "principal")} checked against ${modelSource}`;
  if (n === 0) return `policy: passed: ${scope}; no violations.`;
  const rules = [...new Set(result.violations.map((v) => v.rule))].join(", ");
  return `policy: failed: ${plural(n, "violation")} (${rules}); ${scope}.`;
}

// --- grants against the model -------------------------------------------------------------------

function checkGrantsAgainstModel(rows: readonly GrantRow[], allow: AllowList): Violation[] {
  const out: Violation[] = [];
  for (const r of rows) {
    const at = { stack: r.stack, resource: r.resource, principal: r.principal, securable: `${r.securableType} ${r.securable}` };
    if (r.unresolved.length > 0) {
      // Reported, not guessed: the grant's principal or securable is not something the output declares.
      for (const u of r.unresolved) {
        out.push({ ...at, rule: "unresolved-reference", problem: u, fix: "declare what the grant refers to in the same stack, or correct the reference" });
      }
      continue;
    }
    // A retired principal gets nothing, whatever else the model says (even if its ID were reused).
    const retired = allow.model.legacyServicePrincipals.find((p) => p.applicationId === r.principal || p.name === r.principal);
    if (retired) {
      for (const privilege of r.privileges) {
        out.push({
          ...at,
          privilege,
          rule: "exceeds-model",
          problem: `${r.principal} is the retired service principal ${retired.name} (legacyServicePrincipals in ${allow.model.source}); nothing may be granted to it`,
          fix: "remove this grant; grant to the environment's own service principal instead",
        });
      }
      continue;
    }
    const allowed = allow.allowed(r.securableType, r.securable, r.principalKind, r.principal);
    const env = allow.environmentOf(r.securableType, r.securable);
    const writable = allow.writableEnvironments(r.principalKind, r.principal);
    for (const privilege of r.privileges) {
      if (includesPrivilege(allowed, privilege)) continue;
      const v = { ...at, privilege };
      if (env && !isReadOnly([privilege]) && !writable.includes(env)) {
        const own = writable.map((e) => e.key);
        const writers = writersOf(allow, env.catalog.name);
        out.push({
          ...v,
          rule: "write-outside-own-environment",
          problem:
            `${privilege} writes to environment ${env.key}'s catalog ${env.catalog.name}; ` +
            (own.length === 0 ? `the model lets ${r.principal} write to no environment's catalog` : `the model lets ${r.principal} write only to ${own.join(", ")}`),
          fix: `remove ${privilege} from this grant; only ${writers.join(", ") || "no one"} may write to ${env.catalog.name}`,
        });
        continue;
      }
      const given = allow.sources(r.securableType, r.securable, r.principalKind, r.principal);
      out.push({
        ...v,
        rule: "exceeds-model",
        problem:
          given.length === 0
            ? `the model gives ${r.principal} nothing on ${at.securable}`
            : `the model gives ${r.principal} only ${allowed.join(", ")} there (${[...new Set(given.map((g) => g.source))].join("; ")})`,
        fix: `remove ${privilege} from this grant, or give it in the model (${allow.model.source}) and synthesize again`,
      });
    }
  }
  return out;
}

/** Principals the model lets write to a catalog, by name: for the fix of a cross-environment write. */
function writersOf(allow: AllowList, catalog: string): string[] {
  return [...new Set(allow.entries.filter((e) => e.securableType === "catalog" && e.securable === catalog && !isReadOnly(e.privileges)).map((e) => e.principal))].sort();
}

// --- ownership of grants ------------------------------------------------------------------------

function checkOwnership(stacks: readonly SynthesizedStack[], rows: readonly GrantRow[]): Violation[] {
  const out: Violation[] = [];
  for (const dupes of duplicatePairs(rows)) {
    for (const r of dupes) {
      const others = dupes.filter((d) => d !== r).map((d) => `${d.stack} ${d.resource}`);
      out.push({
        rule: "duplicate-pair",
        stack: r.stack,
        resource: r.resource,
        principal: r.principal,
        securable: `${r.securableType} ${r.securable}`,
        problem: `also declared by ${others.join(" and ")}; two owners of one pair undo each other's changes on every apply`,
        fix: "keep the declaration in one stack (the one that owns the securable or the principal) and remove the others",
      });
    }
  }

  // Every grant resource, including a databricks_grants without grant blocks (it produces no rows
  // but still revokes every privilege on its securable).
  const resources = stacks.flatMap((s) =>
    (["databricks_grant", "databricks_grants"] as const).flatMap((type) =>
      Object.entries(s.json.resource?.[type] ?? {}).map(([name, block]) => {
        const resource = `${type}.${name}`;
        return { stack: s.name, resource, type, ...grantSecurable(s, resource, block) };
      }),
    ),
  );
  const bySecurable = new Map<string, typeof resources>();
  for (const r of resources) {
    const key = `${r.securableType} ${r.securable}`;
    bySecurable.set(key, [...(bySecurable.get(key) ?? []), r]);
  }
  for (const [securable, list] of bySecurable) {
    for (const r of list.filter((x) => x.type === "databricks_grants")) {
      const others = list.filter((x) => x !== r).map((o) => `${o.stack} ${o.resource}`);
      const at = { stack: r.stack, resource: r.resource, securable };
      if (r.securableType === "metastore") {
        out.push({
          ...at,
          rule: "authoritative-metastore",
          problem:
            "databricks_grants is authoritative: on the shared metastore it revokes every metastore grant it does not list, other teams' included" +
            (others.length > 0 ? ` (and ${others.join(", ")}, which grant again on their next apply, forever)` : ""),
          fix: "declare each (metastore, principal) pair with its own databricks_grant",
        });
        continue;
      }
      out.push({
        ...at,
        rule: "authoritative-grants",
        problem:
          `databricks_grants is authoritative: on every apply it revokes every privilege on ${securable} it does not list, ` +
          (others.length > 0
            ? `those of ${others.join(", ")} (which grant them again on their next apply, forever) and any made outside this stack`
            : "including any granted outside this stack (by hand, by another stack or team)"),
        fix: "declare each (securable, principal) pair with its own databricks_grant (the constructs' UnityGrant), never databricks_grants",
      });
    }
  }
  return out;
}

// --- who the principals are ---------------------------------------------------------------------

/**
 * The policy knows principals by display name (groups, deploying service principals) and by
 * application ID (the plan principal): a principal declared in the output with a model principal's
 * name would get that principal's access. So the output creates no principal but each workspace
 * stack's own deploying one, looks up only the model's, and never changes group membership.
 */
function checkPrincipalDeclarations(stack: SynthesizedStack, model: EnvironmentModel, rows: readonly GrantRow[]): Violation[] {
  const out: Violation[] = [];
  const { name, json } = stack;
  const env = model.environments.find((e) => e.stackName === name);
  const isAccount = model.account?.stackName === name;
  const plan = model.github?.planServicePrincipal;
  const deployerOf = (displayName: unknown) => model.environments.find((e) => e.servicePrincipal === displayName);
  const groupNames = model.groups.map((g) => g.displayName);
  /** Declarations this rule rejects: grants to them are rejected with them. */
  const rejected = new Set<string>();
  const reject = (resource: string, principal: string | undefined, problem: string, fix: string) => {
    rejected.add(resource);
    out.push({ rule: "principal-declaration", stack: name, resource, ...(principal !== undefined ? { principal } : {}), problem, fix });
  };

  let own: string | undefined;
  for (const [id, block] of Object.entries(json.resource?.databricks_service_principal ?? {})) {
    const resource = `databricks_service_principal.${id}`;
    const displayName = typeof block.display_name === "string" ? block.display_name : undefined;
    const shown = displayName ?? text(block.display_name);
    const other = deployerOf(displayName);
    const claims = other && other !== env ? `, environment ${other.key}'s deploying principal` : plan && displayName === plan.name ? ", the plan principal" : "";
    if (isAccount || !env) {
      reject(
        resource,
        shown,
        `${name} creates a service principal named ${shown}${claims}; ${isAccount ? "the account stack creates none (it looks the deployers up by display name and the plan principal by application ID)" : `${name} is no environment's stack`}`,
        "remove it; each environment's principal is created by its own workspace stack, the plan principal by hand",
      );
    } else if (displayName !== env.servicePrincipal) {
      reject(
        resource,
        shown,
        `${name} creates a service principal named ${shown}${claims}; the only one it may create is environment ${env.key}'s ${env.servicePrincipal}, and the policy knows principals by name, so this new one would get ${claims ? "that principal's" : "no model"} access`,
        `remove it; grant to the principals of ${model.source} only`,
      );
    } else if (own !== undefined) {
      reject(
        resource,
        shown,
        `${name} creates a second service principal named ${shown} (besides ${own}); grants to it would pass as the environment's own principal's`,
        `keep one databricks_service_principal for environment ${env.key} and remove the other`,
      );
    } else {
      own = resource;
    }
  }

  for (const [id, block] of Object.entries(json.data?.databricks_service_principal ?? {})) {
    const resource = `data.databricks_service_principal.${id}`;
    const byName = block.application_id === undefined && deployerOf(block.display_name) !== undefined;
    const isPlan = plan !== undefined && block.application_id === plan.applicationId && (block.display_name === undefined || block.display_name === plan.name);
    if (byName || isPlan) continue;
    const what = Object.entries(block)
      .filter(([k]) => k === "display_name" || k === "application_id")
      .map(([k, v]) => `${k} ${text(v)}`)
      .join(" and ");
    reject(
      resource,
      typeof block.display_name === "string" ? block.display_name : typeof block.application_id === "string" ? block.application_id : undefined,
      `looks up the service principal with ${what || "no display_name or application_id"}, which is none of the model's`,
      `look up an environment's deploying principal by display_name (${model.environments.map((e) => e.servicePrincipal).join(", ")})${plan ? ` or the plan principal by application_id (${plan.applicationId})` : ""}, and nothing else`,
    );
  }

  for (const [id, block] of Object.entries(json.resource?.databricks_group ?? {})) {
    const shown = text(block.display_name);
    reject(
      `databricks_group.${id}`,
      shown,
      `creates a group${groupNames.includes(shown) ? ` with the display name of the model's group ${shown}` : ""}; groups are SCIM-managed and looked up, never created`,
      "remove it; look groups up with data.databricks_group (the constructs' GroupDirectory)",
    );
  }
  for (const [id, block] of Object.entries(json.data?.databricks_group ?? {})) {
    if (typeof block.display_name === "string" && groupNames.includes(block.display_name)) continue;
    reject(
      `data.databricks_group.${id}`,
      text(block.display_name),
      `looks up the group ${text(block.display_name)}, which is not one of the model's groups (${groupNames.join(", ")})`,
      `add the group to groups in ${model.source}, or remove the lookup`,
    );
  }
  for (const [type, what] of [
    ["databricks_user", "creates a user; users come from SCIM, and the model gives no user anything"],
    ["databricks_group_member", "changes a group's members; a member gets every grant of the group, and membership is SCIM-managed"],
  ] as const) {
    for (const id of Object.keys(json.resource?.[type] ?? {})) {
      reject(`${type}.${id}`, undefined, what, "remove it; manage users and group membership in the identity provider (SCIM)");
    }
  }

  for (const r of rows.filter((x) => x.stack === name && rejected.has(x.principalRef))) {
    out.push({
      rule: "principal-declaration",
      stack: name,
      resource: r.resource,
      principal: r.principal,
      securable: `${r.securableType} ${r.securable}`,
      problem: `grants to ${r.principalRef}, a principal declaration this policy rejects; the grant would pass as ${r.principal}'s`,
      fix: `grant to the model's principal itself, and remove ${r.principalRef}`,
    });
  }
  return out;
}

// --- providers and secrets ----------------------------------------------------------------------

const VARIABLE = /^\$\{var\.([A-Za-z0-9_-]+)\}$/;

/** A provider attribute's value with `${var.x}` resolved to the variable's default. */
function resolveValue(json: StackJson, value: unknown): { value?: string; problem?: string } {
  if (value === undefined) return { problem: "is not set" };
  if (typeof value !== "string") return { value: text(value) };
  const m = VARIABLE.exec(value);
  if (!m) return value.includes("${") ? { problem: `is ${value}, which cannot be checked before apply` } : { value };
  const variable = json.variable?.[m[1]];
  if (!variable) return { problem: `is ${value}, but the stack declares no variable ${m[1]}` };
  if (typeof variable.default !== "string") return { problem: `is ${value}, which has no default; it is decided at apply time, unchecked` };
  return { value: variable.default };
}

const normalizeHost = (host: string) => host.trim().toLowerCase().replace(/\/+$/, "");

/** What a stack's provider must aim at, from the model: an environment's workspace, or the account. */
interface ProviderTarget {
  /** `environment prod`, `the account`. */
  readonly what: string;
  /** Where the model says so, e.g. `environments.prod.workspace`. */
  readonly path: string;
  readonly expected: { readonly [attr: string]: string };
}

function providerTargets(model: EnvironmentModel): Map<string, ProviderTarget> {
  const targets = new Map<string, ProviderTarget>();
  for (const env of model.environments) {
    targets.set(env.stackName, { what: `environment ${env.key}`, path: `environments.${env.key}.workspace`, expected: { host: env.workspace.host, profile: env.workspace.profile } });
  }
  if (model.account) {
    const a = model.account;
    targets.set(a.stackName, { what: "the account", path: "account", expected: { host: a.host, profile: a.profile, account_id: a.id } });
  }
  return targets;
}

/** Which other target a value belongs to (for the message: "environment dev's host"). */
function ownerOf(targets: Map<string, ProviderTarget>, attr: string, value: string): ProviderTarget | undefined {
  const norm = (v: string) => (attr === "host" ? normalizeHost(v) : v);
  return [...targets.values()].find((t) => t.expected[attr] !== undefined && norm(t.expected[attr]) === norm(value));
}

function checkProvider({ name: stack, json }: SynthesizedStack, model: EnvironmentModel): Violation[] {
  const out: Violation[] = [];
  const targets = providerTargets(model);
  const target = targets.get(stack);
  const blocks = json.provider?.databricks ?? [];
  const at = { rule: "provider-workspace" as const, stack, resource: "provider.databricks" };
  if (!target) {
    out.push({
      ...at,
      problem: `stack ${stack} is no environment's stack in ${model.source} (${[...targets.keys()].join(", ")}), so what it may change cannot be checked`,
      fix: `add the environment to ${model.source}, or remove the stack`,
    });
  } else if (blocks.length === 0) {
    out.push({
      ...at,
      problem: "declares no databricks provider block, so Terraform takes the workspace from DATABRICKS_HOST or ~/.databrickscfg",
      fix: `declare the provider for ${target.what} (${target.path} in ${model.source})`,
    });
  }
  for (const block of target ? blocks : []) {
    const resource = typeof block.alias === "string" ? `provider.databricks.${block.alias}` : "provider.databricks";
    for (const [attr, expected] of Object.entries(target!.expected)) {
      const fix = `set ${attr} to ${expected} (${target!.path}.${attr === "account_id" ? "id" : attr}); a stack changes its own target and no other`;
      // The target itself is a literal: a variable (even with the right default) is whatever
      // TF_VAR_<name> or -var says at apply time. Only the profile, a person's login, may be one.
      const raw = block[attr];
      const variable = typeof raw === "string" ? VARIABLE.exec(raw) : null;
      if (attr !== "profile" && typeof raw === "string" && raw.includes("${")) {
        out.push({
          ...at,
          resource,
          problem: variable
            ? `${attr} is ${raw}, a variable: TF_VAR_${variable[1]} (or -var) could aim ${stack} at another ${attr === "host" ? "workspace" : "account"}`
            : `${attr} is ${raw}, an expression decided at apply time`,
          fix: `write ${attr} as the literal ${expected} (${target!.path}.${attr === "account_id" ? "id" : attr})`,
        });
        continue;
      }
      const got = resolveValue(json, raw);
      if (got.problem) {
        out.push({ ...at, resource, problem: `${attr} ${got.problem}`, fix });
        continue;
      }
      if (got.value === expected) continue;
      const owner = ownerOf(targets, attr, got.value!);
      const problem =
        owner === target
          ? `${attr} is ${got.value}, not written exactly as ${target!.what}'s ${expected}`
          : `${attr} is ${got.value}${owner ? `, ${owner.what}'s` : ""}, not ${target!.what}'s ${expected}`;
      out.push({ ...at, resource, problem, fix });
    }
  }
  for (const [type, list] of Object.entries(json.provider ?? {})) {
    for (const block of list) {
      const resource = typeof block.alias === "string" ? `provider.${type}.${block.alias}` : `provider.${type}`;
      for (const [path, raw] of leaves(block)) {
        const value = typeof raw === "string" ? (resolveValue(json, raw).value ?? raw) : raw;
        const attr = path[path.length - 1];
        const shaped = typeof value === "string" ? SECRET_VALUES.find(([re]) => re.test(value)) : undefined;
        if (SECRET_ATTRIBUTE.test(attr) && value !== "" && value !== null && value !== false) {
          out.push({ rule: "provider-secret", stack, resource, problem: `${path.join(".")} is set (${redact(value)}): a credential in the configuration ends up in plans and state`, fix: `remove ${path.join(".")}; people use their CLI profile and CI signs in through OIDC (DATABRICKS_* variables)` });
        } else if (shaped) {
          out.push({ rule: "provider-secret", stack, resource, problem: `${path.join(".")} holds what looks like ${shaped[1]} (${redact(value)})`, fix: `remove it from the provider block and revoke it; credentials never go into the configuration` });
        }
      }
    }
  }
  return out;
}

/** Every scalar in a block with its attribute path (nested blocks included). */
function leaves(value: unknown, path: string[] = []): [string[], unknown][] {
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, path));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [[path, value]];
}

/** Enough of a secret to recognise it, never enough to use it. */
function redact(value: unknown): string {
  const shown = text(value);
  if (shown.startsWith("${")) return shown;
  return shown.length <= 4 ? "…" : `${shown.slice(0, 4)}…`;
}

function checkSecretResources({ name: stack, json }: SynthesizedStack): Violation[] {
  return SECRET_RESOURCES.flatMap((type) =>
    Object.keys(json.resource?.[type] ?? {}).map((name) => ({
      rule: "secret-resource" as const,
      stack,
      resource: `${type}.${name}`,
      problem: `${type} creates a long-lived secret and stores it in Terraform state`,
      fix: "remove it; CI signs in as the environment's service principal through OIDC federation, and people through their CLI profile",
    })),
  );
}

function checkCatalogs({ name: stack, json }: SynthesizedStack): Violation[] {
  const out: Violation[] = [];
  for (const [name, block] of Object.entries(json.resource?.databricks_catalog ?? {})) {
    const at = { rule: "catalog-protection" as const, stack, resource: `databricks_catalog.${name}`, securable: `catalog ${text(block.name ?? name)}` };
    const lifecycle = block.lifecycle as { prevent_destroy?: unknown } | undefined;
    if (lifecycle?.prevent_destroy !== true) {
      out.push({ ...at, problem: "has no lifecycle.prevent_destroy, so a plan may delete the catalog and its data", fix: "set lifecycle.prevent_destroy = true (GovernedCatalog does)" });
    }
    if (block.force_destroy !== undefined && block.force_destroy !== false) {
      out.push({ ...at, problem: `force_destroy is ${JSON.stringify(block.force_destroy)}, so deleting the catalog also deletes every schema and table in it`, fix: "remove force_destroy" });
    }
  }
  return out;
}

/**
 * The owner of a catalog holds every privilege on it and may grant them, beyond any grant. The model
 * makes each catalog's owner its environment's deploying principal (so CI can manage its grants):
 * `${databricks_service_principal.<x>.application_id}` of the principal the same stack declares
 * with that environment's display name. A schema needs no owner (it gets its creator's), but one
 * it names must be the same principal.
 */
function checkOwners(stack: SynthesizedStack, model: EnvironmentModel): Violation[] {
  const out: Violation[] = [];
  const { name, json } = stack;
  const stackEnv = model.environments.find((e) => e.stackName === name);
  const check = (resource: string, securable: string, catalog: string, owner: unknown, required: boolean) => {
    const env = model.environments.find((e) => e.catalog.name === catalog) ?? stackEnv;
    const ref = parseReference(owner);
    const own = ref && !ref.data && ref.type === "databricks_service_principal" && ref.attribute === "application_id" ? json.resource?.databricks_service_principal?.[ref.name] : undefined;
    if (env && own?.display_name === env.servicePrincipal) return;
    if (owner === undefined && !required) return;
    const sp = env ? Object.entries(json.resource?.databricks_service_principal ?? {}).find(([, b]) => b.display_name === env.servicePrincipal) : undefined;
    const fix = sp
      ? `set owner = \${databricks_service_principal.${sp[0]}.application_id} (${env!.servicePrincipal}, environment ${env!.key}'s deploying principal)`
      : env
        ? `declare ${securable} in ${env.stackName}, owned by the databricks_service_principal of ${env.servicePrincipal} there`
        : `declare ${securable} only in an environment's stack, owned by its deploying principal`;
    const at = { rule: "catalog-owner" as const, stack: name, resource, securable };
    if (owner === undefined) {
      out.push({ ...at, problem: "owner is not set, so the catalog keeps whoever created it (or owned it before adoption)", fix });
      return;
    }
    const p = resolvePrincipal(json, owner, [], (problem) => {
      throw new ReviewInputError(`${stackLocation(stack)}: ${resource}: owner: ${problem}.`);
    });
    const who =
      p.kind === "group" ? `the group ${p.name}` : p.kind === "service_principal" ? `the service principal ${p.name}` : p.kind === "user" ? `the user ${p.name}` : text(owner);
    const via = ref ? ` (${p.ref})` : "";
    const notOwn = ref && env && p.kind === "service_principal" && p.name === env.servicePrincipal ? `, not the databricks_service_principal ${name} declares` : "";
    out.push({
      ...at,
      principal: p.name,
      problem: `the owner is ${who}${via}${notOwn}; the owner of ${securable} holds every privilege on it and grants them, and ${env ? `the model makes it environment ${env.key}'s deploying principal ${env.servicePrincipal}` : `${name} is no environment's stack`}`,
      fix,
    });
  };
  for (const [id, block] of Object.entries(json.resource?.databricks_catalog ?? {})) {
    const catalog = text(block.name ?? id);
    check(`databricks_catalog.${id}`, `catalog ${catalog}`, catalog, block.owner, true);
  }
  for (const [id, block] of Object.entries(json.resource?.databricks_schema ?? {})) {
    const catalog = resolveName(json, block.catalog_name, []);
    check(`databricks_schema.${id}`, `schema ${catalog}.${text(block.name ?? id)}`, catalog, block.owner, false);
  }
  return out;
}

/**
 * Isolation as the model has it (lib/constructs/governed-catalog.ts, stacks/workspace-stack.ts):
 * every catalog ISOLATED when every workspace ID is known, else OPEN; and a catalog that a later
 * environment promotes from bound read-only to that environment's workspace, by its own stack.
 */
function checkIsolation(stack: SynthesizedStack, model: EnvironmentModel): Violation[] {
  const out: Violation[] = [];
  const { name, json } = stack;
  const expected = model.isolated ? "ISOLATED" : "OPEN";
  const why = model.isolated ? "every environment has a workspace.id" : "not every environment has a workspace.id";
  for (const [id, block] of Object.entries(json.resource?.databricks_catalog ?? {})) {
    if (block.isolation_mode === expected || (block.isolation_mode === undefined && expected === "OPEN")) continue;
    out.push({
      rule: "catalog-isolation",
      stack: name,
      resource: `databricks_catalog.${id}`,
      securable: `catalog ${text(block.name ?? id)}`,
      problem: `isolation_mode is ${block.isolation_mode === undefined ? "not set (OPEN, the provider's default)" : text(block.isolation_mode)}; the model says ${expected} (${why})`,
      fix: `set isolation_mode = "${expected}" (GovernedCatalog does)`,
    });
  }
  const workspaceOf = (workspaceId: number) => model.environments.find((e) => e.workspace.id === workspaceId);
  for (const [id, block] of Object.entries(json.resource?.databricks_workspace_binding ?? {})) {
    const catalog = resolveName(json, block.securable_name ?? block.catalog_name, []);
    const at = { rule: "catalog-isolation" as const, stack: name, resource: `databricks_workspace_binding.${id}`, securable: `${text(block.securable_type ?? "catalog")} ${catalog}` };
    const push = (problem: string, fix: string) => out.push({ ...at, problem, fix });
    if ((block.securable_type ?? "catalog") !== "catalog") {
      push(`binds a ${text(block.securable_type)}; the model binds catalogs only`, "remove the binding");
      continue;
    }
    if (block.binding_type !== "BINDING_TYPE_READ_ONLY") {
      push(
        `binding_type is ${block.binding_type === undefined ? "not set (BINDING_TYPE_READ_WRITE, the provider's default)" : text(block.binding_type)}; a binding only lets a promoting environment read the catalog`,
        'set binding_type = "BINDING_TYPE_READ_ONLY"',
      );
    }
    const source = model.environments.find((e) => e.catalog.name === catalog);
    if (!source) {
      push(`binds ${catalog}, which is no environment's catalog in ${model.source}`, "remove the binding");
      continue;
    }
    if (source.stackName !== name) {
      push(`is declared in ${name}; a catalog's bindings belong to the stack of its environment (${source.stackName})`, `declare it in ${source.stackName} (GovernedCatalog.bindReadOnlyTo) and remove it here`);
    }
    const consumers = model.environments.filter((e) => e.promotion?.from === source);
    if (consumers.length === 0) {
      push(`binds catalog ${catalog}, but no environment promotes from ${source.key}, so no other workspace may reach it`, "remove the binding");
      continue;
    }
    const workspaceId = typeof block.workspace_id === "number" ? block.workspace_id : typeof block.workspace_id === "string" && /^\d+$/.test(block.workspace_id) ? Number(block.workspace_id) : undefined;
    const allowed = consumers.filter((c) => c.workspace.id !== undefined).map((c) => `${c.workspace.id} (${c.key})`);
    const allowedText = allowed.length > 0 ? allowed.join(", ") : `none known (${model.source} has no workspace.id for ${consumers.map((c) => c.key).join(", ")})`;
    if (workspaceId === undefined) {
      push(`workspace_id is ${text(block.workspace_id)}, not a workspace ID`, `write the consuming environment's workspace ID as a number: ${allowedText}`);
    } else if (workspaceId === source.workspace.id) {
      push(
        `binds catalog ${catalog} to its own workspace ${workspaceId}; an ISOLATED catalog already belongs to the workspace that created it, and the binding breaks terraform destroy`,
        "remove the binding",
      );
    } else if (!consumers.some((c) => c.workspace.id === workspaceId)) {
      const owner = workspaceOf(workspaceId);
      push(
        `binds catalog ${catalog} to workspace ${workspaceId} (${owner ? `environment ${owner.key}'s` : "no environment's"}); only the workspaces of environments that promote from ${source.key} may read it: ${allowedText}`,
        "remove the binding, or bind to a promoting environment's workspace",
      );
    }
  }
  return out;
}

// --- ordering -----------------------------------------------------------------------------------

function compareViolations(a: Violation, b: Violation): number {
  return formatViolation(a) < formatViolation(b) ? -1 : formatViolation(a) > formatViolation(b) ? 1 : 0;
}

function dedupe(violations: readonly Violation[]): Violation[] {
  const seen = new Map<string, Violation>();
  for (const v of violations) seen.set(formatViolation(v), v);
  return [...seen.values()];
}
