/**
 * The policy gate, default deny: the synthesized output (or any cdktf.out, hand-edited or not) must
 * be exactly what the desired state says, and must also keep the invariants that hold for every
 * model. Synth runs it over its own output before writing it (lib/synth.ts); reviewers and CI run
 * it with `npm run --silent policy`.
 *
 * Shape: the indexes every rule needs are built once (grants by address and by pair, writers by
 * catalog, retired identities, the expected stacks); the invariants run over those indexes and
 * claim what they report; then one walk over each stack compares it with the expected one in both
 * directions, and hands each difference to the rule that owns it (rules.ts). Linear in the output.
 */
import * as nodePath from "path";
import { isReadOnly } from "../permissions";
import type { DesiredState } from "../desired-state";
import { securableName } from "../resources/grant";
import { principalIdentity } from "../resources/principal";
import { MANIFEST_FILE } from "../model/history";
import type { EnvironmentModel } from "../model/types";
import { grantRows, pairKey, type GrantRow } from "../output/grants";
import { normalizeStacks, text, type SynthesizedStack } from "../output/stack";
import { stackBlocks } from "../output/blocks";
import { Matcher, expectedStack, type Expected, type ExpectedStack } from "./expected";
import type { FileFinding, OutputTree } from "../output/read";
import { ruleOf, type RuleId } from "./rules";

export interface Violation {
  readonly rule: RuleId;
  readonly stack: string;
  /** Terraform address (or `provider.databricks`, `terraform.backend`, a file), as a reviewer finds it. */
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
const SECRET_RESOURCES: ReadonlySet<string> = new Set(["databricks_token", "databricks_service_principal_secret", "databricks_obo_token", "databricks_git_credential", "databricks_secret"]);
/** Resource types that create or change principals or their membership. */
const PRINCIPAL_RESOURCES: ReadonlySet<string> = new Set([
  "databricks_group",
  "databricks_user",
  "databricks_service_principal",
  "databricks_group_member",
  "databricks_group_role",
  "databricks_user_role",
  "databricks_service_principal_role",
]);
const PRINCIPAL_LOOKUPS: ReadonlySet<string> = new Set(["databricks_group", "databricks_service_principal", "databricks_user", "databricks_service_principals", "databricks_users", "databricks_groups"]);
const META_ARGUMENTS: ReadonlySet<string> = new Set(["count", "for_each", "provider", "depends_on", "provisioner", "connection"]);
/** Provider attributes that hold credentials (token, password, client_secret, google_credentials, ...). */
const SECRET_ATTRIBUTE = /(^|_)(token|password|secret|credentials)$/;
const SECRET_VALUES: readonly (readonly [RegExp, string])[] = [
  [/dapi[0-9a-f]{32}/, "a Databricks personal access token"],
  [/dose[0-9a-f]{32}/, "a Databricks OAuth secret"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./, "a JSON web token"],
];

type Obj = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
/**
 * An own property, never one every JS object inherits (`constructor`, `toString`, `__proto__`):
 * `"constructor" in {}` is true, and Terraform takes `constructor` as a provider local name.
 */
const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
/** `o[key]` when `o` has it as its own property. */
const own = <T>(o: { readonly [key: string]: T } | undefined, key: string): T | undefined => (o !== undefined && has(o, key) ? o[key] : undefined);

/** Every scalar in a value with its path ("//" comments included: they are read by nobody, checked anyway). */
function* leaves(value: unknown, path: string[] = []): Generator<[string[], unknown]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* leaves(value[i], path);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) yield* leaves(v, [...path, k]);
  } else {
    yield [path, value];
  }
}

/** A removed block's lifecycle, compared as text: `{"destroy":false}` (comments dropped, keys sorted). */
function lifecycleText(lifecycle: unknown): string {
  if (!isObject(lifecycle)) return JSON.stringify(lifecycle) ?? "not set";
  return JSON.stringify(Object.fromEntries(Object.entries(lifecycle).filter(([k]) => k !== "//").sort(([a], [b]) => (a < b ? -1 : 1))));
}

/** Enough of a secret to recognise it, never enough to use it. */
function redact(value: unknown): string {
  const shown = text(value);
  return shown.length <= 4 ? "…" : `${shown.slice(0, 4)}…`;
}

function show(value: unknown): string {
  if (value instanceof Matcher) return value.describe;
  if (value === undefined) return "not set";
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 160 ? `${s.slice(0, 159)}…` : s;
}

class Gate {
  readonly violations: Violation[] = [];
  private readonly claimed = new Set<string>();
  private readonly model: EnvironmentModel;
  private readonly expected = new Map<string, ExpectedStack>();
  private readonly writers = new Map<string, Set<string>>();
  private readonly retired: readonly { readonly needle: string; readonly what: string }[];
  private readonly rowsByAddress = new Map<string, GrantRow>();
  private readonly catalogEnv: Map<string, string>;
  /** Where each stack was read from, when from disk. */
  readonly stackDirs = new Map<string, string>();
  private readonly desiredGrants = new Map<string, DesiredState["grants"][number]>();
  /** Desired grants by (securable, principal) pair, keyed like the output's grant rows. */
  private readonly desiredPairs = new Map<string, DesiredState["grants"][number]>();

  constructor(
    readonly desired: DesiredState,
    private readonly rows: readonly GrantRow[],
  ) {
    this.model = desired.model;
    for (const s of desired.stacks) this.expected.set(s.name, expectedStack(s));
    for (const { grant } of desired.grants) {
      const s = grant.securable;
      if (s.type === "metastore" || s.type === "external_location" || isReadOnly(grant.privileges)) continue;
      const id = principalIdentity(grant.principal);
      // Unity Catalog names are case-insensitive: `PROD` is prod.
      const catalog = (s.type === "catalog" ? s.name : s.catalog).toLowerCase();
      const set = this.writers.get(catalog) ?? new Set<string>();
      set.add(`${id.kind}\u0000${id.name}`);
      this.writers.set(catalog, set);
    }
    this.retired = this.model.legacyServicePrincipals.flatMap((p) => [
      { needle: p.applicationId.toLowerCase(), what: `the retired service principal ${p.name}'s application ID` },
      { needle: p.name.toLowerCase(), what: `the retired service principal ${p.name}` },
    ]);
    for (const r of rows) this.rowsByAddress.set(`${r.stack}\u0000${r.resource}`, r);
    this.catalogEnv = new Map(this.model.environments.map((e) => [e.catalog.name.toLowerCase(), e.key]));
    for (const g of desired.grants) {
      this.desiredGrants.set(`${g.stack}\u0000databricks_grant.${g.grant.id}`, g);
      const id = principalIdentity(g.grant.principal);
      this.desiredPairs.set(`${g.grant.securable.type}\u0000${securableName(g.grant.securable)}\u0000${id.kind}\u0000${id.name}`, g);
    }
  }

  private key(stack: string, address: string, ...rest: string[]): string {
    return [stack, address, ...rest].join("\u0000");
  }

  private claim(stack: string, address: string, ...rest: string[]): void {
    this.claimed.add(this.key(stack, address, ...rest));
  }

  private isClaimed(stack: string, address: string, ...rest: string[]): boolean {
    for (let i = 0; i <= rest.length; i++) if (this.claimed.has(this.key(stack, address, ...rest.slice(0, i)))) return true;
    return false;
  }

  push(rule: RuleId, v: Omit<Violation, "rule" | "fix"> & { fix?: string }): void {
    this.violations.push({ rule, ...v, fix: v.fix ?? ruleOf(rule).fix });
  }

  // --- invariants -------------------------------------------------------------------------------

  invariants(stacks: readonly SynthesizedStack[]): void {
    for (const stack of stacks) {
      const env = this.model.environments.find((e) => e.stackName === stack.name);
      for (const b of stackBlocks(stack)) {
        // Named as the invariants have always named them: a resource, data source or provider by
        // its address, anything else by its top-level entry, with the path below it.
        const own = b.kind === "resource" || b.kind === "data" || b.kind === "provider";
        const block = { kind: b.kind, type: b.type, name: b.name, address: own ? b.address : b.top, body: b.body };
        for (const [path, value] of leaves(b.body, [...b.path])) {
          if (typeof value !== "string") continue;
          const attr = path[0] ?? "";
          const lower = value.toLowerCase();
          const retired = this.retired.find((r) => lower.includes(r.needle));
          if (retired) {
            this.claim(stack.name, block.address, attr);
            this.push("retired-principal", {
              stack: stack.name,
              resource: block.address,
              problem: `${[...path].join(".") || block.type} is ${JSON.stringify(value)}: it names ${retired.what} (legacyServicePrincipals in ${this.model.source}); nothing may refer to it`,
              fix: "remove it; use the environment's own service principal",
            });
            continue;
          }
          const shaped = SECRET_VALUES.find(([re]) => re.test(value));
          if (shaped) {
            this.claim(stack.name, block.address, attr);
            this.push("provider-secret", {
              stack: stack.name,
              resource: block.address,
              problem: `${path.join(".")} holds what looks like ${shaped[1]} (${redact(value)}); a credential in the configuration ends up in plans and state`,
              fix: "remove it and revoke it; people use their CLI profile and CI signs in through OIDC (DATABRICKS_* variables)",
            });
          }
        }
        if (block.kind === "provider" && isObject(block.body)) {
          for (const [attr, value] of Object.entries(block.body)) {
            if (!SECRET_ATTRIBUTE.test(attr) || value === "" || value === null || value === false || this.isClaimed(stack.name, block.address, attr)) continue;
            this.claim(stack.name, block.address, attr);
            this.push("provider-secret", {
              stack: stack.name,
              resource: block.address,
              problem: `${attr} is set (${redact(value)}): a credential in the configuration ends up in plans and state`,
              fix: `remove ${attr}; people use their CLI profile and CI signs in through OIDC (DATABRICKS_* variables)`,
            });
          }
          // The incident this project fixes: a stack aimed at another environment's workspace.
          const host = block.body.host;
          if (block.type === "databricks" && env && host !== env.workspace.host) {
            const owner = this.model.environments.find((e) => e.workspace.host === host);
            this.claim(stack.name, block.address, "host");
            this.push("provider-workspace", {
              stack: stack.name,
              resource: block.address,
              problem: `host is ${show(host)}${owner ? `, environment ${owner.key}'s workspace` : ""}, not environment ${env.key}'s ${env.workspace.host}`,
              fix: `set host to the literal ${env.workspace.host} (environments.${env.key}.workspace.host); a stack changes its own workspace and no other`,
            });
          }
        }
        if (block.kind === "resource" && (block.type === "databricks_catalog" || block.type === "databricks_schema") && isObject(block.body)) {
          const what = block.type === "databricks_catalog" ? "catalog" : "schema";
          const lifecycle = block.body.lifecycle;
          if (!isObject(lifecycle) || lifecycle.prevent_destroy !== true) {
            if (isObject(lifecycle)) this.claim(stack.name, block.address, "lifecycle", "prevent_destroy");
            else this.claim(stack.name, block.address, "lifecycle");
            this.push("catalog-protection", {
              stack: stack.name,
              resource: block.address,
              securable: `${what} ${text(block.body.name ?? block.name)}`,
              problem: `lifecycle.prevent_destroy is ${show(isObject(lifecycle) ? lifecycle.prevent_destroy : undefined)}, so a plan may delete the ${what} and its data`,
              fix: "set lifecycle.prevent_destroy = true (GovernedCatalog does)",
            });
          }
          if (block.body.force_destroy !== undefined && block.body.force_destroy !== false) {
            this.claim(stack.name, block.address, "force_destroy");
            this.push("catalog-protection", {
              stack: stack.name,
              resource: block.address,
              securable: `${what} ${text(block.body.name ?? block.name)}`,
              problem: `force_destroy is ${show(block.body.force_destroy)}, so deleting the ${what} also deletes everything in it`,
              fix: "remove force_destroy",
            });
          }
        }
      }
    }

    for (const r of this.rows) {
      if (r.securableType === "metastore" || this.isClaimed(r.stack, r.resource, "principal")) continue;
      // Case and surrounding spaces never make another catalog here: `PROD` and ` prod ` are prod.
      const catalog = r.securable.split(".")[0].trim().toLowerCase();
      const envKey = this.catalogEnv.get(catalog);
      if (envKey === undefined) continue;
      const writers = this.writers.get(catalog);
      if (writers?.has(`${r.principalKind}\u0000${r.principal}`)) continue;
      for (const privilege of r.privileges) {
        if (isReadOnly([privilege])) continue;
        this.claim(r.stack, r.resource, "privileges", privilege);
        this.push("write-outside-own-environment", {
          stack: r.stack,
          resource: r.resource,
          principal: r.principal,
          securable: `${r.securableType} ${r.securable}`,
          privilege,
          problem: `${privilege} writes to environment ${envKey}'s catalog ${catalog}; ${this.writableBy(r) ? `the model lets ${r.principal} write only to ${this.writableBy(r)}` : `the model lets ${r.principal} write to no environment's catalog`}`,
          fix: `remove ${privilege}; only ${[...(writers ?? [])].map((w) => w.split("\u0000")[1]).sort().join(", ") || "no one"} may write to ${catalog}`,
        });
      }
    }

    const byPair = new Map<string, GrantRow[]>();
    for (const r of this.rows) byPair.set(pairKey(r), [...(byPair.get(pairKey(r)) ?? []), r]);
    for (const dupes of byPair.values()) {
      if (dupes.length < 2) continue;
      for (const r of dupes) {
        this.push("duplicate-pair", {
          stack: r.stack,
          resource: r.resource,
          principal: r.principal,
          securable: `${r.securableType} ${r.securable}`,
          problem: `also declared by ${dupes.filter((d) => d !== r).map((d) => `${d.stack} ${d.resource}`).join(" and ")}; two owners of one pair undo each other's changes on every apply`,
        });
      }
    }
  }

  private writableBy(r: GrantRow): string {
    const id = `${r.principalKind}\u0000${r.principal}`;
    return [...this.writers.entries()].filter(([, set]) => set.has(id)).map(([catalog]) => catalog).sort().join(", ");
  }

  // --- the comparison ---------------------------------------------------------------------------

  compare(stack: SynthesizedStack): void {
    const expected = this.expected.get(stack.name);
    if (!expected) {
      const names = [...this.expected.keys()].join(", ");
      this.push("unknown-construct", {
        stack: stack.name,
        resource: "(stack)",
        problem: `stack ${stack.name} is none of the model's stacks (${names}), so nothing in it is allowed`,
        fix: `remove the stack, or add its environment to ${this.model.source}`,
      });
      return;
    }
    const actual = stack.json as Obj;
    const name = stack.name;
    const exp = expected as { [k: string]: Expected };

    // Resources and data sources: type, then name, then body.
    for (const kind of ["resource", "data"] as const) {
      const a = isObject(actual[kind]) ? actual[kind] : {};
      const e = (exp[kind] ?? {}) as { [type: string]: { [name: string]: Expected } };
      for (const [type, named] of Object.entries(a)) {
        if (type === "//") continue;
        for (const [id, body] of Object.entries(isObject(named) ? named : {})) {
          if (id === "//") continue;
          const address = `${kind === "data" ? "data." : ""}${type}.${id}`;
          const want = own(own(e, type), id);
          if (want === undefined) this.extraBlock(name, kind, type, address, body);
          else this.body(name, { kind, type, address }, body, want, []);
        }
      }
      for (const [type, named] of Object.entries(e)) {
        for (const id of Object.keys(named)) {
          if (!isObject(own(a, type)) || !has(a[type] as Obj, id)) this.missingBlock(name, `${kind === "data" ? "data." : ""}${type}.${id}`);
        }
      }
    }

    // Providers: exactly the expected default configuration of each expected local name.
    const providers = isObject(actual.provider) ? actual.provider : {};
    const wantProviders = (exp.provider ?? {}) as { [local: string]: Expected[] };
    for (const [local, list] of Object.entries(providers)) {
      const bodies = Array.isArray(list) ? list : [list];
      const want = own(wantProviders, local)?.[0];
      bodies.forEach((body, i) => {
        const alias = isObject(body) ? body.alias : undefined;
        const address = `provider.${local}${alias !== undefined ? `.${text(alias)}` : i > 0 ? `[${i}]` : ""}`;
        if (want === undefined || i > 0 || alias !== undefined) {
          if (this.isClaimed(name, address)) return;
          this.push("provider-workspace", {
            stack: name,
            resource: address,
            problem:
              want === undefined
                ? `declares a provider ${local} the model does not use: resources may name it (provider = ${local}) to act on another target`
                : `a second configuration of ${local}${alias !== undefined ? ` (alias ${text(alias)})` : ""}: resources naming it act on whatever it is aimed at`,
            fix: "remove it; each stack has one databricks provider, aimed at its own target",
          });
          return;
        }
        this.body(name, { kind: "provider", type: local, address }, body, want, []);
      });
    }
    for (const local of Object.keys(wantProviders)) {
      if (!has(providers, local)) {
        this.push("provider-workspace", {
          stack: name,
          resource: `provider.${local}`,
          problem: `declares no ${local} provider block, so terraform takes the target from DATABRICKS_HOST or ~/.databrickscfg`,
          fix: "declare the provider with the model's host (TargetProvider does)",
        });
      }
    }

    // Named top-level blocks.
    for (const kind of ["variable", "output"] as const) {
      const a = isObject(actual[kind]) ? actual[kind] : {};
      const e = (exp[kind] ?? {}) as { [name: string]: Expected };
      for (const [id, body] of Object.entries(a)) {
        if (id === "//") continue;
        const want = own(e, id);
        if (want === undefined) this.push("unknown-construct", { stack: name, resource: `${kind}.${id}`, problem: `${kind} ${id} is not one the model produces` });
        else this.body(name, { kind: "top", type: kind, address: `${kind}.${id}` }, body, want, []);
      }
      for (const id of Object.keys(e)) if (!has(a, id)) this.missingBlock(name, `${kind}.${id}`);
    }

    this.stateBlocks(name, "import", actual.import, ((exp.import ?? []) as { to: string; id: string }[]).map((i) => ({ key: i.to, value: i.id })));
    this.stateBlocks(name, "moved", actual.moved, ((exp.moved ?? []) as { from: string; to: string }[]).map((m) => ({ key: m.from, value: m.to })));
    this.stateBlocks(name, "removed", actual.removed, ((exp.removed ?? []) as { from: string; lifecycle: unknown }[]).map((r) => ({ key: r.from, value: lifecycleText(r.lifecycle) })));
    if (actual.terraform !== undefined || exp.terraform !== undefined) this.body(name, { kind: "top", type: "terraform", address: "terraform" }, actual.terraform, exp.terraform, []);

    for (const [key, value] of Object.entries(actual)) {
      if (["//", "resource", "data", "provider", "variable", "output", "import", "moved", "removed", "terraform"].includes(key)) continue;
      for (const [i, body] of (Array.isArray(value) ? value : [value]).entries()) {
        const what = isObject(body) ? ` (${Object.entries(body).filter(([k]) => k !== "//" && k !== "lifecycle").map(([k, v]) => `${k} = ${show(v)}`).join(", ")})` : "";
        this.push("unknown-construct", {
          stack: name,
          resource: `${key}${Array.isArray(value) ? `[${i}]` : ""}`,
          problem: `top-level ${key} block${what}: this project produces none (${key === "module" ? "a module brings configuration the gate never sees" : "default deny"})`,
        });
      }
    }
  }

  /**
   * `import`, `moved` and `removed` blocks: each names a resource (`key`: import's `to`, moved's and
   * removed's `from`) and a value (import's `id`, moved's `to`, removed's `lifecycle`); the output
   * must have exactly the model's, value for value.
   */
  private stateBlocks(stack: string, kind: "import" | "moved" | "removed", actual: unknown, expected: readonly { readonly key: string; readonly value: string }[]): void {
    const [keyAttr, valueAttr] = kind === "import" ? ["to", "id"] : kind === "moved" ? ["from", "to"] : ["from", "lifecycle"];
    const words =
      kind === "removed"
        ? {
            extra: (key: string, value: unknown) => `a removed block for ${key} (lifecycle ${text(value)}) makes terraform ${/"destroy":false/.test(text(value)) ? "forget" : "destroy"} it; the model forgets nothing there`,
            extraFix: `remove it: the model forgets only catalogs, schemas and service principals that left it and that ${MANIFEST_FILE} recorded`,
            twice: "removed twice",
            other: (key: string, value: unknown, want: string) => `lifecycle is ${text(value)}, not ${want}: terraform would destroy ${key} instead of forgetting it`,
            otherFix: (want: string) => `write lifecycle ${want}`,
            missing: (key: string) => `${key} left the model and must be forgotten, but the output has no removed block for it, so terraform would destroy it`,
          }
        : kind === "import"
        ? {
            extra: (key: string, value: unknown) => `imports ${show(value)} into ${key}; the model adopts nothing there`,
            extraFix: "remove the import block; adopt existing objects through the model's `adopt`",
            twice: "imported twice",
            other: (key: string, value: unknown, want: string) => `the import ID is ${show(value)}, not ${JSON.stringify(want)}: it would adopt another object than the resource's own securable (${key})`,
            otherFix: (want: string) => `import ${JSON.stringify(want)} (the model's adopt decides)`,
            missing: (key: string, want: string) => `the model adopts ${JSON.stringify(want)} into ${key}, but the output has no import block for it, so the first apply would try to create it`,
          }
        : {
            extra: (key: string, value: unknown) => `a moved block from ${key} to ${show(value)} re-addresses state; the model declares no such rename`,
            extraFix: `remove it, or declare the rename in ${this.model.source} (moved.${stack})`,
            twice: "moved twice",
            other: (key: string, value: unknown, want: string) => `moves ${key} to ${show(value)}, not to ${want} as the model says`,
            otherFix: (want: string) => `move it to ${want}`,
            missing: (key: string, want: string) => `the model renames ${key} to ${want}, but the output has no moved block for it, so terraform would destroy the old and create the new`,
          };
    const want = new Map(expected.map((e) => [e.key, e.value]));
    const seen = new Set<string>();
    for (const [n, block] of (actual === undefined ? [] : Array.isArray(actual) ? actual : [actual]).entries()) {
      const key = isObject(block) ? text(block[keyAttr]) : `${kind}[${n}]`;
      const value = isObject(block) ? (kind === "removed" ? lifecycleText(block[valueAttr]) : block[valueAttr]) : undefined;
      const extra = isObject(block) ? Object.keys(block).filter((k) => k !== keyAttr && k !== valueAttr && k !== "//") : [];
      const at = { stack, resource: `${kind} ${key}` };
      const wanted = want.get(key);
      if (wanted === undefined || seen.has(key)) {
        this.push("state-guard", { ...at, problem: `${words.extra(key, value)}${seen.has(key) ? ` (${words.twice})` : ""}`, fix: words.extraFix });
      } else if (value !== wanted) {
        this.push("state-guard", { ...at, problem: words.other(key, value, wanted), fix: words.otherFix(wanted) });
      }
      if (extra.length > 0) this.push("unknown-construct", { ...at, problem: `the ${kind} block sets ${extra.join(", ")}; the model's set only ${keyAttr} and ${valueAttr}` });
      seen.add(key);
    }
    for (const [key, wanted] of want) if (!seen.has(key)) this.push("missing-from-output", { stack, resource: `${kind} ${key}`, problem: words.missing(key, wanted) });
  }

  private extraBlock(stack: string, kind: "resource" | "data", type: string, address: string, body: unknown): void {
    const b = isObject(body) ? body : {};
    if (kind === "data") {
      this.push(PRINCIPAL_LOOKUPS.has(type) ? "principal-declaration" : "unknown-construct", {
        stack,
        resource: address,
        problem: `looks up ${type} ${show(b.display_name ?? b.application_id ?? b.user_name ?? b)}, which the model does not look up here`,
        fix: PRINCIPAL_LOOKUPS.has(type) ? "remove it; grant to and look up the model's principals only" : undefined,
      });
      return;
    }
    if (this.isClaimed(stack, address)) return;
    if (type === "databricks_grants") {
      const metastore = b.metastore !== undefined;
      this.push(metastore ? "authoritative-metastore" : "authoritative-grants", {
        stack,
        resource: address,
        securable: metastore ? `metastore ${text(b.metastore)}` : undefined,
        problem: metastore
          ? "databricks_grants is authoritative: on the shared metastore it revokes every metastore grant it does not list, other teams' included"
          : "databricks_grants is authoritative: on every apply it revokes every privilege on its securable it does not list, including any granted outside this stack",
      });
      return;
    }
    if (SECRET_RESOURCES.has(type)) {
      this.push("secret-resource", { stack, resource: address, problem: `${type} creates a long-lived secret and stores it in Terraform state` });
      return;
    }
    if (PRINCIPAL_RESOURCES.has(type)) {
      const claims = this.model.environments.find((e) => e.servicePrincipal === b.display_name);
      this.push("principal-declaration", {
        stack,
        resource: address,
        principal: b.display_name !== undefined ? text(b.display_name) : undefined,
        problem: `creates or changes a principal (${type} ${show(b.display_name ?? b.user_name ?? b)})${claims ? `, named like environment ${claims.key}'s deploying principal` : ""}; the model lets each workspace stack create only its own deployer and never groups, users or memberships`,
      });
      return;
    }
    if (type === "databricks_grant") {
      if (this.isClaimed(stack, address, "principal")) return; // a retired principal: reported as such
      const row = this.rowsByAddress.get(`${stack}\u0000${address}`);
      const privileges = (row?.privileges ?? []).filter((p) => !this.isClaimed(stack, address, "privileges", p));
      if (row && row.privileges.length > 0 && privileges.length === 0) return;
      const elsewhere = row ? this.desiredPairs.get(pairKey(row)) : undefined;
      this.push(row?.unresolved.length ? "unresolved-reference" : "exceeds-model", {
        stack,
        resource: address,
        principal: row?.principal,
        securable: row ? `${row.securableType} ${row.securable}` : undefined,
        privilege: privileges.length > 0 ? privileges.join(", ") : undefined,
        problem: row?.unresolved.length
          ? row.unresolved.join("; ")
          : elsewhere
            ? `a second declaration of a pair the model declares in ${elsewhere.stack} databricks_grant.${elsewhere.grant.id} (${elsewhere.grant.privileges.join(", ")})`
            : `a grant the model does not give: the model gives ${row?.principal ?? "this principal"} nothing on ${row ? `${row.securableType} ${row.securable}` : "this securable"}`,
        fix: elsewhere ? `remove it; ${elsewhere.stack} owns the pair` : `remove it, or give it in the model (${this.model.source}) and synthesize again`,
      });
      return;
    }
    const rule: RuleId = type.includes("workspace_binding") ? "catalog-isolation" : type === "databricks_service_principal_federation_policy" ? "federation-trust" : "unknown-construct";
    this.push(rule, {
      stack,
      resource: address,
      problem: `${type} ${JSON.stringify(address.split(".").pop())} is not something the model produces${/permission|access_control|entitlement|sql_permissions|metastore/.test(type) ? " (it grants access outside the permission model)" : ""}`,
    });
  }

  private missingBlock(stack: string, address: string): void {
    const row = this.desiredGrants.get(`${stack}\u0000${address}`);
    this.push("missing-from-output", {
      stack,
      resource: address,
      problem: `the model requires ${address}${row ? ` (${row.grant.privileges.join(", ")} for ${principalIdentity(row.grant.principal).name}: ${row.grant.source})` : ""}, but the output does not declare it`,
    });
  }

  /** Compares one block body (or a part of it) with what the desired state says. */
  private body(stack: string, block: { kind: string; type: string; address: string }, actual: unknown, want: Expected | undefined, path: string[]): void {
    if (want instanceof Matcher) {
      if (!want.test(actual, { stackDir: this.stackDirs.get(stack) })) this.differ(stack, block, path, actual, want);
      return;
    }
    if (Array.isArray(want)) {
      if (path[path.length - 1] === "privileges" && Array.isArray(actual)) {
        const have = new Set(actual.map((x) => (typeof x === "string" ? x : JSON.stringify(x))));
        const need = new Set(want as string[]);
        for (const p of have) if (!need.has(p)) this.differ(stack, block, path, actual, want, p);
        for (const p of need) if (!have.has(p)) this.missingPrivilege(stack, block, p, want as string[]);
        return;
      }
      if (JSON.stringify(actual) !== JSON.stringify(want)) this.differ(stack, block, path, actual, want);
      return;
    }
    if (isObject(want)) {
      if (!isObject(actual)) {
        this.differ(stack, block, path, actual, want);
        return;
      }
      for (const [k, v] of Object.entries(actual)) {
        if (k === "//") continue; // a comment in a block body: terraform ignores it
        if (!has(want, k)) this.extraAttribute(stack, block, [...path, k], v);
      }
      for (const [k, v] of Object.entries(want)) {
        if (!has(actual, k)) this.differ(stack, block, [...path, k], undefined, v);
        else this.body(stack, block, actual[k], v, [...path, k]);
      }
      return;
    }
    if (actual !== want) this.differ(stack, block, path, actual, want);
  }

  private extraAttribute(stack: string, block: { kind: string; type: string; address: string }, path: string[], value: unknown): void {
    if (this.isClaimed(stack, block.address, ...path)) return;
    const attr = path.join(".");
    const at = { stack, resource: block.address };
    if (block.kind === "provider") {
      this.push("provider-workspace", { ...at, problem: `sets ${attr} = ${show(value)}; the model's provider sets only host and profile${block.type === "databricks" ? "" : ""}` });
      return;
    }
    if (META_ARGUMENTS.has(path[0]) && path.length === 1) {
      this.push(path[0] === "provider" ? "provider-workspace" : "unknown-construct", {
        ...at,
        problem:
          path[0] === "provider"
            ? `provider = ${show(value)}: the resource would act through another provider configuration`
            : path[0] === "provisioner" || path[0] === "connection"
              ? `a ${path[0]} runs commands on the machine that applies, with its credentials`
              : `the meta-argument ${path[0]} = ${show(value)} changes what is created; the model uses none`,
      });
      return;
    }
    if (block.type === "databricks_service_principal" && block.kind === "resource") {
      this.push("principal-declaration", { ...at, problem: `sets ${attr} = ${show(value)}${path[0] === "application_id" ? ": a pinned application ID can be another (e.g. a retired) principal's, which would then get this principal's grants" : ""}; the model sets only display_name` });
      return;
    }
    if (block.type === "databricks_schema" && path[0] === "owner") {
      this.push("catalog-owner", { ...at, problem: `owner = ${show(value)}; a schema keeps the catalog owner's ownership, the model sets none` });
      return;
    }
    if (block.address === "terraform" && path[0] === "required_providers") {
      this.push("provider-workspace", { ...at, problem: `required_providers.${path.slice(1).join(".")} = ${show(value)}: another provider local name or source, which resources could be routed through` });
      return;
    }
    if (block.address === "terraform" && (path[0] === "backend" || path[0] === "cloud")) {
      this.push("state-guard", { ...at, resource: `terraform.${attr}`, problem: `a ${attr} configuration: the state would live elsewhere than the model's` });
      return;
    }
    this.push(block.kind === "data" && PRINCIPAL_LOOKUPS.has(block.type) ? "principal-declaration" : block.type.includes("federation_policy") ? "federation-trust" : "unknown-construct", {
      ...at,
      problem: `sets ${attr} = ${show(value)}, which the model does not produce`,
    });
  }

  private missingPrivilege(stack: string, block: { address: string }, privilege: string, want: readonly string[]): void {
    this.push("missing-from-output", {
      stack,
      resource: block.address,
      privilege,
      problem: `the model gives ${privilege} here (${want.join(", ")}), but the grant lacks it`,
    });
  }

  /** A value other than the desired one (`actual` undefined: missing), given to the rule that owns it. */
  private differ(stack: string, block: { kind: string; type: string; address: string }, path: string[], actual: unknown, want: Expected | undefined, privilege?: string): void {
    if (privilege !== undefined ? this.isClaimed(stack, block.address, "privileges", privilege) : this.isClaimed(stack, block.address, ...path)) return;
    const attr = path.join(".");
    const at = { stack, resource: block.address };
    const was = `${attr} is ${show(actual)}; the model says ${show(want)}`;
    const rule = ((): RuleId => {
      if (actual === undefined && !(block.kind === "provider" || block.address === "terraform")) {
        if (block.type === "databricks_catalog" && path[0] === "owner") return "catalog-owner";
        if (block.type === "databricks_catalog" && path[0] === "isolation_mode") return "catalog-isolation";
        return "missing-from-output";
      }
      if (block.kind === "provider") return "provider-workspace";
      if (block.address === "terraform") return path[0] === "backend" ? "state-guard" : path[0] === "required_providers" ? "provider-workspace" : "differs-from-model";
      if (block.address === `variable.databricks_profile`) return "provider-workspace";
      switch (block.type) {
        case "databricks_grant":
          if (privilege !== undefined) return "exceeds-model";
          if (this.rowsByAddress.get(`${stack}\u0000${block.address}`)?.unresolved.length) return "unresolved-reference";
          return path[0] === "principal" ? "principal-declaration" : "exceeds-model";
        case "databricks_catalog":
          return path[0] === "owner" ? "catalog-owner" : path[0] === "isolation_mode" ? "catalog-isolation" : "differs-from-model";
        case "databricks_schema":
          return path[0] === "owner" ? "catalog-owner" : "differs-from-model";
        case "databricks_service_principal":
        case "databricks_group":
          return "principal-declaration";
        case "databricks_workspace_binding":
          return "catalog-isolation";
        case "databricks_service_principal_federation_policy":
          return "federation-trust";
        default:
          return "differs-from-model";
      }
    })();
    if (privilege !== undefined) {
      const row = this.rowsByAddress.get(`${stack}\u0000${block.address}`);
      this.push(rule, {
        ...at,
        principal: row?.principal,
        securable: row ? `${row.securableType} ${row.securable}` : undefined,
        privilege,
        problem: `the model gives ${row?.principal ?? "this principal"} only ${(want as string[]).join(", ")} here`,
        fix: `remove ${privilege} from this grant, or give it in the model (${this.model.source}) and synthesize again`,
      });
      return;
    }
    const problem =
      rule === "catalog-isolation" && path[0] === "isolation_mode"
        ? `${was} (${this.model.isolated ? "every environment has a workspace.id" : "unset: a new catalog is created OPEN and an adopted one keeps its mode; OPEN would open an isolated catalog"})`
        : rule === "provider-workspace" && path[0] === "host"
          ? `${was}: the stack would change another workspace`
          : rule === "state-guard"
            ? `${was}: the stack's state is its own (a local terraform.<stack>.tfstate, or the model's S3 key for it)`
            : was;
    this.push(rule, { ...at, problem });
  }
}

export interface GateInput {
  readonly stacks: readonly SynthesizedStack[];
  /** What the reader found about the files (an in-memory output has none). */
  readonly findings?: readonly FileFinding[];
}

/** Runs the whole gate: file findings, invariants, and the default-deny comparison. */
export function checkGate(input: GateInput | OutputTree | readonly SynthesizedStack[], desired: DesiredState): PolicyResult {
  const given: GateInput = Array.isArray(input) ? { stacks: input as readonly SynthesizedStack[] } : (input as GateInput);
  const stacks = normalizeStacks(given.stacks);
  const rows = grantRows(stacks);
  const gate = new Gate(desired, rows);
  for (const s of stacks) if (s.file !== undefined) gate.stackDirs.set(s.name, nodePath.dirname(s.file));
  for (const f of given.findings ?? []) gate.push(f.rule, { stack: f.stack, resource: f.resource, problem: f.problem, fix: f.fix });
  gate.invariants(stacks);
  for (const s of stacks) gate.compare(s);
  const missingStacks = desired.stacks.filter((d) => !stacks.some((s) => s.name === d.name));
  for (const d of missingStacks) {
    gate.push("missing-from-output", { stack: d.name, resource: "(stack)", problem: `the model has stack ${d.name}, but the output does not` });
  }
  return {
    violations: dedupe(gate.violations).sort(compareViolations),
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

function compareViolations(a: Violation, b: Violation): number {
  const x = formatViolation(a);
  const y = formatViolation(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function dedupe(violations: readonly Violation[]): Violation[] {
  const seen = new Map<string, Violation>();
  for (const v of violations) {
    const clean = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as unknown as Violation;
    seen.set(formatViolation(clean), clean);
  }
  return [...seen.values()];
}
