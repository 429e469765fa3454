/**
 * The documentation explains itself and holds together: every relative link in README.md,
 * CONTRIBUTING.md and docs/ resolves (the file, and the heading an anchor names); no page names a
 * document the repository does not have; every npm script has its page; every page the code, the
 * workflows and the models name (`docs/ci-setup.md#rights`) exists with its heading, and none of
 * them names a section of the README (the README's table says where the old sections went).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers";
import { documentationFiles, fencedBlocks, npmScripts, parseExamples } from "./examples";

const pages = documentationFiles();
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** A page's text without its fenced blocks and inline code (links there are not links). */
function prose(markdown: string): string {
  const lines = markdown.split("\n");
  for (const b of fencedBlocks(markdown)) for (let i = b.line - 1; i <= b.line + b.lines.length; i++) lines[i] = "";
  return lines.join("\n").replace(/`[^`\n]*`/g, "``");
}

/** Heading anchors as GitHub makes them (github-slugger): lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.split("\n");
  for (const b of fencedBlocks(markdown)) for (let i = b.line - 1; i <= b.line + b.lines.length; i++) text[i] = "";
  for (const line of text) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of markdown.matchAll(/<a (?:id|name)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** `[text](target)` links of a page's prose: [line, target]. */
function links(markdown: string): [number, string][] {
  const out: [number, string][] = [];
  prose(markdown)
    .split("\n")
    .forEach((l, i) => {
      for (const m of l.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push([i + 1, m[1]]);
    });
  return out;
}

/**
 * Phrases that point at documents outside the repository (the plan and the seed this project was
 * written from, numbered issues and phases): a page must say what it means instead. "the incident"
 * is allowed only where the sentence says what it was.
 */
const OUTSIDE_DOCUMENTS: readonly RegExp[] = [/appendix a\b/i, /\bseed test\b/i, /\bthe seed's\b/i, /\bseed plan\b/i, /\bthe plan's\b/i, /\bphases? \d/i, /\bissue \d+/i, /\bthe incident\b(?! this project exists for was)/i];

describe("links", () => {
  it("every relative link of README.md, CONTRIBUTING.md and docs/ resolves, anchors included", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const [line, target] of links(read(page))) {
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        checked++;
        const [file, anchor] = target.split("#");
        const resolved = file === "" ? page : path.normalize(path.join(path.dirname(page), decodeURIComponent(file)));
        if (resolved.startsWith("..") || !fs.existsSync(path.join(ROOT, resolved))) {
          problems.push(`${page}:${line}: ${target}: no such file`);
          continue;
        }
        if (anchor !== undefined) {
          if (!resolved.endsWith(".md")) problems.push(`${page}:${line}: ${target}: an anchor into a file that is not Markdown`);
          else if (!anchors(read(resolved)).has(anchor)) problems.push(`${page}:${line}: ${target}: ${resolved} has no heading #${anchor}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it("rejects a link to a missing file or heading (the check does look)", () => {
    const md = "# Title\n\n## A `code` heading, twice\n\n## A `code` heading, twice\n";
    expect([...anchors(md)]).toEqual(["title", "a-code-heading-twice", "a-code-heading-twice-1"]);
    expect(links("see [x](docs/none.md#y) and `[not](a-link.md)`\n```\n[nor](this.md)\n```\n")).toEqual([[1, "docs/none.md#y"]]);
  });

  it("every page is reachable from the README (through the task table, the reference line or another page)", () => {
    const reached = new Set<string>(["README.md"]);
    const queue = ["README.md"];
    while (queue.length > 0) {
      const page = queue.shift()!;
      for (const [, target] of links(read(page))) {
        const file = target.split("#")[0];
        if (!file || /^[a-z]+:/i.test(file)) continue;
        const resolved = path.normalize(path.join(path.dirname(page), file));
        if (resolved.endsWith(".md") && !reached.has(resolved) && fs.existsSync(path.join(ROOT, resolved))) {
          reached.add(resolved);
          queue.push(resolved);
        }
      }
    }
    expect(pages.filter((p) => !reached.has(p))).toEqual([]);
  });
});

describe("the pages explain themselves", () => {
  it("name no document outside the repository (the plan, the seed, numbered phases or issues)", () => {
    const problems: string[] = [];
    for (const page of pages)
      read(page)
        .split("\n")
        .forEach((l, i) => {
          for (const re of OUTSIDE_DOCUMENTS) if (re.test(l)) problems.push(`${page}:${i + 1}: ${re}: ${l.trim().slice(0, 120)}`);
        });
    expect(problems).toEqual([]);
  });

  it("rejects each phrase of the list (the check does look)", () => {
    for (const l of ["the variables of the plan's Appendix A", "(seed test 1.3)", "as Phases 2 to 4 leave it", "issue 18's identities", "The incident started in the bundle", "the seed's permission table"])
      expect({ l, flagged: OUTSIDE_DOCUMENTS.some((re) => re.test(l)) }).toEqual({ l, flagged: true });
    expect(OUTSIDE_DOCUMENTS.some((re) => re.test("the incident this project exists for was the prod target aimed at the dev workspace"))).toBe(false);
  });

  it("the README is a front page: at most about 200 lines, with the prerequisites, the two set-up commands and the tasks", () => {
    const readme = read("README.md");
    expect(readme.split("\n").length).toBeLessThanOrEqual(210);
    for (const heading of ["## Prerequisites", "## Set-up", "## Everyday tasks"]) expect(readme).toContain(`\n${heading}\n`);
    expect(readme).toContain("npm ci && npm run synth");
    expect(readme).toContain("npm test");
    for (const task of ["changing-access", "adding-an-environment", "renaming-and-retiring", "adopting-from-hcl", "reviewing", "deploying", "rehearsing", "bundles", "audit", "ci-setup"]) expect(readme).toContain(`(docs/${task}.md)`);
  });

  it("the README states the versions the project pins: terraform in the workflows, the Databricks CLI in the audit, Node in package.json", () => {
    const readme = read("README.md");
    const workflows = fs.readdirSync(path.join(ROOT, ".github", "workflows")).map((f) => fs.readFileSync(path.join(ROOT, ".github", "workflows", f), "utf8"));
    const terraform = new Set(workflows.flatMap((w) => [...w.matchAll(/terraform_version: (\S+)/g)].map((m) => m[1])));
    expect([...terraform]).toHaveLength(1);
    expect(readme).toContain(`CI pins ${[...terraform][0]}`);
    const cli = /databricks\/setup-cli@\S+ # v\S+\n\s+with:\n\s+version: (\S+)/.exec(fs.readFileSync(path.join(ROOT, ".github", "workflows", "audit.yml"), "utf8"));
    expect(cli).not.toBeNull();
    expect(readme).toContain(`| Databricks CLI | ${cli![1]}, the version the nightly audit pins |`);
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    expect(engines).toBe(">=20");
    expect(readme).toContain("| Node.js, with npm | 20 or later");
    // Each profile the README creates is one the shipped model names, on that environment's host.
    const model = read("environments.yaml");
    for (const m of readme.matchAll(/databricks auth login --host (https:\/\/dbc-\S+) --profile (\S+)/g)) expect(model).toMatch(new RegExp(`host: ${m[1].replace(/[.]/g, "\\.")}\\n\\s+profile: ${m[2]}\\n`));
  });
});

describe("the commands", () => {
  it("every npm script has a page under docs/commands/ that starts from its --help, and the index links it", () => {
    const index = read("docs/commands/README.md");
    const problems: string[] = [];
    for (const name of Object.keys(npmScripts())) {
      const page = `docs/commands/${name.replace(/:/g, "-")}.md`;
      if (!fs.existsSync(path.join(ROOT, page))) {
        problems.push(`${name}: no ${page}`);
        continue;
      }
      const first = parseExamples(read(page), page)[0]?.steps[0]?.command;
      if (first !== `npm run --silent ${name} -- --help`) problems.push(`${page}: its first example is not \`npm run --silent ${name} -- --help\` (got ${first})`);
      if (!index.includes(`(${path.basename(page)})`)) problems.push(`docs/commands/README.md does not link ${path.basename(page)}`);
    }
    const expected = new Set(Object.keys(npmScripts()).map((n) => `${n.replace(/:/g, "-")}.md`));
    const extra = fs.readdirSync(path.join(ROOT, "docs", "commands")).filter((f) => f !== "README.md" && !expected.has(f));
    expect({ problems, extra }).toEqual({ problems: [], extra: [] });
  });
});

describe("references to pages from the code", () => {
  const files = () =>
    execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
      .split("\0")
      .filter((f) => f && /\.(ts|js|mjs|yml|yaml|md)$/.test(f) && !f.startsWith("__tests__/fixtures/bundles/") && !f.startsWith("__tests__/docs/") && fs.existsSync(path.join(ROOT, f)));

  /** What is wrong with the pages `text` (of `file`) names: a page that does not exist, a heading it does not have. */
  function pageReferenceProblems(file: string, text: string): { problems: string[]; references: number } {
    const problems: string[] = [];
    let references = 0;
    // In Markdown only what is not a link (links are checked above); elsewhere every mention.
    const checked = file.endsWith(".md") ? prose(text).replace(/\]\([^)]*\)/g, "]") : text;
    for (const m of checked.matchAll(/(?<![\w/.-])((?:docs\/[\w/-]+|CONTRIBUTING|README)\.md)(?:#([\w-]+))?/g)) {
      references++;
      const [, page, anchor] = m;
      if (!fs.existsSync(path.join(ROOT, page))) problems.push(`${file}: ${m[0]}: no such page`);
      else if (anchor !== undefined && !anchors(read(page)).has(anchor)) problems.push(`${file}: ${m[0]}: ${page} has no heading #${anchor}`);
    }
    return { problems, references };
  }

  it("every page a message, comment, workflow or model names (docs/….md#anchor, CONTRIBUTING.md#anchor) exists and has the heading", () => {
    const problems: string[] = [];
    let references = 0;
    // Tests name made-up pages as data (the code owners' patterns); their comments are not read by users.
    for (const f of files().filter((f) => !f.endsWith(".test.ts"))) {
      const found = pageReferenceProblems(f, fs.readFileSync(path.join(ROOT, f), "utf8"));
      problems.push(...found.problems);
      references += found.references;
    }
    expect(problems).toEqual([]);
    expect(references).toBeGreaterThan(40);
  });

  it("rejects a reference to a missing page or heading (the check does look)", () => {
    const text = "see docs/ci-setup.md#rights, docs/ci-setup.md#no-such-heading and docs/no-such-page.md";
    expect(pageReferenceProblems("lib/x.ts", text)).toEqual({
      problems: ["lib/x.ts: docs/ci-setup.md#no-such-heading: docs/ci-setup.md has no heading #no-such-heading", "lib/x.ts: docs/no-such-page.md: no such page"],
      references: 3,
    });
  });

  it("no message, comment, workflow or model names a section of the README (they moved to docs/; the README's table says where, for older copies)", () => {
    const problems: string[] = [];
    for (const f of files()) {
      if (f === "README.md") continue;
      const text = fs.readFileSync(path.join(ROOT, f), "utf8").replace(/\\"/g, '"');
      for (const m of text.matchAll(/README(?:\.md)?,?\s+"([^"]+)"/g)) problems.push(`${f}: README, "${m[1]}"`);
    }
    expect(problems).toEqual([]);
  });
});
