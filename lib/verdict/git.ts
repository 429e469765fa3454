/**
 * What a pull request changes, read from git (the pull request's own commits, as data), never from
 * anything the pull request's jobs wrote: the files merging it changes, and its model.
 */
import { execFileSync } from "child_process";
import { ReviewInputError } from "../output/stack";

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** One changed path, with its file modes before and after (`000000` when absent). */
export interface ChangedFile {
  readonly path: string;
  readonly status: string;
  readonly modes: readonly [string, string];
}

function git(repo: string, args: readonly string[]): Buffer {
  try {
    // No pager, no external diff or text conversion (raw diffs never run them anyway), no prompts.
    return execFileSync("git", ["--no-pager", "-c", "core.quotepath=off", ...args], {
      cwd: repo,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_EXTERNAL_DIFF: "", GIT_PAGER: "cat" },
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new ReviewInputError(`git ${args.join(" ")} failed in ${repo}: ${(err.stderr?.toString() || err.message).trim()}`);
  }
}

export function checkCommit(what: string, sha: string): string {
  if (!COMMIT.test(sha)) throw new ReviewInputError(`${what} must be a full commit ID (40 or 64 hex digits), got ${JSON.stringify(sha)}`);
  return sha;
}

/**
 * Every path that differs between `base` and `merge`, with renames as a deletion and an addition
 * (both paths count), from `git diff --raw -z` (NUL-separated: any file name reads as it is).
 */
export function changedFiles(repo: string, base: string, merge: string): ChangedFile[] {
  const raw = git(repo, ["diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-relative", checkCommit("--base-commit", base), checkCommit("--merge-commit", merge), "--"]).toString("utf8");
  const parts = raw.split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  const out: ChangedFile[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const m = /^:(\d{6}) (\d{6}) [0-9a-f]+ [0-9a-f]+ ([A-Z])\d*$/.exec(parts[i]);
    const file = parts[i + 1];
    if (!m || file === undefined) throw new ReviewInputError(`git diff --raw printed an entry this reader does not know: ${JSON.stringify(parts[i]).slice(0, 120)}`);
    out.push({ path: file, status: m[3], modes: [m[1], m[2]] });
  }
  return out;
}

/**
 * Several files' bytes at a commit, read by one `git cat-file --batch` (no filters); a file the
 * commit does not have is undefined.
 */
export function filesAt(repo: string, commit: string, files: readonly string[]): Map<string, Buffer | undefined> {
  checkCommit("--merge-commit", commit);
  for (const f of files) if (/[\n\r]/.test(f)) throw new ReviewInputError(`a file name with a line break cannot be read: ${JSON.stringify(f)}`);
  let out: Buffer;
  try {
    out = execFileSync("git", ["--no-pager", "cat-file", "--batch"], {
      cwd: repo,
      input: files.map((f) => `${commit}:${f}\n`).join(""),
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new ReviewInputError(`git cat-file --batch failed in ${repo}: ${(err.stderr?.toString() || err.message).trim()}`);
  }
  const result = new Map<string, Buffer | undefined>();
  let at = 0;
  for (const f of files) {
    const end = out.indexOf(0x0a, at);
    const header = out.subarray(at, end).toString("utf8");
    at = end + 1;
    if (header.endsWith(" missing")) {
      result.set(f, undefined);
      continue;
    }
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) throw new ReviewInputError(`git cat-file --batch printed a header this reader does not know: ${JSON.stringify(header.slice(0, 120))}`);
    if (m[1] !== "blob") throw new ReviewInputError(`${f} at ${commit} is a ${m[1]}, not a file`);
    const size = Number(m[2]);
    result.set(f, out.subarray(at, at + size));
    at += size + 1;
  }
  return result;
}
