/**
 * What must hold for the live model (environments.yaml) of a project directory: everything
 * `npm run update` records from it is what it synthesizes now, its output passes the policy gate,
 * its commented examples are valid once filled in, and the workflows it writes are as rendered from
 * it and valid against the GitHub Actions schema. One implementation, two callers: the live tests
 * (for this repository) and the day-2 acceptance flows (for copies of it after a model edit).
 */
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { DEPLOY_WORKFLOW, MATRIX_WORKFLOWS, renderDeployWorkflow, withStackMatrix } from "../../lib/ci/workflows";
import { CODEOWNERS_FILE, renderCodeowners } from "../../lib/ci/code-owners";
import { desiredState } from "../../lib/desired-state";
import { checkGate, formatViolation } from "../../lib/gate/check";
import { loadEnvironmentModel, parseEnvironmentModel } from "../../lib/model/load";
import type { EnvironmentModel } from "../../lib/model/types";
import { MANIFEST_FILE, checkAddresses } from "../../lib/review/addresses";
import type { SynthesizedStack } from "../../lib/output/stack";
import { LIVE_OUTPUT_DIR, liveOutputFiles, readManifest } from "../../scripts/lib/generated";
import { LIVE_MODEL } from "../../lib/cli/live-model";
import { synthOutput } from "../helpers";

const REFRESH = "run `npm run update` and review the diff";

export interface Live {
  readonly root: string;
  readonly model: EnvironmentModel;
  readonly output: SynthesizedStack[];
}

/** The live model of a project directory, synthesized. */
export function live(root: string): Live {
  const model = loadEnvironmentModel(path.join(root, LIVE_MODEL));
  return { root, model, output: synthOutput(model) };
}

/** The committed live output files differ from what the model synthesizes now. */
export function outputProblems({ root, output }: Live): string[] {
  const dir = path.join(root, LIVE_OUTPUT_DIR);
  const committed = new Map((fs.existsSync(dir) ? fs.readdirSync(dir) : []).map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
  const now = liveOutputFiles(output);
  const stale = [...new Set([...committed.keys(), ...now.keys()])].filter((f) => committed.get(f) !== now.get(f)).sort();
  return stale.length > 0 ? [`${LIVE_OUTPUT_DIR}: ${stale.join(", ")} differ from what ${LIVE_MODEL} synthesizes now; ${REFRESH}`] : [];
}

/** The committed address manifest is not the output's. */
export function addressProblems({ root, model }: Live): string[] {
  const problems = checkAddresses(readManifest(root), desiredState(model));
  return problems.length > 0 ? [`${MANIFEST_FILE}:\n${problems.join("\n")}\n(after a deliberate change: ${REFRESH})`] : [];
}

/** The policy gate's violations on the live output. */
export function policyProblems({ model, output }: Live): string[] {
  return checkGate(output, desiredState(model)).violations.map(formatViolation);
}

/**
 * The commented block of optional sections (account, github, state) must be a valid model once
 * uncommented and filled in, so a person who follows it gets no error. Empty when the file has none.
 */
export function exampleProblems({ root }: Live): string[] {
  const file = path.join(root, LIVE_MODEL);
  const text = fs.readFileSync(file, "utf8");
  const start = text.split("\n").findIndex((l) => /^# (account|github|state):/.test(l));
  if (start < 0) return [];
  const example = text
    .split("\n")
    .slice(start)
    .filter((l) => l.startsWith("#"))
    .map((l) => l.replace(/^# ?/, ""))
    .join("\n")
    .replace("<account UUID>", "0d26daa6-5e44-4c97-a497-ef015f91254a")
    .replace("<application UUID>", "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f")
    .replace("<org>/<repo>", "org/repo")
    .replace("<bucket>", "state-bucket");
  const placeholders = example.replace(/#.*$/gm, "").match(/<[^>]+>/g);
  if (placeholders) return [`${LIVE_MODEL}: the commented examples keep placeholders no one fills in here: ${placeholders.join(", ")}`];
  try {
    const filled = parseEnvironmentModel(`${text}\n${example}\n`, `${LIVE_MODEL} (examples uncommented)`);
    return filled.github?.planServicePrincipal.name ? [] : [`${LIVE_MODEL}: the commented examples give no github.planServicePrincipal`];
  } catch (e) {
    return [`${LIVE_MODEL}: the commented examples are not valid once uncommented: ${(e as Error).message}`];
  }
}

/** The workflows `npm run update` writes are not as rendered from the model, or break the schema. */
export function workflowProblems({ root, model }: Live): string[] {
  const out: string[] = [];
  if (fs.readFileSync(path.join(root, DEPLOY_WORKFLOW), "utf8") !== renderDeployWorkflow(desiredState(model))) out.push(`${DEPLOY_WORKFLOW} is not as rendered from ${LIVE_MODEL}; ${REFRESH}`);
  for (const file of MATRIX_WORKFLOWS) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    if (withStackMatrix(text, desiredState(model), file) !== text) out.push(`${file}: the stack matrix is not as rendered from ${LIVE_MODEL}; ${REFRESH}`);
  }
  const owners = path.join(root, CODEOWNERS_FILE);
  if (!fs.existsSync(owners) || fs.readFileSync(owners, "utf8") !== renderCodeowners(model)) out.push(`${CODEOWNERS_FILE} is not as rendered from ${LIVE_MODEL} (codeOwners) and lib/ci/code-owners.ts; ${REFRESH}`);
  const dir = path.join(root, ".github", "workflows");
  for (const f of fs.readdirSync(dir).filter((x) => /\.ya?ml$/.test(x)).sort()) {
    const { errors } = validateWorkflow(fs.readFileSync(path.join(dir, f), "utf8"));
    if (errors.length > 0) out.push(`.github/workflows/${f} breaks the GitHub Actions schema: ${JSON.stringify(errors).slice(0, 400)}`);
  }
  return out;
}

/** Every problem of a project directory's live model: empty when `npm test` would pass for it. */
export function liveProblems(root: string): string[] {
  const l = live(root);
  return [...outputProblems(l), ...addressProblems(l), ...policyProblems(l), ...exampleProblems(l), ...workflowProblems(l)];
}
