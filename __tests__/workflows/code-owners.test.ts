/**
 * `.github/CODEOWNERS` and the access verdict's "changes what decides access" come from one list
 * (lib/ci/code-owners.ts), the other way round: everything needs a code owner but the model and
 * the docs. The committed file is read here the way GitHub reads it (gitignore patterns, the last
 * matching line wins, a line without an owner needs none), by code written apart from the list's
 * own matcher, and both must agree on every file in the repository and on the paths an attacker
 * would try. (That the committed file is the one `npm run update` renders from environments.yaml
 * is a live check: __tests__/live/checks.ts.)
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CODEOWNERS_FILE, OPEN_PATHS, needsCodeOwner, openPathOf, renderCodeowners } from "../../lib/ci/code-owners";
import { defaultModel, defaultModelData, modelFrom, ROOT } from "../helpers";

interface Rule {
  readonly re: RegExp;
  readonly owners: readonly string[];
}

/** A CODEOWNERS pattern as GitHub documents it (gitignore rules), as a regular expression over a path. */
function patternToRegExp(pattern: string): RegExp {
  const anchored = pattern.startsWith("/") || pattern.replace(/\/$/, "").includes("/");
  let p = pattern.replace(/^\//, "");
  const directory = p.endsWith("/");
  p = p.replace(/\/$/, "");
  let re = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "*" && p[i + 1] === "*") {
      // `**/` any leading directories, `/**` everything inside, `/**/` zero or more directories.
      if (p[i + 2] === "/") {
        re += "(?:.*/)?";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${anchored ? "" : "(?:.*/)?"}${re}${directory ? "/.*" : "(?:/.*)?"}$`);
}

function readCodeowners(text: string): Rule[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [pattern, ...owners] = l.split(/\s+/);
      return { re: patternToRegExp(pattern), owners };
    });
}

/** The owners GitHub requires for a path: the last matching line's (none when it names none). */
function ownersOf(rules: readonly Rule[], file: string): readonly string[] {
  let owners: readonly string[] = [];
  for (const r of rules) if (r.re.test(file)) owners = r.owners;
  return owners;
}

const COMMITTED = fs.readFileSync(path.join(ROOT, CODEOWNERS_FILE), "utf8");
const RULES = readCodeowners(COMMITTED);
const TRACKED = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);

/** Paths a pull request could add to slip code past the review, and the open ones next to them. */
const CRAFTED = [
  ".github/CODEOWNERS",
  ".github/workflows/pull-request.yml",
  ".github/actions/verdict/action.yml",
  "Environments.yaml",
  "environments.yml",
  "environments.yaml.ts",
  "lib/environments.yaml",
  "docs/verdict.ts",
  "docs/guide/setup.md",
  "docs/index.md",
  "docs/README.md.js",
  "lib/docs/x.md",
  "README.md.ts",
  "lib/README.md",
  "__tests__/live/output/ref-prod.json",
  "__tests__/live/output/nested/ref-prod.json",
  "__tests__/live/output/ref-prod.ts",
  "terraform-addresses.json.js",
  "new-top-level-dir/anything.sh",
  ".npmrc",
  "cdktf.json",
  "tsconfig.json",
  ".ci/run",
];

describe("CODEOWNERS, read as GitHub reads it", () => {
  it("agrees with the verdict's list on every tracked file and every crafted path: owned exactly when it decides access", () => {
    const disagree = [...TRACKED, ...CRAFTED].filter((f) => (ownersOf(RULES, f).length > 0) !== needsCodeOwner(f));
    expect(disagree).toEqual([]);
    expect(TRACKED.length).toBeGreaterThan(100);
  });

  it("needs a code owner for CODEOWNERS itself, the workflows, the judge and anything new, and none for the model and the docs", () => {
    const owned = (f: string) => ownersOf(RULES, f).length > 0;
    for (const f of [".github/CODEOWNERS", ".github/workflows/pull-request.yml", "lib/gate/check.ts", "lib/review/diff.ts", "lib/permissions.ts", "lib/desired-state.ts", "lib/model/load.ts", "stacks/workspace-stack.ts", "lib/constructs/grant.ts", "scripts/run-ts.js", "package.json", "package-lock.json", "docs/verdict.ts", "Environments.yaml", "new-top-level-dir/anything.sh"]) {
      expect({ f, owned: owned(f) }).toEqual({ f, owned: true });
    }
    for (const f of ["environments.yaml", "terraform-addresses.json", "__tests__/live/output/ref-prod.json", "README.md", "docs/index.md", "docs/guide/setup.md"]) {
      expect({ f, owned: owned(f) }).toEqual({ f, owned: false });
    }
  });

  it("names the model's code owners on the catch-all line, first, so every later open line overrides it", () => {
    expect(RULES[0].re.test("anything/at/all")).toBe(true);
    expect(RULES.slice(1).every((r) => r.owners.length === 0)).toBe(true);
    expect(RULES).toHaveLength(1 + OPEN_PATHS.length);
  });
});

describe("renderCodeowners", () => {
  it("writes the model's owners, and says loudly when the model names none (GitHub would then require no review)", () => {
    const data = defaultModelData();
    data.codeOwners = ["@org/platform", "@alice"];
    expect(renderCodeowners(modelFrom(data))).toContain("\n* @org/platform @alice\n");
    const none = renderCodeowners(defaultModel());
    expect(none).toContain("WARNING: environments.yaml sets no codeOwners");
    expect(none).toContain("\n*\n");
  });

  it("lists each open path once, with why, in the one list", () => {
    expect(new Set(OPEN_PATHS.map((p) => p.pattern)).size).toBe(OPEN_PATHS.length);
    expect(OPEN_PATHS.map((p) => p.kind).sort()).toEqual(["docs", "docs", "model", "model", "model"]);
    expect(openPathOf("docs/a/b/c.md")?.pattern).toBe("docs/**/*.md");
    expect(openPathOf("docs/c.md")?.pattern).toBe("docs/**/*.md");
  });
});
