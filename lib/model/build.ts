/**
 * The typed environment model from a model file that passed the schema and every rule: references
 * resolved to the objects they name, defaults filled in, sorted, and the warnings synth prints.
 */
import { isAccessLevel, normalizePrivileges, privilegesOf, type AccessLevel } from "../permissions";
import { productionKey } from "./rules/rule";
import { ACCOUNT_STACK_DEFAULT, derivedAccountHost } from "./rules/stacks";
import { trimStorageUrl } from "./schema/checks";
import type { ModelFile } from "./schema/model";
import type { Account, CatalogAccess, Environment, EnvironmentModel, Group } from "./types";

type FileEnvironment = ModelFile["environments"][string];

/** An access value the schema accepted: a level, one privilege, or a list of privileges. */
function readAccess(value: string | readonly unknown[]): { level?: AccessLevel; privileges: string[] } {
  if (typeof value !== "string") return { privileges: normalizePrivileges(value as string[]) };
  if (isAccessLevel(value) && privilegesOf(value, "catalog")) return { level: value, privileges: normalizePrivileges(privilegesOf(value, "catalog")!) };
  return { privileges: [value] };
}

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function buildModel(file: ModelFile, source: string): EnvironmentModel {
  const raws = Object.entries(file.environments);
  const envKeys = raws.map(([k]) => k);
  const groups: Group[] = Object.entries(file.groups).map(([key, displayName]) => ({ key, displayName }));
  const groupByKey = new Map(groups.map((g) => [g.key, g]));

  // Approval before apply, unless the model says otherwise: production and the environment before it
  // (the one production promotes from, else the one before it in the file), as the plan recommends.
  const production = productionKey(file.production, envKeys)!;
  const beforeProduction = file.environments[production].promotion?.from ?? envKeys[envKeys.indexOf(production) - 1];
  const approvedByDefault = new Set([production, ...(beforeProduction !== undefined ? [beforeProduction] : [])]);
  const environments = new Map<string, Environment>();
  const build = (key: string, raw: FileEnvironment): Environment => {
    const done = environments.get(key);
    if (done) return done;
    const from = raw.promotion ? build(raw.promotion.from, file.environments[raw.promotion.from]) : undefined;
    const { stack, catalog, promotion, approval, ...rest } = raw;
    const env: Environment = {
      ...rest,
      key,
      stackName: stack,
      catalog: { ...catalog, adopt: { catalog: catalog.adopt?.catalog ?? false, schemas: catalog.adopt?.schemas ?? [], groupGrants: catalog.adopt?.groupGrants ?? [] } },
      ...(from && promotion ? { promotion: { ...promotion, from } } : {}),
      approval: approval ?? (approvedByDefault.has(key) ? "required" : "none"),
    };
    environments.set(key, env);
    return env;
  };
  const inFileOrder = raws.map(([key, raw]) => build(key, raw));
  const envByKey = (key: string) => environments.get(key)!;

  const warnings: string[] = [];
  const missingIds = inFileOrder.filter((e) => e.workspace.id === undefined).map((e) => `environments.${e.key}.workspace.id`);
  if (missingIds.length > 0) {
    warnings.push(
      `${source}: ${missingIds.join(", ")} ${missingIds.length === 1 ? "is" : "are"} not set, so no catalog is made ISOLATED: ` +
        "a new catalog is OPEN (reachable from every workspace on the metastore), an existing one keeps its mode. " +
        "Set the numeric workspace IDs to make the catalogs ISOLATED.",
    );
  }
  // A production that deploys without an approval is a decision written in the model, and said.
  if (file.environments[production].approval === "none") {
    warnings.push(`${source}: environments.${production}.approval is none: production's stack is applied without anyone's approval. Remove it to require one (the default).`);
  }
  const account = file.account && readAccount(file.account, inFileOrder);
  const github = file.github;
  if (!account || !github) {
    warnings.push(
      `${source}: ${[!account ? "account" : "", !github ? "github" : ""].filter(Boolean).join(" and ")} not set, so the account stack ` +
        "(GitHub OIDC federation policies for CI) is not synthesized. Set account (id, profile) and github (repository, planServicePrincipal) to add it.",
    );
  }
  const codeOwners = file.codeOwners ?? [];
  if (codeOwners.length === 0) {
    warnings.push(
      `${source}: codeOwners is not set, so .github/CODEOWNERS names no owner and GitHub requires no review of changes ` +
        "to the code and the workflows, which decide every access verdict. Set codeOwners (GitHub teams or users) and run `npm run update`.",
    );
  }

  const storage = file.sandbox.storage;
  return {
    source,
    metastore: { ...file.metastore, grantsFrom: envByKey(file.metastore.grantsFrom) },
    groups: [...groups].sort(byKey),
    sandbox: { ...file.sandbox, creators: file.sandbox.creators.map((k) => groupByKey.get(k)!).sort(byKey), ...(storage ? { storage: { ...storage, url: trimStorageUrl(storage.url) } } : {}) },
    environments: inFileOrder,
    production: envByKey(production),
    access: Object.entries(file.access)
      .flatMap(([group, perEnv]) =>
        Object.entries(perEnv ?? {}).map<CatalogAccess>(([env, value]) => {
          const { level, privileges } = readAccess(value);
          return { group: groupByKey.get(group)!, environment: envByKey(env), ...(level ? { level } : {}), privileges };
        }),
      )
      .sort((a, b) => byKey(a.group, b.group) || byKey(a.environment, b.environment)),
    isolated: missingIds.length === 0,
    warnings,
    ...(account ? { account } : {}),
    ...(github ? { github } : {}),
    ...(file.state ? { state: file.state } : {}),
    legacyServicePrincipals: Object.entries(file.legacyServicePrincipals ?? {})
      .map(([name, applicationId]) => ({ name, applicationId }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    moved: Object.fromEntries(
      Object.entries(file.moved ?? {})
        .filter(([, renames]) => Object.keys(renames).length > 0)
        .map(([stack, renames]) => [stack, Object.entries(renames).map(([from, to]) => ({ from, to }))]),
    ),
    codeOwners,
    retired: Object.entries(file.retired ?? {}).map(([key, { stack, ...rest }]) => ({ ...rest, key, stackName: stack })),
  };
}

function readAccount(account: NonNullable<ModelFile["account"]>, environments: readonly Environment[]): Account {
  const { host, stack, ...rest } = account;
  const derived = derivedAccountHost(environments.map((e) => e.workspace.host));
  return { ...rest, host: host ?? ("host" in derived ? derived.host : ""), stackName: stack ?? ACCOUNT_STACK_DEFAULT };
}
