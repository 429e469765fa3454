import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleCheckMain, bundleMain } from "../../lib/bundle/commands";
import { DEFAULT_MODEL_FILE, ROOT } from "../helpers";

export const BUNDLES = path.join(ROOT, "__tests__", "fixtures", "bundles");
export const CURRENT_STATE = path.join(BUNDLES, "current-state");
export const TARGET_STATE = path.join(BUNDLES, "target-state");
export const OUTPUTS = path.join(BUNDLES, "stack-outputs.json");
/**
 * The reference model (the live one is only the live tests', __tests__/live), under the name the
 * bundle's generated header and messages show: environments.yaml.
 */
export const MODEL = (() => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "uc-bundle-model-")), "environments.yaml");
  fs.copyFileSync(DEFAULT_MODEL_FILE, file);
  return file;
})();

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a bundle command in-process, as `npm run --silent bundle[:check] -- ...args` would. */
export function run(command: "bundle" | "bundle:check", ...args: string[]): Run {
  let stdout = "";
  let stderr = "";
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) };
  const code = (command === "bundle" ? bundleMain : bundleCheckMain)(["--model", MODEL, ...args], io);
  return { code, stdout, stderr };
}

/** The findings of a check as `file:line [rule]`, in output order (the summary line after them left out). */
export function findingKeys(r: Run): string[] {
  const lines = r.stdout.split("\n").filter((l) => l !== "");
  if (r.code === 1 && !/^bundle:check: failed: \d+ findings? \(/.test(lines[lines.length - 1] ?? "")) throw new Error(`the last line is not the summary: ${lines[lines.length - 1]}`);
  return lines
    .slice(0, r.code === 1 ? -1 : undefined)
    .map((l) => {
      const m = /^(.+?):(\d+): \[([a-z-]+)\] /.exec(l);
      if (!m) throw new Error(`not a finding line: ${l}`);
      return `${m[1]}:${m[2]} [${m[3]}]`;
    });
}

export function tempDir(prefix = "uc-bundle-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A repository's files and contents, read once (fs.cpSync was a quarter of these tests' time). */
const contents = new Map<string, [string, Buffer][]>();
function filesOf(base: string): [string, Buffer][] {
  let files = contents.get(base);
  if (!files) {
    files = [];
    const walk = (rel: string) => {
      for (const e of fs.readdirSync(path.join(base, rel), { withFileTypes: true })) {
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(child);
        else if (e.isFile()) files!.push([child, fs.readFileSync(path.join(base, child))]);
        else throw new Error(`${base}/${child}: only files and directories are copied`);
      }
    };
    walk("");
    // Fixtures do not change during a run; a temporary repository may (tests write into it).
    if (base.startsWith(BUNDLES)) contents.set(base, files);
  }
  return files;
}

/** A copy of a fixture repository with some files replaced (null: removed). */
export function repoFrom(base: string, changes: Record<string, string | null> = {}): string {
  const dir = tempDir();
  const made = new Set<string>();
  for (const [rel, data] of filesOf(base)) {
    const parent = path.dirname(path.join(dir, rel));
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.writeFileSync(path.join(dir, rel), data);
  }
  for (const [file, text] of Object.entries(changes)) {
    const full = path.join(dir, file);
    if (text === null) fs.rmSync(full);
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
    }
  }
  return dir;
}

type Schema = { [key: string]: any } | boolean;

/**
 * A JSON Schema validator for the keywords the vendored subset of the bundle schema uses: $ref,
 * type, properties, additionalProperties, required, oneOf, anyOf, pattern. Returns the errors.
 */
export function validate(root: { $defs: Record<string, Schema> }, schema: Schema, value: unknown, at = "$"): string[] {
  if (schema === true || (typeof schema === "object" && Object.keys(schema).length === 0)) return [];
  if (schema === false) return [`${at}: not allowed`];
  if (schema.$ref) {
    const name = String(schema.$ref).replace("#/$defs/", "");
    if (!(name in root.$defs)) throw new Error(`schema subset lacks ${name}`);
    return validate(root, root.$defs[name], value, at);
  }
  if (schema.oneOf) {
    const passing = (schema.oneOf as Schema[]).filter((s) => validate(root, s, value, at).length === 0).length;
    return passing === 1 ? [] : [`${at}: matches ${passing} of oneOf`];
  }
  if (schema.anyOf) {
    return (schema.anyOf as Schema[]).some((s) => validate(root, s, value, at).length === 0) ? [] : [`${at}: matches none of anyOf`];
  }
  const type = schema.type as string | undefined;
  const is: Record<string, (v: unknown) => boolean> = {
    object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
    string: (v) => typeof v === "string",
    boolean: (v) => typeof v === "boolean",
    integer: (v) => Number.isInteger(v),
    number: (v) => typeof v === "number",
    array: (v) => Array.isArray(v),
  };
  if (type && !is[type](value)) return [`${at}: not a ${type}`];
  const errors: string[] = [];
  if (schema.pattern && typeof value === "string" && !new RegExp(schema.pattern, "u").test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
  if (type === "object") {
    const obj = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in obj)) errors.push(`${at}.${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k] ?? schema.additionalProperties;
      if (sub === undefined) continue;
      errors.push(...validate(root, sub, v, `${at}.${k}`));
    }
  }
  return errors;
}
