/**
 * The access verdict of a pull request, decided by the base branch's code over the pull request's
 * output read as data (docs/reviewing.md): does merging it need the access approval,
 * does the check pass, may its output be planned.
 *
 * - What decides access: any changed path but the model and the docs (lib/ci/code-owners.ts, the
 *   one list CODEOWNERS is rendered from) always needs the approval, whatever the diff says.
 * - The base branch's policy over the pull request's output and model (strict reader, default deny).
 * - The grants diff, base against head, with the model facts: a widening, a risk or any change on
 *   production needs the approval.
 * Fails closed: anything that stops it (the base not synthesizing, the artifact missing or not what
 * the head job uploads, a model or output the readers refuse, git failing) is "not computed":
 * approval required, and the check fails.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { needsCodeOwner } from "../ci/code-owners";
import { desiredState } from "../desired-state";
import { checkGate, formatViolation } from "../gate/check";
import { readOutputTree, type OutputTree } from "../output/read";
import { MAX_MODEL_BYTES, loadEnvironmentModel, parseEnvironmentModel } from "../model/load";
import { ModelError, formatIssue } from "../model/errors";
import type { EnvironmentModel } from "../model/types";
import { diffTrees } from "../commands/grants-diff";
import type { AccessChange } from "../review/diff";
import { FAIL_ON, failingKinds } from "../review/fail-on";
import { ReviewInputError } from "../output/stack";
import { readHeadArtifact, ARTIFACT } from "./artifact";
import { changedFiles, checkCommit, filesAt, type ChangedFile } from "./git";
import { MANIFEST_FILE, parseAddressManifest } from "../model/history";

function parseJson(text: Buffer, what: string): unknown {
  try {
    return JSON.parse(text.toString("utf8"));
  } catch (e) {
    throw new ReviewInputError(`${what} is not valid JSON (${(e as Error).message})`);
  }
}

export interface VerdictInput {
  /** The base branch's checkout (a git work tree holding both commits). */
  readonly repo: string;
  readonly baseCommit: string;
  /** The commit the head job built: the pull request's merge commit. */
  readonly mergeCommit: string;
  /** The head job's artifact, downloaded. */
  readonly headDir: string;
  /** The base branch's model. */
  readonly baseModelFile: string;
  /**
   * The base branch's output, already synthesized from this checkout and `baseModelFile`.
   * @default - synthesized here, into a temporary directory
   */
  readonly baseOut?: string;
}

/** Modes of a regular file; anything else (a link, a submodule) is never an open path. */
const REGULAR = new Set(["000000", "100644", "100755"]);

export interface ComputedVerdict {
  readonly computed: true;
  readonly approval: "required" | "none";
  readonly check: "passed" | "failed";
  /** The base policy accepted the output: the plan jobs may plan it. */
  readonly plan: boolean;
  /** Why the approval is required (empty when it is not). */
  readonly reasons: readonly string[];
  /** Why the check fails (empty when it passes). */
  readonly failures: readonly string[];
  readonly changed: readonly ChangedFile[];
  /** Changed paths that need a code owner (and force the approval). */
  readonly judged: readonly string[];
  readonly violations: readonly string[];
  readonly changes: readonly AccessChange[];
  /** `--fail-on widens,risk,prod` in words, e.g. `1 widen`, `1 change in PROD`. */
  readonly failing: readonly string[];
  readonly digest: string;
  readonly baseModel: EnvironmentModel;
  readonly headModel: EnvironmentModel;
}

export interface FailedVerdict {
  readonly computed: false;
  readonly approval: "required";
  readonly check: "failed";
  readonly plan: false;
  /** What stopped it, and the fix. */
  readonly reason: string;
}

export type Verdict = ComputedVerdict | FailedVerdict;

/** What stopped the verdict, as a sentence (an unexpected error is reported as a bug). */
function reasonOf(error: unknown): string {
  if (error instanceof ModelError) return `${error.source} is not a valid model for the base branch's loader:\n${error.issues.map((i) => `  - ${formatIssue(error.source, i)}`).join("\n")}`;
  if (error instanceof ReviewInputError) return error.message;
  const name = (error as { name?: string })?.name;
  if (name === "SynthCheckError") return (error as Error).message;
  return `the verdict failed unexpectedly (a bug; please report it): ${(error as Error)?.stack ?? String(error)}`;
}

export function computeVerdict(input: VerdictInput): Verdict {
  try {
    return decide(input);
  } catch (error) {
    return { computed: false, approval: "required", check: "failed", plan: false, reason: reasonOf(error) };
  }
}

function decide(input: VerdictInput): ComputedVerdict {
  const base = checkCommit("--base-commit", input.baseCommit);
  const merge = checkCommit("--merge-commit", input.mergeCommit);
  const changed = changedFiles(input.repo, base, merge);
  const judged = changed.filter((f) => needsCodeOwner(f.path) || !f.modes.every((m) => REGULAR.has(m))).map((f) => f.path);

  // The pull request's model: from its commit, and the artifact must carry that very file.
  const committed = filesAt(input.repo, merge, [ARTIFACT.model, MANIFEST_FILE]);
  const modelText = committed.get(ARTIFACT.model);
  if (modelText === undefined) throw new ReviewInputError(`the pull request's commit ${merge} has no ${ARTIFACT.model}`);
  if (modelText.length > MAX_MODEL_BYTES) throw new ReviewInputError(`the pull request's ${ARTIFACT.model} is ${modelText.length} bytes; a model is read up to ${MAX_MODEL_BYTES}`);
  const artifact = readHeadArtifact(input.headDir, merge);
  if (!artifact.modelText.equals(modelText)) {
    throw new ReviewInputError(`the pull request's output (${input.headDir}) was not synthesized from the pull request's ${ARTIFACT.model} (commit ${merge}): their contents differ`);
  }
  // The model is read with the address manifest beside it (what it forgets, what it renames), as
  // synth read it: the pull request's, from its commit.
  const manifestText = committed.get(MANIFEST_FILE);
  const parsedHead = parseEnvironmentModel(modelText.toString("utf8"), `${ARTIFACT.model} (pull request)`);
  const headModel = manifestText === undefined ? parsedHead : { ...parsedHead, history: parseAddressManifest(parseJson(manifestText, `${MANIFEST_FILE} (pull request)`), `${MANIFEST_FILE} (pull request)`) };
  const baseModel = loadEnvironmentModel(input.baseModelFile);
  const head = readOutputTree(artifact.outputDir);
  const baseTree = input.baseOut !== undefined ? readOutputTree(input.baseOut) : synthesizeBase(baseModel);

  const policy = checkGate(head, desiredState(headModel));
  const violations = policy.violations.map(formatViolation);
  const changes = diffTrees(baseTree, head, baseModel, headModel);
  const failing = failingKinds(changes, FAIL_ON);

  const reasons: string[] = [];
  if (judged.length > 0) reasons.push(`it changes ${judged.length} file${judged.length === 1 ? "" : "s"} that decide${judged.length === 1 ? "s" : ""} access or the output (anything but the model and the docs)`);
  if (violations.length > 0) reasons.push(`the base branch's policy refuses its output (${violations.length} violation${violations.length === 1 ? "" : "s"})`);
  if (failing.length > 0) reasons.push(`the grants diff has ${failing.join(", ")}`);
  // A change of the model alone must give output the base branch's code accepts; a change of the
  // code may legitimately give output the old policy does not know: its code owners and the access
  // reviewers decide, and it is not planned.
  const failures = judged.length === 0 && violations.length > 0 ? ["the base branch's policy refuses the output of a change to the model alone"] : [];
  return {
    computed: true,
    approval: reasons.length > 0 ? "required" : "none",
    check: failures.length > 0 ? "failed" : "passed",
    plan: violations.length === 0,
    reasons,
    failures,
    changed,
    judged,
    violations,
    changes,
    failing,
    digest: artifact.digest,
    baseModel,
    headModel,
  };
}

/** The base branch's output, synthesized by its own code from its own model, into a temporary directory. */
function synthesizeBase(model: EnvironmentModel): OutputTree {
  // Loaded here: the digest check and a bad artifact answer without loading cdktf.
  const { synthToDirectory } = require("../synth") as typeof import("../synth");
  const { buildApp } = require("../app") as typeof import("../app");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verdict-base-"));
  try {
    const outdir = path.join(dir, "cdktf.out");
    try {
      // Local state paths point into the temporary directory: the diff compares them as each
      // stack's own state file, wherever that is (lib/review/diff/config.ts).
      synthToDirectory((o) => ({ app: buildApp(model, o, dir), model }), outdir);
    } catch (error) {
      throw new ReviewInputError(`the base branch did not synthesize (${reasonOf(error).split("\n")[0]}); fix the base branch first`);
    }
    const tree = readOutputTree(outdir);
    // Read into memory (readOutputTree reads every file now); the directory can go.
    return tree;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
