/**
 * `npm run github-check`: whether the GitHub settings a deploy's approvals rest on exist, read
 * through the API with the workflow's own token at the start of every apply. Environments,
 * reviewers and rulesets are repository settings an admin makes once (docs/ci-setup.md#setting-up-github); declaring them as code would need an admin token, a secret this project does not keep.
 * So each apply proves them instead, and fails closed: a setting missing, different, or not
 * readable is a finding.
 */
import { GitHubApi } from "./api";
import { arrayItems, checkBranchRules, checkRulesetBypass, protectingRulesets, ruleNotes, rulesetPath, rulesetsPath, rulesPath } from "./branch-rules";
import { branchPolicyItems, branchPolicyTotal, checkApproval, checkBranchPolicies, checkEnvironmentExists, deploymentBranchPolicy, environmentPath } from "./environment";
import type { CheckResult } from "./result";

export type Approval = "required" | "none";

export interface GitHubCheckInput {
  readonly owner: string;
  readonly repo: string;
  /** The GitHub environment of the apply job (the environment key in environments.yaml). */
  readonly environment: string;
  /** Whether the model requires an approval before this environment's apply. */
  readonly approval: Approval;
  /** The only branch that may deploy. */
  readonly branch: string;
  /** The pull request checks the branch's rulesets must require (job names). */
  readonly requiredChecks: readonly string[];
}

export interface GitHubCheckReport {
  readonly input: GitHubCheckInput;
  /** Every check made, in order; a failed one is a finding. */
  readonly results: readonly CheckResult[];
  /** What the check cannot see with a workflow token, for the admin to keep right. */
  readonly notes: readonly string[];
}

export const passed = (report: GitHubCheckReport) => report.results.every((r) => r.ok);

export async function checkGitHubSettings(api: GitHubApi, input: GitHubCheckInput): Promise<GitHubCheckReport> {
  const { owner, repo, environment: env, branch } = input;
  const repository = `${owner}/${repo}`;
  const [environmentRead, rulesRead, rulesetsRead] = await Promise.all([
    api.get(environmentPath(owner, repo, env)),
    api.list(rulesPath(owner, repo, branch), arrayItems),
    api.list(rulesetsPath(owner, repo), arrayItems),
  ]);
  const results: CheckResult[] = [];
  const notes: string[] = [];
  const exists = checkEnvironmentExists(environmentRead, env, repository);
  results.push(exists.result);
  if (exists.environment) {
    if (input.approval === "required") {
      const approval = checkApproval(exists.environment, env);
      results.push(...approval.results);
      for (const team of approval.teams) notes.push(`team ${team}: its members are not readable with this token; make sure it has members, and that they are not the people who write the changes`);
    }
    const policy = deploymentBranchPolicy(exists.environment, env, branch);
    if (policy.list) {
      const policies = await api.list(`${environmentPath(owner, repo, env)}/deployment-branch-policies`, branchPolicyItems, branchPolicyTotal);
      results.push(checkBranchPolicies(policies, env, branch));
    } else results.push(policy.result);
  }
  results.push(...checkBranchRules(rulesRead, rulesetsRead, branch, input.requiredChecks));
  const ids = protectingRulesets(rulesRead, rulesetsRead);
  const bypassReads = await Promise.all(ids.map(async (id) => [id, await api.get(rulesetPath(owner, repo, id))] as const));
  results.push(...checkRulesetBypass(new Map(bypassReads), branch));
  notes.push(...ruleNotes(branch));
  return { input, results, notes };
}
