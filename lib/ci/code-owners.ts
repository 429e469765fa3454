/**
 * Which files a pull request may change without a code owner: the one list that decides both
 * `.github/CODEOWNERS` (rendered from it by `npm run update`) and the access verdict's "this pull
 * request changes what decides access" (lib/verdict, run from the base branch).
 *
 * Default deny: the list names what does NOT decide access, and everything else does. A file that
 * can change the verdict, the synthesized output, what runs in CI or what a test proves (code,
 * stacks, scripts, package.json, the lock file, .github/, tsconfig.json, cdktf.json, jest.config.js,
 * .ci/, a new directory nobody thought of) needs a code owner's review and always the access
 * approval. What is left open:
 * - the model and what `npm run update` writes from it that only tests read: the access verdict
 *   judges every change to the model by its effect (the grants diff, the policy), from the base branch;
 * - the docs, as Markdown only (a `.ts` file under docs/ could be imported by code).
 */
import type { EnvironmentModel } from "../model/types";

export const CODEOWNERS_FILE = ".github/CODEOWNERS";

export interface OpenPath {
  /** A path from the repository root: `*` matches within one path segment, `**` any number of segments. */
  readonly pattern: string;
  readonly kind: "model" | "docs";
  /** Why no code owner needs to review it. */
  readonly why: string;
}

/** The paths that need no code owner (and do not force the access approval). Everything else does. */
export const OPEN_PATHS: readonly OpenPath[] = [
  { pattern: "environments.yaml", kind: "model", why: "the model: the access verdict judges each change by what it does (grants diff, model facts, policy)" },
  { pattern: "terraform-addresses.json", kind: "model", why: "written from the model by npm run update; only tests read it" },
  { pattern: "__tests__/live/output/*.json", kind: "model", why: "the model's synthesized output as npm run update records it; only tests read it" },
  { pattern: "README.md", kind: "docs", why: "documentation; nothing builds or runs from it" },
  { pattern: "docs/**/*.md", kind: "docs", why: "documentation pages, Markdown only" },
];

const SEGMENT = /^(?:\*\*|[A-Za-z0-9_.@-]*(?:\*[A-Za-z0-9_.@-]*)?)$/;

/** A pattern as a regular expression over a repository path (no leading `/`). */
function patternRegExp(pattern: string): RegExp {
  const parts = pattern.split("/");
  if (parts.some((p) => p === "" || !SEGMENT.test(p))) throw new Error(`code owners: unsupported path pattern ${JSON.stringify(pattern)}`);
  let re = "";
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === "**") {
      re += last ? ".*" : "(?:[^/]+/)*";
      return;
    }
    re += part.replace(/[.@-]/g, (c) => `\\${c}`).replace("*", "[^/]*") + (last ? "" : "/");
  });
  return new RegExp(`^${re}$`);
}

const OPEN = OPEN_PATHS.map((p) => ({ ...p, re: patternRegExp(p.pattern) }));

/**
 * The open path a repository path falls under, or undefined when it needs a code owner (anything
 * not listed). Paths are compared exactly as git spells them (case matters: `Environments.yaml` is
 * not the model).
 */
export function openPathOf(file: string): OpenPath | undefined {
  return OPEN.find((p) => p.re.test(file));
}

/** True when a change to `file` needs a code owner's review and the access approval. */
export function needsCodeOwner(file: string): boolean {
  return openPathOf(file) === undefined;
}

/** A code owner as CODEOWNERS accepts it: `@user` or `@org/team`. */
export const CODE_OWNER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?$/;

/**
 * `.github/CODEOWNERS` for the model: every path owned by the model's `codeOwners`, then the open
 * paths with no owner (GitHub applies the last matching line, and a line without an owner means
 * no code owner is needed). CODEOWNERS itself matches only `*`, so it needs an owner too.
 */
export function renderCodeowners(model: EnvironmentModel): string {
  const owners = model.codeOwners;
  return [
    "# Generated from lib/ci/code-owners.ts and environments.yaml (codeOwners) by `npm run update`; do not",
    "# edit by hand (`npm test` fails when this file drifts: __tests__/live/checks.ts).",
    "#",
    "# GitHub reads this file from the pull request's base branch, so a pull request cannot change who",
    "# must review it. With \"Require review from Code Owners\" in main's branch protection (README,",
    "# \"Setting up GitHub\"), a change to anything but the model and the docs needs a code owner's approval:",
    "# the pull-request workflow runs the merge commit's own workflow files, so only this review stops a",
    "# pull request that edits the workflows or the code that judges access.",
    ...(owners.length === 0
      ? [
          "#",
          "# WARNING: environments.yaml sets no codeOwners, so the line below names no owner and GitHub",
          "# requires no code-owner review at all. Set codeOwners and run `npm run update`.",
        ]
      : []),
    ["*", ...owners].join(" "),
    "",
    "# No code owner: the model (the access verdict judges each change to it, from the base branch) and",
    "# what `npm run update` writes from it that only tests read; the docs, as Markdown.",
    ...OPEN_PATHS.map((p) => `/${p.pattern}`),
    "",
  ].join("\n");
}
