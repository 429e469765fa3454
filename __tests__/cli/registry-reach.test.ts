/**
 * The word synth adds, under the cdktf CLI, before `terraform init` fails to reach the registry:
 * said only when terraform has nothing else to install the provider from and the name does not
 * resolve; never when a mirror, a cache holding the provider or a proxy is configured.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REGISTRY_HOST, registryWarning } from "../../lib/registry-reach";

describe("registryWarning", () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "uc-home-"));
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
  const asked: string[] = [];
  const offline = (host: string) => (asked.push(host), false);
  const online = () => true;

  it("warns when the registry does not resolve and nothing else can install the provider, naming what to run instead", () => {
    const w = registryWarning("1.99.0", { TF_CLI_CONFIG_FILE: path.join(home, "missing.rc") }, offline, home);
    expect(asked).toEqual([REGISTRY_HOST]);
    expect(w).toBe(
      "registry.terraform.io does not resolve on this machine and terraform has no provider mirror or cache configured, so the cdktf CLI's `terraform init` will fail to download the Databricks provider 1.99.0: nothing real can be planned or deployed from here. To see what Terraform would do, offline: `npm run rehearse` (the real terraform against a stand-in provider); to run the cdktf CLI itself against the stand-in: `eval \"$(npm run --silent rehearse -- --env)\"` first (docs/deploying.md#without-registry-access)",
    );
  });

  it("says nothing when the registry resolves", () => {
    expect(registryWarning("1.99.0", {}, online, home)).toBeUndefined();
  });

  it("says nothing, without asking, when terraform is configured to install providers otherwise", () => {
    const rc = path.join(home, "mirror.rc");
    fs.writeFileSync(rc, "provider_installation {}\n");
    const cache = path.join(home, "cache");
    fs.mkdirSync(path.join(cache, REGISTRY_HOST, "databricks", "databricks", "1.99.0"), { recursive: true });
    const cases: NodeJS.ProcessEnv[] = [{ TF_CLI_CONFIG_FILE: rc }, { TF_PLUGIN_CACHE_DIR: cache }, { HTTPS_PROXY: "http://proxy:3128" }, { https_proxy: "http://proxy:3128" }];
    const never = () => {
      throw new Error("asked the DNS");
    };
    for (const env of cases) expect(registryWarning("1.99.0", env, never, home)).toBeUndefined();
  });

  it("warns when the plugin cache (the cdktf CLI sets one) does not hold the provider's version", () => {
    const cache = path.join(home, "other-cache");
    fs.mkdirSync(path.join(cache, REGISTRY_HOST, "databricks", "databricks", "1.98.0"), { recursive: true });
    expect(registryWarning("1.99.0", { TF_PLUGIN_CACHE_DIR: cache }, () => false, home)).toMatch(/^registry\.terraform\.io does not resolve/);
  });

  it("reads ~/.terraformrc and the implied local mirror when TF_CLI_CONFIG_FILE is not set", () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "uc-home-"));
    try {
      expect(registryWarning("1.99.0", {}, () => false, other)).toBeDefined();
      fs.mkdirSync(path.join(other, ".terraform.d", "plugins", REGISTRY_HOST, "databricks", "databricks"), { recursive: true });
      expect(registryWarning("1.99.0", {}, () => false, other)).toBeUndefined();
      fs.rmSync(path.join(other, ".terraform.d"), { recursive: true });
      fs.writeFileSync(path.join(other, ".terraformrc"), "");
      expect(registryWarning("1.99.0", {}, () => false, other)).toBeUndefined();
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
