/**
 * A word from the project before Terraform's own error, when the cdktf CLI runs synth (`cdktf diff`
 * or `deploy` runs `terraform init` next) on a machine that cannot reach the Terraform registry:
 * init would fail to download the Databricks provider with a raw "could not connect to
 * registry.terraform.io", which says nothing about what to do instead
 * (docs/deploying.md#without-registry-access).
 *
 * It warns only when it knows: terraform has no configuration of its own for installing providers
 * (a CLI configuration file that exists, which `rehearse --env` writes for the stand-in; a plugin
 * cache or an implied local mirror holding the provider), no proxy is set (through which the registry may be reachable all the same), and the
 * registry's name does not resolve. A name that resolves says nothing more is checked: the warning
 * is a hint, never a verdict.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REGISTRY_HOST = "registry.terraform.io";

/** Whether `host` resolves, asked in a child process (synth is synchronous), within 5 seconds. */
export function resolvesNow(host: string): boolean {
  const r = spawnSync(process.execPath, ["-e", "require('dns').lookup(process.argv[1], (e) => process.exit(e ? 1 : 0))", host], { timeout: 5000, stdio: "ignore" });
  return r.status === 0;
}

/** Terraform's own provider-installation settings (a CLI configuration file that exists, a plugin cache or an implied local mirror holding the provider), or a proxy. */
function terraformConfigured(env: NodeJS.ProcessEnv, home: string, version: string): boolean {
  const config = env.TF_CLI_CONFIG_FILE ?? env.TERRAFORM_CONFIG;
  if (config !== undefined && config !== "" && fs.existsSync(config)) return true;
  if (config === undefined && fs.existsSync(path.join(home, ".terraformrc"))) return true;
  // The implied local mirrors terraform searches before the registry.
  for (const dir of [path.join(home, ".terraform.d", "plugins"), path.join(home, ".local", "share", "terraform", "plugins")]) if (fs.existsSync(path.join(dir, REGISTRY_HOST, "databricks", "databricks"))) return true;
  // A plugin cache (the cdktf CLI sets one, ~/.terraform.d/plugin-cache) helps only when it holds the provider.
  const cache = env.TF_PLUGIN_CACHE_DIR;
  if (cache !== undefined && cache !== "" && fs.existsSync(path.join(cache, REGISTRY_HOST, "databricks", "databricks", version))) return true;
  return [env.HTTPS_PROXY, env.https_proxy].some((v) => v !== undefined && v !== "");
}

/**
 * The warning for a machine whose `terraform init` cannot download the provider, or undefined.
 * `resolves` and `home` are the machine's unless a test gives its own.
 */
export function registryWarning(providerVersion: string, env: NodeJS.ProcessEnv = process.env, resolves: (host: string) => boolean = resolvesNow, home = os.homedir()): string | undefined {
  if (terraformConfigured(env, home, providerVersion) || resolves(REGISTRY_HOST)) return undefined;
  return (
    `${REGISTRY_HOST} does not resolve on this machine and terraform has no provider mirror or cache configured, ` +
    `so the cdktf CLI's \`terraform init\` will fail to download the Databricks provider ${providerVersion}: nothing real can be planned or deployed from here. ` +
    "To see what Terraform would do, offline: `npm run rehearse` (the real terraform against a stand-in provider); to run the cdktf CLI itself against the stand-in: " +
    '`eval "$(npm run --silent rehearse -- --env)"` first (docs/deploying.md#without-registry-access)'
  );
}
