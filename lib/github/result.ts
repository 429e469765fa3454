/** One setting the deploy rests on, as checked: what was found, and the fix when it fails. */
import type { Failure } from "./api";

export interface CheckResult {
  /** The setting as GitHub's UI names it, e.g. `environment "prod": Prevent self-review`. */
  readonly setting: string;
  readonly ok: boolean;
  /** What the API said (or why it could not be read). */
  readonly found: string;
  /** What a repository admin does in the GitHub UI (Settings → ...); only for a failed check. */
  readonly fix?: string;
}

export const pass = (setting: string, found: string): CheckResult => ({ setting, ok: true, found });
export const fail = (setting: string, found: string, fix: string): CheckResult => ({ setting, ok: false, found, fix });

/**
 * A setting that could not be read: a finding, never a pass. `permission` names what the token
 * needs to read it (the 401/403 hint and fix); `fix` is the setting's own fix, for a 404 (GitHub
 * has no such thing). Anything else (5xx, no answer, a body that is not JSON): run it again.
 */
export function unreadable(setting: string, what: string, failure: Failure, permission: string, fix: string): CheckResult {
  return fail(setting, `cannot verify ${what}: ${failure.reason}; ${hint(failure, permission)}; a deploy must not proceed on settings it cannot verify`, fixFor(failure, permission, fix));
}

function fixFor(failure: Failure, permission: string, fix: string): string {
  if (failure.status === 401 || failure.status === 403) {
    return `give the apply job \`permissions: ${permission}\` and GITHUB_TOKEN: \${{ github.token }} in the step's env (a workflow change), then run it again; if the rate limit was spent, run it again later`;
  }
  if (failure.status === 404) return fix;
  return "run the job again once GitHub answers; if it keeps failing, check https://www.githubstatus.com and GITHUB_API_URL";
}

function hint(failure: Failure, permission: string): string {
  switch (failure.status) {
    case 401:
      return "the token is missing, expired or wrong (the job passes GITHUB_TOKEN: ${{ github.token }})";
    case 403:
      return `the token may not read it (the job needs \`permissions: ${permission}\`), or the API rate limit is spent`;
    case 404:
      return "GitHub has no such thing, or the token cannot see it";
    case undefined:
      return "GitHub could not be reached or did not answer as documented; run the job again";
    default:
      if (failure.status >= 500) return "GitHub failed to answer; run the job again";
      return failure.status < 300 ? "GitHub's answer is not what it documents" : "GitHub refused the request";
  }
}

export type Json = { readonly [key: string]: unknown };
export const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);
