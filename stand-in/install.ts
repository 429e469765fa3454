/**
 * Installs the stand-in where terraform finds it without a network: a filesystem mirror
 * (DIR/mirror/registry.terraform.io/databricks/databricks/1.99.0/<os>_<arch>/
 * terraform-provider-databricks_v1.99.0, a small shell wrapper that starts node on main.ts) and a
 * CLI configuration that installs providers from that mirror only. Only a rehearsal uses it:
 * nothing in the real workflows or the default CLI configuration points at it.
 */
import * as fs from "fs";
import * as path from "path";
import { writeCertificate } from "./cert";
import { TLS_DIR_ENV } from "./main-env";
import { WORKSPACE_ENV } from "./workspace/file";
import { PROVIDER_VERSION } from "./schema/json-schema";

const REPO = path.resolve(__dirname, "..");

/** Terraform's name for this machine's platform, e.g. linux_amd64. */
export function terraformPlatform(): string {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = process.arch === "x64" ? "amd64" : process.arch === "ia32" ? "386" : process.arch;
  return `${os}_${arch}`;
}

export interface StandInInstall {
  /** The directory everything was written to. */
  readonly dir: string;
  /** The CLI configuration file (TF_CLI_CONFIG_FILE). */
  readonly cliConfig: string;
  /** The provider executable inside the mirror. */
  readonly executable: string;
  /** The environment to run terraform (and the cdktf CLI) with: add it to process.env. */
  readonly env: { readonly [name: string]: string };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * Writes the mirror, the TLS certificate and the CLI configuration into `dir` (created if needed)
 * and returns the environment for terraform. `workspaceFile` is the workspace the provider uses.
 */
export function installStandIn(dir: string, workspaceFile: string): StandInInstall {
  const root = path.resolve(dir);
  const platformDir = path.join(root, "mirror", "registry.terraform.io", "databricks", "databricks", PROVIDER_VERSION, terraformPlatform());
  fs.mkdirSync(platformDir, { recursive: true });
  const tlsDir = path.join(root, "tls");
  writeCertificate(tlsDir);
  const executable = path.join(platformDir, `terraform-provider-databricks_v${PROVIDER_VERSION}`);
  // Terraform hashes the mirror's files into .terraform.lock.hcl; the wrapper's content is stable.
  const wrapper = [
    "#!/bin/sh",
    "# uc-env-isolation stand-in for the databricks/databricks provider (rehearsals only; see docs/rehearsing.md).",
    `${TLS_DIR_ENV}=${shellQuote(tlsDir)}; export ${TLS_DIR_ENV}`,
    `exec ${shellQuote(process.execPath)} ${shellQuote(path.join(REPO, "scripts", "run-ts.js"))} ${shellQuote(path.join(REPO, "stand-in", "main.ts"))} "$@"`,
    "",
  ].join("\n");
  fs.writeFileSync(executable, wrapper, { mode: 0o755 });
  const cliConfig = path.join(root, "terraform.rc");
  fs.writeFileSync(
    cliConfig,
    [
      "# Written by the uc-env-isolation rehearsal: providers come from the stand-in's mirror only.",
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(path.join(root, "mirror"))}`,
      '    include = ["registry.terraform.io/databricks/databricks"]',
      "  }",
      "}",
      "disable_checkpoint = true",
      "",
    ].join("\n"),
  );
  return {
    dir: root,
    cliConfig,
    executable,
    env: {
      TF_CLI_CONFIG_FILE: cliConfig,
      [WORKSPACE_ENV]: path.resolve(workspaceFile),
      CHECKPOINT_DISABLE: "1",
      // The cdktf CLI otherwise points TF_PLUGIN_CACHE_DIR at ~/.terraform.d/plugin-cache, and
      // terraform would leave the stand-in there, outside the install, for later real inits to find.
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      // The profile variable would make a real provider read ~/.databrickscfg; the stand-in ignores it.
      TF_VAR_databricks_profile: "",
    },
  };
}
