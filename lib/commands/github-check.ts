// `npm run --silent github-check -- --repository ORG/REPO --environment ENV --approval required|none [...]`:
// the GitHub settings a deploy's approvals rest on, checked through the API (lib/github).
import { EXIT, UsageError, defineCommand, type Command } from "../review/cli";
import { GitHubApi, parseBaseUrl } from "../github/api";
import { checkGitHubSettings, passed, type Approval } from "../github/check";
import { formatText, renderJson, renderMarkdown } from "../github/report";

/** The pull request checks `main` must require: the job names of .github/workflows/pull-request.yml. */
export const DEFAULT_REQUIRED_CHECKS = ["tests and synth", "access verdict", "access approval"] as const;

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

function repository(value: string): { owner: string; repo: string } {
  const [owner, repo, ...rest] = value.split("/");
  if (rest.length > 0 || !OWNER.test(owner ?? "") || !REPO.test(repo ?? "") || repo === "." || repo === "..") {
    throw new UsageError(`--repository ${JSON.stringify(value)} is not OWNER/REPO (in a workflow: --repository "$GITHUB_REPOSITORY")`);
  }
  return { owner, repo };
}

function branchName(value: string): string {
  // A branch name as git allows it (git check-ref-format), without fnmatch wildcards: the rules
  // endpoint takes no wildcard, and the branch is compared with the deployment branch rule's name.
  if (value.startsWith("refs/")) throw new UsageError(`--branch ${JSON.stringify(value)} is a ref; give the branch name (e.g. main)`);
  if (!/^[^\s~^:?*[\\\x00-\x1f\x7f]+$/.test(value) || value.includes("..") || value.includes("//") || value.includes("@{") || /^\/|\/$|\.lock$|^\.|\/\./.test(value) || /[{}\]]/.test(value)) {
    throw new UsageError(`--branch ${JSON.stringify(value)} is not a plain branch name (no wildcards, spaces or git's forbidden characters)`);
  }
  return value;
}

function environmentName(value: string): string {
  if (value.length > 255 || /[\x00-\x1f\x7f]/.test(value)) throw new UsageError(`--environment ${JSON.stringify(value)} is not a GitHub environment name (at most 255 characters, no control characters)`);
  return value;
}

function checks(value: string): string[] {
  const names = value.split(",").map((n) => n.trim());
  if (names.some((n) => n === "")) throw new UsageError(`--required-checks ${JSON.stringify(value)} has an empty name; give job names separated by commas`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new UsageError(`--required-checks names ${JSON.stringify(dup)} twice`);
  return names;
}

export const githubCheckCommand: Command = defineCommand(
  "github-check",
  {
    usage:
      "npm run --silent github-check -- --repository ORG/REPO --environment ENV --approval required|none [--branch main] [--required-checks LIST] [--format md|json]",
    help:
      "Checks, through the GitHub API with the workflow's own token, that the repository settings a deploy to ENV\n" +
      "rests on exist; every apply job runs it first. Fails closed: a setting missing, different or not readable\n" +
      "(an HTTP error, no answer) is a finding.\n" +
      "- the GitHub environment ENV exists;\n" +
      "- with --approval required: it has Required reviewers (a user or team), Prevent self-review, and no\n" +
      "  administrator bypass;\n" +
      "- its Deployment branches and tags: Selected branches and tags, exactly one rule, branch BRANCH;\n" +
      "- BRANCH's active rulesets: a pull request with Code Owners' review, 1 or more approvals, stale approvals\n" +
      "  dismissed, the last push approved by someone else; each check of LIST required from GitHub Actions, the\n" +
      "  branch up to date; force pushes blocked; deletion restricted; the workflow token not on their Bypass\n" +
      "  list.\n" +
      "--repository ORG/REPO  the repository ($GITHUB_REPOSITORY)\n" +
      "--environment ENV      the apply job's GitHub environment (the environment key in environments.yaml)\n" +
      "--approval required|none  whether the model requires an approval before ENV's apply\n" +
      "--branch BRANCH        the only branch that may deploy (default main)\n" +
      `--required-checks LIST the pull request checks BRANCH must require, comma-separated (default "${DEFAULT_REQUIRED_CHECKS.join(",")}")\n` +
      "--format md|json       a table for the job summary, or JSON (default: one line per finding and a summary line)\n" +
      "Reads GITHUB_TOKEN (the job needs `permissions: actions: read, contents: read`) and GITHUB_API_URL (default\n" +
      "https://api.github.com). Exit 0: every check passed; 1: findings; 2: bad usage.",
    options: [],
    flags: ["repository", "environment", "approval", "branch", "required-checks", "format"],
  },
  async (cli) => {
    const f = cli.flags;
    for (const required of ["repository", "environment", "approval"] as const) if (f[required] === undefined) throw new UsageError(`--${required} is required`);
    if (f.approval !== "required" && f.approval !== "none") throw new UsageError(`--approval must be required or none, got ${JSON.stringify(f.approval)}`);
    if (f.format !== undefined && f.format !== "md" && f.format !== "json") throw new UsageError(`--format must be md or json (or left out, for lines), got ${JSON.stringify(f.format)}`);
    const input = {
      ...repository(f.repository!),
      environment: environmentName(f.environment!),
      approval: f.approval as Approval,
      branch: branchName(f.branch ?? "main"),
      requiredChecks: checks(f["required-checks"] ?? DEFAULT_REQUIRED_CHECKS.join(",")),
    };
    const token = process.env.GITHUB_TOKEN;
    if (!token) throw new UsageError("GITHUB_TOKEN is not set; in the workflow step: env: GITHUB_TOKEN: ${{ github.token }}");
    const baseUrl = process.env.GITHUB_API_URL || "https://api.github.com";
    try {
      parseBaseUrl(baseUrl);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const report = await checkGitHubSettings(new GitHubApi({ baseUrl, token }), input);
    process.stdout.write(f.format === "md" ? renderMarkdown(report) : f.format === "json" ? renderJson(report) : formatText(report));
    return passed(report) ? EXIT.ok : EXIT.violations;
  },
);
