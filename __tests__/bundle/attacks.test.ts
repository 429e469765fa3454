/**
 * Issue 18's attempts to reach prod past `bundle:check`, each kept with the finding it must give:
 * identities below the target, deploy paths the check did not read, code that names another
 * environment's catalog, and the places where the check and the Databricks CLI (v1.13.0) disagreed.
 * Each case is the target-state repository plus one edit.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { bundleFacts } from "../../lib/bundle/facts";
import { readBundleRepository } from "../../lib/bundle/repository";
import { bundleView } from "../../lib/bundle/view";
import { readApplicationIds } from "../../lib/bundle/outputs";
import { parseEnvironmentModel } from "../../lib/model/load";
import { desiredState } from "../../lib/desired-state";
import { defaultModelData } from "../helpers";
import { MODEL, OUTPUTS, TARGET_STATE, findingKeys, repoFrom, run, tempDir } from "./support";

const check = (dir: string, ...args: string[]) => run("bundle:check", dir, "--outputs", OUTPUTS, ...args);
const read = (file: string) => fs.readFileSync(path.join(TARGET_STATE, file), "utf8");
const DEV = "https://dbc-a72d6af9-df3d.cloud.databricks.com";
const PROD = "https://dbc-028d9e53-7ce6.cloud.databricks.com";
const DEV_ID = "0d3c1f6e-6a1b-4c2d-9e8f-111111111111";
const PROD_ID = "9a8b7c6d-5e4f-4a3b-9c2d-333333333333";
const ROOT_FILE = read("databricks.yml");
const TARGETS = read("targets.yml");
const JOB = read("resources/jobs/model_registration.job.yml");
const PIPELINE = read("resources/pipelines/run_bronze_data_ingestion.pipeline.yml");
const PROD_WF = ".github/workflows/ml_pipelines_prod_deploy.yml";
const PROD_WORKFLOW = read(PROD_WF);
const DEV_WF = ".github/workflows/ml_pipelines_dev_deploy.yml";
const DEV_WORKFLOW = read(DEV_WF);
/** The prod deploy job's steps replaced by `steps` (YAML, indented 6). */
const prodSteps = (steps: string) => PROD_WORKFLOW.replace(/    steps:\n[\s\S]*$/, `    steps:\n${steps}`);
/** A job of the model registration job's resource gets `extra` (YAML indented 6). */
const job = (extra: string) => JOB + extra;
const rulesOf = (changes: Record<string, string | null>) => [...new Set(findingKeys(check(repoFrom(TARGET_STATE, changes))).map((k) => k.replace(/^.* \[/, "[")))].sort();

describe("identities below the target", () => {
  it.each([
    ["a job's own run_as: a user", { "resources/jobs/model_registration.job.yml": job("      run_as:\n        user_name: mallory@refresh-os.example\n") }, ["[resource-run-as]"]],
    ["a pipeline's own run_as: dev's principal, in every target", { "resources/pipelines/run_bronze_data_ingestion.pipeline.yml": PIPELINE + `      run_as:\n        service_principal_name: ${DEV_ID}\n` }, ["[resource-run-as]"]],
    ["a job's run_as only in the prod target", { "prod-only.yml": `targets:\n  prod:\n    resources:\n      jobs:\n        model_registration:\n          run_as:\n            service_principal_name: ${DEV_ID}\n`, "databricks.yml": ROOT_FILE + "  - prod-only.yml\n" }, ["[resource-run-as]"]],
    ["a run_as through a variable whose default is dev's principal", { "resources/jobs/model_registration.job.yml": job("      run_as:\n        service_principal_name: ${var.runner}\n"), "vars.yml": `variables:\n  runner:\n    default: ${DEV_ID}\n`, "databricks.yml": ROOT_FILE + "  - vars.yml\n" }, ["[resource-run-as]"]],
    ["the prod principal's application ID padded with a space", { "prod-only.yml": `targets:\n  prod:\n    resources:\n      jobs:\n        model_registration:\n          run_as:\n            service_principal_name: " ${PROD_ID}"\n`, "databricks.yml": ROOT_FILE + "  - prod-only.yml\n" }, ["[resource-run-as]"]],
    ["an alert that runs as a user", { "resources/jobs/alert.yml": "resources:\n  alerts:\n    a:\n      display_name: a\n      run_as_user_name: mallory@refresh-os.example\n" }, ["[resource-run-as]"]],
    ["a registered model owned by a user", { "resources/jobs/model.yml": "resources:\n  registered_models:\n    m:\n      name: churn\n      catalog_name: ${var.catalog_name}\n      schema_name: models\n      owner: mallory@refresh-os.example\n" }, ["[resource-run-as]"]],
    ["top-level permissions: the Dev group CAN_MANAGE everywhere", { "databricks.yml": ROOT_FILE + "permissions:\n  - level: CAN_MANAGE\n    group_name: Databricks - Dev\n" }, ["[resource-permissions]"]],
    ["target permissions: the Dev group CAN_MANAGE on prod", { "prod-perms.yml": "targets:\n  prod:\n    permissions:\n      - level: CAN_MANAGE\n        group_name: Databricks - Dev\n", "databricks.yml": ROOT_FILE + "  - prod-perms.yml\n" }, ["[resource-permissions]"]],
    ["resource permissions: the Dev group CAN_MANAGE on prod's job", { "resources/jobs/model_registration.job.yml": job("      permissions:\n        - level: CAN_MANAGE\n          group_name: Databricks - Dev\n") }, ["[resource-permissions]"]],
    ["resource permissions: a user CAN_MANAGE_RUN", { "resources/jobs/model_registration.job.yml": job("      permissions:\n        - level: CAN_MANAGE_RUN\n          user_name: mallory@refresh-os.example\n") }, ["[resource-permissions]"]],
    ["resource permissions: dev's principal IS_OWNER of prod's pipeline", { "resources/pipelines/run_bronze_data_ingestion.pipeline.yml": PIPELINE + `      permissions:\n        - level: IS_OWNER\n          service_principal_name: ${DEV_ID}\n` }, ["[resource-permissions]"]],
    ["a permission naming two principals", { "resources/jobs/model_registration.job.yml": job("      permissions:\n        - level: CAN_VIEW\n          group_name: Databricks - Dev\n          user_name: mallory@refresh-os.example\n") }, ["[resource-permissions]"]],
    ["a schema's grants: MODIFY for the Dev group", { "resources/jobs/schema.yml": "resources:\n  schemas:\n    scratch:\n      name: scratch\n      catalog_name: ${var.catalog_name}\n      grants:\n        - principal: Databricks - Dev\n          privileges: [USE_SCHEMA, MODIFY]\n" }, ["[resource-grants]"]],
    ["a volume's grants: WRITE_VOLUME for a user", { "resources/jobs/volume.yml": "resources:\n  volumes:\n    landing:\n      name: landing\n      catalog_name: ${var.catalog_name}\n      schema_name: bronze\n      grants:\n        - principal: mallory@refresh-os.example\n          privileges: [WRITE_VOLUME]\n" }, ["[resource-grants]"]],
  ] as const)("rejects %s", (_what, changes, expected) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual([...expected].sort());
  });

  it("accepts what the model allows: the target's principal, the Dev group viewing dev and staging, the admins managing", () => {
    const dir = repoFrom(TARGET_STATE, {
      "resources/jobs/model_registration.job.yml": job("      permissions:\n        - level: CAN_MANAGE\n          group_name: Databricks - Account Admin\n"),
      "perms.yml":
        "targets:\n  dev:\n    permissions:\n      - level: CAN_VIEW\n        group_name: Databricks - Dev\n  staging:\n    permissions:\n      - level: CAN_VIEW\n        group_name: Databricks - Dev\n" +
        `  prod:\n    resources:\n      jobs:\n        model_registration:\n          run_as:\n            service_principal_name: ${PROD_ID}\n`,
      "databricks.yml": ROOT_FILE + "  - perms.yml\n",
      "resources/jobs/schema.yml": "resources:\n  schemas:\n    scratch:\n      name: scratch\n      catalog_name: ${var.catalog_name}\n      grants:\n        - principal: Databricks - Account Admin\n          privileges: [ALL_PRIVILEGES]\n",
    });
    expect(check(dir)).toMatchObject({ code: 0 });
  });

  it("names the group, the level, the targets and who may hold what", () => {
    const r = check(repoFrom(TARGET_STATE, { "resources/jobs/model_registration.job.yml": job("      permissions:\n        - level: CAN_MANAGE\n          group_name: Databricks - Dev\n") }));
    expect(r.stdout).toContain(
      "resources.jobs.model_registration.permissions[0] gives CAN_MANAGE for the group Databricks - Dev, which the model lets only read environments.dev's catalog (EXECUTE, READ_VOLUME, SELECT, USE_CATALOG, USE_SCHEMA): at most CAN_VIEW or CAN_READ in targets dev, sandbox",
    );
    expect(r.stdout).toContain("resources.jobs.model_registration.permissions[0] gives CAN_MANAGE for the group Databricks - Dev, to which the model gives nothing on environments.prod's catalog in target prod");
    expect(r.stdout).toContain(`in target prod only the target's principal (${PROD_ID}), Databricks - Account Admin (any level but IS_OWNER), Databricks - Prod - ReadOnly (CAN_VIEW or CAN_READ) may hold permissions (derived from access in`);
  });
});

describe("deploy paths the check did not read", () => {
  const action = (body: string) => `name: deploy\ninputs:\n  target:\n    required: true\nruns:\n  using: composite\n  steps:\n${body}`;
  it.each([
    [
      "a deploy inside a local composite action, to prod on dev's workspace",
      {
        [PROD_WF]: prodSteps("      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n      - uses: ./.github/actions/deploy\n        with:\n          target: prod\n"),
        ".github/actions/deploy/action.yml": action(`    - shell: bash\n      env:\n        DATABRICKS_HOST: ${DEV}\n      run: databricks bundle deploy -t \${{ inputs.target }}\n`),
      },
      ["[workflow-host]"],
    ],
    [
      "a committed shell script that deploys with a token",
      {
        [PROD_WF]: prodSteps("      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n      - run: ./scripts/deploy.sh prod\n"),
        "scripts/deploy.sh": "#!/usr/bin/env bash\nset -euo pipefail\nexport DATABRICKS_TOKEN=\"$PROD_TOKEN\"\ndatabricks bundle deploy -t \"$1\"\n",
      },
      ["[workflow-auth]"],
    ],
    [
      "a committed script that deploys a target from its argument, called with a matrix value",
      { [PROD_WF]: prodSteps("      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n      - run: bash scripts/deploy.sh ${{ matrix.env }}\n"), "scripts/deploy.sh": 'databricks bundle deploy -t "$1"\n' },
      ["[workflow-target]"],
    ],
    [
      "a local reusable workflow that deploys its input to dev's workspace",
      {
        [PROD_WF]: "name: prod\non: [workflow_dispatch]\njobs:\n  deploy:\n    uses: ./.github/workflows/deploy-one.yml\n    with:\n      target: prod\n      host: " + DEV + "\n    permissions:\n      id-token: write\n",
        ".github/workflows/deploy-one.yml":
          "on:\n  workflow_call:\n    inputs:\n      target: {type: string}\n      host: {type: string}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      DATABRICKS_AUTH_TYPE: github-oidc\n      DATABRICKS_TOKEN_AUDIENCE: ${{ vars.DATABRICKS_ACCOUNT_ID }}\n      DATABRICKS_HOST: ${{ inputs.host }}\n    steps:\n      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n      - run: databricks bundle deploy -t ${{ inputs.target }}\n",
      },
      ["[workflow-host]"],
    ],
    ["an external reusable workflow given the secrets", { [PROD_WF]: "name: prod\non: [workflow_dispatch]\njobs:\n  deploy:\n    uses: some-org/deployers/.github/workflows/bundle.yml@v1\n    with:\n      target: prod\n    secrets: inherit\n" }, ["[workflow-unreadable]"]],
    ["an external action in the deploy job", { [PROD_WF]: prodSteps("      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n      - uses: some-org/databricks-deploy@v2\n        with:\n          target: prod\n") }, ["[workflow-unreadable]"]],
    ["a Python script that holds the credentials", { [PROD_WF]: prodSteps("      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n      - run: python scripts/deploy.py --target prod\n"), "scripts/deploy.py": "import subprocess\nsubprocess.run(['databricks', 'bundle', 'deploy', '-t', 'prod'])\n" }, ["[workflow-unreadable]"]],
    ["shell the check cannot resolve: eval", { [PROD_WF]: prodSteps('      - run: eval "$DEPLOY_COMMAND"\n') }, ["[workflow-unreadable]"]],
    ["a command substitution", { [PROD_WF]: prodSteps("      - run: databricks bundle deploy -t $(cat target.txt)\n") }, ["[workflow-target]", "[workflow-unreadable]"]],
    ["a committed program named databricks, put first on PATH", { [PROD_WF]: prodSteps('      - run: echo "$GITHUB_WORKSPACE/bin" >> "$GITHUB_PATH"\n      - run: databricks bundle deploy -t prod\n'), "bin/databricks": "#!/bin/sh\n" }, ["[workflow-unreadable]"]],
    ["a relative ./databricks", { [PROD_WF]: prodSteps("      - run: ./databricks bundle deploy -t prod\n"), databricks: "#!/usr/bin/env python3\n" }, ["[workflow-unreadable]"]],
    ["installing the repository's own package in the deploy job", { [PROD_WF]: prodSteps("      - run: pip install -e .\n      - run: databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["credentials in a job without any deploy", { ".github/workflows/other.yml": "on: [push]\njobs:\n  x:\n    runs-on: ubuntu-latest\n    env:\n      DATABRICKS_HOST: " + PROD + "\n    steps:\n      - run: echo hello\n" }, ["[workflow-unreadable]"]],
    ["a grant made with the CLI in CI", { [PROD_WF]: prodSteps(`      - run: databricks grants update catalog prod --json '{"changes":[{"principal":"Databricks - Dev","add":["MODIFY"]}]}'\n`) }, ["[workflow-command]"]],
    ["a deploy of another bundle in a subdirectory", { [PROD_WF]: prodSteps("      - run: databricks bundle deploy -t prod\n        working-directory: other\n"), "other/databricks.yml": `bundle:\n  name: other\ntargets:\n  prod:\n    workspace:\n      host: ${PROD}\n` }, ["[workflow-target]"]],
    ["a deploy after cd into another bundle", { [PROD_WF]: prodSteps("      - run: |\n          cd other\n          databricks bundle deploy -t prod\n"), "other/databricks.yml": "bundle:\n  name: other\n" }, ["[workflow-target]"]],
    ["DATABRICKS_BUNDLE_ROOT pointing at another bundle", { [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", "    env:\n      DATABRICKS_BUNDLE_ROOT: other\n"), "other/databricks.yml": "bundle:\n  name: other\n" }, ["[workflow-target]"]],
    ["a profile from DATABRICKS_CONFIG_PROFILE", { [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", "    env:\n      DATABRICKS_CONFIG_PROFILE: ref-dev\n") }, ["[workflow-host]"]],
    ["a job container whose programs the steps run", { [PROD_WF]: PROD_WORKFLOW.replace("    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    container: some-org/tools:latest\n") }, ["[workflow-unreadable]"]],
    ["a service container given the credentials", { [PROD_WF]: PROD_WORKFLOW.replace("    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    services:\n      helper:\n        image: some-org/helper\n        env:\n          DATABRICKS_CLIENT_ID: ${{ vars.DATABRICKS_CLIENT_ID_PROD }}\n") }, ["[workflow-unreadable]"]],
    ["a step that edits targets.yml before the deploy (sed -i)", { [PROD_WF]: prodSteps(`      - run: sed -i 's#${PROD}#${DEV}#' targets.yml\n      - run: databricks bundle deploy -t prod\n`) }, ["[workflow-unreadable]"]],
    ["a step that writes a bundle file before the deploy (echo >)", { [PROD_WF]: prodSteps(`      - run: |\n          echo "targets: {prod: {workspace: {host: ${DEV}}}}" > resources/jobs/zz.yml\n      - run: databricks bundle deploy -t prod\n`) }, ["[workflow-unreadable]"]],
    ["a step that copies another file over the targets", { [PROD_WF]: prodSteps("      - run: cp docs/targets.yml targets.yml && databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["a checkout of another branch before the deploy", { [PROD_WF]: prodSteps("      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n        with:\n          ref: release-candidate\n      - run: databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["a checkout of another repository over the workspace", { [PROD_WF]: prodSteps("      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n        with:\n          repository: some-org/other-bundle\n      - run: databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["git checkout of another ref in a run step", { [PROD_WF]: prodSteps("      - run: git checkout origin/other -- targets.yml\n      - run: databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["an artifact download into the repository", { [PROD_WF]: prodSteps("      - uses: actions/download-artifact@v4\n        with:\n          path: .\n      - run: databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["a composite action at the repository's root that deploys to dev's workspace", { [PROD_WF]: prodSteps("      - uses: ./\n"), "action.yml": `runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: DATABRICKS_HOST=${DEV} databricks bundle deploy -t prod\n` }, ["[workflow-host]"]],
    ["--var with two variables in one flag", { [PROD_WF]: PROD_WORKFLOW.replace("deploy -t prod", 'deploy -t prod --var="environment=prod,catalog_name=dev"') }, ["[variable-override]"]],
    ["BUNDLE_VAR_ of a variable a run_as uses", { "resources/jobs/model_registration.job.yml": job(`      run_as:\n        service_principal_name: \${var.runner}\n`), "vars.yml": `variables:\n  runner:\n    default: ${PROD_ID}\n`, "databricks.yml": ROOT_FILE + "  - vars.yml\n", [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", `    env:\n      BUNDLE_VAR_runner: ${DEV_ID}\n`) }, ["[resource-run-as]", "[variable-override]"]],
  ] as const)("rejects %s", (_what, changes, expected) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual([...expected].sort());
  });

  it("accepts a deploy through a local composite action and a committed script it can read", () => {
    const dir = repoFrom(TARGET_STATE, {
      [PROD_WF]: prodSteps("      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n      - uses: databricks/setup-cli@6bb7075f85b326f8b9ce160933dfe9bcd63c8121\n        with:\n          version: 1.13.0\n      - uses: ./.github/actions/deploy\n        with:\n          target: prod\n"),
      ".github/actions/deploy/action.yml": `name: deploy\ninputs:\n  target:\n    required: true\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: ./scripts/deploy.sh \${{ inputs.target }}\n`,
      "scripts/deploy.sh": '#!/usr/bin/env bash\nset -euo pipefail\ntarget="$1"\necho "deploying $target"\ndatabricks bundle validate -t "$target"\ndatabricks bundle deploy -t "$target"\n',
    });
    expect(check(dir)).toMatchObject({ code: 0 });
  });

  it("does not take a GitHub token given to actions/checkout for Databricks credentials", () => {
    const wf = "on: [pull_request]\npermissions: {contents: read}\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n        with:\n          repository: some-org/uc-env-isolation\n          token: ${{ secrets.GH_READ_TOKEN }}\n          path: uc-env-isolation\n      - run: npm ci\n        working-directory: uc-env-isolation\n";
    expect(check(repoFrom(TARGET_STATE, { ".github/workflows/bundle-check.yml": wf }))).toMatchObject({ code: 0 });
  });

  it("names the external workflow, the job and what gives it credentials", () => {
    const r = check(repoFrom(TARGET_STATE, { [PROD_WF]: "name: prod\non: [workflow_dispatch]\njobs:\n  deploy:\n    uses: some-org/deployers/.github/workflows/bundle.yml@v1\n    secrets: inherit\n" }));
    expect(r.stdout).toContain('[workflow-unreadable] job "deploy" holds Databricks credentials (secrets: inherit) and runs the external reusable workflow some-org/deployers/.github/workflows/bundle.yml@v1, which the check cannot read');
  });

  it("reports a finding inside a followed script at the script's own line", () => {
    const r = check(repoFrom(TARGET_STATE, { [PROD_WF]: prodSteps("      - run: ./scripts/deploy.sh\n"), "scripts/deploy.sh": `#!/bin/sh\n# deploy\nDATABRICKS_HOST=${DEV} databricks bundle deploy -t prod\n` }));
    expect(findingKeys(r)).toContain("scripts/deploy.sh:3 [workflow-host]");
  });
});

describe("what the deploy job installs: every action pinned to a commit, the CLI the check follows", () => {
  const pinnedCheckout = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";
  const withCli = (cli: string) => prodSteps(`      - uses: ${pinnedCheckout}\n${cli}      - run: databricks bundle deploy -t prod\n`);
  it.each([
    ["checkout at a tag (moved to other code, it runs with prod's OIDC token)", prodSteps("      - uses: actions/checkout@v7\n      - run: databricks bundle deploy -t prod\n"), /runs the action actions\/checkout@v7 at a tag or branch, not a commit/],
    ["setup-cli at a branch", withCli("      - uses: databricks/setup-cli@main\n        with:\n          version: 1.13.0\n"), /runs the action databricks\/setup-cli@main at a tag or branch/],
    ["setup-cli pinned, with no version (the latest CLI, whose behaviour the check did not follow)", withCli("      - uses: databricks/setup-cli@6bb7075f85b326f8b9ce160933dfe9bcd63c8121\n"), /runs the Databricks CLI setup-cli picks with no version \(the latest\) rather than 1\.13\.0/],
    ["setup-cli pinned, installing another CLI version", withCli("      - uses: databricks/setup-cli@6bb7075f85b326f8b9ce160933dfe9bcd63c8121\n        with:\n          version: 0.250.0\n"), /runs the Databricks CLI 0\.250\.0 rather than 1\.13\.0/],
    ["setup-cli's version from a variable", withCli("      - uses: databricks/setup-cli@6bb7075f85b326f8b9ce160933dfe9bcd63c8121\n        with:\n          version: ${{ vars.CLI_VERSION }}\n"), /rather than 1\.13\.0/],
  ])("rejects %s", (_what, workflow, message) => {
    const r = check(repoFrom(TARGET_STATE, { [PROD_WF]: workflow }));
    expect(r.code).toBe(1);
    expect(findingKeys(r).map((k) => k.replace(/^.* \[/, "["))).toEqual(["[workflow-unreadable]"]);
    expect(r.stdout).toMatch(message);
  });

  it("passes the same job with checkout and setup-cli pinned to commits and version 1.13.0 (v1.13.0 written with its v too)", () => {
    for (const version of ["1.13.0", "v1.13.0"]) {
      expect(check(repoFrom(TARGET_STATE, { [PROD_WF]: withCli(`      - uses: databricks/setup-cli@6bb7075f85b326f8b9ce160933dfe9bcd63c8121\n        with:\n          version: ${version}\n`) })).code).toBe(0);
    }
  });
});

describe("code that names another environment's catalog", () => {
  it.each([
    ["a SQL file that writes prod from every target", { "resources/jobs/model_registration.job.yml": job("        - task_key: load\n          sql_task:\n            warehouse_id: abc\n            file:\n              path: ../../src/sql/load.sql\n"), "src/sql/load.sql": "INSERT INTO prod.gold.customers\nSELECT * FROM ${catalog}.silver.customers;\n" }],
    ["a notebook that writes `prod`.`gold` in backticks", { "src/bronze/dev.py": read("src/bronze/dev.py") + "\n# COMMAND ----------\nspark.sql('INSERT INTO `prod`.`gold`.`t` SELECT 1')\n" }],
    ["a SQL name with spaces around its dots", { "src/bronze/dev.py": read("src/bronze/dev.py") + "\n# MAGIC %sql\n# MAGIC INSERT INTO prod . gold . customers SELECT 1\n" }],
    ["a notebook that uses USE CATALOG prod", { "src/bronze/dev.py": read("src/bronze/dev.py") + '\nspark.sql("USE CATALOG prod")\n' }],
    ["a model registered in dev.models from every target (Phase 4.2)", { "src/models/register.py": read("src/models/register.py").replace('f"{catalog}.{schema}.churn_classifier"', '"dev.models.churn_classifier"') }],
    ["a widget whose default is dev", { "src/models/register.py": read("src/models/register.py").replace('dbutils.widgets.text("catalog", "")', 'dbutils.widgets.text("catalog", "dev")') }],
    ["a sandbox catalog written out", { "src/models/register.py": read("src/models/register.py") + '\nspark.table("taylor_sandbox.models.x")\n' }],
    ["a pipeline library glob over a folder with a prod notebook", { "resources/pipelines/run_bronze_data_ingestion.pipeline.yml": PIPELINE.replace("        - notebook:\n            path: ../../src/bronze/dev.py\n", "        - glob:\n            include: ../../src/transformations/**\n"), "src/transformations/a/t.sql": "CREATE OR REFRESH MATERIALIZED VIEW x AS SELECT * FROM prod.gold.customers\n" }],
    ["a notebook that %runs another that writes prod", { "src/bronze/dev.py": read("src/bronze/dev.py") + "\n# COMMAND ----------\n# MAGIC %run ./helpers/write\n", "src/bronze/helpers/write.py": "# Databricks notebook source\nspark.sql('INSERT INTO prod.gold.t SELECT 1')\n" }],
    ["USE CATALOG prod in a Jupyter notebook (escaped quotes in JSON)", { "resources/jobs/model_registration.job.yml": JOB.replace("../../src/models/register.py", "../../src/models/register.ipynb"), "src/models/register.ipynb": JSON.stringify({ cells: [{ cell_type: "code", source: ['spark.sql("USE CATALOG prod")'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }) }],
  ] as const)("rejects %s (source-catalog)", (_what, changes) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual(["[source-catalog]"]);
  });

  it.each([
    ["a notebook in the workspace, not in the repository", { "resources/jobs/model_registration.job.yml": JOB.replace("../../src/models/register.py", "/Workspace/Shared/register") }],
    ["a job that runs code from a Git repository", { "resources/jobs/model_registration.job.yml": JOB.replace("      tasks:\n", "      git_source:\n        git_url: https://github.com/some-org/code\n        git_branch: main\n      tasks:\n") }],
    ["a notebook that is not in the repository", { "src/models/register.py": null }],
    ["a notebook that runs a workspace notebook", { "src/models/register.py": read("src/models/register.py") + '\ndbutils.notebook.run("/Workspace/Shared/write_prod", 600)\n' }],
    ["a notebook that runs a notebook named by a variable", { "src/models/register.py": read("src/models/register.py") + "\ndbutils.notebook.run(next_notebook, 600)\n" }],
    ["a wheel task", { "resources/jobs/model_registration.job.yml": job("        - task_key: wheel\n          python_wheel_task:\n            package_name: pipelines\n            entry_point: main\n") }],
    ["a task that runs a job outside the bundle by ID", { "resources/jobs/model_registration.job.yml": job("        - task_key: other\n          run_job_task:\n            job_id: 123456\n") }],
    ["a path from a variable without a value", { "resources/jobs/model_registration.job.yml": JOB.replace("../../src/models/register.py", "${var.nb}"), "vars.yml": "variables:\n  nb:\n    lookup:\n      notebook: x\n", "databricks.yml": ROOT_FILE + "  - vars.yml\n" }],
  ] as const)("rejects %s (source-unreadable)", (_what, changes) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual(["[source-unreadable]"]);
  });

  it("lets a promoting target read its source's models schema, in a resource of its own", () => {
    const dir = repoFrom(TARGET_STATE, {
      "promote.yml": "targets:\n  staging:\n    resources:\n      jobs:\n        promote:\n          name: promote\n          tasks:\n            - task_key: copy\n              notebook_task:\n                notebook_path: src/promote.py\n",
      "src/promote.py": "# Databricks notebook source\nsrc = 'dev.models.churn_classifier'\n",
      "databricks.yml": ROOT_FILE + "  - promote.yml\n",
    });
    expect(check(dir)).toMatchObject({ code: 0 });
  });

  it("does not take a file name, a Python module or an f-string for a catalog", () => {
    const dir = repoFrom(TARGET_STATE, { "src/models/register.py": read("src/models/register.py") + "\nimport os.path\nx = f'{catalog}.gold.t'\nopen('dev.py')\n" });
    expect(check(dir)).toMatchObject({ code: 0 });
  });
});

describe("catalogs the check cannot resolve", () => {
  it.each([
    ["a pipeline catalog from a complex variable's field", { "resources/pipelines/run_bronze_data_ingestion.pipeline.yml": PIPELINE.replace("catalog: ${var.catalog_name}", "catalog: ${var.cfg.catalog}"), "vars.yml": "variables:\n  cfg:\n    type: complex\n    default:\n      catalog: prod\n", "databricks.yml": ROOT_FILE + "  - vars.yml\n" }],
    ["the long form ${variables.x.value} of a variable whose default is prod", { "resources/pipelines/run_bronze_data_ingestion.pipeline.yml": PIPELINE.replace("catalog: ${var.catalog_name}", "catalog: ${variables.c.value}"), "vars.yml": "variables:\n  c:\n    default: prod\n", "databricks.yml": ROOT_FILE + "  - vars.yml\n" }],
    ["the Spark session's initial catalog set to prod", { "resources/jobs/model_registration.job.yml": job("      job_clusters:\n        - job_cluster_key: c\n          new_cluster:\n            spark_conf:\n              spark.databricks.sql.initial.catalog.name: prod\n") }],
  ] as const)("rejects %s (resource-catalog)", (_what, changes) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual(["[resource-catalog]"]);
  });
});

describe("what a bundle creates", () => {
  it.each([
    ["a predeploy hook that grants with the deploy's credentials", { "databricks.yml": ROOT_FILE + "experimental:\n  scripts:\n    predeploy: databricks grants update catalog prod --json @grant.json\n" }, "[bundle-code]"],
    ["an artifact whose build runs a committed program", { "databricks.yml": ROOT_FILE + "artifacts:\n  wheel:\n    type: whl\n    build: python setup.py bdist_wheel\n" }, "[bundle-code]"],
    ["resources defined in Python", { "databricks.yml": ROOT_FILE + "python:\n  venv_path: .venv\n  resources:\n    - 'resources:load_resources'\n" }, "[bundle-code]"],
    ["a script in a target", { "t.yml": "targets:\n  prod:\n    artifacts:\n      w:\n        build: make\n", "databricks.yml": ROOT_FILE + "  - t.yml\n" }, "[bundle-code]"],
  ] as const)("rejects %s (bundle-code)", (_what, changes, rule) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual([rule]);
  });

  it.each([
    ["an external location over prod's bucket", { "resources/jobs/loc.yml": "resources:\n  external_locations:\n    prod_landing:\n      name: prod_landing\n      url: s3://ref-ml-core-prod-workspace-bucket/landing\n      credential_name: c\n" }],
    ["a catalog in every target", { "resources/jobs/cat.yml": "resources:\n  catalogs:\n    c:\n      name: ${var.catalog_name}\n" }],
    ["a resource type the CLI does not know", { "resources/jobs/x.yml": "resources:\n  grants_everywhere:\n    x: {}\n" }],
  ] as const)("rejects %s (resource-type)", (_what, changes) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual(["[resource-type]"]);
  });

  it("accepts the sandbox's own catalog, in the sandbox target", () => {
    const dir = repoFrom(TARGET_STATE, { "sandbox.yml": "targets:\n  sandbox:\n    resources:\n      catalogs:\n        mine:\n          name: ${var.catalog_name}\n", "databricks.yml": ROOT_FILE + "  - sandbox.yml\n" });
    expect(check(dir)).toMatchObject({ code: 0 });
  });
});

describe("agreeing with the Databricks CLI (v1.13.0)", () => {
  it.each([
    ["workspace.host: ${var.x} (the CLI does not resolve auth fields)", { "targets.yml": TARGETS.replace(`host: ${PROD}`, "host: ${var.prod_host}"), "h.yml": `variables:\n  prod_host:\n    default: ${PROD}\n`, "databricks.yml": ROOT_FILE + "  - h.yml\n" }, ["[target-auth]", "[target-workspace]"]],
    ["workspace.client_id of dev's principal in prod's target", { "targets.yml": TARGETS.replace(`      host: ${PROD}\n`, `      host: ${PROD}\n      client_id: ${DEV_ID}\n`) }, ["[target-auth]"]],
    ["workspace.auth_type pat in prod's target", { "targets.yml": TARGETS.replace(`      host: ${PROD}\n`, `      host: ${PROD}\n      auth_type: pat\n`) }, ["[target-auth]"]],
    ["an OIDC deploy without DATABRICKS_TOKEN_AUDIENCE", { [PROD_WF]: PROD_WORKFLOW.replace(/ {6}# The one audience[^\n]*\n {6}DATABRICKS_TOKEN_AUDIENCE:[^\n]*\n/, "") }, ["[workflow-audience]"]],
    ["an OIDC deploy with the workspace as audience", { [PROD_WF]: PROD_WORKFLOW.replace("${{ vars.DATABRICKS_ACCOUNT_ID }}", `${PROD}/oidc/v1/token`) }, ["[workflow-audience]"]],
    ["DATABRICKS_BUNDLE_ENV naming a target the model does not know", { [PROD_WF]: PROD_WORKFLOW.replace(/deploy -t prod/g, "deploy").replace(/validate -t prod/, "validate").replace("    env:\n", "    env:\n      DATABRICKS_BUNDLE_ENV: production\n") }, ["[workflow-target]"]],
    ["DATABRICKS_BUNDLE_ENV=prod with dev's host", { [PROD_WF]: PROD_WORKFLOW.replace(/deploy -t prod/g, "deploy").replace(/validate -t prod/, "validate").replace(`DATABRICKS_HOST: ${PROD}`, `DATABRICKS_HOST: ${DEV}\n      DATABRICKS_BUNDLE_ENV: prod`) }, ["[workflow-host]"]],
    ["`-t ''` falls through to DATABRICKS_BUNDLE_TARGET", { [PROD_WF]: PROD_WORKFLOW.replace(/deploy -t prod/g, "deploy -t ''").replace("    env:\n", "    env:\n      DATABRICKS_BUNDLE_TARGET: sandbox\n") }, ["[workflow-host]", "[workflow-target]"]],
    ["include [!p]*.yml, which Go reads as a class that matches prod.yml", { "databricks.yml": ROOT_FILE + "  - overrides/[!p]*.yml\n", "overrides/prod.yml": `targets:\n  prod:\n    workspace:\n      host: ${DEV}\n` }, ["[shared-workspace]", "[target-workspace]"]],
  ] as const)("rejects %s", (_what, changes, expected) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual([...expected].sort());
  });

  it("reads [^p]*.yml as Go does: a negated class, so prod.yml is not loaded", () => {
    const dir = repoFrom(TARGET_STATE, { "databricks.yml": ROOT_FILE + "  - overrides/[^p]*.yml\n", "overrides/prod.yml": `targets:\n  prod:\n    workspace:\n      host: ${DEV}\n`, "overrides/a.yml": "variables: {}\n" });
    expect(check(dir)).toMatchObject({ code: 0 });
  });

  it.each([
    ["a matched directory", { "databricks.yml": ROOT_FILE + "  - resources/*\n" }, "matches resources/jobs, which is not a .yml, .yaml or .json file"],
    ["a matched directory with a .yml name", { "databricks.yml": ROOT_FILE + "  - conf/*.yml\n", "conf/dir.yml/x.txt": "x" }, "matches conf/dir.yml, which is not a file"],
    ["a matched file that is not YAML or JSON", { "databricks.yml": ROOT_FILE + "  - resources/*/*\n", "resources/jobs/notes.txt": "x" }, "matches resources/jobs/notes.txt, which is not a .yml"],
    ["a malformed pattern", { "databricks.yml": ROOT_FILE + "  - resources/[a-/*.yml\n" }, 'is not a valid pattern'],
  ] as const)("refuses %s with exit 2, as the CLI does", (_what, changes, message) => {
    const r = check(repoFrom(TARGET_STATE, changes as Record<string, string | null>));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("ignores a committed overrides file for a variable with a lookup, as the CLI does", () => {
    const dir = repoFrom(TARGET_STATE, {
      "vars.yml": "variables:\n  warehouse:\n    lookup:\n      warehouse: shared\n",
      "databricks.yml": ROOT_FILE + "  - vars.yml\n",
      ".databricks/bundle/prod/variable-overrides.json": '{"warehouse": "from-file"}\n',
    });
    const model = parseEnvironmentModel(fs.readFileSync(MODEL, "utf8"), MODEL);
    const view = bundleView(readBundleRepository(dir), bundleFacts(desiredState(model), readApplicationIds(model, [OUTPUTS])));
    expect(view.variable("prod", "warehouse").map((c) => c.text)).toEqual([undefined]);
    // Without the lookup, the file's value beats the default.
    const plain = repoFrom(dir, { "vars.yml": "variables:\n  warehouse:\n    default: shared\n" });
    const view2 = bundleView(readBundleRepository(plain), bundleFacts(desiredState(model), readApplicationIds(model, [OUTPUTS])));
    expect(view2.variable("prod", "warehouse").map((c) => c.text)).toEqual(["from-file", "shared"]);
  });
});

describe("the audience with the account in the model", () => {
  const data = defaultModelData();
  data.account = { id: "11111111-2222-4333-8444-555555555555", profile: "ref-account" };
  const model = path.join(tempDir(), "environments.yaml");
  fs.writeFileSync(model, stringify(data));

  it("wants the model's account ID written out, and rejects a variable it cannot read", () => {
    const literal = repoFrom(TARGET_STATE, Object.fromEntries(["dev", "staging", "prod"].map((e) => [`.github/workflows/ml_pipelines_${e}_deploy.yml`, read(`.github/workflows/ml_pipelines_${e}_deploy.yml`).replace("${{ vars.DATABRICKS_ACCOUNT_ID }}", data.account.id)])));
    expect(check(literal, "--model", model)).toMatchObject({ code: 0 });
    expect([...new Set(findingKeys(check(TARGET_STATE, "--model", model)).map((k) => k.replace(/^.* \[/, "[")))]).toEqual(["[workflow-audience]"]);
  });
});

/**
 * The second pass: settings of the bundle that decide where and how it deploys (the CLI's own
 * behaviour at databricks/cli v1.13.0, cited in each rule), the deploy job's environment, and the
 * bundle commands a workflow may run. Each case is the target-state repository plus one edit.
 */
describe("second pass: how the CLI deploys, beyond the targets' host, run_as and catalog", () => {
  const prodTarget = (extra: string) => TARGETS.replace(/(root_path: \/Workspace\/Users\/9a8b[^\n]*\n)/, `$1${extra}`);
  const withVars = (vars: string, more: Record<string, string> = {}) => ({ "vars.yml": vars, "databricks.yml": ROOT_FILE + "  - vars.yml\n", ...more });
  const param = (value: string) => ({ "resources/jobs/model_registration.job.yml": JOB.replace("        - name: schema\n", `        - name: target_table\n          default: ${value}\n        - name: schema\n`) });
  it.each([
    // Settings of the bundle (bundle-setting).
    ["bundle.terraform.exec_path: a committed program the CLI runs with the deploy's credentials", { "databricks.yml": ROOT_FILE.replace("  name: ml-pipelines\n", "  name: ml-pipelines\n  terraform:\n    exec_path: ./tools/terraform\n"), "tools/terraform": "#!/bin/sh\n" }, ["[bundle-setting]"]],
    ["dev's target on its host, but with prod's workspace_id and a unified host", { "targets.yml": TARGETS.replace(`      host: ${DEV}\n      root_path`, `      host: ${DEV}\n      experimental_is_unified_host: true\n      workspace_id: "3333333333333333"\n      root_path`) }, ["[bundle-setting]"]],
    ["a variable's value written in the bundle (the CLI keeps it over every target's default)", { "targets.yml": TARGETS.replace("  catalog_name:\n    description: The Unity Catalog catalog this target's pipelines and jobs write to.\n", "  catalog_name:\n    description: The Unity Catalog catalog this target's pipelines and jobs write to.\n    value: prod\n") }, ["[bundle-setting]", "[target-catalog]"]],
    ["run-as misspelt in prod's target (the CLI ignores it: the jobs run as whoever deploys)", { "targets.yml": TARGETS.replace(/(  prod:\n    mode: production\n[\s\S]*?)    run_as:/, "$1    run-as:") }, ["[bundle-setting]", "[target-run-as]"]],
    ["bundle.git.commit set by hand", { "databricks.yml": ROOT_FILE.replace("  name: ml-pipelines\n", "  name: ml-pipelines\n  git:\n    commit: 0123456789abcdef0123456789abcdef01234567\n") }, ["[bundle-setting]"]],
    // The CLI's local state directory (local-state).
    ["a committed .databricks/bundle/prod/bin/terraform (the CLI runs it instead of downloading one)", { ".databricks/bundle/prod/bin/terraform": "#!/bin/sh\n" }, ["[local-state]"]],
    ["a committed deployment state for prod", { ".databricks/bundle/prod/terraform/terraform.tfstate": "{}" }, ["[local-state]"]],
    // Where a target's deployment lives (target-paths).
    ["prod's files in /Workspace/Shared, where anyone in the workspace edits what prod's principal runs", { "targets.yml": prodTarget("      file_path: /Workspace/Shared/ml-pipelines/prod/files\n") }, ["[target-paths]"]],
    ["prod's root_path in /Workspace/Shared", { "targets.yml": TARGETS.replace(/root_path: \/Workspace\/Users\/9a8b[^\n]*\n/, "root_path: /Workspace/Shared/ml-pipelines/prod\n") }, ["[target-paths]"]],
    ["prod's root_path in dev's principal's home", { "targets.yml": TARGETS.replace(/root_path: \/Workspace\/Users\/9a8b7c6d-5e4f-4a3b-9c2d-333333333333/, `root_path: /Workspace/Users/${DEV_ID}`) }, ["[target-paths]"]],
    ["prod's root_path leaving its home by `..`", { "targets.yml": TARGETS.replace(/root_path: \/Workspace\/Users\/9a8b7c6d-5e4f-4a3b-9c2d-333333333333/, `root_path: /Workspace/Users/${PROD_ID}/../../Shared`) }, ["[target-paths]"]],
    ["prod's state in /Users/... of another user (the CLI adds /Workspace)", { "targets.yml": prodTarget("      state_path: /Users/mallory@refresh-os.example/state\n") }, ["[target-paths]"]],
    ["prod's artifacts in a volume of dev's catalog", { "targets.yml": prodTarget("      artifact_path: /Volumes/dev/bronze/artifacts\n") }, ["[target-paths]"]],
    ["prod's file_path from a variable that names /Workspace/Shared", { "targets.yml": prodTarget("      file_path: ${var.fp}\n"), ...withVars("variables:\n  fp:\n    default: /Workspace/Shared/x\n") }, ["[target-paths]"]],
    // The sandbox runs as the developer (target-run-as).
    ["the sandbox running as prod's principal", { "sb.yml": `targets:\n  sandbox:\n    run_as:\n      service_principal_name: ${PROD_ID}\n`, "databricks.yml": ROOT_FILE + "  - sb.yml\n" }, ["[target-run-as]"]],
    ["a top-level run_as of prod's principal, which the sandbox inherits", { "databricks.yml": ROOT_FILE + `run_as:\n  service_principal_name: ${PROD_ID}\n` }, ["[target-run-as]"]],
    // Values the check could not resolve (resource-catalog).
    ["${bundle.name}.gold.t with the bundle named prod", { "databricks.yml": ROOT_FILE.replace("name: ml-pipelines", "name: prod"), ...param("${bundle.name}.gold.customers") }, ["[resource-catalog]"]],
    ["${bundle.git.branch}.gold.t (the branch is any name)", param("${bundle.git.branch}.gold.customers"), ["[resource-catalog]"]],
    ["${resources.jobs.x.name}.gold.t with a job named prod", { "resources/jobs/named.yml": "resources:\n  jobs:\n    named:\n      name: prod\n", ...param("${resources.jobs.named.name}.gold.customers") }, ["[resource-catalog]"]],
    ["a mapping of the configuration put whole into a value (${bundle.git})", { "databricks.yml": ROOT_FILE.replace("  name: ml-pipelines\n", "  name: ml-pipelines\n  git:\n    branch: main\n"), ...param("${bundle.git}") }, ["[resource-catalog]"]],
    ["a complex variable's field in a parameter", { ...withVars("variables:\n  cfg:\n    type: complex\n    default:\n      c: prod\n"), ...param("${var.cfg.c}.gold.customers") }, ["[resource-catalog]"]],
    ["a complex list variable's item in a parameter", { ...withVars("variables:\n  cats:\n    type: complex\n    default: [prod]\n"), ...param("${var.cats[0]}.gold.customers") }, ["[resource-catalog]"]],
    ["a whole cluster from a complex variable whose Spark conf starts in prod", { ...withVars("variables:\n  cl:\n    type: complex\n    default:\n      spark_version: 15.4.x-scala2.12\n      spark_conf:\n        spark.databricks.sql.initial.catalog.name: prod\n"), "resources/jobs/model_registration.job.yml": JOB + "      job_clusters:\n        - job_cluster_key: c\n          new_cluster: ${var.cl}\n" }, ["[resource-catalog]"]],
    ["a pipeline configuration from a complex variable that dev's target sets (shorthand) to prod's table", { ...withVars("variables:\n  conf:\n    type: complex\n    default:\n      source_table: ${var.catalog_name}.bronze.x\ntargets:\n  dev:\n    variables:\n      conf:\n        source_table: prod.bronze.x\n"), "resources/pipelines/run_bronze_data_ingestion.pipeline.yml": PIPELINE.replace(/      configuration:\n[\s\S]*$/, "      configuration: ${var.conf}\n") }, ["[resource-catalog]"]],
    // YAML as the CLI reads it.
    ["a merge of two anchors, where the CLI takes the later (dev's host) and the spec the earlier", { "targets.yml": TARGETS.replace("variables:\n  catalog_name:", `variables:\n  hold:\n    type: complex\n    default:\n      a: &pw {host: ${PROD}}\n      b: &dw {host: ${DEV}}\n  catalog_name:`).replace(`      host: ${PROD}\n`, "      <<: [*pw, *dw]\n") }, ["[shared-workspace]", "[target-workspace]"]],
    // The deploy job's environment (workflow-env).
    ["TF_CLI_CONFIG_FILE in the deploy job (terraform then takes a provider of the repository's)", { [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", "    env:\n      TF_CLI_CONFIG_FILE: ${{ github.workspace }}/.terraformrc\n"), ".terraformrc": 'provider_installation {\n  dev_overrides { "databricks/databricks" = "./bin" }\n}\n' }, ["[workflow-env]"]],
    ["DATABRICKS_TF_EXEC_PATH in the deploy job", { [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", "    env:\n      DATABRICKS_TF_EXEC_PATH: ./tools/terraform\n") }, ["[workflow-env]"]],
    ["HOME pointed into the repository for the deploy step (.terraformrc, .databrickscfg)", { [PROD_WF]: PROD_WORKFLOW.replace("      - name: Deploy\n", "      - name: Deploy\n        env:\n          HOME: ${{ github.workspace }}/home\n") }, ["[workflow-env]"]],
    ["a proxy and a CA of the repository's: the token goes through someone else's server", { [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", "    env:\n      HTTPS_PROXY: http://proxy.example:8080\n      SSL_CERT_FILE: ca.pem\n") }, ["[workflow-env]"]],
    ["prod's workspace ID in dev's deploy job", { [DEV_WF]: DEV_WORKFLOW.replace("    env:\n", '    env:\n      DATABRICKS_WORKSPACE_ID: "3333333333333333"\n') }, ["[workflow-env]"]],
    ["DATABRICKS_BUNDLE_TMP: the CLI's local state from a committed folder", { [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", "    env:\n      DATABRICKS_BUNDLE_TMP: tools/state\n"), "tools/state/prod/bin/terraform": "#!/bin/sh\n" }, ["[workflow-env]"]],
    ["the OIDC token's request URL pointed elsewhere", { [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", "    env:\n      ACTIONS_ID_TOKEN_REQUEST_URL: https://token.example/\n") }, ["[workflow-env]"]],
    ["export TF_CLI_CONFIG_FILE in the deploy script", { [PROD_WF]: prodSteps("      - run: |\n          export TF_CLI_CONFIG_FILE=$PWD/.tfrc\n          databricks bundle deploy -t prod\n") }, ["[workflow-env]"]],
    ["env TF_CLI_CONFIG_FILE=... databricks bundle deploy", { [PROD_WF]: prodSteps("      - run: env TF_CLI_CONFIG_FILE=./x.tfrc databricks bundle deploy -t prod\n") }, ["[workflow-env]"]],
    ["HOME written to $GITHUB_ENV for the later steps", { [PROD_WF]: prodSteps('      - run: echo "HOME=$GITHUB_WORKSPACE" >> $GITHUB_ENV\n      - run: databricks bundle deploy -t prod\n') }, ["[workflow-env]"]],
    ["set -a, then a sourced script that sets TF_CLI_CONFIG_FILE", { [PROD_WF]: prodSteps("      - run: |\n          set -a\n          source ./vars.sh\n          databricks bundle deploy -t prod\n"), "vars.sh": "TF_CLI_CONFIG_FILE=./x\n" }, ["[workflow-env]"]],
    // What a deploy job runs (workflow-unreadable).
    ["a shell: that sources a script before the step's", { [PROD_WF]: PROD_WORKFLOW.replace("      - name: Deploy\n", '      - name: Deploy\n        shell: bash -c "source ./evil.sh; bash {0}"\n'), "evil.sh": "echo\n" }, ["[workflow-unreadable]"]],
    ["a default shell that reads a login profile (bash -l)", { [PROD_WF]: PROD_WORKFLOW.replace("    steps:\n", "    defaults:\n      run:\n        shell: bash -l {0}\n    steps:\n") }, ["[workflow-unreadable]"]],
    ["env PATH=./bin databricks ...", { [PROD_WF]: prodSteps("      - run: env PATH=./bin:/usr/bin databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["printf -v PATH", { [PROD_WF]: prodSteps("      - run: |\n          printf -v PATH '%s' ./bin\n          databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["read PATH from a file", { [PROD_WF]: prodSteps("      - run: |\n          read -r PATH < p.txt\n          databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["a here-document into $GITHUB_ENV (its body is not read)", { [PROD_WF]: prodSteps("      - run: |\n          cat <<EOF >> $GITHUB_ENV\n          PATH=./bin\n          EOF\n      - run: databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["a committed file copied into $GITHUB_ENV", { [PROD_WF]: prodSteps("      - run: cat env.txt >> $GITHUB_ENV\n      - run: databricks bundle deploy -t prod\n"), "env.txt": "TF_CLI_CONFIG_FILE=x\n" }, ["[workflow-unreadable]"]],
    // Bundle commands the check does not read whole (workflow-command).
    ["bundle run -- CMD: a program of the repository's with prod's credentials", { [PROD_WF]: prodSteps("      - run: databricks bundle run -t prod -- python evil.py\n") }, ["[workflow-command]"]],
    ["bundle deploy --plan FILE: a committed plan instead of the configuration", { [PROD_WF]: PROD_WORKFLOW.replace("databricks bundle deploy -t prod", "databricks bundle deploy -t prod --plan plan.json"), "plan.json": "{}" }, ["[workflow-command]"]],
    ["bundle run with parameters that override the catalog", { [DEV_WF]: DEV_WORKFLOW.replace("databricks bundle deploy -t dev", "databricks bundle deploy -t dev\n          databricks bundle run -t dev model_registration --params catalog=prod") }, ["[workflow-command]"]],
    ["bundle run with a job's arguments after --", { [PROD_WF]: prodSteps("      - run: databricks bundle run -t prod model_registration -- --catalog dev\n") }, ["[workflow-command]"]],
    ["bundle deployment bind of an existing schema", { [PROD_WF]: prodSteps("      - run: databricks bundle deployment bind -t prod scratch prod.gold --auto-approve\n") }, ["[workflow-command]"]],
    ["bundle destroy", { [PROD_WF]: prodSteps("      - run: databricks bundle destroy -t prod --auto-approve\n") }, ["[workflow-command]"]],
    ["bundle generate, then deploy", { [PROD_WF]: prodSteps("      - run: databricks bundle generate job --existing-job-id 1 -t prod\n      - run: databricks bundle deploy -t prod\n") }, ["[workflow-command]"]],
    ["bundle sync to the workspace", { [PROD_WF]: prodSteps("      - run: databricks bundle sync -t prod\n") }, ["[workflow-command]"]],
    ["--log-file into the repository before the deploy", { [PROD_WF]: PROD_WORKFLOW.replace("databricks bundle validate -t prod", "databricks bundle validate -t prod --log-file resources/jobs/zz.yml") }, ["[workflow-command]"]],
  ] as const)("rejects %s", (_what, changes, expected) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual([...expected].sort());
  });

  it("accepts what a careful bundle does: a job's own variable, lookups, complex values without catalogs, paths in the principal's home, the developer's run_as, a run of a resource, the CLI's .gitignore", () => {
    const dir = repoFrom(TARGET_STATE, {
      [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", "    env:\n      TARGET: prod\n").replace("databricks bundle deploy -t prod", 'databricks bundle deploy -t "$TARGET"\n          databricks bundle run -t prod model_registration --no-wait').replace("      - name: Deploy\n", "      - name: Deploy\n        shell: bash --noprofile --norc -euo pipefail {0}\n"),
      "resources/jobs/v.yml": "resources:\n  schemas:\n    s:\n      name: landing\n      catalog_name: ${var.catalog_name}\n  volumes:\n    v:\n      name: files\n      catalog_name: ${var.catalog_name}\n      schema_name: ${resources.schemas.s.name}\n",
      "resources/jobs/model_registration.job.yml": JOB + "        - task_key: q\n          sql_task:\n            warehouse_id: ${var.wh}\n            query:\n              query_id: ${resources.queries.x.id}\n      job_clusters:\n        - job_cluster_key: c\n          new_cluster: ${var.cl}\n",
      "vars.yml": "variables:\n  wh:\n    lookup:\n      warehouse: shared\n  cl:\n    type: complex\n    default:\n      spark_version: 15.4.x-scala2.12\n      num_workers: 1\ntargets:\n  sandbox:\n    run_as:\n      user_name: ${workspace.current_user.userName}\n",
      "databricks.yml": ROOT_FILE + "  - vars.yml\n",
      "targets.yml": prodTarget("      artifact_path: /Volumes/${var.catalog_name}/bronze/artifacts\n      file_path: ${workspace.root_path}/files\n").replace(/root_path: \/Workspace\/Users\/0d3c[^\n]*\n/, "root_path: ~/.bundle/${bundle.name}/${bundle.target}\n"),
      ".databricks/.gitignore": "*\n",
    });
    expect(check(dir).stdout).toMatch(/^bundle:check: passed/);
  });

  it("rejects a databricks.yml that is a link out of the repository (exit 2)", () => {
    const dir = repoFrom(TARGET_STATE);
    const outside = path.join(tempDir(), "databricks.yml");
    fs.writeFileSync(outside, ROOT_FILE);
    fs.rmSync(path.join(dir, "databricks.yml"));
    fs.symlinkSync(outside, path.join(dir, "databricks.yml"));
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`databricks.yml: is a link to ${fs.realpathSync(outside)}, outside the repository`);
  });

  it("rejects a .databricks that is a link to a folder of the repository (local-state)", () => {
    const dir = repoFrom(TARGET_STATE, { "tools/state/bundle/prod/bin/terraform": "#!/bin/sh\n" });
    fs.symlinkSync("tools/state", path.join(dir, ".databricks"));
    const r = check(dir);
    expect(findingKeys(r)).toEqual([".databricks:1 [local-state]"]);
    expect(r.stdout).toContain(".databricks is a link (to tools/state) in the CLI's local state directory");
  });

  it("rejects a merge key whose value is a mapping written in place, as the CLI does (exit 2)", () => {
    const r = check(repoFrom(TARGET_STATE, { "targets.yml": TARGETS.replace("  prod:\n    mode: production\n", `  prod:\n    <<: {workspace: {host: ${DEV}}}\n    mode: production\n`) }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a merge key (<<) takes an alias (*name) or a list of them; the CLI refuses a mapping written in place");
  });

  it("names what it refuses and why", () => {
    const r = check(repoFrom(TARGET_STATE, { [PROD_WF]: PROD_WORKFLOW.replace("    env:\n", "    env:\n      TF_CLI_CONFIG_FILE: x.tfrc\n      UNUSED: x\n").replace("databricks bundle deploy -t prod", "databricks bundle deploy -t prod --plan p.json"), "targets.yml": prodTarget("      file_path: /Workspace/Shared/x\n") }));
    expect(r.stdout).toContain(`[workflow-env] job "deploy" holds Databricks credentials and sets TF_CLI_CONFIG_FILE, which the programs it runs (the Databricks CLI, terraform, the provider, the shell, GitHub's runner) read themselves (got "x.tfrc")`);
    expect(r.stdout).toContain(`[workflow-env] job "deploy" holds Databricks credentials and sets UNUSED, which no command the check reads uses: only a program it runs could read it (got "x")`);
    expect(r.stdout).toContain("[workflow-command] job \"deploy\" runs `bundle deploy` with --plan, a flag the check does not read (it applies a plan file instead of the configuration)");
    expect(r.stdout).toContain("[target-paths] target prod's workspace.file_path is outside the environment principal's home: whoever can write there changes what the target deploys and runs (got \"/Workspace/Shared/x\")");
  });
});

/** Attempts of the second pass the check already stopped, kept so they stay stopped. */
describe("second pass: caught before", () => {
  const add = (file: string, text: string) => ({ [file]: text, "databricks.yml": ROOT_FILE + `  - ${file}\n` });
  it.each([
    ["a JSON bundle file that puts prod on dev's workspace", add("over.json", JSON.stringify({ targets: { prod: { workspace: { host: DEV } } } })), ["[shared-workspace]", "[target-workspace]"]],
    ["a host tagged !!str", { "targets.yml": TARGETS.replace(`host: ${PROD}`, `host: !!str ${DEV}`) }, ["[shared-workspace]", "[target-workspace]"]],
    ["a catalog behind a custom tag", { "targets.yml": TARGETS.replace("catalog_name: prod", "catalog_name: !Sub dev") }, ["[target-catalog]"]],
    ["an include written ./x/../over.yml", { "databricks.yml": ROOT_FILE + "  - ./x/../over.yml\n", "over.yml": `targets:\n  prod:\n    workspace:\n      host: ${DEV}\n` }, ["[shared-workspace]", "[target-workspace]"]],
    ["a target named Prod beside prod", add("a.yml", `targets:\n  Prod:\n    workspace:\n      host: ${PROD}\n`), ["[shared-workspace]", "[target-unknown]"]],
    ["a dashboard's dataset_catalog prod", { "resources/jobs/d.yml": "resources:\n  dashboards:\n    d:\n      display_name: d\n      warehouse_id: w\n      dataset_catalog: prod\n" }, ["[resource-catalog]"]],
    ["a quality monitor on prod's table", { "resources/jobs/q.yml": "resources:\n  quality_monitors:\n    q:\n      table_name: prod.gold.customers\n      assets_dir: /Workspace/Shared/q\n      output_schema_name: ${var.catalog_name}.gold\n" }, ["[resource-catalog]"]],
    ["an app with write access to prod's volume", { "resources/jobs/a.yml": "resources:\n  apps:\n    a:\n      name: a\n      source_code_path: ../../src/models\n      resources:\n        - name: vol\n          uc_securable:\n            securable_full_name: prod.gold.landing\n            securable_type: VOLUME\n            permission: WRITE_VOLUME\n" }, ["[resource-catalog]"]],
    ["a registered model whose catalog variable defaults to prod", { "resources/jobs/m.yml": "resources:\n  registered_models:\n    m:\n      name: churn\n      catalog_name: ${var.mc}\n      schema_name: models\n", ...add("vars.yml", "variables:\n  mc:\n    default: prod\n") }, ["[resource-catalog]"]],
    ["a volume whose catalog variable is prod in dev's target only", { "resources/jobs/v.yml": "resources:\n  volumes:\n    v:\n      name: v\n      schema_name: bronze\n      catalog_name: ${var.vc}\n", ...add("vars.yml", "variables:\n  vc:\n    default: dev\ntargets:\n  dev:\n    variables:\n      vc: prod\n") }, ["[resource-catalog]"]],
    ["a schema whose catalog is another resource's name", { "resources/jobs/s.yml": "resources:\n  jobs:\n    named:\n      name: prod\n  schemas:\n    s:\n      name: scratch\n      catalog_name: ${resources.jobs.named.name}\n" }, ["[resource-catalog]"]],
    ["BUNDLE_VAR_catalog_name at the workflow's level", { [PROD_WF]: "env:\n  BUNDLE_VAR_catalog_name: dev\n" + PROD_WORKFLOW }, ["[variable-override]"]],
    ["--profile before the sub-command", { [PROD_WF]: PROD_WORKFLOW.replace("databricks bundle deploy -t prod", "databricks --profile=ref-dev bundle deploy -t prod") }, ["[workflow-host]"]],
    ["-t dev before the sub-command, in prod's job", { [PROD_WF]: PROD_WORKFLOW.replace("databricks bundle deploy -t prod", "databricks -t dev bundle deploy") }, ["[workflow-host]"]],
    ["the last of two targets (-t dev after --target=prod)", { [PROD_WF]: PROD_WORKFLOW.replace("databricks bundle deploy -t prod", "databricks bundle deploy --target=prod -tdev") }, ["[workflow-host]"]],
    ["a host from a repository variable", { [PROD_WF]: PROD_WORKFLOW.replace(`DATABRICKS_HOST: ${PROD}`, "DATABRICKS_HOST: ${{ vars.DATABRICKS_HOST }}") }, ["[workflow-host]"]],
    ["a target from a matrix", { [PROD_WF]: PROD_WORKFLOW.replace("    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        t: [prod]\n").replace(/deploy -t prod/, "deploy -t ${{ matrix.t }}") }, ["[workflow-target]"]],
    ["databricks workspace import", { [PROD_WF]: prodSteps("      - run: databricks workspace import /Shared/x --file x.py\n") }, ["[workflow-command]"]],
    ["databricks fs cp", { [PROD_WF]: prodSteps("      - run: databricks fs cp x dbfs:/x\n") }, ["[workflow-command]"]],
    ["the deploy's token written to a file", { [PROD_WF]: prodSteps("      - run: databricks auth token > tok.txt\n") }, ["[workflow-unreadable]"]],
    ["xargs databricks", { [PROD_WF]: prodSteps("      - run: echo deploy | xargs databricks bundle\n") }, ["[workflow-unreadable]"]],
    ["a program from a variable", { [PROD_WF]: prodSteps("      - run: $DB bundle deploy -t prod\n        env:\n          DB: ./evil\n") }, ["[workflow-unreadable]"]],
    ["an alias for databricks", { [PROD_WF]: prodSteps("      - run: |\n          shopt -s expand_aliases\n          alias databricks=./evil\n          databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["hash -p databricks", { [PROD_WF]: prodSteps("      - run: |\n          hash -p ./evil databricks\n          databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["a trap that runs a program", { [PROD_WF]: prodSteps("      - run: |\n          trap './evil' EXIT\n          databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["tee into a bundle file", { [PROD_WF]: prodSteps("      - run: jq . a.json | tee targets.yml\n      - run: databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
    ["dev's run_as from a lookup of prod's principal", { ...add("vars.yml", "variables:\n  sp:\n    lookup:\n      service_principal: ml-pipelines-prod-service-principal\n"), "targets.yml": TARGETS.replace(`service_principal_name: ${DEV_ID}`, "service_principal_name: ${var.sp}") }, ["[target-run-as]"]],
    ["bundle permissions CAN_MANAGE for a principal from a lookup", { "vars.yml": "variables:\n  sp:\n    lookup:\n      service_principal: ml-pipelines-dev-service-principal\n", "databricks.yml": ROOT_FILE + "  - vars.yml\npermissions:\n  - level: CAN_MANAGE\n    service_principal_name: ${var.sp}\n" }, ["[resource-permissions]"]],
    ["prod running as whoever deploys (${workspace.current_user.userName})", { "targets.yml": TARGETS.replace(`service_principal_name: ${PROD_ID}`, "user_name: ${workspace.current_user.userName}") }, ["[target-run-as]"]],
    ["bundle.yml as the root file, prod on dev's workspace", { "databricks.yml": null, "bundle.yml": ROOT_FILE, "targets.yml": TARGETS.replace(`host: ${PROD}`, `host: ${DEV}`) }, ["[shared-workspace]", "[target-workspace]"]],
    ["git -c core.fsmonitor", { [PROD_WF]: prodSteps("      - run: git -c core.fsmonitor=./evil status\n      - run: databricks bundle deploy -t prod\n") }, ["[workflow-unreadable]"]],
  ] as const)("rejects %s", (_what, changes, expected) => {
    expect(rulesOf(changes as Record<string, string | null>)).toEqual([...expected].sort());
  });

  it("rejects a notebook that is a link out of the repository (source-unreadable)", () => {
    const dir = repoFrom(TARGET_STATE);
    const outside = path.join(tempDir(), "evil.py");
    fs.writeFileSync(outside, "spark.sql('INSERT INTO prod.gold.t SELECT 1')\n");
    fs.rmSync(path.join(dir, "src/models/register.py"));
    fs.symlinkSync(outside, path.join(dir, "src/models/register.py"));
    expect(findingKeys(check(dir))).toEqual(["resources/jobs/model_registration.job.yml:13 [source-unreadable]"]);
  });
});
