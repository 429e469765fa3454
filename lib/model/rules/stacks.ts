/**
 * Rules for the stacks besides the environments' (the account stack, retired environments, renames)
 * and for the developers' sandbox storage, which must never be another environment's storage.
 */
import { storageKey, trimStorageUrl, within } from "../schema/checks";
import type { Path } from "../schema/fields";
import type { Rule, RuleContext } from "./rule";

/** The accounts console of each cloud, by the domain its workspace hosts end with. */
export const ACCOUNT_HOSTS: readonly [string, string, string][] = [
  ["AWS", ".cloud.databricks.com", "https://accounts.cloud.databricks.com"],
  ["Azure", ".azuredatabricks.net", "https://accounts.azuredatabricks.net"],
  ["GCP", ".gcp.databricks.com", "https://accounts.gcp.databricks.com"],
];
export const ACCOUNT_STACK_DEFAULT = "ref-account";

/**
 * The accounts console host for the workspaces' cloud, when every workspace host says the same
 * cloud; otherwise a reason it cannot be derived.
 */
export function derivedAccountHost(workspaceHosts: readonly string[]): { host: string } | { reason: string } {
  const clouds = new Set(workspaceHosts.map((h) => ACCOUNT_HOSTS.find(([, suffix]) => h.endsWith(suffix))?.[0] ?? "unknown"));
  const [only] = [...clouds];
  if (clouds.size === 1 && only !== "unknown") return { host: ACCOUNT_HOSTS.find(([cloud]) => cloud === only)![2] };
  const what = clouds.has("unknown")
    ? "a workspace host is on none of the known clouds' domains (a custom or private-link domain)"
    : `the workspace hosts are on more than one cloud (${[...clouds].join(", ")})`;
  return { reason: what };
}

const hosts = (c: RuleContext) => c.environments.flatMap(([, env]) => (env?.workspace?.host !== undefined ? [env.workspace.host] : []));
const envStacks = (c: RuleContext) => c.environments.flatMap(([, env]) => (env?.stack !== undefined ? [env.stack] : []));

/** The account stack's name when the model has an account (and its name could be read). */
function accountStack(c: RuleContext): string | undefined {
  if (!c.written(["account"]) || c.model.account === undefined) return undefined;
  return c.written(["account", "stack"]) ? c.model.account.stack : ACCOUNT_STACK_DEFAULT;
}

const accountHostKnown: Rule = {
  id: "account-host-known",
  description: "Without `account.host`, the workspace hosts are all on one known cloud, whose accounts console is then the account's host.",
  paths: ["account.host", "environments.*.workspace.host"],
  fix: `set it to your accounts console: ${ACCOUNT_HOSTS.map(([cloud, , h]) => `${h} (${cloud})`).join(", ")}`,
  *check(c) {
    if (c.model.account === undefined || c.written(["account", "host"]) || hosts(c).length === 0) return;
    const derived = derivedAccountHost(hosts(c));
    if ("reason" in derived) yield { path: ["account", "host"], problem: `is required here: ${derived.reason}, so the accounts console cannot be derived` };
  },
};

const accountStackDistinct: Rule = {
  id: "account-stack-distinct",
  description: "The account stack's name (default ref-account) is not an environment's stack name.",
  paths: ["account.stack", "environments.*.stack"],
  fix: "give the account stack its own name (default ref-account)",
  *check(c) {
    const name = accountStack(c);
    if (name !== undefined && envStacks(c).some((n) => n.toLowerCase() === name.toLowerCase())) yield { path: ["account", "stack"], problem: "is the same stack name as an environment's", value: name };
  },
};

const githubWithAccount: Rule = {
  id: "github-requires-account",
  description: "`github` comes with `account`: the federation policies live in the account stack.",
  paths: ["github", "account"],
  fix: "add account (id, profile): the federation policies live in the account stack",
  *check(c) {
    if (c.written(["github"]) && !c.written(["account"])) yield { path: ["github"], problem: "is set without account" };
  },
};

const retiredNotLive: Rule = {
  id: "retired-not-live",
  description: "A retired environment is not also a live one.",
  paths: ["retired.*", "environments.*"],
  fix: "remove the live environment to retire it, or the retired one to keep it",
  *check(c) {
    const live = new Set(c.environments.map(([k]) => k));
    for (const key of Object.keys(c.model.retired ?? {})) {
      if (live.has(key)) yield { path: ["retired", key], problem: `is also a live environment (environments.${key})`, fix: `remove environments.${key} to retire it, or remove retired.${key} to keep it`, value: key };
    }
  },
};

/**
 * A retired environment's key, stack and workspace are its own: no live environment (nor the
 * account stack) may use them, so the retiring stack can never aim at a live workspace.
 */
const retiredDistinct: Rule = {
  id: "retired-own-stack-and-workspace",
  description: "A retired environment's stack, host and profile are not a live environment's, the account stack's or another retired environment's.",
  paths: ["retired.*.stack", "retired.*.workspace.host", "retired.*.workspace.profile", "environments.*.stack", "environments.*.workspace.host", "environments.*.workspace.profile", "account.stack"],
  fix: "a retired environment keeps its own stack and workspace: write the ones it had",
  *check(c) {
    const seen = { stack: new Map<string, string>(), host: new Map<string, string>(), profile: new Map<string, string>() };
    for (const [key, env] of c.environments) {
      if (env?.stack) seen.stack.set(env.stack.toLowerCase(), `environments.${key}.stack`);
      if (env?.workspace?.host) seen.host.set(env.workspace.host.toLowerCase(), `environments.${key}.workspace.host`);
      if (env?.workspace?.profile) seen.profile.set(env.workspace.profile.toLowerCase(), `environments.${key}.workspace.profile`);
    }
    const account = accountStack(c);
    if (account !== undefined) seen.stack.set(account.toLowerCase(), "account.stack");
    const live = new Set(c.environments.map(([k]) => k));
    for (const [key, r] of Object.entries(c.model.retired ?? {})) {
      if (live.has(key)) continue; // retired-not-live
      const fields: [string | undefined, Map<string, string>, Path, string][] = [
        [r?.stack, seen.stack, ["retired", key, "stack"], "stack name"],
        [r?.workspace?.host, seen.host, ["retired", key, "workspace", "host"], "workspace host"],
        [r?.workspace?.profile, seen.profile, ["retired", key, "workspace", "profile"], "CLI profile"],
      ];
      for (const [value, map, path, what] of fields) {
        if (value === undefined) continue;
        const other = map.get(value.toLowerCase());
        if (other) yield { path, problem: `is the same ${what} as ${other}`, value };
        else map.set(value.toLowerCase(), path.join("."));
      }
    }
  },
};

/** The stacks a rename may name, or undefined while an environment's stack cannot be read. */
function movableStacks(c: RuleContext): string[] | undefined {
  if (!c.envKeys || c.environments.some(([, env]) => env?.stack === undefined)) return undefined;
  const account = accountStack(c);
  return [...envStacks(c), ...(account !== undefined ? [account] : [])];
}

const movedStackKnown: Rule = {
  id: "moved-stack-known",
  description: "Renames (`moved`) are listed under a stack the model has.",
  paths: ["moved.*"],
  fix: "name a stack of the model",
  *check(c) {
    const list = movableStacks(c);
    if (!list) return;
    const stacks = new Set(list);
    for (const stack of Object.keys(c.model.moved ?? {})) {
      if (!stacks.has(stack)) yield { path: ["moved", stack], problem: "names a stack the model does not have", fix: `use one of: ${envStacks(c).join(", ")}`, value: stack };
    }
  },
};

const movedSameType: Rule = {
  id: "moved-same-type",
  description: "A rename keeps the resource type (a `moved` block cannot change it).",
  paths: ["moved.*.*"],
  fix: "a moved block keeps the type: rename within databricks_grant, databricks_schema, ...",
  *check(c) {
    const list = movableStacks(c);
    const stacks = list && new Set(list);
    for (const [stack, renames] of Object.entries(c.model.moved ?? {})) {
      if (stacks && !stacks.has(stack)) continue; // moved-stack-known
      for (const [from, to] of Object.entries(renames ?? {})) {
        if (to !== undefined && to.split(".")[0] !== from.split(".")[0]) yield { path: ["moved", stack, from], problem: "moves a resource to another resource type", value: to };
      }
    }
  },
};

/**
 * The sandboxes' storage is developers' storage: each creator may create managed storage anywhere
 * under it. It must not lie in another environment's bucket, nor overlap any catalog's own storage
 * root (either way round), or developers' sandboxes would write into that environment's storage.
 * Its own environment is `metastore.grantsFrom` (whose stack grants on it).
 */
function sandboxStorage(c: RuleContext): { url: string; key: string; own: string } | undefined {
  const url = c.model.sandbox?.storage?.url;
  const own = c.model.metastore?.grantsFrom;
  if (url === undefined || own === undefined || !c.envKeys?.includes(own)) return undefined;
  const trimmed = trimStorageUrl(url);
  return { url: trimmed, key: storageKey(trimmed), own };
}

const URL_PATH = ["sandbox", "storage", "url"];

const sandboxNotInOtherBucket: Rule = {
  id: "sandbox-storage-own-bucket",
  description: "`sandbox.storage.url` does not lie in another environment's `catalog.bucket` than `metastore.grantsFrom`'s.",
  paths: ["sandbox.storage.url", "environments.*.catalog.bucket", "metastore.grantsFrom"],
  fix: "put the sandboxes in metastore.grantsFrom's bucket or a bucket of their own",
  *check(c) {
    const s = sandboxStorage(c);
    if (!s) return;
    const authority = s.key.split("/")[2];
    for (const [key, env] of c.environments) {
      const bucket = env?.catalog?.bucket;
      if (key !== s.own && bucket !== undefined && authority === bucket.toLowerCase()) {
        yield {
          path: URL_PATH,
          problem: `lies in environments.${key}.catalog.bucket (${bucket}), another environment's bucket than metastore.grantsFrom (${s.own}): developers' sandboxes would write into ${key}'s storage`,
          fix: `put the sandboxes in environments.${s.own}'s bucket or a bucket of their own`,
          value: s.url,
        };
      }
    }
  },
};

const sandboxNotOverCatalog: Rule = {
  id: "sandbox-storage-apart-from-catalogs",
  description: "`sandbox.storage.url` neither contains nor lies inside any catalog's `storageRoot`.",
  paths: ["sandbox.storage.url", "environments.*.catalog.storageRoot"],
  fix: "give the sandboxes a location that neither contains nor lies inside any catalog's storage root",
  *check(c) {
    const s = sandboxStorage(c);
    if (!s) return;
    for (const [key, env] of c.environments) {
      const root = env?.catalog?.storageRoot;
      if (root !== undefined && (within(s.key, storageKey(root)) || within(storageKey(root), s.key))) {
        yield { path: URL_PATH, problem: `overlaps environments.${key}.catalog.storageRoot (${root}), the ${key} catalog's own managed storage`, value: s.url };
      }
    }
  },
};

export const STACK_RULES: readonly Rule[] = [accountHostKnown, accountStackDistinct, githubWithAccount, retiredNotLive, retiredDistinct, movedStackKnown, movedSameType, sandboxNotInOtherBucket, sandboxNotOverCatalog];
