import * as fs from "fs";
import * as path from "path";
import { RULES } from "../../lib/bundle/rules";
import { ROOT } from "../helpers";
import { CURRENT_STATE, OUTPUTS, TARGET_STATE, findingKeys, repoFrom, run, tempDir } from "./support";

const check = (dir: string, ...args: string[]) => run("bundle:check", dir, "--outputs", OUTPUTS, ...args);
const DEV = "https://dbc-a72d6af9-df3d.cloud.databricks.com";
const PROD = "https://dbc-028d9e53-7ce6.cloud.databricks.com";
const ROOT_FILE = fs.readFileSync(path.join(TARGET_STATE, "databricks.yml"), "utf8");
const TARGETS = fs.readFileSync(path.join(TARGET_STATE, "targets.yml"), "utf8");
const PROD_WORKFLOW = ".github/workflows/ml_pipelines_prod_deploy.yml";
const PROD_WORKFLOW_TEXT = fs.readFileSync(path.join(TARGET_STATE, PROD_WORKFLOW), "utf8");
const rulesOf = (dir: string, ...args: string[]) => [...new Set(findingKeys(check(dir, ...args)).map((k) => k.replace(/^.* \[/, "[")))];

describe("npm run bundle:check on the seed's current state", () => {
  const r = run("bundle:check", CURRENT_STATE);

  it("fails with exactly the expected findings, one per line, each with file, line, rule, value and fix", () => {
    expect(r.code).toBe(1);
    expect(findingKeys(r)).toEqual([
      ".github/workflows/ml_pipelines_dev_deploy.yml:10 [workflow-auth]", // DATABRICKS_TOKEN
      ".github/workflows/ml_pipelines_dev_deploy.yml:12 [workflow-unreadable]", // actions/checkout@v4: not pinned to a commit
      ".github/workflows/ml_pipelines_dev_deploy.yml:13 [workflow-unreadable]", // databricks/setup-cli@main: not pinned
      ".github/workflows/ml_pipelines_dev_deploy.yml:13 [workflow-unreadable]", // ... and no version: the latest CLI
      ".github/workflows/ml_pipelines_dev_deploy.yml:14 [workflow-auth]", // no DATABRICKS_AUTH_TYPE github-oidc
      ".github/workflows/ml_pipelines_dev_deploy.yml:14 [workflow-auth]", // no id-token: write
      ".github/workflows/ml_pipelines_dev_deploy.yml:14 [workflow-old-deploy]",
      ".github/workflows/ml_pipelines_prod_deploy.yml:9 [retired-principal]", // DATABRICKS_CLIENT_ID
      ".github/workflows/ml_pipelines_prod_deploy.yml:10 [workflow-auth]", // client secret
      ".github/workflows/ml_pipelines_prod_deploy.yml:12 [workflow-unreadable]", // actions/checkout@v4
      ".github/workflows/ml_pipelines_prod_deploy.yml:13 [workflow-unreadable]", // actions/setup-python@v5
      ".github/workflows/ml_pipelines_prod_deploy.yml:16 [workflow-unreadable]", // databricks/setup-cli@main
      ".github/workflows/ml_pipelines_prod_deploy.yml:16 [workflow-unreadable]", // ... with no version
      ".github/workflows/ml_pipelines_prod_deploy.yml:17 [workflow-auth]",
      ".github/workflows/ml_pipelines_prod_deploy.yml:17 [workflow-auth]",
      ".github/workflows/ml_pipelines_prod_deploy.yml:17 [workflow-old-deploy]",
      ".github/workflows/ml_pipelines_staging_deploy.yml:10 [workflow-host]", // staging deployed with dev's host
      ".github/workflows/ml_pipelines_staging_deploy.yml:11 [retired-principal]",
      ".github/workflows/ml_pipelines_staging_deploy.yml:12 [workflow-auth]",
      ".github/workflows/ml_pipelines_staging_deploy.yml:14 [workflow-unreadable]", // actions/checkout@v4
      ".github/workflows/ml_pipelines_staging_deploy.yml:15 [workflow-unreadable]", // databricks/setup-cli@main
      ".github/workflows/ml_pipelines_staging_deploy.yml:15 [workflow-unreadable]", // ... with no version
      ".github/workflows/ml_pipelines_staging_deploy.yml:18 [workflow-auth]",
      ".github/workflows/ml_pipelines_staging_deploy.yml:18 [workflow-auth]",
      ".github/workflows/ml_pipelines_staging_deploy.yml:18 [workflow-old-deploy]",
      "databricks.yml:14 [service-principal-id-variable]",
      "databricks.yml:15 [retired-principal]", // the variable's default
      "databricks.yml:19 [target-mode]", // dev: mode development
      "databricks.yml:20 [target-mode]", // dev: default true
      "databricks.yml:24 [service-principal-id-variable]",
      "databricks.yml:24 [target-run-as]", // dev runs as the retired principal through the variable
      "databricks.yml:26 [target-run-as]", // staging: no run_as
      "databricks.yml:34 [shared-workspace]", // prod on dev's workspace
      "databricks.yml:34 [target-workspace]",
      "databricks.yml:36 [target-run-as]", // prod runs as dev's principal
      "databricks.yml:38 [target-catalog]", // prod writes to taylor_sandbox
      "resources/jobs/model_registration.job.yml:7 [resource-catalog]",
      "resources/pipelines/run_bronze_data_ingestion.pipeline.yml:5 [resource-catalog]", // catalog: dev, shared by every target
      "resources/pipelines/run_bronze_data_ingestion.pipeline.yml:12 [resource-catalog]", // dev.bronze.messages
      "src/bronze/dev.py:11 [source-catalog]", // the notebook reads dev.bronze.raw_messages
      "src/bronze/dev.py:17 [source-catalog]", // and writes dev.silver.messages
      "src/models/register.py:5 [source-catalog]", // catalog = "dev"
      "src/models/register.py:8 [source-catalog]", // registers dev.models.churn_classifier
    ]);
    expect(r.stdout).toContain(
      `databricks.yml:34: [target-workspace] target prod deploys to environments.dev's workspace, not its own (got "${DEV}"). Fix: set targets.prod.workspace.host to ${PROD} (environments.prod.workspace.host)`,
    );
    expect(r.stdout).toContain('[retired-principal] names the retired principal github-service-principal (got "f920d175-cf7c-43a2-a6c0-e9ccb42c02d2")');
    expect(r.stdout).toContain(
      "resources/pipelines/run_bronze_data_ingestion.pipeline.yml:5: [resource-catalog] resources.pipelines.bronze_data_ingestion names catalog dev, in target dev: its own catalog, written out where every target runs it (${var.catalog_name} belongs there); targets staging, prod: environments.dev's catalog",
    );
    // Seed plan 4.2: staging promotes dev's models (read-only), so only prod and dev are told.
    expect(r.stdout).toContain("src/models/register.py:8: [source-catalog] names catalog dev, run by resources.jobs.model_registration, in target dev: its own catalog, written out where every target runs it (${var.catalog_name} belongs there); target prod: environments.dev's catalog (got \"dev.models\")");
    // The summary is the result's last line, on stdout like policy's; stderr is for bad input only.
    expect(r.stdout).toMatch(/\nbundle:check: failed: 43 findings \([^\n]*\); 3 targets in [^\n]*\.\n$/);
    expect(r.stderr).toBe("");
  });

  it("covers every rule that concerns the seed's state (all but the bypass-only ones)", () => {
    const seen = new Set(findingKeys(r).map((k) => /\[(.+)\]$/.exec(k)![1]));
    const bypassOnly = [
      "target-unknown",
      "target-auth",
      "target-paths",
      "target-variables",
      "bundle-code",
      "bundle-setting",
      "local-state",
      "resource-type",
      "resource-run-as",
      "resource-permissions",
      "resource-grants",
      "source-unreadable",
      "variable-override",
      "workflow-target",
      "workflow-audience",
      "workflow-env",
      "workflow-command",
    ];
    expect(RULES.map((x) => x.id).filter((id) => !seen.has(id))).toEqual(bypassOnly);
  });
});

describe("npm run bundle:check on the seed's target state", () => {
  it("passes with the stacks' outputs: exit 0 and one summary line", () => {
    expect(check(TARGET_STATE)).toEqual({ code: 0, stderr: "", stdout: expect.stringMatching(/^bundle:check: passed: 4 targets in 4 bundle files, 2 source files and 3 workflows checked against \S*environments\.yaml; no findings\.\n$/) });
  });

  it("fails without the outputs: run_as application IDs cannot be checked", () => {
    const r = run("bundle:check", TARGET_STATE);
    expect(r.code).toBe(1);
    expect(findingKeys(r)).toEqual(["targets.yml:19 [target-run-as]", "targets.yml:30 [target-run-as]", "targets.yml:41 [target-run-as]"]);
  });

  it("passes a repository around a freshly generated bundle", () => {
    const dir = repoFrom(TARGET_STATE, { "targets.yml": null });
    expect(run("bundle", "--outputs", OUTPUTS, "--out", path.join(dir, "targets.yml")).code).toBe(0);
    expect(check(dir).code).toBe(0);
  });

  it("accepts its own host written with a trailing slash, upper case or a path", () => {
    const dir = repoFrom(TARGET_STATE, { "targets.yml": TARGETS.replace(`host: ${PROD}`, `host: ${PROD.toUpperCase().replace("HTTPS", "https")}/?o=3`) });
    expect(check(dir).code).toBe(0);
  });

  it("answers --help with the rules and touches nothing", () => {
    const r = run("bundle:check", "--help");
    expect(r.code).toBe(0);
    for (const rule of RULES) expect(r.stdout).toContain(rule.id);
  });
});

/** Someone who wants prod's target on the dev workspace unnoticed: each attempt is caught. */
describe("bundle:check against bypass attempts", () => {
  const prodTargetOn = (host: string) => TARGETS.replace(`host: ${PROD}`, `host: ${host}`);

  it.each([
    ["dev's host in upper case with a trailing slash and a path", { "targets.yml": prodTargetOn(`${DEV.toUpperCase().replace("HTTPS", "https")}/some/path/`) }, ["[target-workspace]", "[shared-workspace]"]],
    ["dev's host without a scheme", { "targets.yml": prodTargetOn(DEV.replace("https://", "")) }, ["[target-workspace]", "[shared-workspace]"]],
    // The CLI never resolves a variable in an auth field: it connects with the text as written.
    ["a host from a variable whose default is dev's", { "targets.yml": prodTargetOn("${var.prod_host}"), "databricks.yml": ROOT_FILE + "  - host.yml\n", "host.yml": `variables:\n  prod_host:\n    default: ${DEV}\n` }, ["[target-workspace]", "[target-auth]"]],
    ["a YAML alias: prod's workspace is dev's anchor", { "targets.yml": TARGETS.replace(/(  dev:\n    mode: production\n    workspace:)/, "$1 &devws").replace(/(  prod:\n    mode: production\n    workspace:)\n      host: [^\n]+\n      root_path: [^\n]+\n/, "$1 *devws\n") }, ["[target-workspace]", "[shared-workspace]", "[target-paths]"]],
    ["a merge key: prod merges dev's workspace and drops its own host", { "targets.yml": TARGETS.replace(/(  dev:\n    mode: production\n    workspace:)/, "$1 &devws").replace(/(  prod:\n    mode: production\n    workspace:)\n      host: [^\n]+\n/, "$1\n      <<: *devws\n") }, ["[target-workspace]", "[shared-workspace]"]],
    ["an included file that overrides prod's host", { "databricks.yml": ROOT_FILE + "  - overrides/*.yml\n", "overrides/prod.yml": `targets:\n  prod:\n    workspace:\n      host: ${DEV}\n` }, ["[target-workspace]", "[shared-workspace]"]],
    ["the deprecated environments section", { "resources/jobs/env.yml": `environments:\n  prod:\n    workspace:\n      host: ${DEV}\n` }, ["[target-workspace]", "[shared-workspace]"]],
    ["a profile named like dev's", { "overrides.yml": "targets:\n  prod:\n    workspace:\n      profile: ref-dev\n", "databricks.yml": ROOT_FILE + "  - overrides.yml\n" }, ["[target-workspace]"]],
    ["a target-level catalog override through a variable", { "databricks.yml": ROOT_FILE + "  - extra.yml\n", "extra.yml": "variables:\n  shared_catalog:\n    default: dev\ntargets:\n  prod:\n    variables:\n      catalog_name: ${var.shared_catalog}\n" }, ["[target-catalog]"]],
    ["a committed variable-overrides.json", { ".databricks/bundle/prod/variable-overrides.json": '{"catalog_name": "dev"}\n' }, ["[target-catalog]", "[variable-override]"]],
    ["--var catalog_name=dev in the workflow", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("deploy -t prod", 'deploy -t prod --var="catalog_name=dev"') }, ["[variable-override]"]],
    ["BUNDLE_VAR_catalog_name in the workflow", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("    env:\n", "    env:\n      BUNDLE_VAR_catalog_name: dev\n") }, ["[variable-override]"]],
    ["a deploy target from a workflow input", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("deploy -t prod", "deploy -t ${{ inputs.target }}") }, ["[workflow-target]"]],
    ["a deploy without a target (the default)", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("deploy -t prod", "deploy") }, ["[workflow-target]"]],
    ["DATABRICKS_BUNDLE_TARGET set to an unknown target", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("deploy -t prod", "deploy").replace("    env:\n", "    env:\n      DATABRICKS_BUNDLE_TARGET: production\n") }, ["[workflow-target]"]],
    ["DATABRICKS_HOST written to GITHUB_ENV in an earlier step", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("      - name: Deploy\n", `      - run: echo "DATABRICKS_HOST=${DEV}" >> "$GITHUB_ENV"\n      - name: Deploy\n`) }, ["[workflow-host]"]],
    ["DATABRICKS_HOST from a secret", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace(`DATABRICKS_HOST: ${PROD}`, "DATABRICKS_HOST: ${{ secrets.HOST }}") }, ["[workflow-host]"]],
    ["an inline DATABRICKS_HOST on the deploy line", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("databricks bundle deploy -t prod", `DATABRICKS_HOST=${DEV} databricks bundle deploy -t prod`) }, ["[workflow-host]"]],
    ["a --profile of dev on the deploy", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("deploy -t prod", "deploy -t prod -p ref-dev") }, ["[workflow-host]"]],
    ["dev's client ID on the prod deploy", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("${{ vars.DATABRICKS_CLIENT_ID_PROD }}", "0d3c1f6e-6a1b-4c2d-9e8f-111111111111") }, ["[workflow-auth]"]],
    ["a client secret added beside OIDC", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("          databricks bundle validate", "          export DATABRICKS_CLIENT_SECRET=${{ secrets.S }}\n          databricks bundle validate") }, ["[workflow-auth]"]],
    ["job-level permissions that drop id-token", { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("      id-token: write\n", "") }, ["[workflow-auth]"]],
    ["the retired principal as a job's run_as", { "resources/jobs/model_registration.job.yml": fs.readFileSync(path.join(TARGET_STATE, "resources/jobs/model_registration.job.yml"), "utf8") + "      run_as:\n        service_principal_name: f920d175-cf7c-43a2-a6c0-e9ccb42c02d2\n" }, ["[retired-principal]", "[resource-run-as]"]],
    ["prod's run_as swapped for dev's application ID", { "targets.yml": TARGETS.replace("service_principal_name: 9a8b7c6d-5e4f-4a3b-9c2d-333333333333", "service_principal_name: 0d3c1f6e-6a1b-4c2d-9e8f-111111111111") }, ["[target-run-as]"]],
    ["prod as a default target", { "targets.yml": TARGETS.replace("  prod:\n    mode: production\n", "  prod:\n    mode: production\n    default: true\n") }, ["[target-mode]"]],
    ["one developer's sandbox catalog for everyone", { "targets.yml": TARGETS.replace("catalog_name: ${workspace.current_user.short_name}_sandbox", "catalog_name: taylor_sandbox") }, ["[target-catalog]"]],
    ["a target the model does not know, on prod's workspace", { "extra.yml": `targets:\n  prod2:\n    mode: production\n    workspace:\n      host: ${PROD}\n`, "databricks.yml": ROOT_FILE + "  - extra.yml\n" }, ["[target-unknown]", "[shared-workspace]"]],
    ["a staging bucket on prod", { "targets.yml": TARGETS.replace("s3_bucket: ref-ml-core-prod-workspace-bucket", "s3_bucket: ref-ml-core-staging-workspace-bucket") }, ["[target-variables]"]],
    ["a hard-coded catalog in backticked SQL", { "resources/jobs/sql.yml": "resources:\n  jobs:\n    q:\n      tasks:\n        - sql_task:\n            query: 'SELECT * FROM `prod`.`gold`.t'\n" }, ["[resource-catalog]"]],
  ] as const)("rejects %s", (_what, changes, expected) => {
    expect(rulesOf(repoFrom(TARGET_STATE, changes as Record<string, string | null>)).sort()).toEqual([...expected].sort());
  });
});

describe("bundle:check finds every file the CLI's include loads (Go's Glob: any directory, through links)", () => {
  // The incident again: prod's target on dev's workspace, as dev's principal, in a file the
  // target-state repository's include (`resources/*/*.yml`) matches.
  const override = `targets:\n  prod:\n    workspace: { host: ${DEV} }\n`;
  it.each(["node_modules", "__pycache__", ".venv", ".git", ".hidden"])("in a directory named %s", (name) => {
    const dir = repoFrom(TARGET_STATE, { [`resources/${name}/o.yml`]: override });
    expect(rulesOf(dir)).toEqual(expect.arrayContaining(["[target-workspace]"]));
  });

  it("through a symbolic link to a file, and to a directory, inside the repository", () => {
    const file = repoFrom(TARGET_STATE, { "docs/notes.yaml": override });
    fs.symlinkSync(path.join("..", "..", "docs", "notes.yaml"), path.join(file, "resources", "jobs", "zz_override.yml"));
    expect(rulesOf(file)).toEqual(expect.arrayContaining(["[target-workspace]"]));
    const directory = repoFrom(TARGET_STATE, { "docs/more/o.yml": override });
    fs.symlinkSync(path.join("..", "docs", "more"), path.join(directory, "resources", "zz"));
    expect(rulesOf(directory)).toEqual(expect.arrayContaining(["[target-workspace]"]));
  });

  it("refuses a link to a file outside the repository (exit 2)", () => {
    const outside = path.join(tempDir(), "outside.yml");
    fs.writeFileSync(outside, override);
    const dir = repoFrom(TARGET_STATE);
    fs.symlinkSync(outside, path.join(dir, "resources", "jobs", "zz.yml"));
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("outside the repository");
  });
});

describe("bad input to npm run bundle:check", () => {
  it.each([
    ["a missing directory", () => "/nonexistent/repo", "/nonexistent/repo: no such directory"],
    ["a directory without databricks.yml", () => tempDir(), "has no databricks.yml"],
    ["two root files", () => repoFrom(TARGET_STATE, { "databricks.yaml": ROOT_FILE }), "has databricks.yml and databricks.yaml"],
    ["a duplicate key (two hosts for one target)", () => repoFrom(TARGET_STATE, { "targets.yml": TARGETS.replace(`host: ${PROD}`, `host: ${PROD}\n      host: ${DEV}`) }), "targets.yml:39: is not valid YAML: a key is written twice"],
    ["an alias bomb", () => repoFrom(TARGET_STATE, { "bomb.yml": bomb(), "databricks.yml": ROOT_FILE + "  - bomb.yml\n" }), "expands to more than"],
    ["an include outside the repository", () => repoFrom(TARGET_STATE, { "databricks.yml": ROOT_FILE + "  - ../elsewhere.yml\n" }), "points outside the repository"],
    ["an include that matches no file", () => repoFrom(TARGET_STATE, { "targets.yml": null }), 'include "targets.yml" matches no file'],
  ])("rejects %s with exit 2", (_what, dir, message) => {
    const r = check(dir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });

  it("never runs anything from the repository", () => {
    const marker = path.join(tempDir(), "ran");
    const dir = repoFrom(TARGET_STATE, { [PROD_WORKFLOW]: PROD_WORKFLOW_TEXT.replace("databricks bundle validate -t prod", `touch ${marker} && $(touch ${marker}) && databricks bundle validate -t prod`) });
    check(dir);
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe("the example workflows of docs/bundles.md", () => {
  const readme = fs.readFileSync(path.join(ROOT, "docs", "bundles.md"), "utf8");
  const block = (first: string) => {
    const start = readme.indexOf("```yaml\n" + first);
    if (start < 0) throw new Error(`docs/bundles.md has no block starting ${first}`);
    return readme.slice(start + 8, readme.indexOf("```", start + 8));
  };

  it("pass: the bundle check itself, and the deploy job (with the target-state's name and trigger)", () => {
    const deploy = "name: Deploy ML pipelines (prod)\non:\n  workflow_dispatch: {}\n" + block("jobs:\n  deploy:");
    const dir = repoFrom(TARGET_STATE, { ".github/workflows/bundle-check.yml": block("# ml-pipelines/.github/workflows/bundle-check.yml"), [PROD_WORKFLOW]: deploy });
    expect(check(dir)).toMatchObject({ code: 0 });
  });
});

describe("the rules", () => {
  it("each have a unique id, a description and a fix, and the findings table of the bundle:check page lists them all", () => {
    const readme = fs.readFileSync(path.join(ROOT, "docs", "commands", "bundle-check.md"), "utf8");
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.description).toMatch(/\.$/);
      expect(r.fix.length).toBeGreaterThan(10);
      expect(readme).toContain(`| \`${r.id}\` | ${r.description} | ${r.fix} |`);
    }
  });
});

function bomb(): string {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(",")}]`);
  return lines.join("\n") + "\n";
}
