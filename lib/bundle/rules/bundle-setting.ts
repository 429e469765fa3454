import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { entriesOf, textOf, type Node } from "../yaml-tree";

/**
 * A mapping of known settings: each key is judged by another rule (`true`), a mapping of its own
 * (`Settings`), a map whose every entry has the same settings (`Each`), or refused with the
 * reason (a string).
 */
type Setting = true | string | Settings | Each;
interface Settings {
  readonly [key: string]: Setting;
}
class Each {
  constructor(readonly settings: Settings) {}
}

/** Set by the CLI while it loads (`bundle:"readonly"` in its source), never by the bundle: the CLI does not refuse them, it uses them. */
const READONLY = (what: string) => `is set by the CLI (${what}); written in the bundle, the CLI uses it as written`;
/** Workspace fields that pick or sign in to a workspace by other means than the host the check pins. */
const OTHER_WORKSPACE = "picks or signs in to a workspace by other means than workspace.host, which the check does not verify";

const GIT: Settings = {
  branch: true,
  origin_url: true,
  commit: READONLY("the deployed commit"),
  actual_branch: READONLY("the checked-out branch"),
  bundle_root_path: READONLY("the bundle's place in the repository"),
};

// databricks/cli v1.13.0 bundle/config/bundle.go, deployment.go, lock.go.
const BUNDLE: Settings = {
  name: true,
  git: GIT,
  compute_id: true,
  cluster_id: true,
  deployment: { fail_on_active_runs: true, lock: { enabled: true, force: true } },
  databricks_cli_version: true,
  uuid: true,
  engine: true,
  terraform: "names the terraform the CLI runs with the deploy's credentials (exec_path: a program of the repository's)",
  target: READONLY("the selected target"),
  environment: READONLY("the selected target"),
  force: READONLY("--force"),
  mode: READONLY("the target's mode"),
};

// bundle/config/workspace.go: the host, profile and sign-in the check verifies (target-workspace,
// target-auth), the paths (target-paths); every other field selects a workspace or an identity.
const WORKSPACE: Settings = {
  host: true,
  profile: true,
  auth_type: true,
  client_id: true,
  root_path: true,
  file_path: true,
  artifact_path: true,
  state_path: true,
  resource_path: true,
  ...Object.fromEntries(
    [
      "metadata_service_url", "google_service_account", "azure_workspace_resource_id", "azure_use_msi", "azure_client_id", "azure_tenant_id", "azure_environment",
      "azure_login_app_id", "experimental_is_unified_host", "account_id", "workspace_id",
    ].map((k) => [k, OTHER_WORKSPACE]),
  ),
  current_user: READONLY("the identity that deploys"),
};

// bundle/config/presets.go.
const PRESETS: Settings = {
  name_prefix: true,
  pipelines_development: true,
  trigger_pause_status: true,
  jobs_max_concurrent_runs: true,
  source_linked_deployment: true,
  artifacts_dynamic_version: true,
  tags: true,
};

// bundle/config/sync.go: which files are uploaded; the code resources run is read from the repository.
const SYNC: Settings = { paths: true, include: true, exclude: true };

// bundle/config/experimental.go: scripts, python and pydabs are bundle-code's.
const EXPERIMENTAL: Settings = {
  scripts: true,
  python: true,
  pydabs: true,
  immutable_folder: true,
  python_wheel_wrapper: true,
  use_legacy_run_as: true,
  skip_artifact_cleanup: true,
  skip_name_prefix_for_schema: true,
  record_deployment_history: true,
};

// bundle/config/variable/variable.go: `value` is what --var, BUNDLE_VAR_*, the overrides file or
// the default set (set_variables.go skips a variable that already has one).
const VARIABLE: Settings = {
  description: true,
  default: true,
  lookup: true,
  type: true,
  value: READONLY("the variable's resolved value: it beats --var, BUNDLE_VAR_*, the overrides file and every target's default"),
};

// bundle/config/target.go. A target's variables are values (shorthand or {default|lookup}),
// judged where they are used; resources, artifacts, run_as and permissions by their rules.
const TARGET: Settings = {
  default: true,
  mode: true,
  presets: PRESETS,
  compute_id: true,
  cluster_id: true,
  bundle: BUNDLE,
  workspace: WORKSPACE,
  artifacts: true,
  resources: true,
  variables: true,
  git: GIT,
  run_as: true,
  sync: SYNC,
  permissions: true,
};

// bundle/config/root.go.
export const BUNDLE_SETTINGS: Settings = {
  bundle: BUNDLE,
  include: true,
  variables: new Each(VARIABLE),
  workspace: WORKSPACE,
  artifacts: true,
  resources: true,
  targets: new Each(TARGET),
  environments: new Each(TARGET),
  sync: SYNC,
  run_as: true,
  presets: PRESETS,
  experimental: EXPERIMENTAL,
  permissions: true,
  scripts: true,
  python: true,
};

/**
 * Default deny over the bundle's settings (everything but the resources, whose types and values
 * other rules judge): each key is one of databricks/cli v1.13.0's (bundle/config/root.go,
 * target.go, bundle.go, workspace.go, presets.go, sync.go, experimental.go, variable.go) that
 * the check knows; a key it does not know is one whose effect nobody here judged (the CLI only
 * warns about an unknown key and ignores it: a misspelt `run-as` leaves the target without one).
 * Some known keys are refused: `bundle.terraform` runs a program of the repository's with the
 * deploy's credentials (`exec_path`, bundle/deploy/terraform/init.go findExecPath), workspace
 * fields that select a workspace or an identity by other means than the pinned host
 * (`workspace_id`, `experimental_is_unified_host`, `azure_*`, ...), and what the CLI sets itself
 * but uses when written (a variable's `value` beats every target's default).
 */
export const bundleSetting: Rule = {
  id: "bundle-setting",
  description:
    "A bundle setting the check does not know (a misspelt key the CLI ignores), or one it refuses: `bundle.terraform` (a program run with the deploy's credentials), a workspace field that picks the workspace or identity by other means than the host (`workspace_id`, `experimental_is_unified_host`, `azure_*`, ...), or a field the CLI sets itself (a variable's `value`, `bundle.mode`, `bundle.git.commit`, ...).",
  fix: "remove the setting (the generated targets need none of them)",
  check: ({ view }) => {
    const out: Finding[] = [];
    const walk = (node: Node | undefined, settings: Settings, at: string) => {
      if (!node || node.kind !== "map") return;
      for (const [key, value] of node.entries) {
        const here = at ? `${at}.${key}` : key;
        const setting = settings[key];
        if (setting === undefined) {
          out.push(finding(bundleSetting, value, `${here} is not a setting the check knows (the Databricks CLI v1.13.0 ignores an unknown key with a warning), so nothing here judged what it does`, "remove it, or correct its name", key));
        } else if (typeof setting === "string") {
          out.push(finding(bundleSetting, value, `${here} ${setting}`, bundleSetting.fix, textOf(value) ?? value.kind));
        } else if (setting instanceof Each) {
          for (const [name, entry] of entriesOf(value)) walk(entry, setting.settings, `${here}.${name}`);
        } else if (setting !== true) walk(value, setting, here);
      }
    };
    for (const file of view.repo.bundleFiles) walk(file.root, BUNDLE_SETTINGS, "");
    return out;
  },
};
