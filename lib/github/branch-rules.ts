/**
 * What protects the deploy branch, read from its rulesets (readable with the token's metadata
 * access; classic branch protection is not readable without admin rights, so it does not count
 * here and the rules must be in a ruleset):
 * - `GET /repos/{owner}/{repo}/rules/branches/{branch}` (https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch):
 *   `[{ type, ruleset_source_type, ruleset_source, ruleset_id, parameters }]`, paginated. GitHub
 *   documents that it returns the active rules only: "Rules in rulesets with "evaluate" or
 *   "disabled" enforcement statuses are not returned". Its earlier text (2023) said "all rules",
 *   and a GitHub Enterprise Server may still answer that way, so each rule is also checked against:
 * - `GET /repos/{owner}/{repo}/rulesets?includes_parents=true` (https://docs.github.com/en/rest/repos/rules#get-all-repository-rulesets):
 *   `[{ id, name, target, source_type, source, enforcement: "disabled" | "active" | "evaluate", ... }]`,
 *   paginated, organization rulesets included. A rule counts only when its ruleset is listed there
 *   as `active`. (Evaluate mode only reports what a rule would block: it enforces nothing.)
 * Several rulesets on one branch all apply; where they define a rule differently the most
 * restrictive applies ("About rule layering",
 * https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets#about-rule-layering),
 * so a requirement holds when any active rule sets it. Rule parameters (`pull_request`:
 * `require_code_owner_review`, `required_approving_review_count`, `dismiss_stale_reviews_on_push`,
 * `require_last_push_approval`; `required_status_checks`: `required_status_checks: [{ context,
 * integration_id }]`, `strict_required_status_checks_policy`) are the schemas of the rules page.
 */
import { describe } from "./api";
import type { Read } from "./api";
import { fail, isObject, pass, unreadable, type CheckResult, type Json } from "./result";

/** What the workflow token needs to read rules and rulesets: metadata, which every token has. */
export const RULES_PERMISSION = "contents: read";

/**
 * The GitHub App ID of GitHub Actions on github.com: a required check pinned to it can only be
 * satisfied by a workflow job, not by a commit status that anyone with write access can post
 * under the same name (`POST /repos/{owner}/{repo}/statuses/{sha}`) from their own token.
 */
export const GITHUB_ACTIONS_APP_ID = 15368;

export const rulesPath = (owner: string, repo: string, branch: string) => `/repos/${owner}/${repo}/rules/branches/${branch.split("/").map(encodeURIComponent).join("/")}`;
export const rulesetsPath = (owner: string, repo: string) => `/repos/${owner}/${repo}/rulesets?includes_parents=true`;
export const arrayItems = (body: unknown) => (Array.isArray(body) ? body : undefined);

interface Rule {
  readonly type: string;
  readonly rulesetId: number;
  readonly parameters: Json;
}

interface Ruleset {
  readonly id: number;
  readonly name: string;
  readonly enforcement: unknown;
  readonly target: unknown;
}

const settingOf = (branch: string, name: string) => `rulesets on "${branch}": ${name}`;

export const RULE_SETTINGS = {
  readable: (branch: string) => `rulesets on "${branch}"`,
  codeOwners: (branch: string) => settingOf(branch, "Require review from Code Owners"),
  approvals: (branch: string) => settingOf(branch, "Required approvals"),
  dismissStale: (branch: string) => settingOf(branch, "Dismiss stale pull request approvals when new commits are pushed"),
  lastPush: (branch: string) => settingOf(branch, "Require approval of the most recent reviewable push"),
  check: (branch: string, name: string) => settingOf(branch, `Require status checks to pass: "${name}" from GitHub Actions`),
  upToDate: (branch: string) => settingOf(branch, "Require branches to be up to date before merging"),
  forcePush: (branch: string) => settingOf(branch, "Block force pushes"),
  deletion: (branch: string) => settingOf(branch, "Restrict deletions"),
  bypass: (branch: string) => settingOf(branch, "Bypass list"),
};

const RULESET = (branch: string) =>
  `Settings → Rules → Rulesets → the branch ruleset that targets "${branch}" (or New ruleset → New branch ruleset: Enforcement status Active, Target branches "${branch}", an empty Bypass list)`;
const PULL_REQUEST = "Require a pull request before merging";
const FIX = {
  readable: (branch: string) => `${RULESET(branch)}, with the rules docs/ci-setup.md#setting-up-github lists`,
  codeOwners: (branch: string) => `${RULESET(branch)} → tick ${PULL_REQUEST} → tick Require review from Code Owners`,
  approvals: (branch: string) => `${RULESET(branch)} → tick ${PULL_REQUEST} → Required approvals: 1 or more`,
  dismissStale: (branch: string) => `${RULESET(branch)} → ${PULL_REQUEST} → tick Dismiss stale pull request approvals when new commits are pushed`,
  lastPush: (branch: string) => `${RULESET(branch)} → ${PULL_REQUEST} → tick Require approval of the most recent reviewable push`,
  check: (branch: string, name: string) => `${RULESET(branch)} → tick Require status checks to pass → Add checks: "${name}", with the source GitHub Actions (not "any source")`,
  upToDate: (branch: string) => `${RULESET(branch)} → Require status checks to pass → tick Require branches to be up to date before merging`,
  forcePush: (branch: string) => `${RULESET(branch)} → tick Block force pushes`,
  deletion: (branch: string) => `${RULESET(branch)} → tick Restrict deletions`,
  bypass: (branch: string) => `${RULESET(branch)} → Bypass list: remove every entry (GitHub Actions, deploy keys, roles, teams, apps)`,
};

function readRules(items: readonly unknown[]): Rule[] | string {
  const rules: Rule[] = [];
  for (const [i, r] of items.entries()) {
    if (!isObject(r) || typeof r.type !== "string" || !Number.isInteger(r.ruleset_id)) return `rule ${i} is ${describe(r)}, not a rule with a type and a ruleset_id`;
    if (r.parameters !== undefined && !isObject(r.parameters)) return `rule ${i} (${r.type}) has parameters ${describe(r.parameters)}`;
    rules.push({ type: r.type, rulesetId: r.ruleset_id as number, parameters: (r.parameters as Json | undefined) ?? {} });
  }
  return rules;
}

function readRulesets(items: readonly unknown[]): Map<number, Ruleset> | string {
  const rulesets = new Map<number, Ruleset>();
  for (const [i, r] of items.entries()) {
    if (!isObject(r) || !Number.isInteger(r.id) || typeof r.name !== "string") return `ruleset ${i} is ${describe(r)}, not a ruleset with an id and a name`;
    // A list holds each ruleset once; the same id twice (one page saying active, another evaluate)
    // is no answer GitHub documents, and whichever came last would decide.
    if (rulesets.has(r.id as number)) return `ruleset id ${r.id} is listed twice`;
    rulesets.set(r.id as number, { id: r.id as number, name: r.name, enforcement: r.enforcement, target: r.target });
  }
  return rulesets;
}

/** A ruleset whose rules protect the branch: listed, active, and a branch ruleset (a tag or push ruleset's rules are not the branch's). */
const protects = (set: Ruleset | undefined): boolean => set?.enforcement === "active" && set.target === "branch";

const rulesetName = (rulesets: ReadonlyMap<number, Ruleset>, id: number) => {
  const r = rulesets.get(id);
  return r ? `ruleset "${r.name}" (id ${id})` : `ruleset id ${id}`;
};

/**
 * The branch's rules, each requirement a result. `rules` and `rulesets` are the two paginated
 * reads; a failed or malformed one is a single finding (nothing about the branch can be verified).
 */
export function checkBranchRules(rulesRead: Read<unknown[]>, rulesetsRead: Read<unknown[]>, branch: string, requiredChecks: readonly string[]): CheckResult[] {
  const readable = RULE_SETTINGS.readable(branch);
  const what = `the rules that protect "${branch}", so none of them`;
  if (!rulesRead.ok) return [unreadable(readable, what, rulesRead, RULES_PERMISSION, FIX.readable(branch))];
  if (!rulesetsRead.ok) return [unreadable(readable, `which rulesets are active, so none of the rules that protect "${branch}"`, rulesetsRead, RULES_PERMISSION, FIX.readable(branch))];
  const rules = readRules(rulesRead.value);
  const rulesets = readRulesets(rulesetsRead.value);
  for (const problem of [rules, rulesets]) {
    if (typeof problem === "string") return [fail(readable, `cannot verify ${what}: GitHub's answer is not what it documents (${problem})`, FIX.readable(branch))];
  }
  const all = rules as Rule[];
  const sets = rulesets as Map<number, Ruleset>;
  const active = all.filter((r) => protects(sets.get(r.rulesetId)));
  // The rulesets whose rules do not count, once each: listed but not active, or not listed at all.
  const inactive = new Map<number, string>();
  const notActive = (set: Ruleset) =>
    set.enforcement === "active"
      ? `${rulesetName(sets, set.id)} targets ${describe(set.target)}, not branches, so its rules do not count`
      : `${rulesetName(sets, set.id)} is ${describe(set.enforcement)}, not active, so its rules do not count${set.enforcement === "evaluate" ? " (evaluate mode only reports; it enforces nothing)" : ""}`;
  for (const r of all) {
    const set = sets.get(r.rulesetId);
    if (!set) inactive.set(r.rulesetId, `${rulesetName(sets, r.rulesetId)} is not among the repository's rulesets, so its rules do not count`);
    else if (!protects(set)) inactive.set(set.id, notActive(set));
  }
  for (const set of sets.values()) if (set.enforcement !== "active" && (set.target === "branch" || set.target === undefined)) inactive.set(set.id, notActive(set));
  const context = inactive.size > 0 ? `; ${[...inactive.values()].join("; ")}` : "";
  const of = (type: string) => active.filter((r) => r.type === type);
  const byWhom = (rs: readonly Rule[]) => [...new Set(rs.map((r) => rulesetName(sets, r.rulesetId)))].join(", ");
  /** No active ruleset has the rule: what it lets happen, then the rulesets that do not count. */
  const none = (words: string, consequence: string) => `no active ruleset on "${branch}" has ${words}: ${consequence}${context}`;
  const results: CheckResult[] = [];

  // The pull request rule, each parameter on its own.
  const pr = of("pull_request");
  const flag = (setting: string, fix: string, param: string, consequence: string) => {
    const on = pr.filter((r) => r.parameters[param] === true);
    if (on.length > 0) results.push(pass(setting, `${param}: true (${byWhom(on)})`));
    else if (pr.length === 0) results.push(fail(setting, none(`"${PULL_REQUEST}"`, consequence), fix));
    else results.push(fail(setting, `${pr.map((r) => `${rulesetName(sets, r.rulesetId)}: ${param} ${describe(r.parameters[param])}`).join("; ")}: ${consequence}${context}`, fix));
  };
  flag(RULE_SETTINGS.codeOwners(branch), FIX.codeOwners(branch), "require_code_owner_review", "a change to the code or the workflows merges without a code owner's approval");
  const counts = pr.map((r) => r.parameters.required_approving_review_count);
  const max = Math.max(0, ...counts.filter((c): c is number => Number.isInteger(c)));
  if (max >= 1) results.push(pass(RULE_SETTINGS.approvals(branch), `required_approving_review_count: ${max} (${byWhom(pr.filter((r) => r.parameters.required_approving_review_count === max))})`));
  else if (pr.length === 0) results.push(fail(RULE_SETTINGS.approvals(branch), none(`"${PULL_REQUEST}"`, "changes reach it without a pull request or an approval"), FIX.approvals(branch)));
  else results.push(fail(RULE_SETTINGS.approvals(branch), `required_approving_review_count: ${counts.map((c) => describe(c)).join(", ")}: a pull request merges without an approval${context}`, FIX.approvals(branch)));
  flag(RULE_SETTINGS.dismissStale(branch), FIX.dismissStale(branch), "dismiss_stale_reviews_on_push", "commits pushed after the approval merge under it, unreviewed");
  flag(RULE_SETTINGS.lastPush(branch), FIX.lastPush(branch), "require_last_push_approval", "whoever pushed the last commit (a code owner, say) may approve it themselves");

  // Required status checks: each name, from GitHub Actions; and up to date with the branch.
  const sc = of("required_status_checks");
  const entries = sc.flatMap((r) => (Array.isArray(r.parameters.required_status_checks) ? r.parameters.required_status_checks : []).filter(isObject).map((c) => ({ rule: r, context: c.context, app: c.integration_id })));
  for (const name of requiredChecks) {
    const setting = RULE_SETTINGS.check(branch, name);
    const named = entries.filter((e) => e.context === name);
    const pinned = named.filter((e) => e.app === GITHUB_ACTIONS_APP_ID);
    if (pinned.length > 0) results.push(pass(setting, `required, from GitHub Actions (integration_id ${GITHUB_ACTIONS_APP_ID}; ${byWhom(pinned.map((e) => e.rule))})`));
    else if (named.length > 0) {
      const sources = named.map((e) => (e.app === undefined || e.app === null ? "any source" : `integration_id ${describe(e.app)}, not GitHub Actions (${GITHUB_ACTIONS_APP_ID})`));
      results.push(fail(setting, `required from ${[...new Set(sources)].join(", ")} (${byWhom(named.map((e) => e.rule))}): a commit status named "${name}" posted by anyone who can write to the repository satisfies it`, FIX.check(branch, name)));
    } else {
      const have = [...new Set(entries.map((e) => describe(e.context)))];
      results.push(fail(setting, sc.length === 0 ? none('"Require status checks to pass"', `"${name}" need not pass`) : `not required (the active checks are ${have.join(", ") || "none"})${context}`, FIX.check(branch, name)));
    }
  }
  const strict = sc.filter((r) => r.parameters.strict_required_status_checks_policy === true);
  if (strict.length > 0) results.push(pass(RULE_SETTINGS.upToDate(branch), `strict_required_status_checks_policy: true (${byWhom(strict)})`));
  else if (sc.length === 0) results.push(fail(RULE_SETTINGS.upToDate(branch), none('"Require status checks to pass"', `a pull request need not be up to date with "${branch}"`), FIX.upToDate(branch)));
  else results.push(fail(RULE_SETTINGS.upToDate(branch), `strict_required_status_checks_policy: ${sc.map((r) => describe(r.parameters.strict_required_status_checks_policy)).join(", ")}: a verdict computed against an older "${branch}" is accepted${context}`, FIX.upToDate(branch)));

  // Rules without parameters: present (from an active ruleset) or not.
  for (const [type, setting, fix, words] of [
    ["non_fast_forward", RULE_SETTINGS.forcePush(branch), FIX.forcePush(branch), "force pushes are allowed: reviewed history can be rewritten"],
    ["deletion", RULE_SETTINGS.deletion(branch), FIX.deletion(branch), "the branch, and with it every rule that names it, can be deleted"],
  ] as const) {
    const found = of(type);
    results.push(found.length > 0 ? pass(setting, `${type} (${byWhom(found)})`) : fail(setting, none(`a ${type} rule`, words), fix));
  }
  return results;
}

/** The rulesets whose rules count for the branch (listed, active, branch rulesets), by id: each is read on its own for who may bypass it. */
export function protectingRulesets(rulesRead: Read<unknown[]>, rulesetsRead: Read<unknown[]>): number[] {
  if (!rulesRead.ok || !rulesetsRead.ok) return [];
  const rules = readRules(rulesRead.value);
  const sets = readRulesets(rulesetsRead.value);
  if (typeof rules === "string" || typeof sets === "string") return [];
  return [...new Set(rules.filter((r) => protects(sets.get(r.rulesetId))).map((r) => r.rulesetId))].sort((a, b) => a - b);
}

export const rulesetPath = (owner: string, repo: string, id: number) => `/repos/${owner}/${repo}/rulesets/${id}`;

/**
 * Who may bypass each ruleset that protects the branch, from `GET /repos/{owner}/{repo}/rulesets/{ruleset_id}`
 * (https://docs.github.com/en/rest/repos/rules#get-a-repository-ruleset): `current_user_can_bypass`,
 * "the bypass type of the user making the API request" (always, pull_requests_only, never, exempt),
 * here the workflow token, GitHub Actions: anything but `never` lets a workflow with `contents:
 * write`, on any branch, push to the branch past the reviews. `bypass_actors` comes back only to a
 * token that may edit the ruleset; when it does, it must be empty. Who else may bypass is not
 * readable here: the note says so on every run.
 */
export function checkRulesetBypass(reads: ReadonlyMap<number, Read<unknown>>, branch: string): CheckResult[] {
  const setting = RULE_SETTINGS.bypass(branch);
  if (reads.size === 0) return [];
  const found: string[] = [];
  const problems: string[] = [];
  for (const [id, read] of reads) {
    if (!read.ok) return [unreadable(setting, `who may bypass ruleset id ${id}`, read, RULES_PERMISSION, FIX.bypass(branch))];
    const body = read.value;
    if (!isObject(body) || body.id !== id || typeof body.name !== "string") return [fail(setting, `cannot verify it: GitHub's answer for ruleset id ${id} is not that ruleset (${describe(body)})`, FIX.bypass(branch))];
    const name = `ruleset "${body.name}" (id ${id})`;
    const can = body.current_user_can_bypass;
    if (can !== undefined && can !== "never") problems.push(`the workflow token may bypass ${name} (current_user_can_bypass: ${describe(can)}): a workflow with contents: write, on any branch, can push to "${branch}" past its rules`);
    else if (can === "never") found.push(`the workflow token cannot bypass ${name}`);
    if (body.bypass_actors !== undefined) {
      if (!Array.isArray(body.bypass_actors)) problems.push(`${name} has bypass_actors ${describe(body.bypass_actors)}, not a list`);
      else if (body.bypass_actors.length > 0) problems.push(`${name} lets ${body.bypass_actors.map((a) => (isObject(a) ? `${describe(a.actor_type)} ${describe(a.actor_id)} (${describe(a.bypass_mode)})` : describe(a))).join(", ")} bypass it`);
      else found.push(`${name} has an empty Bypass list`);
    }
  }
  if (problems.length > 0) return [fail(setting, problems.join("; "), FIX.bypass(branch))];
  return [pass(setting, found.length > 0 ? found.join("; ") : "GitHub did not say who may bypass; see the note")];
}

/** What this check cannot see, whatever the settings: said on every run. */
export function ruleNotes(branch: string): string[] {
  return [
    `who may bypass the rulesets on "${branch}" is not readable with this token (GitHub returns bypass_actors only to those who may edit a ruleset); keep each one's Bypass list empty (Settings → Rules → Rulesets → the ruleset → Bypass list)`,
    `classic branch protection (Settings → Branches) needs admin rights to read, so it is not counted: the rules above must come from a ruleset`,
  ];
}
