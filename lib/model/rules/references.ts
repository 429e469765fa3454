/**
 * Rules for references between sections: every environment and group a field names is defined,
 * and what is adopted (imported instead of created) is what the model declares.
 */
import type { Path } from "../schema/fields";
import type { Rule, RuleContext, RuleFinding } from "./rule";

const NOT_AN_ENVIRONMENT = "names an environment that is not defined in environments";
const NOT_A_GROUP = "names a group that is not defined in groups";

/** A field naming an environment: defined, when the environments can be read. */
function environmentReference(id: string, field: string, read: (c: RuleContext) => string | undefined, description: string): Rule {
  return {
    id,
    description,
    paths: [field],
    fix: "name an environment of `environments`",
    *check(c) {
      const key = read(c);
      if (key !== undefined && c.envKeys && !c.envKeys.includes(key)) yield { path: field.split("."), problem: NOT_AN_ENVIRONMENT, fix: `use one of: ${c.envKeys.join(", ")}`, value: key };
    },
  };
}

/** Groups whose display name is valid: the ones a fix can offer. */
const namedGroups = (c: RuleContext) => Object.entries(c.model.groups ?? {}).filter(([, name]) => name !== undefined).map(([k]) => k);

const creatorsDefined: Rule = {
  id: "sandbox-creators-defined",
  description: "Every sandbox creator is a group of `groups`.",
  paths: ["sandbox.creators.*"],
  fix: "add it to groups",
  *check(c) {
    if (!c.groupKeys) return;
    for (const [i, key] of (c.model.sandbox?.creators ?? []).entries()) {
      if (!c.groupKeys.has(key)) yield { path: ["sandbox", "creators", i], problem: NOT_A_GROUP, fix: `use one of: ${namedGroups(c).join(", ")}, or add it to groups`, value: key };
    }
  },
};

const accessGroupDefined: Rule = {
  id: "access-group-defined",
  description: "`access` gives access to groups of `groups` only.",
  paths: ["access.*"],
  fix: "add it to groups",
  *check(c) {
    if (!c.groupKeys) return;
    for (const key of Object.keys(c.model.access ?? {})) {
      if (!c.groupKeys.has(key)) yield { path: ["access", key], problem: NOT_A_GROUP, fix: `use one of: ${namedGroups(c).join(", ")}, or add it to groups`, value: key };
    }
  },
};

const accessEnvironmentDefined: Rule = {
  id: "access-environment-defined",
  description: "`access` gives access to environments of `environments` only.",
  paths: ["access.*.*"],
  fix: "name an environment of `environments`",
  *check(c) {
    if (!c.envKeys) return;
    const defined = new Set(c.envKeys);
    for (const [group, perEnv] of Object.entries(c.model.access ?? {})) {
      for (const env of Object.keys(perEnv ?? {})) {
        if (!defined.has(env)) yield { path: ["access", group, env], problem: NOT_AN_ENVIRONMENT, fix: `use one of: ${c.envKeys.join(", ")}`, value: env };
      }
    }
  },
};

const ADOPT = "environments.*.catalog.adopt";

// Adopted grants must be grants this model declares, or the import would adopt an orphan.
const adoptedGrantsDeclared: Rule = {
  id: "adopted-grants-declared",
  description: "Each adopted grant (`catalog.adopt.groupGrants`) is a group's access to that environment that `access` declares.",
  paths: [`${ADOPT}.groupGrants.*`, "access.*.*"],
  fix: "adopt only grants that `access` declares",
  *check(c) {
    if (!c.groupKeys) return;
    for (const [env, e] of c.environments) {
      for (const [i, group] of (e?.catalog?.adopt?.groupGrants ?? []).entries()) {
        const path: Path = ["environments", env, "catalog", "adopt", "groupGrants", i];
        if (!c.groupKeys.has(group)) yield { path, problem: NOT_A_GROUP, fix: `use one of: ${[...c.groupKeys].join(", ")}`, value: group };
        else if (!c.written(["access", group, env])) {
          yield { path, problem: `names a group that has no access to ${env} in access`, fix: `add access.${group}.${env}, or remove it from groupGrants`, value: group };
        }
      }
    }
  },
};

const adoptedSchemasOfCatalog: Rule = {
  id: "adopted-schemas-of-catalog",
  description: "Each adopted schema is one of the catalog's `schemas`.",
  paths: [`${ADOPT}.schemas.*`, "environments.*.catalog.schemas"],
  fix: "adopt only schemas listed in schemas",
  *check(c) {
    for (const [env, e] of c.environments) {
      const schemas = e?.catalog?.schemas;
      if (!schemas) continue;
      for (const [i, name] of (e?.catalog?.adopt?.schemas ?? []).entries()) {
        if (!schemas.includes(name)) yield { path: ["environments", env, "catalog", "adopt", "schemas", i], problem: "is not one of the catalog's schemas", fix: `adopt only schemas listed in schemas (${schemas.join(", ")})`, value: name };
      }
    }
  },
};

const adoptedCatalogWithContents: Rule = {
  id: "adopted-catalog-with-contents",
  description: "A catalog whose schemas or grants are adopted is adopted too (`catalog: true`).",
  paths: [`${ADOPT}.catalog`, `${ADOPT}.schemas`, `${ADOPT}.groupGrants`],
  fix: "set `catalog: true`: what is inside an existing catalog exists only if the catalog does",
  *check(c) {
    for (const [env, e] of c.environments) {
      const adopt = e?.catalog?.adopt;
      if (!adopt) continue;
      const path: Path = ["environments", env, "catalog", "adopt", "catalog"];
      // Not written means false; a refused value (pruned here) was reported by the schema.
      if ((c.written(path) ? adopt.catalog : false) !== false) continue;
      const contents = (adopt.schemas?.length ?? 0) > 0 || c.written(["environments", env, "catalog", "adopt", "groupGrants", 0]);
      if (contents) yield { path, problem: "must be true when schemas or grants of the catalog are adopted", value: false } satisfies RuleFinding;
    }
  },
};

export const REFERENCE_RULES: readonly Rule[] = [
  environmentReference("grants-from-defined", "metastore.grantsFrom", (c) => c.model.metastore?.grantsFrom, "`metastore.grantsFrom` names an environment of `environments`."),
  environmentReference("production-defined", "production", (c) => c.model.production, "`production` names an environment of `environments`."),
  creatorsDefined,
  accessGroupDefined,
  accessEnvironmentDefined,
  adoptedGrantsDeclared,
  adoptedSchemasOfCatalog,
  adoptedCatalogWithContents,
];
