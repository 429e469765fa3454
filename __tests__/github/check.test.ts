/**
 * `npm run github-check` against a fake GitHub API: a local HTTP server on 127.0.0.1 answering in
 * the shapes GitHub's REST docs give (each fixture names its page). A fully protected repository
 * passes; each setting missing alone is its finding; every way of not reading a setting (HTTP
 * 401/403/404/500, no server, no answer, a redirect, a body that is not JSON, pages that do not add
 * up) fails closed; and the attempts of someone who wants Dev to reach prod without an approval.
 */
import { spawn } from "child_process";
import * as http from "http";
import type { AddressInfo } from "net";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { GitHubApi, nextLink, parseBaseUrl } from "../../lib/github/api";
import { GITHUB_ACTIONS_APP_ID, RULE_SETTINGS } from "../../lib/github/branch-rules";
import { checkGitHubSettings, passed, type GitHubCheckInput, type GitHubCheckReport } from "../../lib/github/check";
import { ENVIRONMENT_SETTINGS } from "../../lib/github/environment";
import { formatText, renderMarkdown } from "../../lib/github/report";
import { DEFAULT_REQUIRED_CHECKS } from "../../lib/commands/github-check";
import { ROOT } from "../helpers";
import { runInProcess } from "../run-command";

const OWNER = "octo-org";
const REPO = "uc-env-isolation";
const TOKEN = "ghs_test-token-not-a-secret";
const REPOS = `/repos/${OWNER}/${REPO}`;

// --- fixtures, in the shapes of GitHub's REST docs ---------------------------------------------

/**
 * "Get an environment" (https://docs.github.com/en/rest/deployments/environments#get-an-environment):
 * the docs' example, for a protected `prod`: a wait timer, required reviewers (a user and a team)
 * with prevent_self_review, the branch policy marker, custom branch policies, no admin bypass.
 */
function environmentFixture(name: string): any {
  return {
    id: 161088068,
    node_id: "MDExOkVudmlyb25tZW50MTYxMDg4MDY4",
    name,
    url: `https://api.github.com${REPOS}/environments/${name}`,
    html_url: `https://github.com/${OWNER}/${REPO}/deployments/activity_log?environments_filter=${name}`,
    created_at: "2020-11-23T22:00:40Z",
    updated_at: "2020-11-23T22:00:40Z",
    can_admins_bypass: false,
    protection_rules: [
      { id: 3736, node_id: "MDQ6R2F0ZTM3MzY=", type: "wait_timer", wait_timer: 30 },
      {
        id: 3755,
        node_id: "MDQ6R2F0ZTM3NTU=",
        prevent_self_review: true,
        type: "required_reviewers",
        reviewers: [
          {
            type: "User",
            reviewer: { login: "octocat", id: 1, node_id: "MDQ6VXNlcjE=", url: "https://api.github.com/users/octocat", html_url: "https://github.com/octocat", type: "User", site_admin: false },
          },
          {
            type: "Team",
            reviewer: { id: 1, node_id: "MDQ6VGVhbTE=", url: "https://api.github.com/teams/1", html_url: `https://github.com/orgs/${OWNER}/teams/prod-approvers`, name: "Prod approvers", slug: "prod-approvers", description: "", privacy: "closed", notification_setting: "notifications_enabled", permission: "pull", members_url: "https://api.github.com/teams/1/members{/member}", repositories_url: "https://api.github.com/teams/1/repos", parent: null },
          },
        ],
      },
      { id: 3756, node_id: "MDQ6R2F0ZTM3NTY=", type: "branch_policy" },
    ],
    deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  };
}

/** One item of "List deployment branch policies" (https://docs.github.com/en/rest/deployments/branch-policies#list-deployment-branch-policies). */
const branchPolicy = (id: number, name: string, type = "branch") => ({ id, node_id: `MDE2OkdhdGVCcmFuY2hQb2xpY3k${id}`, name, type });

/** One item of "Get all repository rulesets" (https://docs.github.com/en/rest/repos/rules#get-all-repository-rulesets). */
const ruleset = (id: number, name: string, enforcement = "active") => ({
  id,
  name,
  target: "branch",
  source_type: "Repository",
  source: `${OWNER}/${REPO}`,
  enforcement,
  node_id: `RRS_lACkVXNlcgQ${id}`,
  _links: { self: { href: `https://api.github.com${REPOS}/rulesets/${id}` }, html: { href: `https://github.com/${OWNER}/${REPO}/rules/${id}` } },
  created_at: "2023-07-15T08:43:03Z",
  updated_at: "2023-08-23T16:29:47Z",
});

/** One item of "Get rules for a branch" (https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch). */
const rule = (type: string, rulesetId: number, parameters?: object) => ({
  type,
  ruleset_source_type: "Repository",
  ruleset_source: `${OWNER}/${REPO}`,
  ruleset_id: rulesetId,
  ...(parameters ? { parameters } : {}),
});

/** The `pull_request` rule's parameters, as the rules page's schema lists them, all on. */
const pullRequest = () => ({
  allowed_merge_methods: ["merge", "squash", "rebase"],
  dismiss_stale_reviews_on_push: true,
  require_code_owner_review: true,
  require_last_push_approval: true,
  required_approving_review_count: 1,
  required_review_thread_resolution: false,
});

const statusChecks = (names: readonly string[], integrationId: number | undefined = GITHUB_ACTIONS_APP_ID) => ({
  strict_required_status_checks_policy: true,
  do_not_enforce_on_create: false,
  required_status_checks: names.map((context) => (integrationId === undefined ? { context } : { context, integration_id: integrationId })),
});

interface Repo {
  environments: Record<string, any>;
  /** Per environment: its custom deployment branch policies. */
  policies: Record<string, any[]>;
  /** Items per page the fake serves (GitHub serves at most per_page). */
  pageSize: number;
  /** Rules per branch, as GitHub returns them (active rulesets only, per its docs). */
  rules: Record<string, any[]>;
  rulesets: any[];
  /**
   * What "Get a repository ruleset" adds to a listed ruleset, by id: GitHub's example gives
   * `current_user_can_bypass` (the token's own bypass: never) and `bypass_actors` only to a token
   * that may edit the ruleset (a workflow token may not: left out).
   */
  rulesetDetails: Record<number, object>;
  /** A response to give instead of the normal one, by path (no query). */
  override: Record<string, (url: URL) => Answer>;
}

/** A repository protected as docs/ci-setup.md#setting-up-github asks: every check passes. */
function protectedRepo(): Repo {
  return {
    environments: { dev: environmentFixture("dev"), staging: environmentFixture("staging"), prod: environmentFixture("prod") },
    policies: { dev: [branchPolicy(361471, "main")], staging: [branchPolicy(361472, "main")], prod: [branchPolicy(361473, "main")] },
    pageSize: 30,
    rules: {
      main: [rule("deletion", 42), rule("non_fast_forward", 42), rule("pull_request", 42, pullRequest()), rule("required_status_checks", 42, statusChecks(DEFAULT_REQUIRED_CHECKS))],
    },
    rulesets: [ruleset(42, "main protection")],
    rulesetDetails: {},
    override: {},
  };
}

// --- the fake API ------------------------------------------------------------------------------

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

interface Request {
  readonly url: string;
  readonly authorization?: string;
  readonly version?: string;
}

const notFound: Answer = { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };

class FakeGitHub {
  repo: Repo = protectedRepo();
  requests: Request[] = [];
  private server?: http.Server;
  base = "";

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", this.base);
      this.requests.push({ url: `${url.pathname}${url.search}`, authorization: req.headers.authorization, version: req.headers["x-github-api-version"] as string | undefined });
      const answer = req.headers.authorization !== `Bearer ${TOKEN}` ? { status: 401, body: { message: "Bad credentials" } } : req.method !== "GET" ? { status: 405, body: { message: "GET only" } } : this.answer(url);
      if (answer.status === -1) return; // never answer (a hung API)
      res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8", ...answer.headers });
      res.end(answer.raw ?? (answer.body === undefined ? "" : JSON.stringify(answer.body)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private page(url: URL, items: readonly unknown[], wrap: (page: unknown[]) => unknown): Answer {
    const page = Number(url.searchParams.get("page") ?? "1");
    const size = Math.min(this.repo.pageSize, Number(url.searchParams.get("per_page") ?? "30"));
    const last = Math.max(1, Math.ceil(items.length / size));
    const link = (n: number) => {
      const u = new URL(url);
      u.searchParams.set("page", String(n));
      return u.toString();
    };
    // GitHub's Link header (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api).
    const rels = [...(page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : []), ...(page > 1 ? [`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`] : [])];
    return { status: 200, body: wrap(items.slice((page - 1) * size, page * size)), headers: rels.length > 0 ? { link: rels.join(", ") } : {} };
  }

  private answer(url: URL): Answer {
    const override = this.repo.override[url.pathname];
    if (override) return override(url);
    const p = url.pathname;
    let m = new RegExp(`^${REPOS}/environments/([^/]+)$`).exec(p);
    if (m) {
      const env = this.repo.environments[decodeURIComponent(m[1])];
      return env ? { status: 200, body: env } : notFound;
    }
    m = new RegExp(`^${REPOS}/environments/([^/]+)/deployment-branch-policies$`).exec(p);
    if (m) {
      const policies = this.repo.policies[decodeURIComponent(m[1])];
      return policies ? this.page(url, policies, (items) => ({ total_count: policies.length, branch_policies: items })) : notFound;
    }
    m = new RegExp(`^${REPOS}/rules/branches/(.+)$`).exec(p);
    if (m) return this.page(url, this.repo.rules[decodeURIComponent(m[1])] ?? [], (items) => items);
    if (p === `${REPOS}/rulesets`) return this.page(url, this.repo.rulesets, (items) => items);
    // "Get a repository ruleset" (https://docs.github.com/en/rest/repos/rules#get-a-repository-ruleset).
    m = new RegExp(`^${REPOS}/rulesets/(\\d+)$`).exec(p);
    if (m) {
      const set = this.repo.rulesets.find((r) => r.id === Number(m![1]));
      return set ? { status: 200, body: { ...set, conditions: { ref_name: { include: ["~DEFAULT_BRANCH"], exclude: [] } }, current_user_can_bypass: "never", ...this.repo.rulesetDetails[set.id] } } : notFound;
    }
    return notFound;
  }
}

const github = new FakeGitHub();
beforeAll(() => github.start());
afterAll(() => github.stop());
beforeEach(() => {
  github.repo = protectedRepo();
  github.requests = [];
});

const input = (over: Partial<GitHubCheckInput> = {}): GitHubCheckInput => ({
  owner: OWNER,
  repo: REPO,
  environment: "prod",
  approval: "required",
  branch: "main",
  requiredChecks: DEFAULT_REQUIRED_CHECKS,
  ...over,
});

const check = (over: Partial<GitHubCheckInput> = {}, api = new GitHubApi({ baseUrl: github.base, token: TOKEN })): Promise<GitHubCheckReport> => checkGitHubSettings(api, input(over));

/** The failed checks: setting → what was found. */
const findings = (report: GitHubCheckReport) => Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.setting, r.found]));

const S = {
  exists: ENVIRONMENT_SETTINGS.exists("prod"),
  reviewers: ENVIRONMENT_SETTINGS.reviewers("prod"),
  selfReview: ENVIRONMENT_SETTINGS.selfReview("prod"),
  adminBypass: ENVIRONMENT_SETTINGS.adminBypass("prod"),
  branches: ENVIRONMENT_SETTINGS.branches("prod"),
  rules: RULE_SETTINGS.readable("main"),
  codeOwners: RULE_SETTINGS.codeOwners("main"),
  approvals: RULE_SETTINGS.approvals("main"),
  dismissStale: RULE_SETTINGS.dismissStale("main"),
  lastPush: RULE_SETTINGS.lastPush("main"),
  verdict: RULE_SETTINGS.check("main", "access verdict"),
  upToDate: RULE_SETTINGS.upToDate("main"),
  forcePush: RULE_SETTINGS.forcePush("main"),
  deletion: RULE_SETTINGS.deletion("main"),
  bypass: RULE_SETTINGS.bypass("main"),
};
const ALL_RULE_SETTINGS = [S.codeOwners, S.approvals, S.dismissStale, S.lastPush, ...DEFAULT_REQUIRED_CHECKS.map((c) => RULE_SETTINGS.check("main", c)), S.upToDate, S.forcePush, S.deletion];
/** With an active ruleset on the branch, who may bypass it is read too (from each ruleset's own page). */
const RULE_SETTINGS_READ = [...ALL_RULE_SETTINGS, S.bypass];

const prod = () => github.repo.environments.prod;
const reviewersRule = () => prod().protection_rules.find((r: any) => r.type === "required_reviewers");
const prRule = () => github.repo.rules.main.find((r) => r.type === "pull_request").parameters;
const checksRule = () => github.repo.rules.main.find((r) => r.type === "required_status_checks").parameters;
const dropRule = (type: string) => (github.repo.rules.main = github.repo.rules.main.filter((r) => r.type !== type));

describe("a fully protected repository", () => {
  it("passes every check, with approval required (prod) and without (dev)", async () => {
    const report = await check();
    expect(findings(report)).toEqual({});
    expect(report.results.map((r) => r.setting)).toEqual([S.exists, S.reviewers, S.selfReview, S.adminBypass, S.branches, ...RULE_SETTINGS_READ]);
    expect(passed(report)).toBe(true);
    const dev = await check({ environment: "dev", approval: "none" });
    expect(findings(dev)).toEqual({});
    expect(dev.results.map((r) => r.setting)).toEqual([ENVIRONMENT_SETTINGS.exists("dev"), ENVIRONMENT_SETTINGS.branches("dev"), ...RULE_SETTINGS_READ]);
  });

  it("says what it found for each setting", async () => {
    const found = Object.fromEntries((await check()).results.map((r) => [r.setting, r.found]));
    expect(found[S.reviewers]).toBe("user octocat, team prod-approvers");
    expect(found[S.branches]).toBe('Selected branches and tags: only branch "main"');
    expect(found[S.verdict]).toBe(`required, from GitHub Actions (integration_id ${GITHUB_ACTIONS_APP_ID}; ruleset "main protection" (id 42))`);
    expect(found[S.approvals]).toBe('required_approving_review_count: 1 (ruleset "main protection" (id 42))');
  });

  it("reads with the workflow's token and the documented API version, lists with per_page=100, GET only", async () => {
    await check();
    expect(github.requests.map((r) => r.url).sort()).toEqual(
      [
        `${REPOS}/environments/prod`,
        `${REPOS}/environments/prod/deployment-branch-policies?per_page=100`,
        `${REPOS}/rules/branches/main?per_page=100`,
        `${REPOS}/rulesets?includes_parents=true&per_page=100`,
        `${REPOS}/rulesets/42`,
      ].sort(),
    );
    for (const r of github.requests) expect({ authorization: r.authorization, version: r.version }).toEqual({ authorization: `Bearer ${TOKEN}`, version: "2022-11-28" });
  });

  it("counts rules layered from several active rulesets (GitHub applies the most restrictive of each)", async () => {
    github.repo.rulesets = [ruleset(42, "main protection"), ruleset(73, "org baseline")];
    Object.assign(prRule(), { require_code_owner_review: false, required_approving_review_count: 0 });
    github.repo.rules.main.push({ ...rule("pull_request", 73, { ...pullRequest(), dismiss_stale_reviews_on_push: false, require_last_push_approval: false, required_approving_review_count: 2 }), ruleset_source_type: "Organization", ruleset_source: OWNER });
    const report = await check();
    expect(findings(report)).toEqual({});
    expect(report.results.find((r) => r.setting === S.approvals)?.found).toBe('required_approving_review_count: 2 (ruleset "org baseline" (id 73))');
  });
});

describe("each setting missing alone is its finding", () => {
  it("fails on no Required reviewers rule (and so no self-review prevented)", async () => {
    prod().protection_rules = prod().protection_rules.filter((r: any) => r.type !== "required_reviewers");
    expect(findings(await check())).toEqual({ [S.reviewers]: "none: anyone's deploy runs without an approval", [S.selfReview]: "no Required reviewers rule to prevent self-review on" });
  });

  it.each<[string, () => void, string, RegExp]>([
    ["a Required reviewers rule naming nobody", () => (reviewersRule().reviewers = []), S.reviewers, /no user or team.*nobody's approval is asked/],
    ["a reviewer entry that is neither a user nor a team", () => reviewersRule().reviewers.push({ type: "Bot", reviewer: { login: "dev-bot" } }), S.reviewers, /and 1 entry that are not a user or team/],
    ["self-review allowed", () => (reviewersRule().prevent_self_review = false), S.selfReview, /^prevent_self_review: false: whoever starts the deploy may approve it$/],
    ["admins may bypass", () => (prod().can_admins_bypass = true), S.adminBypass, /a repository admin can deploy without anyone's approval/],
    ["admin bypass not in the answer (GitHub's default is true)", () => delete prod().can_admins_bypass, S.adminBypass, /not in GitHub's answer, and GitHub's default is true/],
    ["no deployment branch policy (any branch)", () => (prod().deployment_branch_policy = null), S.branches, /^No restriction: any branch or tag can deploy to it$/],
    ["Protected branches only", () => (prod().deployment_branch_policy = { protected_branches: true, custom_branch_policies: false }), S.branches, /every branch when the repository has none/],
    ["a wildcard branch policy", () => (github.repo.policies.prod = [branchPolicy(1, "*")]), S.branches, /branch "\*" \(a pattern\); only branch "main" may deploy/],
    ["a pattern that matches main", () => (github.repo.policies.prod = [branchPolicy(1, "mai[n]")]), S.branches, /branch "mai\[n\]" \(a pattern\)/],
    ["a second branch", () => github.repo.policies.prod.push(branchPolicy(2, "dev")), S.branches, /branch "main", branch "dev"/],
    ["a tag policy named main instead of the branch", () => (github.repo.policies.prod = [branchPolicy(1, "main", "tag")]), S.branches, /^Selected branches and tags: tag "main"/],
    ["selected branches with no rule", () => (github.repo.policies.prod = []), S.branches, /no branch may deploy, "main" included/],
    ["no code-owner review", () => (prRule().require_code_owner_review = false), S.codeOwners, /require_code_owner_review false: a change to the code or the workflows merges without a code owner's approval/],
    ["no approval required", () => (prRule().required_approving_review_count = 0), S.approvals, /required_approving_review_count: 0: a pull request merges without an approval/],
    ["stale approvals kept", () => (prRule().dismiss_stale_reviews_on_push = false), S.dismissStale, /commits pushed after the approval merge under it/],
    ["the last push approvable by its pusher", () => (prRule().require_last_push_approval = false), S.lastPush, /may approve it themselves/],
    ["the verdict check missing", () => (checksRule().required_status_checks = checksRule().required_status_checks.filter((c: any) => c.context !== "access verdict")), S.verdict, /^not required \(the active checks are "tests and synth", "access approval"\)$/],
    ["the verdict check from any source", () => delete checksRule().required_status_checks.find((c: any) => c.context === "access verdict").integration_id, S.verdict, /required from any source .*: a commit status named "access verdict" posted by anyone who can write to the repository satisfies it/],
    ["the verdict check from another app", () => (checksRule().required_status_checks.find((c: any) => c.context === "access verdict").integration_id = 1), S.verdict, /integration_id 1, not GitHub Actions \(15368\)/],
    ["branches need not be up to date", () => (checksRule().strict_required_status_checks_policy = false), S.upToDate, /a verdict computed against an older "main" is accepted/],
    ["force pushes allowed", () => dropRule("non_fast_forward"), S.forcePush, /no active ruleset on "main" has a non_fast_forward rule: force pushes are allowed/],
    ["deletion allowed", () => dropRule("deletion"), S.deletion, /no active ruleset on "main" has a deletion rule/],
  ])("fails on %s, with that one finding", async (_name, edit, setting, found) => {
    edit();
    const f = findings(await check());
    expect(Object.keys(f)).toEqual([setting]);
    expect(f[setting]).toMatch(found);
  });

  it("fails on no ruleset at all: every rule is a finding", async () => {
    github.repo.rules.main = [];
    github.repo.rulesets = [];
    const f = findings(await check());
    expect(Object.keys(f)).toEqual(ALL_RULE_SETTINGS);
    expect(f[S.codeOwners]).toBe('no active ruleset on "main" has "Require a pull request before merging": a change to the code or the workflows merges without a code owner\'s approval');
  });

  it("fails on a ruleset in evaluate mode: GitHub does not return its rules, and the finding names it", async () => {
    // "Rules in rulesets with "evaluate" or "disabled" enforcement statuses are not returned" (Get rules for a branch).
    github.repo.rules.main = [];
    github.repo.rulesets = [ruleset(42, "main protection", "evaluate")];
    const f = findings(await check());
    expect(Object.keys(f)).toEqual(ALL_RULE_SETTINGS);
    for (const setting of ALL_RULE_SETTINGS) expect(f[setting]).toContain('ruleset "main protection" (id 42) is "evaluate", not active, so its rules do not count (evaluate mode only reports; it enforces nothing)');
  });

  it("fails on the rules of an evaluate or disabled ruleset even when GitHub returns them (its earlier behaviour, or a GitHub Enterprise Server)", async () => {
    for (const enforcement of ["evaluate", "disabled"]) {
      github.repo.rulesets = [ruleset(42, "main protection", enforcement)];
      const f = findings(await check());
      expect(Object.keys(f)).toEqual(ALL_RULE_SETTINGS);
      expect(f[S.forcePush]).toContain(`ruleset "main protection" (id 42) is "${enforcement}", not active, so its rules do not count`);
    }
  });

  it("reports every missing environment setting at once (each on its own line)", async () => {
    prod().protection_rules = [];
    prod().can_admins_bypass = true;
    prod().deployment_branch_policy = null;
    const report = await check();
    expect(Object.keys(findings(report))).toEqual([S.reviewers, S.selfReview, S.adminBypass, S.branches]);
    const lines = formatText(report).trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("FAIL "))).toHaveLength(4);
    expect(lines[0]).toBe(
      `FAIL ${S.reviewers}: none: anyone's deploy runs without an approval. Fix: Settings → Environments → prod → Deployment protection rules: tick Required reviewers and add the people or teams who approve prod deploys (not the people who write the changes) → Save protection rules`,
    );
    expect(lines[lines.length - 1]).toBe('github-check: octo-org/uc-env-isolation environment "prod" (approval required), branch "main": 4 of 16 checks failed; the deploy must not proceed until a repository admin fixes them');
  });
});

describe("pagination", () => {
  it("reads every page of the deployment branch policies (a second branch on page 3 is found)", async () => {
    github.repo.pageSize = 1;
    github.repo.policies.prod = [branchPolicy(1, "main"), branchPolicy(2, "main"), branchPolicy(3, "release/*")];
    const f = findings(await check());
    expect(f[S.branches]).toBe('Selected branches and tags: branch "main", branch "main", branch "release/*" (a pattern); only branch "main" may deploy');
    expect(github.requests.filter((r) => r.url.includes("deployment-branch-policies")).map((r) => r.url)).toEqual([
      `${REPOS}/environments/prod/deployment-branch-policies?per_page=100`,
      `${REPOS}/environments/prod/deployment-branch-policies?per_page=100&page=2`,
      `${REPOS}/environments/prod/deployment-branch-policies?per_page=100&page=3`,
    ]);
  });

  it("reads every page of the rules and the rulesets", async () => {
    github.repo.pageSize = 1;
    github.repo.rulesets = [ruleset(7, "tags", "disabled"), ruleset(8, "other", "evaluate"), ruleset(42, "main protection")];
    expect(findings(await check())).toEqual({});
    expect(github.requests.filter((r) => r.url.startsWith(`${REPOS}/rules/branches/main`))).toHaveLength(4);
  });

  it("fails closed when the pages hold fewer policies than total_count says", async () => {
    github.repo.override[`${REPOS}/environments/prod/deployment-branch-policies`] = () => ({ status: 200, body: { total_count: 2, branch_policies: [branchPolicy(1, "main")] } });
    expect(findings(await check())[S.branches]).toMatch(/^cannot verify which branches and tags may deploy to it: .* says total_count 2, but its pages hold 1/);
  });

  it("fails closed when a page is not the documented list", async () => {
    github.repo.override[`${REPOS}/environments/prod/deployment-branch-policies`] = () => ({ status: 200, body: { total_count: 1, policies: [branchPolicy(1, "main")] } });
    expect(findings(await check())[S.branches]).toMatch(/page 1 of .* is not the list GitHub documents \(an object with total_count, policies\)/);
  });

  it("never follows a next page to another host (the token would go there), and fails closed", async () => {
    const thief = http.createServer((req, res) => {
      stolen.push(String(req.headers.authorization));
      res.end("[]");
    });
    const stolen: string[] = [];
    await new Promise<void>((resolve) => thief.listen(0, "127.0.0.1", resolve));
    const elsewhere = `http://127.0.0.1:${(thief.address() as AddressInfo).port}`;
    try {
      github.repo.override[`${REPOS}/rules/branches/main`] = () => ({ status: 200, body: github.repo.rules.main, headers: { link: `<${elsewhere}${REPOS}/rules/branches/main?page=2>; rel="next"` } });
      const f = findings(await check());
      expect(Object.keys(f)).toEqual([S.rules]);
      expect(f[S.rules]).toContain(`links its next page to ${elsewhere}${REPOS}/rules/branches/main, outside ${github.base}; not followed (the token would go there)`);
      expect(stolen).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => thief.close(() => resolve()));
    }
  });

  it("reads the next link from a Link header as GitHub writes it", () => {
    expect(nextLink('<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"')).toBe("https://api.github.com/x?page=2");
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=1>; rel="first"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

describe("fails closed on what it cannot read", () => {
  it.each([
    [401, { message: "Bad credentials" }, /HTTP 401 .*"Bad credentials".*the token is missing, expired or wrong/],
    [403, { message: "Resource not accessible by integration" }, /HTTP 403 .*"Resource not accessible by integration".*the job needs `permissions: actions: read`/],
    [404, { message: "Not Found" }, /^cannot verify that environment "prod" exists in octo-org\/uc-env-isolation \(no such environment, or the token cannot see the repository\), so none of its protection rules: HTTP 404/],
    [500, { message: "Server Error" }, /HTTP 500 .*GitHub failed to answer; run the job again; a deploy must not proceed on settings it cannot verify/],
  ])("fails on HTTP %i for the environment: one finding, nothing about the environment passes", async (status, body, found) => {
    github.repo.override[`${REPOS}/environments/prod`] = () => ({ status, body });
    const report = await check();
    const f = findings(report);
    expect(Object.keys(f)).toEqual([S.exists]);
    expect(f[S.exists]).toMatch(found);
    expect(report.results.map((r) => r.setting)).toEqual([S.exists, ...RULE_SETTINGS_READ]);
  });

  it("says the fix that fits the failure: the workflow's permissions (401, 403), the setting (404), running again (5xx, no answer)", async () => {
    const fixes: Record<number, string | undefined> = {};
    for (const status of [401, 403, 404, 502]) {
      github.repo.override[`${REPOS}/environments/prod`] = () => ({ status, body: { message: "no" } });
      fixes[status] = (await check()).results.find((r) => r.setting === S.exists)?.fix;
    }
    expect(fixes[401]).toBe("give the apply job `permissions: actions: read` and GITHUB_TOKEN: ${{ github.token }} in the step's env (a workflow change), then run it again; if the rate limit was spent, run it again later");
    expect(fixes[403]).toBe(fixes[401]);
    expect(fixes[404]).toMatch(/^Settings → Environments → New environment, named "prod"/);
    expect(fixes[502]).toMatch(/^run the job again once GitHub answers/);
  });

  it.each([401, 403, 404, 500])("fails on HTTP %i for the branch's rules or the rulesets", async (status) => {
    for (const p of [`${REPOS}/rules/branches/main`, `${REPOS}/rulesets`]) {
      github.repo.override = { [p]: () => ({ status, body: { message: "no" } }) };
      const f = findings(await check());
      expect(Object.keys(f)).toEqual([S.rules]);
      expect(f[S.rules]).toMatch(new RegExp(`^cannot verify .*HTTP ${status}`));
    }
  });

  it.each([403, 404, 500])("fails on HTTP %i for the deployment branch policies", async (status) => {
    github.repo.override[`${REPOS}/environments/prod/deployment-branch-policies`] = () => ({ status, body: { message: "no" } });
    expect(Object.keys(findings(await check()))).toEqual([S.branches]);
  });

  it("fails on a refused connection: every read is a finding", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const report = await check({}, new GitHubApi({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN }));
    expect(Object.keys(findings(report))).toEqual([S.exists, S.rules]);
    expect(findings(report)[S.exists]).toMatch(new RegExp(`no answer from http://127.0.0.1:${port} \\(fetch failed: ECONNREFUSED\\).*GitHub could not be reached`));
    expect(passed(report)).toBe(false);
  });

  it("fails on no answer within the timeout", async () => {
    github.repo.override[`${REPOS}/environments/prod`] = () => ({ status: -1 });
    const f = findings(await check({}, new GitHubApi({ baseUrl: github.base, token: TOKEN, timeoutMs: 200 })));
    expect(f[S.exists]).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.2 s/);
  });

  it("fails on a redirect (a moved repository) and does not follow it with the token", async () => {
    github.repo.override[`${REPOS}/environments/prod`] = () => ({ status: 301, body: { message: "Moved Permanently", url: "https://api.github.com/repositories/1/environments/prod" }, headers: { location: "https://api.github.com/repositories/1/environments/prod" } });
    const f = findings(await check());
    expect(f[S.exists]).toMatch(/HTTP 301 Moved Permanently to https:\/\/api\.github\.com\/repositories\/1\/environments\/prod \(not followed\)/);
  });

  it("fails on a 200 whose body is not JSON", async () => {
    github.repo.override[`${REPOS}/environments/prod`] = () => ({ status: 200, raw: "<html>rate limited</html>" });
    expect(findings(await check())[S.exists]).toMatch(/HTTP 200, but the body is not JSON \("<html>rate limited<\/html>"\)/);
  });

  it("fails on an answer that is not the environment asked for", async () => {
    github.repo.override[`${REPOS}/environments/prod`] = () => ({ status: 200, body: environmentFixture("dev") });
    expect(findings(await check())[S.exists]).toBe('cannot verify it: GitHub answered with environment "dev"');
  });

  it("fails on a rule without a ruleset_id, and on a ruleset without an id", async () => {
    github.repo.rules.main.push({ type: "non_fast_forward" });
    expect(findings(await check())[S.rules]).toMatch(/rule 4 is an object with type, not a rule with a type and a ruleset_id/);
    github.repo.rules.main.pop();
    github.repo.rulesets.push({ name: "x" });
    expect(findings(await check())[S.rules]).toMatch(/ruleset 1 is an object with name, not a ruleset with an id and a name/);
  });
});

// Someone with write access wants Dev's change on prod without anyone's approval: each attempt to
// get a pass from settings that do not really require one.
describe("attempts to pass without a real approval", () => {
  it("rejects prevent_self_review or can_admins_bypass as strings (\"true\", \"false\")", async () => {
    reviewersRule().prevent_self_review = "true";
    prod().can_admins_bypass = "false";
    expect(Object.keys(findings(await check()))).toEqual([S.selfReview, S.adminBypass]);
  });

  it("rejects a second Required reviewers rule that allows self-review, next to a good one", async () => {
    prod().protection_rules.push({ ...reviewersRule(), id: 9, prevent_self_review: false });
    expect(Object.keys(findings(await check()))).toEqual([S.selfReview]);
  });

  it("rejects a wait timer in place of reviewers", async () => {
    prod().protection_rules = prod().protection_rules.filter((r: any) => r.type === "wait_timer");
    expect(Object.keys(findings(await check()))).toEqual([S.reviewers, S.selfReview]);
  });

  it("rejects a deployment_branch_policy with both or neither flag, or flags as strings", async () => {
    for (const policy of [{ protected_branches: true, custom_branch_policies: true }, { protected_branches: false, custom_branch_policies: false }, { protected_branches: "false", custom_branch_policies: "true" }, []]) {
      prod().deployment_branch_policy = policy;
      expect(Object.keys(findings(await check()))).toEqual([S.branches]);
    }
  });

  it("rejects the deploy branch's policy written as a ref, or differing in case", async () => {
    for (const name of ["refs/heads/main", "Main", "main "]) {
      github.repo.policies.prod = [branchPolicy(1, name)];
      expect(Object.keys(findings(await check()))).toEqual([S.branches]);
    }
  });

  it("rejects a policy without a type (it could be a tag)", async () => {
    github.repo.policies.prod = [{ id: 1, node_id: "x", name: "main" }];
    expect(findings(await check())[S.branches]).toBe('Selected branches and tags: type missing "main"; only branch "main" may deploy');
  });

  it("rejects a good ruleset in evaluate mode next to an active one that does not require code owners", async () => {
    github.repo.rulesets = [ruleset(42, "main protection", "evaluate"), ruleset(43, "weak")];
    github.repo.rules.main = [...github.repo.rules.main.map((r) => ({ ...r, ruleset_id: 43 })), rule("pull_request", 42, pullRequest())];
    prRule().require_code_owner_review = false;
    const f = findings(await check());
    expect(Object.keys(f)).toEqual([S.codeOwners]);
    expect(f[S.codeOwners]).toBe('ruleset "weak" (id 43): require_code_owner_review false: a change to the code or the workflows merges without a code owner\'s approval; ruleset "main protection" (id 42) is "evaluate", not active, so its rules do not count (evaluate mode only reports; it enforces nothing)');
  });

  it("rejects rules whose ruleset GitHub does not list (they cannot be shown to be active)", async () => {
    github.repo.rulesets = [];
    const f = findings(await check());
    expect(Object.keys(f)).toEqual(ALL_RULE_SETTINGS);
    expect(f[S.deletion]).toContain("ruleset id 42 is not among the repository's rulesets, so its rules do not count");
  });

  it("rejects a required check named like the verdict but not exactly it, and a commit status posted under its name", async () => {
    const verdict = checksRule().required_status_checks.find((c: any) => c.context === "access verdict");
    verdict.context = "Access verdict";
    expect(Object.keys(findings(await check()))).toEqual([S.verdict]);
    verdict.context = "access verdict";
    verdict.integration_id = null;
    expect(findings(await check())[S.verdict]).toMatch(/required from any source/);
  });

  it("rejects required checks that are only in an evaluate-mode ruleset", async () => {
    github.repo.rulesets.push(ruleset(50, "checks", "evaluate"));
    github.repo.rules.main = github.repo.rules.main.map((r) => (r.type === "required_status_checks" ? { ...r, ruleset_id: 50 } : r));
    const f = findings(await check());
    expect(Object.keys(f)).toEqual([...DEFAULT_REQUIRED_CHECKS.map((c) => RULE_SETTINGS.check("main", c)), S.upToDate]);
  });

  it("rejects a review count written as a string, and treats a missing parameters object as no settings", async () => {
    prRule().required_approving_review_count = "2";
    expect(Object.keys(findings(await check()))).toEqual([S.approvals]);
    github.repo.rules.main = github.repo.rules.main.map((r) => (r.type === "pull_request" ? rule("pull_request", 42) : r));
    expect(Object.keys(findings(await check()))).toEqual([S.codeOwners, S.approvals, S.dismissStale, S.lastPush]);
  });

  it("with approval none, still requires main-only deploys and the branch's rules", async () => {
    github.repo.environments.dev.deployment_branch_policy = null;
    prRule().require_code_owner_review = false;
    const f = findings(await check({ environment: "dev", approval: "none" }));
    expect(Object.keys(f)).toEqual([ENVIRONMENT_SETTINGS.branches("dev"), S.codeOwners]);
  });

  it("names the checks it cannot see (ruleset bypass lists, classic protection, team members) on every run", async () => {
    const report = await check();
    expect(report.notes).toEqual([
      "team prod-approvers: its members are not readable with this token; make sure it has members, and that they are not the people who write the changes",
      expect.stringMatching(/^who may bypass the rulesets on "main" is not readable with this token/),
      expect.stringMatching(/^classic branch protection \(Settings → Branches\) needs admin rights to read/),
    ]);
  });
});

/**
 * The second red-team pass: answers in GitHub's documented shapes where the decisive item is on a
 * later page, in another ruleset's kind, or in who may bypass; each must fail.
 */
describe("second pass: answers that should fail", () => {
  const page2 = (status: number, body: unknown, headers: Record<string, string> = {}) => (url: URL) => {
    if (url.searchParams.get("page") === "2") return { status, body, headers };
    const next = new URL(url);
    next.searchParams.set("page", "2");
    return { status: 200, body: url.pathname.endsWith("/rulesets") ? github.repo.rulesets : github.repo.rules.main, headers: { link: `<${next}>; rel="next"` } };
  };

  it("rejects a ruleset listed twice, active on page 1 and in evaluate mode on page 2 (whichever came last would decide)", async () => {
    github.repo.pageSize = 1;
    github.repo.rulesets = [ruleset(42, "main protection"), ruleset(42, "main protection", "evaluate")];
    const f = findings(await check());
    expect(Object.keys(f)).toEqual([S.rules]);
    expect(f[S.rules]).toMatch(/GitHub's answer is not what it documents \(ruleset id 42 is listed twice\)/);
    github.repo.rulesets.reverse();
    expect(Object.keys(findings(await check()))).toEqual([S.rules]);
  });

  it("rejects a pull request rule on the rules' second page whose ruleset, on the rulesets' second page, is in evaluate mode", async () => {
    github.repo.pageSize = 1;
    github.repo.rulesets = [ruleset(42, "main protection"), ruleset(43, "reviews", "evaluate")];
    github.repo.rules.main = [rule("deletion", 42), rule("pull_request", 43, pullRequest()), rule("non_fast_forward", 42), rule("required_status_checks", 42, statusChecks(DEFAULT_REQUIRED_CHECKS))];
    const f = findings(await check());
    expect(Object.keys(f)).toEqual([S.codeOwners, S.approvals, S.dismissStale, S.lastPush]);
    expect(f[S.codeOwners]).toContain('ruleset "reviews" (id 43) is "evaluate", not active');
  });

  it.each(["tag", "push"])("rejects the rules of an active %s ruleset: they do not protect the branch", async (target) => {
    github.repo.rulesets = [ruleset(42, "main protection"), { ...ruleset(44, "releases"), target }];
    github.repo.rules.main = [...github.repo.rules.main.filter((r) => r.type !== "pull_request"), rule("pull_request", 44, pullRequest())];
    const f = findings(await check());
    expect(Object.keys(f)).toEqual([S.codeOwners, S.approvals, S.dismissStale, S.lastPush]);
    expect(f[S.codeOwners]).toContain(`ruleset "releases" (id 44) targets "${target}", not branches, so its rules do not count`);
  });

  it.each(["always", "pull_requests_only", "exempt"])("rejects a ruleset the workflow token may bypass (current_user_can_bypass: %s): any workflow could push to main past it", async (bypass) => {
    github.repo.rulesetDetails[42] = { current_user_can_bypass: bypass };
    const f = findings(await check());
    expect(Object.keys(f)).toEqual([S.bypass]);
    expect(f[S.bypass]).toBe(`the workflow token may bypass ruleset "main protection" (id 42) (current_user_can_bypass: "${bypass}"): a workflow with contents: write, on any branch, can push to "main" past its rules`);
  });

  it("rejects a bypass list with an entry when GitHub shows it (a token that may edit the ruleset), and passes an empty one", async () => {
    github.repo.rulesetDetails[42] = { bypass_actors: [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" }] };
    expect(findings(await check())[S.bypass]).toBe('ruleset "main protection" (id 42) lets "RepositoryRole" 5 ("always") bypass it');
    github.repo.rulesetDetails[42] = { bypass_actors: [] };
    const report = await check();
    expect(findings(report)).toEqual({});
    expect(report.results.find((r) => r.setting === S.bypass)?.found).toBe('the workflow token cannot bypass ruleset "main protection" (id 42); ruleset "main protection" (id 42) has an empty Bypass list');
  });

  it.each([403, 404, 429, 500])("fails closed on HTTP %i for a ruleset's own page", async (status) => {
    github.repo.override[`${REPOS}/rulesets/42`] = () => ({ status, body: { message: "no" } });
    const f = findings(await check());
    expect(Object.keys(f)).toEqual([S.bypass]);
    expect(f[S.bypass]).toMatch(new RegExp(`^cannot verify who may bypass ruleset id 42: HTTP ${status}`));
  });

  it("fails closed on an answer for another ruleset than the one asked for", async () => {
    github.repo.override[`${REPOS}/rulesets/42`] = () => ({ status: 200, body: { ...ruleset(43, "other"), current_user_can_bypass: "never" } });
    expect(findings(await check())[S.bypass]).toMatch(/^cannot verify it: GitHub's answer for ruleset id 42 is not that ruleset/);
  });

  it.each([
    ["304 Not Modified", 304, {}],
    ["429, the secondary rate limit", 429, { "retry-after": "60" }],
    ["403, the primary rate limit spent", 403, { "x-ratelimit-remaining": "0" }],
    ["404 (a page that is gone)", 404, {}],
  ] as const)("fails closed on %s for the rules' or the rulesets' second page", async (_what, status, headers) => {
    for (const path of [`${REPOS}/rules/branches/main`, `${REPOS}/rulesets`]) {
      github.repo.override = { [path]: page2(status, status === 304 ? undefined : { message: "rate limited" }, headers) };
      const f = findings(await check());
      expect(Object.keys(f)).toEqual([S.rules]);
      expect(f[S.rules]).toMatch(new RegExp(`HTTP ${status}`));
    }
  });

  it("rejects a branch policy main* (a pattern that matches main and main-hotfix)", async () => {
    github.repo.policies.prod = [branchPolicy(1, "main*")];
    expect(findings(await check())[S.branches]).toBe('Selected branches and tags: branch "main*" (a pattern); only branch "main" may deploy');
  });

  it("fails closed on 304 Not Modified for the deployment branch policies' second page", async () => {
    github.repo.override[`${REPOS}/environments/prod/deployment-branch-policies`] = (url) =>
      url.searchParams.get("page") === "2" ? { status: 304 } : { status: 200, body: { total_count: 2, branch_policies: [branchPolicy(1, "main")] }, headers: { link: `<${github.base}${REPOS}/environments/prod/deployment-branch-policies?per_page=100&page=2>; rel="next"` } };
    expect(findings(await check())[S.branches]).toMatch(/^cannot verify which branches and tags may deploy to it: HTTP 304/);
  });
});

describe("the API base URL", () => {
  it("accepts https and, for the tests, http to this machine only", () => {
    expect(parseBaseUrl("https://api.github.com").origin).toBe("https://api.github.com");
    expect(parseBaseUrl("https://ghe.example.com/api/v3").pathname).toBe("/api/v3");
    expect(parseBaseUrl("http://127.0.0.1:8080").host).toBe("127.0.0.1:8080");
  });

  it.each(["http://api.github.com", "ftp://x", "not a url", "https://api.github.com?x=1", "https://user:pw@api.github.com"])("rejects %s", (url) => {
    expect(() => parseBaseUrl(url)).toThrow(/GITHUB_API_URL/);
  });

  it("keeps a GitHub Enterprise Server path prefix in every request", async () => {
    const api = new GitHubApi({ baseUrl: "https://ghe.example.com/api/v3/", token: TOKEN });
    expect(api.url("/repos/o/r/environments/prod").toString()).toBe("https://ghe.example.com/api/v3/repos/o/r/environments/prod");
  });
});

describe("the report", () => {
  it("is a table for the job summary, every check a row, with the notes", async () => {
    prRule().require_code_owner_review = false;
    const md = renderMarkdown(await check());
    expect(md.split("\n").slice(0, 6)).toEqual([
      "### GitHub settings: ❌ 1 of 16 checks failed, the deploy must not proceed",
      "",
      'octo-org/uc-env-isolation environment "prod" (approval required), branch "main"',
      "",
      "| | setting | found | fix |",
      "| --- | --- | --- | --- |",
    ]);
    expect(md).toContain(`| ✅ | ${S.reviewers} | user octocat, team prod-approvers |  |`);
    expect(md).toMatch(/\| ❌ \| rulesets on "main": Require review from Code Owners \| .* \| Settings → Rules → Rulesets → .*tick Require review from Code Owners \|/);
    expect(md).toContain("- Note: who may bypass the rulesets");
  });

  it("escapes a pipe in what GitHub returned, so the table keeps its columns", async () => {
    github.repo.policies.prod = [branchPolicy(1, "a|b")];
    expect(renderMarkdown(await check())).toContain('branch "a\\|b"');
  });
});

// --- the command -------------------------------------------------------------------------------

const run = (args: string[], env: Record<string, string | undefined> = {}) => runInProcess("github-check", args, { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.base, ...env });
const ARGS = ["--repository", `${OWNER}/${REPO}`, "--environment", "prod", "--approval", "required"];
const USAGE = "usage: npm run --silent github-check -- --repository ORG/REPO --environment ENV --approval required|none [--branch main] [--required-checks LIST] [--format md|json]";

describe("npm run github-check", () => {
  it("exits 0 when every check passes, with the summary line", async () => {
    const r = await run(ARGS);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout.trimEnd().split("\n").pop()).toBe('github-check: octo-org/uc-env-isolation environment "prod" (approval required), branch "main": all 16 checks passed');
  });

  it("fails with exit 1 and one line per finding", async () => {
    reviewersRule().prevent_self_review = false;
    dropRule("non_fast_forward");
    const r = await run(ARGS);
    expect(r.status).toBe(1);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("FAIL "))).toEqual([expect.stringContaining(S.selfReview), expect.stringContaining(S.forcePush)]);
  });

  it("fails with exit 1 when GitHub cannot be read", async () => {
    github.repo.override[`${REPOS}/environments/prod`] = () => ({ status: 403, body: { message: "Resource not accessible by integration" } });
    expect((await run(ARGS)).status).toBe(1);
  });

  it("takes --branch, --required-checks and --format json", async () => {
    github.repo.rules["release"] = github.repo.rules.main;
    github.repo.policies.prod = [branchPolicy(1, "release")];
    const r = await run([...ARGS, "--branch", "release", "--required-checks", " access verdict ,tests and synth", "--format", "json"]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.passed).toBe(true);
    expect(json.input.requiredChecks).toEqual(["access verdict", "tests and synth"]);
    expect(json.results).toHaveLength(15);
  });

  it("writes the table with --format md", async () => {
    const r = await run([...ARGS, "--format", "md"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^### GitHub settings: ✅ all checks passed\n/);
  });

  it.each<[string, string[], Record<string, string | undefined>, string]>([
    ["no --approval", ARGS.slice(0, 4), {}, "github-check: --approval is required"],
    ["an unknown approval", [...ARGS.slice(0, 5), "sometimes"], {}, 'github-check: --approval must be required or none, got "sometimes"'],
    ["a repository without an owner", ["--repository", REPO, ...ARGS.slice(2)], {}, `github-check: --repository "${REPO}" is not OWNER/REPO`],
    ["a branch pattern", [...ARGS, "--branch", "ma*"], {}, 'github-check: --branch "ma*" is not a plain branch name'],
    ["a ref for a branch", [...ARGS, "--branch", "refs/heads/main"], {}, 'github-check: --branch "refs/heads/main" is a ref; give the branch name (e.g. main)'],
    ["an empty check name", [...ARGS, "--required-checks", "access verdict,,x"], {}, "has an empty name"],
    ["a check named twice", [...ARGS, "--required-checks", "x,x"], {}, 'names "x" twice'],
    ["--format mermaid", [...ARGS, "--format", "mermaid"], {}, 'github-check: --format must be md or json (or left out, for lines), got "mermaid"'],
    ["no GITHUB_TOKEN", ARGS, { GITHUB_TOKEN: undefined }, "github-check: GITHUB_TOKEN is not set; in the workflow step: env: GITHUB_TOKEN: ${{ github.token }}"],
    ["a plain-http API", ARGS, { GITHUB_API_URL: "http://api.github.com" }, 'github-check: GITHUB_API_URL "http://api.github.com" is not https'],
  ])("rejects %s: exit 2, the reason and the usage on stderr, nothing asked of GitHub", async (_name, args, env, message) => {
    const r = await run(args, env);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: "" });
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(USAGE);
    expect(github.requests).toEqual([]);
  });

  it("runs as a real process (node scripts/run-ts.js scripts/github-check.ts), exit 1 on a finding", async () => {
    prod().can_admins_bypass = true;
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // Asynchronous: this process's fake API must keep answering while the child asks it.
      const child = spawn(process.execPath, [path.join(ROOT, "scripts", "run-ts.js"), path.join(ROOT, "scripts", "github-check.ts"), ...ARGS], {
        cwd: ROOT,
        env: { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.base },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: "" });
    expect(r.stdout).toContain(`FAIL ${S.adminBypass}: can_admins_bypass: true`);
  }, 20_000);

  it("is documented on its command page with the usage it prints", () => {
    expect(fs.readFileSync(path.join(ROOT, "docs", "commands", "github-check.md"), "utf8")).toContain(`\n${USAGE}\n`);
  });

  it("requires by default the job names of the pull request workflow", () => {
    const workflow = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "pull-request.yml"), "utf8"));
    const names = Object.values(workflow.jobs as Record<string, { name?: string }>).map((j) => j.name);
    expect(names).toEqual(expect.arrayContaining([...DEFAULT_REQUIRED_CHECKS]));
  });
});
