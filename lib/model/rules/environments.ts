/**
 * Rules between environments: each its own workspace, profile, principal, catalog and stack (the
 * incident this project exists for was the prod target aimed at the dev workspace); a reserved
 * key; promotions that flow one way, towards production.
 */
import type { PartialEnvironment, Rule, RuleContext, RuleFinding } from "./rule";
import { storageKey, trimStorageUrl, within } from "../schema/checks";

/** Environment keys that would collide with the plan principal's addresses (sp_plan, github__plan). */
export const RESERVED_ENVIRONMENT_KEYS = ["plan"];

const reservedKey: Rule = {
  id: "environment-key-not-reserved",
  description: "No environment is keyed `plan`: the plan principal's Terraform addresses use it.",
  paths: ["environments.*"],
  fix: "give the environment another key",
  *check({ environments }) {
    for (const [key] of environments) {
      if (RESERVED_ENVIRONMENT_KEYS.includes(key)) yield { path: ["environments", key], problem: `\`${key}\` is reserved (the plan principal's Terraform addresses use it)`, value: key };
    }
  },
};

/** A rule that no two environments share a value (compared in lower case). */
function distinct(id: string, field: string, what: string, fix: string, read: (env: PartialEnvironment) => string | number | undefined): Rule {
  return {
    id,
    description: `Each environment has its own ${what} (compared in any case).`,
    paths: [`environments.*.${field}`],
    fix,
    *check({ environments }) {
      const seen = new Map<string, string>();
      for (const [key, env] of environments) {
        const v = env && read(env);
        if (v === undefined) continue;
        const first = seen.get(String(v).toLowerCase());
        if (first !== undefined) yield { path: ["environments", key, ...field.split(".")], problem: `is the same ${what} as environments.${first}.${field}`, value: v };
        else seen.set(String(v).toLowerCase(), key);
      }
    },
  };
}

const distinctRules: Rule[] = [
  distinct("distinct-workspace-hosts", "workspace.host", "workspace host", "each environment needs its own workspace; set this one to its own workspace URL", (e) => e.workspace?.host),
  distinct("distinct-profiles", "workspace.profile", "CLI profile", "give each environment its own Databricks CLI profile", (e) => e.workspace?.profile),
  distinct("distinct-workspace-ids", "workspace.id", "workspace ID", "each environment needs its own workspace; set this one's numeric ID", (e) => e.workspace?.id),
  distinct("distinct-stacks", "stack", "stack name", "give each environment its own stack name", (e) => e.stack),
  distinct("distinct-service-principals", "servicePrincipal", "service principal", "give each environment its own service principal", (e) => e.servicePrincipal),
  distinct("distinct-catalogs", "catalog.name", "catalog", "give each environment its own catalog", (e) => e.catalog?.name),
  // The bundles' s3_bucket: a dev target writing to prod's bucket is Dev writing to prod.
  distinct("distinct-buckets", "catalog.bucket", "bucket", "give each environment its own bucket (the bundles' jobs write to it)", (e) => e.catalog?.bucket),
];

/**
 * A catalog's own managed storage is its environment's: it lies in no other environment's bucket
 * and overlaps no other catalog's storage root (either way round), or one environment's tables
 * would be written into another's storage.
 */
const storageRootOwn: Rule = {
  id: "catalog-storage-own",
  description: "A catalog's `storageRoot` lies in no other environment's `bucket` and overlaps no other catalog's `storageRoot`.",
  paths: ["environments.*.catalog.storageRoot", "environments.*.catalog.bucket"],
  fix: "give the catalog a storage root in its own environment's bucket or a bucket of its own",
  *check({ environments }) {
    for (const [key, env] of environments) {
      const root = env?.catalog?.storageRoot;
      if (root === undefined) continue;
      const mine = storageKey(trimStorageUrl(root));
      const keys = environments.map(([k]) => k);
      for (const [other, o] of environments) {
        if (other === key || !o?.catalog) continue;
        const bucket = o.catalog.bucket;
        if (bucket !== undefined && mine.split("/")[2] === bucket.toLowerCase()) {
          yield { path: ["environments", key, "catalog", "storageRoot"], problem: `lies in environments.${other}.catalog.bucket (${bucket}): ${key}'s catalog would keep its tables in ${other}'s storage`, value: root };
        }
        const theirs = o.catalog.storageRoot === undefined ? undefined : storageKey(trimStorageUrl(o.catalog.storageRoot));
        // An overlap is one fault: reported once, at the later of the two.
        if (theirs !== undefined && keys.indexOf(other) < keys.indexOf(key) && (within(mine, theirs) || within(theirs, mine))) {
          yield { path: ["environments", key, "catalog", "storageRoot"], problem: `overlaps environments.${other}.catalog.storageRoot (${o.catalog.storageRoot}), ${other}'s catalog's own managed storage`, value: root };
        }
      }
    }
  },
};

const FROM = "environments.*.promotion.from";
const from = (env: PartialEnvironment | undefined) => env?.promotion?.from;

const promotionSourceDefined: Rule = {
  id: "promotion-source-defined",
  description: "An environment promotes from an environment the model defines.",
  paths: [FROM],
  fix: "name an environment of `environments`",
  *check({ environments }) {
    const keys = environments.map(([k]) => k);
    const defined = new Set(keys);
    for (const [key, env] of environments) {
      const f = from(env);
      if (f !== undefined && !defined.has(f)) {
        yield { path: ["environments", key, "promotion", "from"], problem: "names an environment that is not defined", fix: `use one of: ${keys.filter((k) => k !== key).join(", ")}`, value: f };
      }
    }
  },
};

const promotionNotSelf: Rule = {
  id: "promotion-not-self",
  description: "An environment does not promote from itself.",
  paths: [FROM],
  fix: "promote from the environment before this one (staging from dev, prod from staging), or remove promotion",
  *check({ environments }) {
    for (const [key, env] of environments) if (from(env) === key) yield { path: ["environments", key, "promotion", "from"], problem: "names the environment itself", value: key };
  },
};

const promotionSchemaExists: Rule = {
  id: "promotion-schema-exists",
  description: "The promoted schema is a schema of the source environment's catalog.",
  paths: ["environments.*.promotion.schema", FROM, "environments.*.catalog.schemas"],
  fix: "name a schema of the source environment's catalog",
  *check({ environments }) {
    const byKey = new Map<string, (typeof environments)[number][1]>();
    for (const [k, env] of environments) if (!byKey.has(k)) byKey.set(k, env);
    for (const [key, env] of environments) {
      const f = from(env);
      const schema = env?.promotion?.schema;
      const source = f !== undefined && f !== key ? byKey.get(f) : undefined;
      const schemas = source?.catalog?.schemas;
      if (schema !== undefined && schemas !== undefined && !schemas.includes(schema)) {
        yield {
          path: ["environments", key, "promotion", "schema"],
          problem: `is not a schema of environments.${f}.catalog`,
          fix: `use one of: ${schemas.join(", ")}, or add it to environments.${f}.catalog.schemas`,
          value: schema,
        };
      }
    }
  },
};

/** The environments of a promotion cycle, starting where it was found; a self-promotion is no cycle here. */
export function promotionCycle(environments: RuleContext["environments"]): string[] | undefined {
  const fromOf = new Map(environments.map(([k, env]) => [k, from(env)]));
  // A walk from each environment in turn. One that reaches an environment an earlier walk passed
  // through ends as that one did, at an environment promoting from none: each is walked once (a
  // chain of N promotions was walked from each of its N environments, each step searching the chain).
  const noCycle = new Set<string>();
  for (const [start] of environments) {
    const chain: string[] = [];
    const position = new Map<string, number>();
    let cur: string | undefined = start;
    while (cur !== undefined && fromOf.get(cur) !== undefined) {
      if (noCycle.has(cur)) break;
      const at = position.get(cur);
      if (at !== undefined) return chain.slice(at);
      position.set(cur, chain.length);
      chain.push(cur);
      const next: string = fromOf.get(cur)!;
      if (next === cur) return undefined; // reported as "names the environment itself"
      cur = fromOf.has(next) ? next : undefined;
    }
    for (const k of chain) noCycle.add(k);
  }
  return undefined;
}

const promotionNoCycle: Rule = {
  id: "promotion-no-cycle",
  description: "Promotions do not form a cycle: models flow one way.",
  paths: [FROM],
  fix: "models must flow one way, e.g. dev -> staging -> prod",
  *check({ environments }) {
    const cycle = promotionCycle(environments);
    if (cycle) {
      const env = environments.find(([k]) => k === cycle[0])?.[1];
      yield { path: ["environments", cycle[0], "promotion", "from"], problem: `promotions form a cycle (${[...cycle, cycle[0]].join(" <- ")})`, value: from(env) };
    }
  },
};

// Models flow towards production, never out of it: promoting from production would bind its
// catalog to another workspace and let another environment's principal read production's models.
const promotionNotFromProduction: Rule = {
  id: "promotion-not-from-production",
  description: "No environment promotes from the production environment: models are promoted towards production, never out of it.",
  paths: [FROM, "production"],
  fix: "promote from an environment before production (staging from dev, prod from staging), or remove promotion",
  *check({ environments, production }) {
    const cycle = new Set(promotionCycle(environments) ?? []); // a cycle is reported once, as a cycle
    for (const [key, env] of environments) {
      if (production !== undefined && from(env) === production && key !== production && !cycle.has(key)) {
        yield {
          path: ["environments", key, "promotion", "from"],
          problem: `promotes from ${production}, the production environment; models are promoted towards production, never out of it`,
          value: production,
        } satisfies RuleFinding;
      }
    }
  },
};

export const ENVIRONMENT_RULES: readonly Rule[] = [reservedKey, ...distinctRules, storageRootOwn, promotionSourceDefined, promotionNotSelf, promotionSchemaExists, promotionNoCycle, promotionNotFromProduction];
