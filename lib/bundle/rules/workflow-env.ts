import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { PROGRAM_VARIABLES } from "../workflow-script";

/**
 * The Databricks variables other rules judge (workflow-host, workflow-auth, workflow-audience,
 * workflow-target, variable-override), or refuse (the long-lived credentials, the profile and
 * config file): set in a deploy job, they are those rules' findings.
 */
const JUDGED = new Set([
  "DATABRICKS_HOST", "DATABRICKS_AUTH_TYPE", "DATABRICKS_CLIENT_ID", "DATABRICKS_TOKEN_AUDIENCE", "DATABRICKS_BUNDLE_TARGET", "DATABRICKS_BUNDLE_ENV",
  "DATABRICKS_BUNDLE_ROOT", "BUNDLE_ROOT", "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET", "DATABRICKS_PASSWORD", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CONFIG_FILE",
]);

/**
 * Names the programs a deploy job runs read from their environment, whether or not a command
 * names them: the Databricks CLI and SDK (DATABRICKS_*, e.g. DATABRICKS_TF_EXEC_PATH, the
 * terraform it runs: databricks/cli v1.13.0 bundle/deploy/terraform/init.go; DATABRICKS_BUNDLE_TMP,
 * its local state), terraform (TF_*, e.g. TF_CLI_CONFIG_FILE, which the CLI passes on: a provider
 * of the repository's), Go's HTTP client (HTTPS_PROXY, SSL_CERT_FILE: where the token goes),
 * GitHub's runner (GITHUB_*, ACTIONS_*: e.g. where the OIDC token is requested), the shell (HOME,
 * IFS, ...), git, and the clouds' SDKs.
 */
const READ_BY_PROGRAMS =
  /^(?:DATABRICKS_|BUNDLE_|TF_|TERRAFORM_|GIT_|GITHUB_|ACTIONS_|RUNNER_|XDG_|SSL_|AWS_|AZURE_|ARM_|GOOGLE_|CLOUDSDK_|SYSTEM_|LD_|DYLD_|NODE_|NPM_|PYTHON|PIP_|UV_|CURL_|USE_SDK_V2_)|^(?:HOME|TMPDIR|TMP|TEMP|SHELL|USER|LOGNAME|IFS|CDPATH|SHELLOPTS|BASHOPTS|GLOBIGNORE|PS4|PROMPT_COMMAND|REQUESTS_CA_BUNDLE|GODEBUG|GOFLAGS)$|PROXY$/i;

/**
 * Default deny over a deploy job's environment: a job that can reach Databricks credentials sets
 * only variables whose effect the check reads. The Databricks ones other rules judge;
 * `BUNDLE_VAR_*` (variable-override judges the ones a judged value uses); and variables the job's
 * own commands expand (`target=prod`, `-t "$target"`: the check reads the value where it is used),
 * unless the programs the job runs read that name themselves. Anything else could change what
 * those programs run or where they connect without any command the check reads naming it:
 * TF_CLI_CONFIG_FILE or DATABRICKS_TF_EXEC_PATH (a provider or terraform of the repository's,
 * run with the deploy's token), HOME (the CLI's and terraform's configuration files),
 * HTTPS_PROXY (where the token goes), DATABRICKS_WORKSPACE_ID (another workspace).
 */
export const workflowEnv: Rule = {
  id: "workflow-env",
  description:
    "A workflow job that can reach Databricks credentials sets an environment variable whose effect the check does not read: one no command of the job uses, or one the programs it runs read themselves (TF_CLI_CONFIG_FILE, DATABRICKS_TF_EXEC_PATH, HOME, HTTPS_PROXY, DATABRICKS_WORKSPACE_ID, ...).",
  fix: "remove the variable from the deploy job; set only DATABRICKS_HOST, DATABRICKS_AUTH_TYPE, DATABRICKS_CLIENT_ID and DATABRICKS_TOKEN_AUDIENCE there",
  check: ({ jobs }) => {
    const out: Finding[] = [];
    for (const job of jobs) {
      if (job.credentials.length === 0) continue;
      const seen = new Set<string>();
      for (const e of job.env) {
        const key = `${e.file}\0${e.line}\0${e.name}`;
        if (seen.has(key) || JUDGED.has(e.name) || /^BUNDLE_VAR_/.test(e.name) || PROGRAM_VARIABLES.has(e.name)) continue;
        seen.add(key);
        if (READ_BY_PROGRAMS.test(e.name)) {
          out.push(finding(workflowEnv, e, `job "${job.name}" holds Databricks credentials and sets ${e.name}, which the programs it runs (the Databricks CLI, terraform, the provider, the shell, GitHub's runner) read themselves`, workflowEnv.fix, e.value));
        } else if (!job.referenced.has(e.name)) {
          out.push(finding(workflowEnv, e, `job "${job.name}" holds Databricks credentials and sets ${e.name}, which no command the check reads uses: only a program it runs could read it`, workflowEnv.fix, e.value));
        }
      }
    }
    return out;
  },
};
