/**
 * The deploy's GitHub environment, as the API gives it to a token with `actions: read`:
 * - `GET /repos/{owner}/{repo}/environments/{environment_name}`
 *   (https://docs.github.com/en/rest/deployments/environments#get-an-environment): `protection_rules`
 *   (`type: required_reviewers` with `reviewers` and `prevent_self_review`; `wait_timer`;
 *   `branch_policy`), `deployment_branch_policy` (`null`: any branch; else `protected_branches` and
 *   `custom_branch_policies`, exactly one of them true) and `can_admins_bypass` (GitHub's default: true);
 * - `GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies`
 *   (https://docs.github.com/en/rest/deployments/branch-policies#list-deployment-branch-policies):
 *   `{ total_count, branch_policies: [{ id, node_id, name, type: "branch" | "tag" }] }`, paginated.
 * What the settings mean: "Deployments and environments"
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/deployments-and-environments).
 */
import type { Read } from "./api";
import { describe } from "./api";
import { fail, isObject, pass, unreadable, type CheckResult, type Json } from "./result";

/** What the workflow token needs to read an environment and its branch policies. */
export const ENVIRONMENT_PERMISSION = "actions: read";

export const environmentPath = (owner: string, repo: string, environment: string) => `/repos/${owner}/${repo}/environments/${encodeURIComponent(environment)}`;

const settingOf = (env: string, name?: string) => `environment "${env}"${name ? `: ${name}` : ""}`;
const where = (env: string) => `Settings → Environments → ${env}`;
const PROTECTION = "Deployment protection rules";

export const ENVIRONMENT_SETTINGS = {
  exists: (env: string) => settingOf(env),
  reviewers: (env: string) => settingOf(env, "Required reviewers"),
  selfReview: (env: string) => settingOf(env, "Prevent self-review"),
  adminBypass: (env: string) => settingOf(env, "Allow administrators to bypass configured protection rules"),
  branches: (env: string) => settingOf(env, "Deployment branches and tags"),
};

const FIX = {
  exists: (env: string) => `Settings → Environments → New environment, named "${env}" (the environment key in environments.yaml, which is also the OIDC subject), then set its protection rules (docs/ci-setup.md#setting-up-github)`,
  reviewers: (env: string) => `${where(env)} → ${PROTECTION}: tick Required reviewers and add the people or teams who approve ${env} deploys (not the people who write the changes) → Save protection rules`,
  selfReview: (env: string) => `${where(env)} → ${PROTECTION}: tick Prevent self-review → Save protection rules`,
  adminBypass: (env: string) => `${where(env)} → ${PROTECTION}: untick Allow administrators to bypass configured protection rules → Save protection rules`,
  branches: (env: string, branch: string) =>
    `${where(env)} → Deployment branches and tags: choose Selected branches and tags, add a deployment branch rule with Ref type Branch and Name pattern "${branch}", and remove every other rule`,
};

/**
 * Whether the environment answer is one: an object whose `name` is the environment asked for
 * (GitHub's environment names ignore case). Its failure (unreadable, or not an environment) is the
 * one finding; the checks that need the environment are then not run.
 */
export function checkEnvironmentExists(read: Read<unknown>, env: string, repository: string): { result: CheckResult; environment?: Json } {
  const setting = ENVIRONMENT_SETTINGS.exists(env);
  if (!read.ok) {
    const what = read.status === 404 ? `that environment "${env}" exists in ${repository} (no such environment, or the token cannot see the repository)` : `environment "${env}" of ${repository}`;
    return { result: unreadable(setting, `${what}, so none of its protection rules`, read, ENVIRONMENT_PERMISSION, FIX.exists(env)) };
  }
  const body = read.value;
  if (!isObject(body) || typeof body.name !== "string") {
    return { result: fail(setting, `cannot verify it: the answer is not an environment as GitHub documents it (${describe(body)}), so none of its protection rules`, FIX.exists(env)) };
  }
  if (body.name.toLowerCase() !== env.toLowerCase()) {
    return { result: fail(setting, `cannot verify it: GitHub answered with environment "${body.name}"`, FIX.exists(env)) };
  }
  return { result: pass(setting, `exists${typeof body.id === "number" ? ` (id ${body.id})` : ""}`), environment: body };
}

/** The `required_reviewers` rules of `protection_rules`, or why they cannot be read. */
function reviewerRules(environment: Json): Json[] | string {
  const rules = environment.protection_rules;
  // An environment without protection rules may leave the field out.
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules)) return `protection_rules is ${describe(rules)}, not a list`;
  const bad = rules.findIndex((r) => !isObject(r) || typeof r.type !== "string");
  if (bad >= 0) return `protection_rules[${bad}] is ${describe(rules[bad])}, not a rule with a type`;
  return (rules as Json[]).filter((r) => r.type === "required_reviewers");
}

/** A reviewer entry (`{ type: "User" | "Team", reviewer: { login | slug, ... } }`) as words, or undefined when it is not one. */
function reviewerName(entry: unknown): string | undefined {
  if (!isObject(entry) || !isObject(entry.reviewer)) return undefined;
  const r = entry.reviewer;
  if (entry.type === "User" && typeof r.login === "string") return `user ${r.login}`;
  if (entry.type === "Team" && (typeof r.slug === "string" || typeof r.name === "string")) return `team ${String(r.slug ?? r.name)}`;
  return undefined;
}

/**
 * With an approval required: a Required reviewers rule naming at least one user or team, Prevent
 * self-review on (the person who started the deploy cannot approve it), and no administrator
 * bypass (GitHub's default lets a repository admin deploy past the reviewers).
 */
export function checkApproval(environment: Json, env: string): { results: CheckResult[]; teams: string[] } {
  const rules = reviewerRules(environment);
  const settings = [ENVIRONMENT_SETTINGS.reviewers(env), ENVIRONMENT_SETTINGS.selfReview(env)];
  const results: CheckResult[] = [];
  const teams: string[] = [];
  if (typeof rules === "string") {
    const found = `cannot verify it: the environment is not what GitHub documents (${rules})`;
    results.push(fail(settings[0], found, FIX.reviewers(env)), fail(settings[1], found, FIX.selfReview(env)));
  } else {
    const names = rules.flatMap((r) => (Array.isArray(r.reviewers) ? r.reviewers.map(reviewerName) : [undefined]));
    const valid = names.filter((n): n is string => n !== undefined);
    teams.push(...valid.filter((n) => n.startsWith("team ")).map((n) => n.slice(5)));
    if (rules.length === 0) results.push(fail(settings[0], "none: anyone's deploy runs without an approval", FIX.reviewers(env)));
    else if (valid.length === 0) results.push(fail(settings[0], `a Required reviewers rule with no user or team (reviewers: ${rules.map((r) => describe(r.reviewers)).join(", ")}): nobody's approval is asked`, FIX.reviewers(env)));
    else if (valid.length < names.length) results.push(fail(settings[0], `${valid.join(", ")} and ${names.length - valid.length} entr${names.length - valid.length === 1 ? "y" : "ies"} that are not a user or team as GitHub documents them`, FIX.reviewers(env)));
    else results.push(pass(settings[0], valid.join(", ")));
    const selfReview = rules.map((r) => r.prevent_self_review);
    if (rules.length === 0) results.push(fail(settings[1], "no Required reviewers rule to prevent self-review on", FIX.selfReview(env)));
    else if (selfReview.every((v) => v === true)) results.push(pass(settings[1], "prevent_self_review: true"));
    else results.push(fail(settings[1], `prevent_self_review: ${selfReview.map((v) => describe(v)).join(", ")}: whoever starts the deploy may approve it`, FIX.selfReview(env)));
  }
  const bypass = environment.can_admins_bypass;
  const adminSetting = ENVIRONMENT_SETTINGS.adminBypass(env);
  if (bypass === false) results.push(pass(adminSetting, "can_admins_bypass: false"));
  else if (bypass === true) results.push(fail(adminSetting, "can_admins_bypass: true: a repository admin can deploy without anyone's approval", FIX.adminBypass(env)));
  else if (bypass === undefined) results.push(fail(adminSetting, "can_admins_bypass is not in GitHub's answer, and GitHub's default is true", FIX.adminBypass(env)));
  else results.push(fail(adminSetting, `can_admins_bypass is ${describe(bypass)}, not false`, FIX.adminBypass(env)));
  return { results, teams };
}

/**
 * Which branches may deploy, from `deployment_branch_policy`. Only "Selected branches and tags"
 * can be verified: "Protected branches only" lets every branch with a classic branch protection
 * rule deploy, and every branch when the repository has none (docs: Deployment branches and
 * tags), and classic protection is not readable without admin rights. `list` means: read the
 * custom policies next.
 */
export function deploymentBranchPolicy(environment: Json, env: string, branch: string): { list: true } | { list: false; result: CheckResult } {
  const setting = ENVIRONMENT_SETTINGS.branches(env);
  const fix = FIX.branches(env, branch);
  const policy = environment.deployment_branch_policy;
  if (policy === null || policy === undefined) return { list: false, result: fail(setting, "No restriction: any branch or tag can deploy to it", fix) };
  if (!isObject(policy) || typeof policy.protected_branches !== "boolean" || typeof policy.custom_branch_policies !== "boolean") {
    return { list: false, result: fail(setting, `cannot verify it: deployment_branch_policy is ${describe(policy)}, not what GitHub documents`, fix) };
  }
  if (policy.custom_branch_policies && !policy.protected_branches) return { list: true };
  if (policy.protected_branches && !policy.custom_branch_policies) {
    return {
      list: false,
      result: fail(
        setting,
        `Protected branches only: every branch with a classic branch protection rule may deploy, and every branch when the repository has none; which ones that is cannot be read with this token (classic protection needs admin rights to read), and a ruleset does not make "${branch}" the only one`,
        fix,
      ),
    };
  }
  return { list: false, result: fail(setting, `cannot verify it: deployment_branch_policy is ${JSON.stringify(policy)}; exactly one of the two is true when it is set`, fix) };
}

/** `Read` of the paginated policy list: its items and total, as the list endpoint documents them. */
export const branchPolicyItems = (body: unknown) => (isObject(body) && Array.isArray(body.branch_policies) ? body.branch_policies : undefined);
export const branchPolicyTotal = (body: unknown) => (isObject(body) && Number.isInteger(body.total_count) ? (body.total_count as number) : undefined);

const WILDCARD = /[*?[\]{}\\]/;

/** The custom deployment branch policies: exactly one, of type branch, named exactly the branch. */
export function checkBranchPolicies(read: Read<unknown[]>, env: string, branch: string): CheckResult {
  const setting = ENVIRONMENT_SETTINGS.branches(env);
  const fix = FIX.branches(env, branch);
  if (!read.ok) return unreadable(setting, "which branches and tags may deploy to it", read, ENVIRONMENT_PERMISSION, fix);
  const policies = read.value;
  const bad = policies.findIndex((p) => !isObject(p) || typeof p.name !== "string");
  if (bad >= 0) return fail(setting, `cannot verify it: branch_policies[${bad}] is ${describe(policies[bad])}, not a policy with a name`, fix);
  const named = (policies as Json[]).map((p) => ({ name: p.name as string, type: p.type }));
  const words = named.map((p) => `${p.type === "branch" || p.type === "tag" ? p.type : `type ${describe(p.type)}`} "${p.name}"${WILDCARD.test(p.name) ? " (a pattern)" : ""}`);
  if (named.length === 1 && named[0].name === branch && named[0].type === "branch") return pass(setting, `Selected branches and tags: only branch "${branch}"`);
  if (named.length === 0) return fail(setting, `Selected branches and tags with no rule: no branch may deploy, "${branch}" included`, fix);
  return fail(setting, `Selected branches and tags: ${words.join(", ")}; only branch "${branch}" may deploy`, fix);
}
