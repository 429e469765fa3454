/**
 * Validates data against the model schema and words each failure the way the model's messages
 * read: the path, what is wrong, the value, the fix (with a "did you mean" for a misspelt key).
 * What each field says about itself (its rule, fix, name) comes from the schema (./schema/fields.ts).
 */
import * as v from "valibot";
import { fieldInfo, type FieldInfo, type Path, type ValueProblem } from "./schema/fields";
import { KEY } from "./schema/patterns";
import { closest } from "./suggest";

/** A problem at a path of the model, before its line is known. */
export interface Finding {
  readonly path: Path;
  readonly problem: string;
  readonly fix: string;
  /** The value shown; a missing field has none. */
  readonly value?: unknown;
  /** A key that must not be read further (an unknown key, a key of the wrong form): its entry goes. */
  readonly key?: boolean;
  /** The rule across fields that found it, when one did. */
  readonly rule?: string;
}

type Schema = v.GenericSchema & {
  readonly type: string;
  readonly entries?: v.ObjectEntries;
  readonly key?: v.GenericSchema;
  readonly value?: v.GenericSchema;
  readonly item?: v.GenericSchema;
  readonly wrapped?: v.GenericSchema;
};

const unwrap = (s: Schema): Schema => (s.type === "optional" ? unwrap(s.wrapped as Schema) : s);

/** The schema of the value at `key` below a schema, if it has one there. */
function child(s: Schema, key: string | number): Schema | undefined {
  const u = unwrap(s);
  if (u.type === "strict_object") return u.entries?.[key] as Schema | undefined;
  if (u.type === "record") return u.value as Schema;
  if (u.type === "array") return u.item as Schema;
  return undefined;
}

function schemaAt(root: Schema, path: Path): Schema | undefined {
  let s: Schema | undefined = root;
  for (const key of path) s = s && child(s, key);
  return s;
}

function valueAt(data: unknown, path: Path): unknown {
  let d = data;
  for (const key of path) d = d !== null && typeof d === "object" ? (d as { [k: string]: unknown })[key] : undefined;
  return d;
}

/** Values placed into fixes: `{environments}` becomes the environment keys the file declares. */
function placeholders(data: unknown): (text: string) => string {
  const envs = valueAt(data, ["environments"]);
  const keys = envs !== null && typeof envs === "object" && !Array.isArray(envs) ? Object.keys(envs).filter((k) => KEY.test(k)) : [];
  return (text) => text.replace("{environments}", keys.join(", "));
}

/** The mapping's name in messages (`environment \`dev\`` for an entry of a keyed map). */
function what(info: FieldInfo, path: Path): string {
  return (info.what ?? "this mapping").replace("{key}", String(path[path.length - 1]));
}

function keysOf(s: Schema): { required: string[]; optional: string[] } {
  const entries = Object.entries(unwrap(s).entries ?? {}) as [string, Schema][];
  return { required: entries.filter(([, e]) => e.type !== "optional").map(([k]) => k), optional: entries.filter(([, e]) => e.type === "optional").map(([k]) => k) };
}

const quoted = (keys: readonly string[]) => keys.map((k) => `\`${k}\``).join(", ");

/**
 * The data with a list wherever the schema has a mapping replaced by null: valibot takes a list for
 * an object (with keys 0, 1, ...), the model calls it what it is, a list where a mapping belongs.
 */
function listsAsNull(s: Schema | undefined, d: unknown): unknown {
  if (!s) return d;
  const u = unwrap(s);
  const mapping = u.type === "strict_object" || u.type === "record";
  if (Array.isArray(d)) return mapping ? null : d;
  if (d === null || typeof d !== "object" || !mapping) return d;
  return Object.fromEntries(Object.entries(d).map(([k, x]) => [k, listsAsNull(child(u, k), x)]));
}

/**
 * Everything the schema finds wrong with `data` (nulls already read as absent), worded. `written`
 * is the data as the file has it, for the values shown.
 */
export function schemaFindings(root: v.GenericSchema, data: unknown, written: unknown): Finding[] {
  const result = v.safeParse(root, listsAsNull(root as Schema, data), { abortEarly: false, abortPipeEarly: true });
  if (result.success) return [];
  const fill = placeholders(data);
  const findings: Finding[] = [];
  const badKeys: Path[] = [];
  const suggested = new Set<string>();
  const missing: { at: Path; parent: Schema }[] = [];
  for (const issue of result.issues) {
    const path: Path = issue.path?.map((p) => p.key as string | number) ?? [];
    const last = issue.path?.[issue.path.length - 1];
    const parentPath = path.slice(0, -1);
    const parent = schemaAt(root as Schema, parentPath);
    if (last?.origin === "key" && parent) {
      const p = unwrap(parent);
      if (p.type === "record") {
        // A key of the wrong form: its value is not read further.
        const info = fieldInfo(p.key as Schema);
        badKeys.push(path);
        findings.push({ path, problem: (info.problem ?? "is not {rule}").replace("{key}", String(last.key)).replace("{rule}", info.rule ?? "a valid key"), fix: fill(info.fix ?? ""), value: last.key, key: true });
        continue;
      }
      if (issue.expected === "never") {
        const { required, optional } = keysOf(p);
        const allowed = [...required, ...optional];
        const key = String(last.key);
        const near = closest(key, allowed);
        if (near) suggested.add([...parentPath, near].join("."));
        findings.push({
          path,
          problem: `unknown key \`${key}\` in ${what(fieldInfo(p), parentPath)}`,
          fix: near ? `did you mean \`${near}\`? Allowed keys: ${allowed.join(", ")}` : `remove it; allowed keys: ${allowed.join(", ")}`,
          value: valueAt(written, path),
          key: true,
        });
        continue;
      }
      missing.push({ at: path, parent: p });
      continue;
    }
    const schema = schemaAt(root as Schema, path);
    if (!schema) {
      // Not a shape this module words: still an error (fail closed), in valibot's words.
      findings.push({ path, problem: issue.message, fix: "correct the value (docs/model.md lists every field)", value: issue.input });
      continue;
    }
    const info = fieldInfo(schema);
    if (issue.input === undefined) {
      if (path.length === 0 || (parent && unwrap(parent).type === "record")) {
        // The file, or an entry of a keyed map written with nothing under it (`dev:`).
        const s = unwrap(schema);
        const name = s.type === "strict_object" ? what(info, path) : "the value";
        const needs = s.type === "strict_object" ? `write ${name} with ${quoted(keysOf(s).required)}` : fill(info.fix ?? "");
        findings.push({ path, problem: `${name === "the value" ? "" : `${name} `}is empty`.trim(), fix: needs });
      } else if (parent) missing.push({ at: path, parent: unwrap(parent) });
      continue;
    }
    findings.push(...valueFindings(issue, issue.input === null ? valueAt(written, path) : issue.input, schema, info, path, fill));
  }
  for (const { at, parent } of missing) {
    const key = String(at[at.length - 1]);
    // A misspelt key was reported with its correction: "missing" would say the same again.
    if (suggested.has(at.join("."))) continue;
    findings.push({ path: at, problem: `required field \`${key}\` of ${what(fieldInfo(parent), at.slice(0, -1))} is missing`, fix: `add \`${key}\`` });
  }
  // Values under a key of the wrong form are not read (the key is the error).
  const under = (p: Path, k: Path) => p.length > k.length && k.every((x, i) => p[i] === x);
  return findings.filter((f) => !badKeys.some((k) => under(f.path, k)));
}

/** A value of the wrong type, form or content. */
function valueFindings(issue: v.BaseIssue<unknown>, value: unknown, schema: Schema, info: FieldInfo, path: Path, fill: (t: string) => string): Finding[] {
  const s = unwrap(schema);
  const fix = fill(info.fix ?? "");
  const at = (p: ValueProblem): Finding => ({ path: [...path, ...(p.at ?? [])], problem: p.problem, fix: fill(p.fix), value: "value" in p ? p.value : value });
  if (issue.type === "check" && info.check) return info.check(value as never).map(at);
  if (issue.type === "regex" && info.diagnose && typeof value === "string") return [at(info.diagnose(value))];
  if (s.type === "strict_object") {
    const { required, optional } = keysOf(s);
    const keys = quoted(required) + (optional.length > 0 ? `${required.length > 0 ? "; optional " : ""}${quoted(optional)}` : "");
    return [{ path, problem: `must be a mapping (${what(info, path)})`, fix: `write it as \`key: value\` lines with ${keys}`, value }];
  }
  if (s.type === "record") {
    if (issue.type === "min_entries" && info.whenEmpty) return [at(info.whenEmpty)];
    return info.map === "keyed"
      ? [{ path, problem: `must be a mapping of ${info.what}`, fix: `write it as key: value lines, e.g. ${info.example}`, value }]
      : [{ path, problem: "must be a mapping of names to values", fix: "write it as `name: value` lines", value }];
  }
  if (s.type === "array") {
    if (issue.type === "array") return [{ path, problem: `must be a list of ${info.rule}`, fix: 'write it as [a, b] or as "- a" lines', value }];
    return [{ path, problem: "must not be empty", fix, value }];
  }
  if (info.problem) return [{ path, problem: info.problem, fix, value }];
  if (issue.kind === "schema") return [{ path, problem: `must be a string (${info.rule})`, fix, value }];
  return [{ path, problem: `is not ${info.rule}`, fix, value }];
}
