/**
 * Rules for names: groups and principals are never confused, retired principals are never used
 * again, and no environment takes a name Databricks reserves or the developers' sandbox pattern.
 */
import type { Rule, RuleContext } from "./rule";

/** Catalogs that exist on every metastore or workspace: an environment must not take one over. */
export const RESERVED_CATALOGS = ["hive_metastore", "system", "samples"];
/** Schemas Unity Catalog creates in every catalog. */
export const RESERVED_SCHEMAS = ["information_schema"];

const groupsDistinct: Rule = {
  id: "group-display-names-distinct",
  description: "No two group keys name the same group (display names compared in any case).",
  paths: ["groups.*"],
  fix: "keep one key per group",
  *check({ model }) {
    const seen = new Map<string, string>();
    for (const [key, name] of Object.entries(model.groups ?? {})) {
      if (name === undefined) continue;
      const first = seen.get(name.toLowerCase());
      if (first !== undefined) yield { path: ["groups", key], problem: `names the same group as groups.${first}`, value: name };
      else seen.set(name.toLowerCase(), key);
    }
  },
};

/** Every principal's display name (lower case) -> where the model names it. */
function principalNames(c: RuleContext): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, env] of c.environments) if (env?.servicePrincipal !== undefined) names.set(env.servicePrincipal.toLowerCase(), `environments.${key}.servicePrincipal`);
  const plan = c.model.github?.planServicePrincipal?.name;
  if (plan !== undefined) names.set(plan.toLowerCase(), "github.planServicePrincipal.name");
  for (const name of Object.keys(c.model.legacyServicePrincipals ?? {})) if (c.legacyNames.has(name)) names.set(name.toLowerCase(), `the retired principal legacyServicePrincipals.${name}`);
  return names;
}

// A group named like a principal would be granted (and reviewed) as that principal: the policy and
// the reports name principals by display name, and grants name groups by it too.
const groupNotPrincipal: Rule = {
  id: "group-not-named-like-principal",
  description: "No group has the display name of a service principal of the model (an environment's, the plan principal, a retired one), in any case.",
  paths: ["groups.*"],
  fix: "give the group its own display name; groups and principals must not be confused in grants and reviews",
  *check(c) {
    const principals = principalNames(c);
    for (const [key, name] of Object.entries(c.model.groups ?? {})) {
      const clash = name !== undefined ? principals.get(name.toLowerCase()) : undefined;
      if (clash) yield { path: ["groups", key], problem: `is the name of a service principal (${clash}), in any case`, value: name };
    }
  },
};

const principalNotRetired: Rule = {
  id: "service-principal-not-retired",
  description: "No environment deploys as a retired principal (`legacyServicePrincipals`).",
  paths: ["environments.*.servicePrincipal"],
  fix: "each environment deploys as its own new principal, e.g. ml-pipelines-dev-service-principal",
  *check(c) {
    for (const [key, env] of c.environments) {
      const sp = env?.servicePrincipal;
      if (sp !== undefined && c.legacyNames.has(sp)) yield { path: ["environments", key, "servicePrincipal"], problem: "is a retired principal (legacyServicePrincipals)", value: sp };
    }
  },
};

const PLAN = ["github", "planServicePrincipal"];

const planNotDeployer: Rule = {
  id: "plan-principal-not-deployer",
  description: "Pull-request plans run as their own read-only principal, not an environment's deploying principal.",
  paths: ["github.planServicePrincipal.name"],
  fix: "plans run as their own read-only principal; name a different one",
  *check(c) {
    const name = c.model.github?.planServicePrincipal?.name;
    if (name !== undefined && c.environments.some(([, env]) => env?.servicePrincipal?.toLowerCase() === name.toLowerCase())) {
      yield { path: [...PLAN, "name"], problem: "is an environment's deploying principal", value: name };
    }
  },
};

const planNotRetired: Rule = {
  id: "plan-principal-not-retired",
  description: "Pull-request plans do not run as a retired principal, by application ID or by name.",
  paths: ["github.planServicePrincipal.applicationId", "github.planServicePrincipal.name"],
  fix: "plans run as their own new principal; name a different one",
  *check(c) {
    const plan = c.model.github?.planServicePrincipal;
    if (plan?.applicationId !== undefined && c.legacyNames.has(plan.applicationId)) {
      yield {
        path: [...PLAN, "applicationId"],
        problem: `is the retired principal ${c.legacyNames.get(plan.applicationId)} (legacyServicePrincipals)`,
        fix: "plans run as their own new principal; create one and use its application ID",
        value: plan.applicationId,
      };
    } else if (plan?.name !== undefined && c.legacyNames.has(plan.name)) {
      yield { path: [...PLAN, "name"], problem: "is a retired principal (legacyServicePrincipals)", value: plan.name };
    }
  },
};

const catalogNotReserved: Rule = {
  id: "catalog-not-reserved",
  description: `No environment's catalog takes a name Databricks reserves (${RESERVED_CATALOGS.join(", ")}).`,
  paths: ["environments.*.catalog.name"],
  fix: "give the environment its own catalog name (e.g. its key)",
  *check(c) {
    for (const [key, env] of c.environments) {
      const name = env?.catalog?.name;
      if (name !== undefined && RESERVED_CATALOGS.includes(name)) yield { path: ["environments", key, "catalog", "name"], problem: "is a catalog name Databricks reserves", value: name };
    }
  },
};

const schemaNotReserved: Rule = {
  id: "schema-not-reserved",
  description: `No schema takes a name Unity Catalog reserves (${RESERVED_SCHEMAS.join(", ")}).`,
  paths: ["environments.*.catalog.schemas.*"],
  fix: "choose another schema name",
  *check(c) {
    for (const [key, env] of c.environments) {
      for (const [i, schema] of (env?.catalog?.schemas ?? []).entries()) {
        if (RESERVED_SCHEMAS.includes(schema)) yield { path: ["environments", key, "catalog", "schemas", i], problem: "is a schema name Unity Catalog reserves", value: schema };
      }
    }
  },
};

const catalogNotSandbox: Rule = {
  id: "catalog-not-sandbox-pattern",
  description: "No environment's catalog matches the sandbox catalog pattern (a developer could own it).",
  paths: ["environments.*.catalog.name", "sandbox.catalogName"],
  fix: "rename the environment catalog or change sandbox.catalogName",
  *check(c) {
    const pattern = c.model.sandbox?.catalogName;
    if (pattern === undefined) return;
    const re = new RegExp(`^${pattern.replace("{user}", "[a-z0-9_]+")}$`);
    for (const [key, env] of c.environments) {
      const name = env?.catalog?.name;
      if (name !== undefined && re.test(name)) yield { path: ["environments", key, "catalog", "name"], problem: `matches the sandbox catalog pattern ${JSON.stringify(pattern)}, so a developer could own it`, value: name };
    }
  },
};

export const NAME_RULES: readonly Rule[] = [groupsDistinct, groupNotPrincipal, principalNotRetired, planNotDeployer, planNotRetired, catalogNotReserved, schemaNotReserved, catalogNotSandbox];
