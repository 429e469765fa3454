/**
 * The YAML safety layer: model text -> plain data, or a ModelError that says where. Syntax errors
 * name the line where a bracket was left open; explicit tags and directives are refused; aliases
 * are bounded; every string (keys too) must be literal and visible. Knows each path's line.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Document } from "yaml";
import { ModelError, type ModelIssue } from "./errors";
import type { Path } from "./schema/fields";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A parsed model file: its data, and the line of any path in it. */
export interface ParsedYaml {
  readonly data: Json;
  /** 1-based line of the deepest node on `path` that exists. */
  readonly lineOf: (path: Path) => number | undefined;
}

/** Parses model text; throws ModelError for broken YAML, tags, directives or alias bombs. */
export function parseYaml(text: string, source: string): ParsedYaml {
  let lines = new LineCounter();
  // yaml's own duplicate-key check compares each key of a mapping with every key before it
  // (compose/util-map-includes.js): quadratic in the number of groups, 2 s of a model of 8,000.
  // Parsed without it, then checked in one pass; where that pass finds a key twice (or anything else
  // is wrong), parsed again with it, so the error is yaml's own, word for word and in its order.
  let doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: true, strict: true });
  if (doc.errors.length > 0 || hasRepeatedKey(doc.contents)) {
    lines = new LineCounter();
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, strict: true });
  }
  if (doc.errors.length > 0) {
    // The first syntax error only: the parser's later ones are mostly consequences of it.
    const e = doc.errors[0];
    // A `[` or `{` left open is noticed lines later, where the parser gives up: name where it opened.
    // (Not for a key written twice: inside `{ dev: read, dev: all }` the `{` is open where yaml
    // finds the second key, but nothing was left open.)
    const opener = e.code === "DUPLICATE_KEY" ? undefined : unclosedFlowOpener(text, e.pos[0]);
    const line = opener !== undefined ? lines.linePos(opener.offset).line : e.linePos?.[0].line;
    const at = pathAtOffset(doc.contents, opener?.offset ?? e.pos[0]) ?? [];
    const issue: ModelIssue =
      opener !== undefined
        ? { path: at.join("."), line, problem: `is not valid YAML: the \`${opener.char}\` opened here is never closed (the parser gave up at line ${e.linePos?.[0].line})`, fix: `close it with \`${opener.char === "[" ? "]" : "}"}\` on the same line` }
        : { path: at.join("."), line, problem: `is not valid YAML: ${yamlProblem(e.code, e.message)}`, fix: yamlFix(e.code) };
    const written = line !== undefined ? text.split(/\r?\n/)[line - 1]?.trim() : undefined;
    throw new ModelError(source, [written ? { ...issue, value: written } : issue]);
  }
  // Explicit tags (`!!omap`, `!!set`, `!!binary`, a `%YAML 1.1` document's timestamps...) make the
  // parser return Maps, Sets and byte arrays, which read as empty to every check after it: a
  // `legacyServicePrincipals: !!omap` would silently retire no one. The model is plain mappings,
  // lists and scalars; anything else is refused.
  const tagged: { tag: string; offset: number }[] = [];
  // Every tag starts with `!`: a file without one has none (the walk is a tenth of a large model's parse).
  if (text.includes("!")) visit(doc, {
    Node(_, node) {
      const n = node as { tag?: string; range?: [number, number, number] };
      if (n.tag) tagged.push({ tag: n.tag, offset: n.range?.[0] ?? 0 });
    },
  });
  if (doc.directives?.yaml?.explicit) tagged.push({ tag: `%YAML ${doc.directives.yaml.version}`, offset: 0 });
  if (tagged.length > 0) {
    throw new ModelError(
      source,
      tagged.map((t) => ({
        path: (pathAtOffset(doc.contents, t.offset) ?? []).join("."),
        line: lines.linePos(t.offset).line,
        value: text.split(/\r?\n/)[lines.linePos(t.offset).line - 1]?.trim(),
        problem: `uses the YAML tag or directive ${t.tag.replace("tag:yaml.org,2002:", "!!")}, which turns the value into something other than a plain mapping, list or string`,
        fix: "write the value without tags or directives (plain YAML: key: value, - item)",
      })),
    );
  }
  let data: Json;
  try {
    data = doc.toJS({ maxAliasCount: 50 }) as Json;
  } catch (e) {
    // yaml refuses to expand alias bombs ("billion laughs") and aliases to undefined anchors.
    throw new ModelError(source, [
      { path: "", problem: `cannot be expanded: ${(e as Error).message}`, fix: "write the values out instead of using YAML anchors and aliases" },
    ]);
  }
  return { data, lineOf: (path) => lineOf(doc, lines, path) };
}

function lineOf(doc: Document, lines: LineCounter, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Whether any mapping holds a key twice, by yaml's measure (two scalar keys of one value) or more
 * (a Set also takes NaN for NaN): one pass, a Set per mapping. A key that is itself a mapping or
 * a list is searched too; yaml never finds such a key equal to another.
 */
function hasRepeatedKey(node: unknown): boolean {
  if (isMap(node)) {
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      // A pair without a key node (never made by the parser): taken as repeated, so yaml decides.
      if (pair.key === null || pair.key === undefined) return true;
      if (isScalar(pair.key)) {
        if (seen.has(pair.key.value)) return true;
        seen.add(pair.key.value);
      } else if (hasRepeatedKey(pair.key)) return true;
      if (hasRepeatedKey(pair.value)) return true;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) if (hasRepeatedKey(item)) return true;
  }
  return false;
}

/** The path of the deepest mapping entry or list item whose text contains `offset`, if any. */
function pathAtOffset(node: unknown, offset: number, path: (string | number)[] = []): (string | number)[] | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as { range?: [number, number, number]; value?: unknown } | null;
      const value = pair.value as { range?: [number, number, number] } | null;
      const start = key?.range?.[0];
      const end = value?.range?.[2] ?? key?.range?.[2];
      if (start !== undefined && end !== undefined && start <= offset && offset < end) {
        const here = [...path, String(key?.value)];
        return pathAtOffset(value, offset, here) ?? here;
      }
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const range = (node.items[i] as { range?: [number, number, number] } | null)?.range;
      if (range && range[0] <= offset && offset < range[2]) return pathAtOffset(node.items[i], offset, [...path, i]) ?? [...path, i];
    }
  }
  return undefined;
}

/**
 * The innermost `[` or `{` still open at `offset`, outside quotes and comments: a flow collection
 * this model writes on one line (`creators: [dev]`), so one left open is the error's real place.
 */
function unclosedFlowOpener(text: string, offset: number): { offset: number; char: "[" | "{" } | undefined {
  const open: { offset: number; char: "[" | "{" }[] = [];
  let quote: string | undefined;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    const c = text[i];
    if (quote) {
      if (c === quote && !(quote === '"' && text[i - 1] === "\\")) quote = undefined;
      else if (c === "\n") quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) while (i < text.length && text[i] !== "\n") i++;
    else if (c === "[" || c === "{") open.push({ offset: i, char: c });
    else if ((c === "]" || c === "}") && open.length > 0) open.pop();
  }
  return open.pop();
}

function yamlProblem(code: string, message: string): string {
  const first = message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  return code === "DUPLICATE_KEY" ? "a key is written twice in one mapping (each must be unique)" : first;
}

function yamlFix(code: string): string {
  switch (code) {
    case "TAB_AS_INDENT":
      return "indent with spaces, not tabs";
    case "DUPLICATE_KEY":
      return "remove or rename the second one (two environments or groups cannot share a key)";
    case "MULTIPLE_DOCS":
      return "keep one YAML document (remove the `---` separator)";
    default:
      return "correct the YAML syntax at that line (indentation, quotes, brackets)";
  }
}

/**
 * Characters a reader cannot see or that reorder what they see: format characters (zero-width
 * spaces and joiners, bidi controls, the BOM), spaces other than the plain one, line and paragraph
 * separators, and fillers that render as nothing.
 */
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u115f\u1160\u3164\uffa0\u2800]/u;

/** An issue found before the schema: its path, and whether it is about a key (then the entry goes). */
export type LiteralIssue = Omit<ModelIssue, "line" | "path"> & { readonly at: Path; readonly key: boolean };

/**
 * Every string of the model (keys too) reaches Terraform literally or not at all: Terraform
 * evaluates `${…}` and `%{…}` in any JSON string, so `${"Databricks - Dev"}` would become the Dev
 * group while every check saw another name. Refused, as are characters a reviewer cannot see.
 */
export function literalStringIssues(value: Json, path: (string | number)[] = [], out: LiteralIssue[] = []): LiteralIssue[] {
  const inspect = (s: string, at: (string | number)[], key: boolean) => {
    const what = key ? "the key" : "the value";
    if (/[$%]\{/.test(s)) {
      out.push({ at, key, problem: `${what} contains ${s.includes("${") ? "`${`" : "`%{`"}, which Terraform would evaluate as a template expression, not a literal`, fix: "write the name literally, without `${` or `%{`", value: s });
    }
    const m = INVISIBLE.exec(s);
    if (m) {
      out.push({ at, key, problem: `${what} contains the invisible or reordering character U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`, fix: "retype it with visible characters only (plain spaces)", value: s });
    }
  };
  if (typeof value === "string") inspect(value, path, false);
  else if (Array.isArray(value)) value.forEach((v, i) => literalStringIssues(v, [...path, i], out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      inspect(k, [...path, k], true);
      literalStringIssues(v, [...path, k], out);
    }
  }
  return out;
}

/**
 * The data with every mapping's `null` values (`key:` with nothing after it) read as absent, as
 * the model has always read them: an optional field left empty is not set, a required one is missing.
 */
export function withoutNulls(value: Json | undefined): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => v);
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? undefined : withoutNulls(v)]));
  return value;
}
