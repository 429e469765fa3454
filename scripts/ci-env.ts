/**
 * Prints the environment a CI job needs for one stack, as KEY=value lines for $GITHUB_ENV:
 *
 *   node scripts/run-ts.js scripts/ci-env.ts ref-prod >> "$GITHUB_ENV"
 *
 *   DATABRICKS_HOST=https://dbc-028d9e53-7ce6.cloud.databricks.com   the model's host for the stack
 *   MODEL_ENVIRONMENT=prod                                            the environment's key in the model
 *   MODEL_APPROVAL=required                                           whether its applies need an approval
 *   STATE_BACKEND=s3                                                  the synthesized stack's backend type
 *   STATE_AWS_REGION=us-east-1                                        only for an s3 backend that names its region
 *   DATABRICKS_TOKEN_AUDIENCE=<account id>                            only when the model has `account`
 *
 * The token audience must be what the federation policies accept, which the account stack sets to
 * the model's account ID; without `account` in the model the workflows take it from the
 * DATABRICKS_ACCOUNT_ID repository variable instead.
 *
 * Why a script and not a literal in the workflow: the host is decided in one place, the model
 * (environments.yaml), and a workflow that spelled it out again could aim the prod job at the dev
 * workspace, the incident this project exists to prevent. The synthesized stack's provider host is
 * checked against the model too, so the job authenticates (DATABRICKS_HOST) to the same workspace
 * that Terraform changes (the provider's literal `host`).
 *
 * Reads ENVIRONMENTS_FILE (default environments.yaml) and the output of `npm run synth`
 * (CDKTF_OUTDIR, default cdktf.out). Exit 1 with a message on stderr for an unknown stack, a bad
 * model, missing output or a host mismatch; exit 2 for a usage error. Nothing is printed to stdout
 * unless every check passed, so `>> "$GITHUB_ENV"` never receives half an environment.
 */
import * as path from "path";
import { loadEnvironmentModel, modelFile } from "../lib/model/load";
import { ModelError } from "../lib/model/errors";
import type { Environment, EnvironmentModel } from "../lib/model/types";
import { ReviewInputError, type SynthesizedStack } from "../lib/output/stack";
import { readSynthOutput } from "../lib/output/read";

/** What a CI job for one stack needs to know. */
export interface CiEnvironment {
  readonly stack: string;
  /** The environment's key in the model (also the name of its GitHub environment). */
  readonly environment: Environment;
  /** The backend type in the synthesized stack (`local`, `s3`, ...). */
  readonly stateBackend: string;
  /** The S3 backend's region, when the backend is s3 and names one. */
  readonly stateRegion?: string;
  /** The audience of the OIDC token (the account ID), when the model knows the account. */
  readonly tokenAudience?: string;
}

/** A problem that stops a CI job before it authenticates; the message says what and how to fix it. */
export class CiEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CiEnvError";
  }
}

/**
 * The CI environment for `stack`, checked against the synthesized output: the stack must be one the
 * model declares, must be in the output, and its provider must point at the model's host. With
 * `githubRepository` (GITHUB_REPOSITORY in a job), a model that names another repository is refused:
 * the federation policies would reject every token from this one.
 */
export function ciEnvironment(
  model: EnvironmentModel,
  stack: string,
  synthesized: readonly SynthesizedStack[],
  githubRepository?: string,
): CiEnvironment {
  const known = model.environments.map((e) => e.stackName);
  const environment = model.environments.find((e) => e.stackName === stack);
  if (model.account && stack === model.account.stackName) {
    throw new CiEnvError(
      `${stack} is the account-level stack: CI holds no account-admin identity, so it is planned and applied by hand ` +
        `with the account admin's CLI profile (docs/deploying.md#by-hand). CI deploys ${known.join(", ")}.`,
    );
  }
  if (!environment) {
    throw new CiEnvError(
      `unknown stack ${JSON.stringify(stack)}: ${model.source} declares ${known.join(", ")}. ` +
        "Fix: pass one of those (a stack is an environment's `stack` field in the model).",
    );
  }
  const where = `environments.${environment.key}.workspace.host`;
  const output = synthesized.find((s) => s.name === stack);
  if (!output) {
    throw new CiEnvError(
      `stack ${stack} is not in the synthesized output (it has ${synthesized.map((s) => s.name).join(", ") || "no stacks"}). ` +
        "Fix: run `npm run synth` with the same model before this script.",
    );
  }

  const providers = output.json.provider?.databricks ?? [];
  const hosts = providers.map((p) => p.host);
  if (providers.length === 0 || hosts.some((h) => h !== environment.workspace.host)) {
    throw new CiEnvError(
      `stack ${stack}: the synthesized databricks provider host is ${hosts.length ? hosts.map((h) => JSON.stringify(h)).join(", ") : "missing"}, ` +
        `but ${model.source} ${where} is ${JSON.stringify(environment.workspace.host)}. ` +
        "Fix: re-run `npm run synth` from this checkout; a stack must only ever change the workspace its model entry names.",
    );
  }

  const backends = Object.entries(output.json.terraform?.backend ?? {});
  if (backends.length !== 1) {
    throw new CiEnvError(
      `stack ${stack}: the synthesized output declares ${backends.length} state backends (${backends.map(([t]) => t).join(", ") || "none"}); ` +
        "expected exactly one. Fix: check the stack's backend in stacks/.",
    );
  }
  const [stateBackend, config] = backends[0];
  const region = stateBackend === "s3" && typeof config.region === "string" ? config.region : undefined;

  if (githubRepository && model.github && model.github.repository.toLowerCase() !== githubRepository.toLowerCase()) {
    throw new CiEnvError(
      `this job runs in ${githubRepository}, but ${model.source} github.repository is ${JSON.stringify(model.github.repository)}: ` +
        "the federation policies trust only that repository's tokens. Fix: correct github.repository and re-apply the account stack.",
    );
  }
  return {
    stack,
    environment,
    stateBackend,
    ...(region !== undefined ? { stateRegion: region } : {}),
    ...(model.account ? { tokenAudience: model.account.id } : {}),
  };
}

/** KEY=value lines for $GITHUB_ENV. Every value is validated model data: no newlines, no secrets. */
export function githubEnvLines(env: CiEnvironment): string[] {
  const lines = [
    `DATABRICKS_HOST=${env.environment.workspace.host}`,
    `MODEL_ENVIRONMENT=${env.environment.key}`,
    `MODEL_APPROVAL=${env.environment.approval}`,
    `STATE_BACKEND=${env.stateBackend}`,
  ];
  if (env.stateRegion !== undefined) lines.push(`STATE_AWS_REGION=${env.stateRegion}`);
  if (env.tokenAudience !== undefined) lines.push(`DATABRICKS_TOKEN_AUDIENCE=${env.tokenAudience}`);
  for (const line of lines) {
    if (/[\r\n]/.test(line)) throw new CiEnvError(`refusing to write a value with a line break to $GITHUB_ENV: ${JSON.stringify(line)}`);
  }
  return lines;
}

/** The command line: returns the exit code; writes the lines to `out` and messages to `err`. */
export function main(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
  err: (text: string) => void,
): number {
  if (args.length !== 1 || args[0].startsWith("-")) {
    err("usage: node scripts/run-ts.js scripts/ci-env.ts <stack>   (prints KEY=value lines for $GITHUB_ENV)\n");
    return 2;
  }
  const stack = args[0];
  const modelPath = modelFile(env);
  const outdir = env.CDKTF_OUTDIR ?? "cdktf.out";
  try {
    const model = loadEnvironmentModel(modelPath);
    const ci = ciEnvironment(model, stack, readSynthOutput(outdir), env.GITHUB_REPOSITORY);
    const lines = githubEnvLines(ci);
    out(lines.map((l) => `${l}\n`).join(""));
    const state = ci.stateBackend === "s3" ? `s3${ci.stateRegion ? ` (${ci.stateRegion})` : ""}` : ci.stateBackend;
    err(
      `${stack}: environment ${ci.environment.key}, workspace ${ci.environment.workspace.host} ` +
        `(${modelPath} environments.${ci.environment.key}.workspace.host), state backend ${state}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof CiEnvError || e instanceof ModelError || e instanceof ReviewInputError) {
      err(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

// Run only as the entry point (`node scripts/run-ts.js scripts/ci-env.ts`), not when a test imports it.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  process.exitCode = main(
    process.argv.slice(2),
    process.env,
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  );
}
