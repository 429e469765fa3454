/**
 * The pull request's output as the trusted jobs receive it: the `head-output` artifact, made by a
 * job that ran the pull request's code, so untrusted data. It is read here, never executed, and
 * refused unless it is exactly what that job is meant to upload:
 *
 *   commit                                  the commit the job built (the merge commit)
 *   environments.yaml                       the model it synthesized
 *   cdktf.out/manifest.json                 cdktf's manifest
 *   cdktf.out/.uc-synth.json                synth's marker (optional)
 *   cdktf.out/stacks/<stack>/cdk.tf.json    one per stack the manifest lists
 *
 * Only directories and regular files (no links), nothing else, within size limits. Its digest
 * (names and contents) lets a later job check it plans exactly the output the verdict accepted.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ReviewInputError } from "../output/stack";
import { SYNTH_MARKER } from "../output/read";

export const ARTIFACT = { commit: "commit", model: "environments.yaml", output: "cdktf.out" } as const;
/** The stack names synth writes (a stack name in the model), so no name can leave the directory. */
const STACK = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
/** Far above this project's output (a 10,000-grant model synthesizes to a few MB). */
export const LIMITS = { files: 2_000, bytes: 64 * 1024 * 1024, depth: 4 } as const;

export interface HeadArtifact {
  readonly dir: string;
  /** `<dir>/cdktf.out`, for the readers. */
  readonly outputDir: string;
  readonly commit: string;
  readonly modelText: Buffer;
  /** Paths relative to the artifact, sorted. */
  readonly files: readonly string[];
  /** sha256 of every file's name and content. */
  readonly digest: string;
}

const refuse = (dir: string, problem: string): never => {
  throw new ReviewInputError(`the pull request's output (${dir}) is not the head job's artifact: ${problem}. Re-run the pull request's workflow; a pull request cannot be judged on anything else.`);
};

/** Every entry under `dir`, checked: directories and regular files only, within the limits. */
function walk(dir: string, limits: { readonly files: number; readonly bytes: number; readonly depth: number }): string[] {
  const files: string[] = [];
  let bytes = 0;
  const visit = (rel: string, depth: number) => {
    const abs = rel === "" ? dir : path.join(dir, rel);
    for (const name of fs.readdirSync(abs).sort()) {
      const child = rel === "" ? name : `${rel}/${name}`;
      const stat = fs.lstatSync(path.join(dir, child));
      if (stat.isSymbolicLink()) refuse(dir, `${child} is a symbolic link`);
      if (stat.isDirectory()) {
        if (depth >= limits.depth) refuse(dir, `${child} is nested deeper than the output ever is`);
        visit(child, depth + 1);
      } else if (stat.isFile()) {
        files.push(child);
        bytes += stat.size;
        if (files.length > limits.files) refuse(dir, `it holds more than ${limits.files} files`);
        if (bytes > limits.bytes) refuse(dir, `it holds more than ${limits.bytes} bytes`);
      } else {
        refuse(dir, `${child} is neither a file nor a directory`);
      }
    }
  };
  visit("", 0);
  return files.sort();
}

/** The digest of an artifact's files (sorted names, sizes and contents). */
function digestOf(dir: string, files: readonly string[]): string {
  const hash = crypto.createHash("sha256");
  for (const f of files) {
    const content = fs.readFileSync(path.join(dir, f));
    hash.update(`${f}\0${content.length}\0`).update(content);
  }
  return hash.digest("hex");
}

/**
 * Reads and checks the artifact at `dir`. `expectedCommit`: the commit the pull request's head
 * job must have built (the merge commit); a mismatch means an artifact of another run or commit.
 */
export function readHeadArtifact(dir: string, expectedCommit?: string, limits: { readonly files: number; readonly bytes: number; readonly depth: number } = LIMITS): HeadArtifact {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return refuse(dir, "it is missing (the head job did not upload it: see that job)");
  }
  if (!stat.isDirectory()) refuse(dir, "it is not a directory");
  const files = walk(dir, limits);
  const present = new Set(files);
  for (const required of [ARTIFACT.commit, ARTIFACT.model, `${ARTIFACT.output}/manifest.json`]) {
    if (!present.has(required)) refuse(dir, `it has no ${required}`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, ARTIFACT.output, "manifest.json"), "utf8"));
  } catch (e) {
    return refuse(dir, `cdktf.out/manifest.json is not JSON (${(e as Error).message})`);
  }
  const stacks = (manifest as { stacks?: unknown })?.stacks;
  if (stacks === null || typeof stacks !== "object" || Array.isArray(stacks)) return refuse(dir, "cdktf.out/manifest.json has no stacks object");
  const names = Object.keys(stacks as object);
  const bad = names.find((n) => !STACK.test(n));
  if (bad !== undefined) refuse(dir, `cdktf.out/manifest.json names the stack ${JSON.stringify(bad)}, which no model can declare`);
  const expected = new Set([ARTIFACT.commit, ARTIFACT.model, `${ARTIFACT.output}/manifest.json`, ...names.map((n) => `${ARTIFACT.output}/stacks/${n}/cdk.tf.json`)]);
  // Synth's marker (what made the output, the model's hash) may come along; terraform never reads it.
  const extra = files.filter((f) => !expected.has(f) && f !== `${ARTIFACT.output}/${SYNTH_MARKER}`);
  if (extra.length > 0) refuse(dir, `it holds what the head job never uploads: ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ` and ${extra.length - 5} more` : ""}`);
  const missing = [...expected].filter((f) => !present.has(f));
  if (missing.length > 0) refuse(dir, `the manifest lists stacks whose configuration is missing: ${missing.join(", ")}`);
  const commit = fs.readFileSync(path.join(dir, ARTIFACT.commit), "utf8").trim();
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit)) refuse(dir, `its commit file holds ${JSON.stringify(commit.slice(0, 80))}, not a commit ID`);
  if (expectedCommit !== undefined && commit !== expectedCommit) refuse(dir, `it was built from commit ${commit}, not from the pull request's merge commit ${expectedCommit}`);
  return {
    dir,
    outputDir: path.join(dir, ARTIFACT.output),
    commit,
    modelText: fs.readFileSync(path.join(dir, ARTIFACT.model)),
    files,
    digest: digestOf(dir, files),
  };
}
