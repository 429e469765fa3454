/** Running the real terraform for a rehearsal. */
import { spawn } from "child_process";

/** The terraform a rehearsal needs: the version CI pins (any 1.11.x plans the same). */
export const TERRAFORM_VERSION = "1.11.4";
const SUPPORTED = /^1\.11\.\d+$/;

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Variables of the caller's environment a rehearsal must not pass on: they would send terraform's
 * working data, provider cache or CLI arguments outside the rehearsal's temporary directory.
 */
const DROPPED = ["TF_DATA_DIR", "TF_PLUGIN_CACHE_DIR", "TF_WORKSPACE", "TF_CLI_ARGS", "TF_LOG_PATH"];

export function terraformEnv(extra: { readonly [k: string]: string }, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!DROPPED.includes(k) && !k.startsWith("TF_CLI_ARGS_")) env[k] = v;
  return { ...env, ...extra };
}

export function runTerraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TerraformRun> {
  return new Promise((resolve) => {
    const child = spawn("terraform", [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) => resolve({ code: 127, stdout: "", stderr: (e as Error).message }));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

/**
 * Checks that terraform 1.11.x is on PATH. Returns the problem (with the version to install), or
 * undefined when it is fine.
 */
export async function checkTerraform(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const r = await runTerraform(["version", "-json"], process.cwd(), env);
  if (r.code === 127 || /ENOENT/.test(r.stderr)) return `terraform is not installed (not found on PATH). Fix: install terraform ${TERRAFORM_VERSION} (the version CI pins)`;
  let version: string | undefined;
  try {
    version = (JSON.parse(r.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    version = /Terraform v(\S+)/.exec(r.stdout)?.[1];
  }
  if (!version) return `cannot tell terraform's version (\`terraform version -json\` printed ${JSON.stringify(r.stdout.slice(0, 200))}). Fix: install terraform ${TERRAFORM_VERSION}`;
  if (!SUPPORTED.test(version)) return `terraform ${version} is installed; the rehearsal needs terraform 1.11.x (CI pins ${TERRAFORM_VERSION}, whose plugin protocol and plans the stand-in follows). Fix: install terraform ${TERRAFORM_VERSION}`;
  return undefined;
}

/** Terraform's own summary line of a plan: `Plan: ...` or `No changes. ...`. */
export function planSummary(stdout: string): string | undefined {
  return /^(Plan: .*|No changes\..*)$/m.exec(stdout)?.[1]?.trim();
}

/** Terraform's own summary line of an apply: `Apply complete! ...`. */
export function applySummary(stdout: string): string | undefined {
  return /^(Apply complete!.*)$/m.exec(stdout)?.[1]?.trim();
}

/** Terraform's error output, without the noise: its `Error:` blocks (or everything when there are none). */
export function terraformErrors(run: TerraformRun): string {
  for (const text of [run.stderr, run.stdout]) {
    const at = text.search(/^(│ )?Error: /m);
    if (at >= 0) return text.slice(at).trim();
  }
  return `${run.stderr}\n${run.stdout}`.trim();
}
