/**
 * Reads and validates the environment model (environments.yaml) in full, before any construct
 * exists. Every problem found is reported with its path in the file, the value and the fix.
 */
import * as fs from "fs";
import { LineCounter, isMap, isSeq, parseDocument, visit, type Document } from "yaml";
import {
  PRIVILEGES,
  isAccessLevel,
  levelsFor,
  normalizePrivileges,
  privilegesOf,
  type AccessLevel,
  type SecurableType,
} from "../permissions";
import { ModelError, type ModelIssue } from "./errors";
import { readAddressHistory } from "./history";
import type { Account, CatalogAccess, Environment, EnvironmentModel, GitHub, Group, RemoteState, RetiredEnvironment } from "./types";
import { CODE_OWNER } from "../ci/code-owners";

/** Larger files are refused before parsing: the model is a few kilobytes. */
export const MAX_MODEL_BYTES = 256 * 1024;

/** A lower-case UUID (IDs as Databricks shows them); the review tools use it too. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * Unity Catalog names as this project uses them: lower case (what UC stores), single underscores
 * (a double one separates the parts of a Terraform address, so it must stay unambiguous).
 */
const UC_NAME = /^(?=.{1,255}$)[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
/** Keys become parts of Terraform addresses; same rule as UC_NAME. */
const KEY = /^(?=.{1,63}$)[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const STACK_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;
const PROFILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const STORAGE_ROOT = /^(s3|abfss|gs|r2):\/\/[^\s]+$/;
/** A managed resource's address, `databricks_<type>.<name>` (data sources and modules cannot be moved here). */
const ADDRESS = /^databricks_[a-z0-9_]+\.[A-Za-z0-9_-]+$/;
/** Unity Catalog external location names as this project accepts them. */
const EXTERNAL_LOCATION = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
const S3_BUCKET = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Display names of groups and service principals: printable, no surrounding spaces. */
const DISPLAY_NAME = /^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]{0,254}[^\s\x00-\x1f\x7f])?$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** Collects issues while walking the parsed file; knows line numbers through the YAML document. */
class Checker {
  readonly issues: ModelIssue[] = [];
  constructor(
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter | undefined,
  ) {}

  /** Records an issue; pass the offending value as the fourth argument when there is one. */
  report(path: Path, problem: string, fix: string, ...value: [] | [unknown]): void {
    const issue: ModelIssue = { path: path.join("."), problem, fix, line: this.lineOf(path) };
    this.issues.push(value.length > 0 ? { ...issue, value: value[0] } : issue);
  }

  private lineOf(path: Path): number | undefined {
    if (!this.doc || !this.lines) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === "object" && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  /** A mapping with exactly the allowed keys; returns undefined (after reporting) when it is not one. */
  object(
    path: Path,
    value: Json | undefined,
    required: readonly string[],
    optional: readonly string[],
    what: string,
    whenMissing: "report" | "silent" = "silent",
  ): { [key: string]: Json } | undefined {
    if (value === undefined || value === null) {
      // A missing required field is reported once, by its parent; only the root and the entries of
      // a keyed map (an environment written as `dev:` with nothing under it) report themselves.
      if (whenMissing === "report") {
        this.report(path, `${what} is empty`, `write ${what} with ${required.map((k) => `\`${k}\``).join(", ")}`);
      }
      return undefined;
    }
    if (typeof value !== "object" || Array.isArray(value)) {
      const keys = required.map((k) => `\`${k}\``).join(", ") + (optional.length > 0 ? `${required.length > 0 ? "; optional " : ""}${optional.map((k) => `\`${k}\``).join(", ")}` : "");
      this.report(path, `must be a mapping (${what})`, `write it as \`key: value\` lines with ${keys}`, value);
      return undefined;
    }
    const allowed = [...required, ...optional];
    const suggested = new Set<string>();
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        const near = closest(key, allowed);
        if (near) suggested.add(near);
        this.report(
          [...path, key],
          `unknown key \`${key}\` in ${what}`,
          near ? `did you mean \`${near}\`? Allowed keys: ${allowed.join(", ")}` : `remove it; allowed keys: ${allowed.join(", ")}`,
          value[key],
        );
      }
    }
    for (const key of required) {
      // A misspelt key was just reported with its correction: "missing" would say the same again.
      if ((value[key] === undefined || value[key] === null) && !suggested.has(key)) {
        this.report([...path, key], `required field \`${key}\` of ${what} is missing`, `add \`${key}\``);
      }
    }
    return value;
  }

  /** A mapping from keys (KEY pattern) to values; keys are checked. */
  keyedMap(path: Path, value: Json | undefined, what: string, example: string): [string, Json][] {
    if (value === undefined || value === null) return []; // a missing required section is reported by object()
    if (typeof value !== "object" || Array.isArray(value)) {
      this.report(path, `must be a mapping of ${what}`, `write it as key: value lines, e.g. ${example}`, value);
      return [];
    }
    const entries = Object.entries(value);
    for (const [key] of entries) {
      if (!KEY.test(key)) {
        this.report(
          [...path, key],
          `key \`${key}\` is not a valid key (it becomes part of Terraform addresses)`,
          "use lower-case letters, digits and single underscores, starting with a letter",
          key,
        );
      }
    }
    return entries.filter(([key]) => KEY.test(key));
  }

  string(path: Path, value: Json | undefined, pattern: RegExp, rule: string, fix: string): string | undefined {
    if (value === undefined || value === null) return undefined; // reported by object()
    if (typeof value !== "string") {
      this.report(path, `must be a string (${rule})`, fix, value);
      return undefined;
    }
    if (!pattern.test(value)) {
      this.report(path, `is not ${rule}`, fix, value);
      return undefined;
    }
    return value;
  }

  stringList(path: Path, value: Json | undefined, pattern: RegExp, rule: string, fix: string): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.report(path, `must be a list of ${rule}`, `write it as [a, b] or as "- a" lines`, value);
      return undefined;
    }
    if (value.length === 0) {
      this.report(path, `must not be empty`, fix, value);
      return undefined;
    }
    const out: string[] = [];
    value.forEach((item, i) => {
      const s = this.string([...path, i], item, pattern, rule, fix);
      if (s === undefined) return;
      if (out.includes(s)) this.report([...path, i], `lists \`${s}\` twice`, "list each entry once", s);
      else out.push(s);
    });
    return out.length === value.length ? out : undefined;
  }
}

function isMapping(value: Json | undefined): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The model file every command reads: ENVIRONMENTS_FILE, else environments.yaml in the current directory. */
export function modelFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.ENVIRONMENTS_FILE || "environments.yaml";
}

/** Reads the model file at `file`; throws ModelError (a user error) for any problem. */
export function loadEnvironmentModel(file: string): EnvironmentModel {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ModelError(file, [
      {
        path: "",
        problem: "the file does not exist or cannot be read",
        fix: "run from the project root, or point ENVIRONMENTS_FILE at the model file",
      },
    ]);
  }
  if (!stat.isFile()) {
    throw new ModelError(file, [{ path: "", problem: "is not a file", fix: "point ENVIRONMENTS_FILE at a YAML file" }]);
  }
  if (stat.size > MAX_MODEL_BYTES) {
    throw new ModelError(file, [
      {
        path: "",
        problem: `the file is ${stat.size} bytes; a model is a few kilobytes and at most ${MAX_MODEL_BYTES} are read`,
        fix: "check that ENVIRONMENTS_FILE names the environment model and not another file",
      },
    ]);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "an error";
    throw new ModelError(file, [
      {
        path: "",
        problem: `the file cannot be read (${code}: ${(e as Error).message.replace(/^[A-Z]+: /, "")})`,
        fix: code === "EACCES" || code === "EPERM" ? `let this user read it (e.g. chmod u+r ${file})` : "check that ENVIRONMENTS_FILE names a readable YAML file",
      },
    ]);
  }
  const model = parseEnvironmentModel(text, file);
  const history = readAddressHistory(file);
  return history ? { ...model, history } : model;
}

/** Parses and validates model text; `source` names it in messages. */
export function parseEnvironmentModel(text: string, source: string): EnvironmentModel {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length > 0) {
    // The first syntax error only: the parser's later ones are mostly consequences of it.
    const e = doc.errors[0];
    // A `[` or `{` left open is noticed lines later, where the parser gives up: name where it opened.
    const opener = unclosedFlowOpener(text, e.pos[0]);
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
  visit(doc, {
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
  const check = new Checker(doc, lines);
  const model = validate(data, check, source);
  if (check.issues.length > 0 || model === undefined) {
    throw new ModelError(source, sortIssues(check.issues));
  }
  return model;
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

function sortIssues(issues: ModelIssue[]): ModelIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

interface RawEnvironment {
  key: string;
  adopt?: { catalog: boolean; schemas: string[]; groupGrants: string[] };
  storageRoot?: string;
  stackName?: string;
  host?: string;
  profile?: string;
  workspaceId?: number;
  servicePrincipal?: string;
  catalogName?: string;
  schemas?: string[];
  bucket?: string;
  promotion?: { from?: string; schema?: string };
  approval?: "required" | "none";
}

function validate(data: Json, check: Checker, source: string): EnvironmentModel | undefined {
  const root = check.object(
    [],
    data,
    ["metastore", "groups", "environments", "access", "sandbox"],
    ["account", "github", "state", "legacyServicePrincipals", "production", "moved", "codeOwners", "retired"],
    "the environment model",
    "report",
  );
  if (!root) return undefined;
  literalStrings(check, data, []);

  // Groups.
  const groups: Group[] = [];
  const groupEntries = check.keyedMap(["groups"], root.groups, "group keys to display names", "`dev: Databricks - Dev`");
  const groupKeys = new Set(groupEntries.map(([key]) => key)); // including those whose name is invalid (reported once)
  for (const [key, value] of groupEntries) {
    const displayName = check.string(
      ["groups", key],
      value,
      DISPLAY_NAME,
      "a group display name",
      "write the account-level group's display name exactly as SCIM shows it",
    );
    if (displayName !== undefined) groups.push({ key, displayName });
  }
  const byDisplayName = new Map<string, Group>();
  for (const g of groups) {
    const first = byDisplayName.get(g.displayName.toLowerCase());
    if (first) {
      check.report(["groups", g.key], `names the same group as groups.${first.key}`, "keep one key per group", g.displayName);
    } else byDisplayName.set(g.displayName.toLowerCase(), g);
  }
  const groupByKey = new Map(groups.map((g) => [g.key, g]));

  // Environments, first each on its own.
  const raws: RawEnvironment[] = [];
  for (const [key, value] of check.keyedMap(["environments"], root.environments, "environments", "`dev: {stack: ref-dev, ...}`")) {
    raws.push(readEnvironment(check, key, value));
  }
  if (raws.length === 0 && root.environments !== undefined && root.environments !== null) {
    check.report(["environments"], "declares no environment", "declare at least one environment (dev, staging, prod)", root.environments);
  }

  for (const env of raws) {
    if (RESERVED_ENVIRONMENT_KEYS.includes(env.key)) {
      check.report(["environments", env.key], `\`${env.key}\` is reserved (the plan principal's Terraform addresses use it)`, "give the environment another key", env.key);
    }
  }

  // Each environment needs its own workspace, profile, principal, catalog and stack: the incident
  // this project exists for was the prod target aimed at the dev workspace.
  const distinct: [keyof RawEnvironment, string[], string, string][] = [
    ["host", ["workspace", "host"], "workspace host", "each environment needs its own workspace; set this one to its own workspace URL"],
    ["profile", ["workspace", "profile"], "CLI profile", "give each environment its own Databricks CLI profile"],
    ["workspaceId", ["workspace", "id"], "workspace ID", "each environment needs its own workspace; set this one's numeric ID"],
    ["stackName", ["stack"], "stack name", "give each environment its own stack name"],
    ["servicePrincipal", ["servicePrincipal"], "service principal", "give each environment its own service principal"],
    ["catalogName", ["catalog", "name"], "catalog", "give each environment its own catalog"],
  ];
  for (const [field, sub, what, fix] of distinct) {
    const seen = new Map<string, RawEnvironment>();
    for (const env of raws) {
      const v = env[field];
      if (v === undefined) continue;
      const norm = String(v).toLowerCase();
      const first = seen.get(norm);
      if (first) {
        check.report(
          ["environments", env.key, ...sub],
          `is the same ${what} as environments.${first.key}.${sub.join(".")}`,
          fix,
          v,
        );
      } else seen.set(norm, env);
    }
  }

  const envKeys = raws.map((r) => r.key);
  // References to environments or groups are checked only when their section could be read;
  // otherwise every reference would repeat the one real error.
  const environmentsReadable = isMapping(root.environments) && raws.length > 0;
  const groupsReadable = isMapping(root.groups);
  for (const env of raws) {
    if (!env.promotion) continue;
    const { from, schema } = env.promotion;
    if (from === undefined) continue;
    const source = raws.find((r) => r.key === from);
    if (!source) {
      check.report(
        ["environments", env.key, "promotion", "from"],
        `names an environment that is not defined`,
        `use one of: ${envKeys.filter((k) => k !== env.key).join(", ")}`,
        from,
      );
    } else if (source.key === env.key) {
      check.report(
        ["environments", env.key, "promotion", "from"],
        "names the environment itself",
        "promote from the environment before this one (staging from dev, prod from staging), or remove promotion",
        from,
      );
    } else if (schema !== undefined && source.schemas && !source.schemas.includes(schema)) {
      check.report(
        ["environments", env.key, "promotion", "schema"],
        `is not a schema of environments.${source.key}.catalog`,
        `use one of: ${source.schemas.join(", ")}, or add it to environments.${source.key}.catalog.schemas`,
        schema,
      );
    }
  }
  const cycle = promotionCycle(raws);
  if (cycle) {
    check.report(
      ["environments", cycle[0], "promotion", "from"],
      `promotions form a cycle (${[...cycle, cycle[0]].join(" <- ")})`,
      "models must flow one way, e.g. dev -> staging -> prod",
      raws.find((r) => r.key === cycle[0])?.promotion?.from,
    );
  }

  // Metastore.
  const metastore = check.object(["metastore"], root.metastore, ["id", "grantsFrom"], [], "metastore");
  let metastoreId: string | undefined;
  let grantsFrom: string | undefined;
  if (metastore) {
    metastoreId = check.string(["metastore", "id"], metastore.id, UUID, "a metastore ID (a lower-case UUID)", "copy it from `databricks metastores current`");
    grantsFrom = envRef(check, ["metastore", "grantsFrom"], metastore.grantsFrom, environmentsReadable ? envKeys : undefined);
  }

  // Sandbox.
  const sandbox = check.object(["sandbox"], root.sandbox, ["catalogName", "creators"], ["storage"], "sandbox");
  let catalogPattern: string | undefined;
  let creators: Group[] | undefined;
  let sandboxStorage: { externalLocation: string; url: string } | undefined;
  if (sandbox && sandbox.storage !== undefined && sandbox.storage !== null) {
    const st = check.object(["sandbox", "storage"], sandbox.storage, ["externalLocation", "url"], [], "sandbox.storage");
    if (st) {
      const externalLocation = check.string(
        ["sandbox", "storage", "externalLocation"],
        st.externalLocation,
        EXTERNAL_LOCATION,
        "an external location name (letters, digits, underscores, hyphens)",
        "write the external location's name as `databricks external-locations list` shows it",
      );
      const url = check.string(["sandbox", "storage", "url"], st.url, STORAGE_ROOT, "a storage URL (s3://, abfss://, gs://, r2://)", "write the external location's URL, e.g. s3://ref-ml-core-dev-workspace-bucket/sandboxes");
      if (externalLocation !== undefined && url !== undefined) sandboxStorage = { externalLocation, url: url.replace(/\/+$/, "") };
    }
  }
  if (sandbox) {
    catalogPattern = check.string(
      ["sandbox", "catalogName"],
      sandbox.catalogName,
      /^[a-z0-9_]*\{user\}[a-z0-9_]*$/,
      "a catalog name pattern with `{user}` (lower-case letters, digits, underscores)",
      'write it like "{user}_sandbox"',
    );
    const keys = check.stringList(["sandbox", "creators"], sandbox.creators, KEY, "group keys", "list the group keys whose members create sandboxes, e.g. [dev]");
    if (keys) {
      creators = [];
      keys.forEach((k, i) => {
        const g = groupsReadable && !(groupKeys.has(k) && !groupByKey.has(k)) ? groupRef(check, ["sandbox", "creators", i], k, groupByKey) : undefined;
        if (g) creators!.push(g);
      });
    }
    if (catalogPattern) {
      const re = new RegExp(`^${catalogPattern.replace("{user}", "[a-z0-9_]+")}$`);
      for (const env of raws) {
        if (env.catalogName && re.test(env.catalogName)) {
          check.report(
            ["environments", env.key, "catalog", "name"],
            `matches the sandbox catalog pattern ${JSON.stringify(catalogPattern)}, so a developer could own it`,
            "rename the environment catalog or change sandbox.catalogName",
            env.catalogName,
          );
        }
      }
    }
  }

  // Access.
  const access: { group: string; env: string; level?: AccessLevel; privileges: string[] }[] = [];
  for (const [groupKey, perEnv] of check.keyedMap(["access"], root.access, "group keys to their access", "`dev: {dev: read}`")) {
    if (groupsReadable && !groupKeys.has(groupKey)) {
      check.report(["access", groupKey], "names a group that is not defined in groups", `use one of: ${[...groupByKey.keys()].join(", ")}, or add it to groups`, groupKey);
    }
    for (const [envKey, grant] of check.keyedMap(["access", groupKey], perEnv, "environment keys to access levels", "`dev: read`")) {
      const path = ["access", groupKey, envKey];
      if (!envKeys.includes(envKey)) {
        if (environmentsReadable) {
          check.report(path, "names an environment that is not defined in environments", `use one of: ${envKeys.join(", ")}`, envKey);
        }
        continue;
      }
      const parsed = accessValue(check, path, grant, "catalog");
      if (parsed) access.push({ group: groupKey, env: envKey, ...parsed });
    }
  }

  // Adopted grants must be grants this model declares, or the import would adopt an orphan.
  for (const env of raws) {
    env.adopt?.groupGrants.forEach((groupKey, i) => {
      const path = ["environments", env.key, "catalog", "adopt", "groupGrants", i];
      if (!groupKeys.has(groupKey)) {
        check.report(path, "names a group that is not defined in groups", `use one of: ${[...groupKeys].join(", ")}`, groupKey);
      } else if (!access.some((a) => a.group === groupKey && a.env === env.key)) {
        check.report(path, `names a group that has no access to ${env.key} in access`, `add access.${groupKey}.${env.key}, or remove it from groupGrants`, groupKey);
      }
    });
  }

  const production =
    root.production === undefined || root.production === null
      ? undefined
      : envRef(check, ["production"], root.production, environmentsReadable ? envKeys : undefined);
  // Models flow towards production, never out of it: promoting from production would bind its
  // catalog to another workspace and let another environment's principal read production's models.
  const productionKey = production ?? (envKeys.includes("prod") ? "prod" : envKeys[envKeys.length - 1]);
  for (const env of raws) {
    if (env.promotion?.from !== undefined && env.promotion.from === productionKey && env.key !== productionKey && !promotionCycle(raws)?.includes(env.key)) {
      // (A cycle is reported once, as a cycle.)
      check.report(
        ["environments", env.key, "promotion", "from"],
        `promotes from ${productionKey}, the production environment; models are promoted towards production, never out of it`,
        "promote from an environment before production (staging from dev, prod from staging), or remove promotion",
        env.promotion.from,
      );
    }
  }

  if (sandboxStorage && grantsFrom !== undefined) sandboxStorageOverlaps(check, sandboxStorage.url, grantsFrom, raws);
  const codeOwners = root.codeOwners === undefined || root.codeOwners === null
    ? []
    : check.stringList(["codeOwners"], root.codeOwners, CODE_OWNER, "GitHub users or teams (@user, @org/team)", 'list who reviews changes to the code and workflows, e.g. ["@my-org/platform"]') ?? [];

  const stackNames = raws.map((r) => r.stackName).filter((n): n is string => n !== undefined);
  const account = readAccount(check, root.account, stackNames, raws.flatMap((r) => (r.host !== undefined ? [r.host] : [])));
  const retired = readRetired(check, root.retired, raws, account);
  // Renames: stack -> { old address: new address }. Whether the new address exists is checked
  // against the desired state (lib/desired-state.ts), which knows every address.
  const moved: { [stack: string]: { from: string; to: string }[] } = {};
  for (const [stack, renames] of namedMap(check, ["moved"], root.moved)) {
    if (![...stackNames, ...(account ? [account.stackName] : [])].includes(stack)) {
      check.report(["moved", stack], "names a stack the model does not have", `use one of: ${stackNames.join(", ")}`, stack);
      continue;
    }
    for (const [from, to] of namedMap(check, ["moved", stack], renames)) {
      const path = ["moved", stack, from];
      if (!ADDRESS.test(from)) check.report(path, "the old address is not a Terraform resource address", "write it as terraform plan shows it, e.g. databricks_grant.catalog_dev__group_dev", from);
      const target = check.string(path, to, ADDRESS, "a Terraform resource address", "write the new address as terraform plan shows it, e.g. databricks_grant.catalog_dev__group_developers");
      if (target !== undefined && ADDRESS.test(from)) {
        if (target.split(".")[0] !== from.split(".")[0]) check.report(path, "moves a resource to another resource type", "a moved block keeps the type: rename within databricks_grant, databricks_schema, ...", to);
        else (moved[stack] ??= []).push({ from, to: target });
      }
    }
  }
  const legacy: { name: string; applicationId: string }[] = [];
  for (const [name, value] of namedMap(check, ["legacyServicePrincipals"], root.legacyServicePrincipals)) {
    const id = check.string(["legacyServicePrincipals", name], value, UUID, "an application ID (a lower-case UUID)", "copy the principal's application ID from the account console");
    if (id !== undefined) legacy.push({ name, applicationId: id });
  }
  const retiredNames = legacyNames(legacy);
  for (const env of raws) {
    if (env.servicePrincipal !== undefined && retiredNames.has(env.servicePrincipal)) {
      check.report(
        ["environments", env.key, "servicePrincipal"],
        "is a retired principal (legacyServicePrincipals)",
        "each environment deploys as its own new principal, e.g. ml-pipelines-dev-service-principal",
        env.servicePrincipal,
      );
    }
  }
  const github = readGitHub(check, root.github, raws, legacy);

  // A group named like a principal would be granted (and reviewed) as that principal: the policy and
  // the reports name principals by display name, and grants name groups by it too.
  const principalNames = new Map<string, string>();
  for (const env of raws) if (env.servicePrincipal !== undefined) principalNames.set(env.servicePrincipal.toLowerCase(), `environments.${env.key}.servicePrincipal`);
  if (github) principalNames.set(github.planServicePrincipal.name.toLowerCase(), "github.planServicePrincipal.name");
  for (const l of legacy) principalNames.set(l.name.toLowerCase(), `the retired principal legacyServicePrincipals.${l.name}`);
  for (const g of groups) {
    const clash = principalNames.get(g.displayName.toLowerCase());
    if (clash) check.report(["groups", g.key], `is the name of a service principal (${clash}), in any case`, "give the group its own display name; groups and principals must not be confused in grants and reviews", g.displayName);
  }
  for (const env of raws) {
    if (env.catalogName !== undefined && RESERVED_CATALOGS.includes(env.catalogName)) {
      check.report(["environments", env.key, "catalog", "name"], "is a catalog name Databricks reserves", "give the environment its own catalog name (e.g. its key)", env.catalogName);
    }
    env.schemas?.forEach((schema, i) => {
      if (RESERVED_SCHEMAS.includes(schema)) check.report(["environments", env.key, "catalog", "schemas", i], "is a schema name Unity Catalog reserves", "choose another schema name", schema);
    });
  }
  const state = readState(check, root.state);
  if (root.github !== undefined && root.github !== null && (root.account === undefined || root.account === null)) {
    check.report(["github"], "is set without account", "add account (id, profile): the federation policies live in the account stack");
  }

  if (check.issues.length > 0) return undefined;

  // Everything is valid: build the typed model.
  // Approval before apply, unless the model says otherwise: production and the environment before it
  // (the one production promotes from, else the one before it in the file), as the plan recommends.
  const productionKeyForApproval = production ?? (envKeys.includes("prod") ? "prod" : envKeys[envKeys.length - 1]);
  const beforeProduction = raws.find((r) => r.key === productionKeyForApproval)?.promotion?.from ?? envKeys[envKeys.indexOf(productionKeyForApproval) - 1];
  const approvedByDefault = new Set([productionKeyForApproval, ...(beforeProduction !== undefined ? [beforeProduction] : [])]);
  const environments: Environment[] = [];
  const build = (raw: RawEnvironment): Environment => {
    const done = environments.find((e) => e.key === raw.key);
    if (done) return done;
    const from = raw.promotion ? build(raws.find((r) => r.key === raw.promotion!.from)!) : undefined;
    const env: Environment = {
      key: raw.key,
      stackName: raw.stackName!,
      workspace: { host: raw.host!, profile: raw.profile!, ...(raw.workspaceId !== undefined ? { id: raw.workspaceId } : {}) },
      servicePrincipal: raw.servicePrincipal!,
      catalog: {
        name: raw.catalogName!,
        schemas: raw.schemas!,
        ...(raw.bucket !== undefined ? { bucket: raw.bucket } : {}),
        ...(raw.storageRoot !== undefined ? { storageRoot: raw.storageRoot } : {}),
        adopt: raw.adopt ?? { catalog: false, schemas: [], groupGrants: [] },
      },
      ...(from ? { promotion: { from, schema: raw.promotion!.schema! } } : {}),
      approval: raw.approval ?? (approvedByDefault.has(raw.key) ? "required" : "none"),
    };
    environments.push(env);
    return env;
  };
  raws.forEach(build);
  const inFileOrder = raws.map((r) => environments.find((e) => e.key === r.key)!);
  const envByKey = new Map(inFileOrder.map((e) => [e.key, e]));

  const missingIds = inFileOrder.filter((e) => e.workspace.id === undefined).map((e) => `environments.${e.key}.workspace.id`);
  const warnings: string[] = [];
  if (missingIds.length > 0) {
    warnings.push(
      `${source}: ${missingIds.join(", ")} ${missingIds.length === 1 ? "is" : "are"} not set, so no catalog is made ISOLATED: ` +
        "a new catalog is OPEN (reachable from every workspace on the metastore), an existing one keeps its mode. " +
        "Set the numeric workspace IDs to make the catalogs ISOLATED.",
    );
  }
  // A production that deploys without an approval is a decision written in the model, and said.
  if (raws.find((r) => r.key === productionKeyForApproval)?.approval === "none") {
    warnings.push(`${source}: environments.${productionKeyForApproval}.approval is none: production's stack is applied without anyone's approval. Remove it to require one (the default).`);
  }
  if (!account || !github) {
    warnings.push(
      `${source}: ${[!account ? "account" : "", !github ? "github" : ""].filter(Boolean).join(" and ")} not set, so the account stack ` +
        "(GitHub OIDC federation policies for CI) is not synthesized. Set account (id, profile) and github (repository, planServicePrincipal) to add it.",
    );
  }

  if (codeOwners.length === 0) {
    warnings.push(
      `${source}: codeOwners is not set, so .github/CODEOWNERS names no owner and GitHub requires no review of changes ` +
        "to the code and the workflows, which decide every access verdict. Set codeOwners (GitHub teams or users) and run `npm run update`.",
    );
  }

  const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return {
    source,
    metastore: { id: metastoreId!, grantsFrom: envByKey.get(grantsFrom!)! },
    groups: [...groups].sort(byKey),
    sandbox: { catalogName: catalogPattern!, creators: [...creators!].sort(byKey), ...(sandboxStorage ? { storage: sandboxStorage } : {}) },
    environments: inFileOrder,
    production: envByKey.get(production ?? (envByKey.has("prod") ? "prod" : inFileOrder[inFileOrder.length - 1].key))!,
    access: access
      .map<CatalogAccess>((a) => ({
        group: groupByKey.get(a.group)!,
        environment: envByKey.get(a.env)!,
        ...(a.level ? { level: a.level } : {}),
        privileges: a.privileges,
      }))
      .sort((a, b) => byKey(a.group, b.group) || byKey(a.environment, b.environment)),
    isolated: missingIds.length === 0,
    warnings,
    ...(account ? { account } : {}),
    ...(github ? { github } : {}),
    ...(state ? { state } : {}),
    legacyServicePrincipals: legacy.sort((a, b) => (a.name < b.name ? -1 : 1)),
    moved,
    codeOwners,
    retired,
  };
}

/**
 * `retired.<key>`: an environment on its way out, with what its stack still needs to reach its
 * workspace. Its key, stack and workspace are its own: no live environment (nor the account stack)
 * may use them, so the retiring stack can never aim at a live workspace.
 */
function readRetired(check: Checker, value: Json | undefined, raws: readonly RawEnvironment[], account: Account | undefined): RetiredEnvironment[] {
  const out: RetiredEnvironment[] = [];
  const seen = { stack: new Map<string, string>(), host: new Map<string, string>(), profile: new Map<string, string>() };
  for (const env of raws) {
    if (env.stackName) seen.stack.set(env.stackName.toLowerCase(), `environments.${env.key}.stack`);
    if (env.host) seen.host.set(env.host.toLowerCase(), `environments.${env.key}.workspace.host`);
    if (env.profile) seen.profile.set(env.profile.toLowerCase(), `environments.${env.key}.workspace.profile`);
  }
  if (account) seen.stack.set(account.stackName.toLowerCase(), "account.stack");
  for (const [key, v] of check.keyedMap(["retired"], value, "retired environment keys to their stack and workspace", "`qa: {stack: ref-qa, workspace: {host: ..., profile: ref-qa}}`")) {
    const base = ["retired", key];
    if (raws.some((r) => r.key === key)) {
      check.report(base, `is also a live environment (environments.${key})`, `remove environments.${key} to retire it, or remove retired.${key} to keep it`, key);
      continue;
    }
    const r = check.object(base, v, ["stack", "workspace"], [], `retired environment \`${key}\``, "report");
    if (!r) continue;
    const stackName = check.string([...base, "stack"], r.stack, STACK_NAME, "a stack name (letters, digits, - and _)", "write the stack name it had, e.g. ref-qa");
    const ws = check.object([...base, "workspace"], r.workspace, ["host", "profile"], [], "workspace");
    const host = ws ? workspaceHost(check, [...base, "workspace", "host"], ws.host) : undefined;
    const profile = ws ? check.string([...base, "workspace", "profile"], ws.profile, PROFILE, "a CLI profile name", "the profile the environment had in ~/.databrickscfg, e.g. ref-qa") : undefined;
    const clashes: [string | undefined, Map<string, string>, Path, string][] = [
      [stackName, seen.stack, [...base, "stack"], "stack name"],
      [host, seen.host, [...base, "workspace", "host"], "workspace host"],
      [profile, seen.profile, [...base, "workspace", "profile"], "CLI profile"],
    ];
    let clash = false;
    for (const [x, map, path, what] of clashes) {
      if (x === undefined) continue;
      const other = map.get(x.toLowerCase());
      if (other) {
        clash = true;
        check.report(path, `is the same ${what} as ${other}`, "a retired environment keeps its own stack and workspace: write the ones it had", x);
      } else map.set(x.toLowerCase(), path.join("."));
    }
    if (stackName !== undefined && host !== undefined && profile !== undefined && !clash) out.push({ key, stackName, workspace: { host, profile } });
  }
  return out;
}

function readEnvironment(check: Checker, key: string, value: Json): RawEnvironment {
  const base = ["environments", key];
  const raw: RawEnvironment = { key };
  const env = check.object(base, value, ["stack", "workspace", "servicePrincipal", "catalog"], ["promotion", "approval"], `environment \`${key}\``, "report");
  if (!env) return raw;
  raw.stackName = check.string([...base, "stack"], env.stack, STACK_NAME, "a stack name (letters, digits, - and _)", "name it like ref-dev");
  raw.servicePrincipal = check.string(
    [...base, "servicePrincipal"],
    env.servicePrincipal,
    DISPLAY_NAME,
    "a service principal display name",
    "name it like ml-pipelines-dev-service-principal",
  );

  const ws = check.object([...base, "workspace"], env.workspace, ["host", "profile"], ["id"], "workspace");
  if (ws) {
    raw.host = workspaceHost(check, [...base, "workspace", "host"], ws.host);
    raw.profile = check.string([...base, "workspace", "profile"], ws.profile, PROFILE, "a CLI profile name", "use the profile name from ~/.databrickscfg, e.g. ref-dev");
    if (ws.id !== undefined && ws.id !== null) {
      if (typeof ws.id !== "number" || !Number.isSafeInteger(ws.id) || ws.id <= 0) {
        check.report([...base, "workspace", "id"], "is not a numeric workspace ID", "write the number after `?o=` in the workspace URL, unquoted", ws.id);
      } else raw.workspaceId = ws.id;
    }
  }

  const cat = check.object([...base, "catalog"], env.catalog, ["name", "schemas"], ["bucket", "storageRoot", "adopt"], "catalog");
  if (cat) {
    raw.catalogName = check.string([...base, "catalog", "name"], cat.name, UC_NAME, "a catalog name (lower-case letters, digits, single underscores)", "name it like dev");
    raw.schemas = check.stringList([...base, "catalog", "schemas"], cat.schemas, UC_NAME, "schema names (lower-case letters, digits, single underscores)", "list schemas like [bronze, silver, gold, models]");
    if (cat.bucket !== undefined && cat.bucket !== null) {
      raw.bucket = check.string([...base, "catalog", "bucket"], cat.bucket, S3_BUCKET, "an S3 bucket name", "write the bucket name only, without s3:// (e.g. ref-ml-core-dev-workspace-bucket)");
    }
    if (cat.storageRoot !== undefined && cat.storageRoot !== null) {
      raw.storageRoot = check.string(
        [...base, "catalog", "storageRoot"],
        cat.storageRoot,
        STORAGE_ROOT,
        "a storage location URL (s3://, abfss://, gs:// or r2://)",
        "copy the catalog's storage root exactly as `databricks catalogs get <name>` shows it",
      );
    }
    if (cat.adopt !== undefined && cat.adopt !== null) raw.adopt = readAdoption(check, [...base, "catalog", "adopt"], cat.adopt, raw.schemas);
  }

  if (env.approval !== undefined && env.approval !== null) {
    if (env.approval !== "required" && env.approval !== "none") {
      check.report([...base, "approval"], "must be `required` or `none`", "write `approval: required` when a reviewer must approve each apply of this environment's stack (the GitHub environment's required reviewers), or leave it out for the default (production and the environment before it)", env.approval);
    } else raw.approval = env.approval;
  }
  if (env.promotion !== undefined && env.promotion !== null) {
    const p = check.object([...base, "promotion"], env.promotion, ["from", "schema"], [], "promotion");
    if (p) {
      raw.promotion = {
        from: check.string([...base, "promotion", "from"], p.from, KEY, "an environment key", "name the environment models are copied from, e.g. dev"),
        schema: check.string([...base, "promotion", "schema"], p.schema, UC_NAME, "a schema name", "name the schema that holds the models, e.g. models"),
      };
    }
  }
  return raw;
}

function readAdoption(
  check: Checker,
  path: Path,
  value: Json,
  schemas: string[] | undefined,
): { catalog: boolean; schemas: string[]; groupGrants: string[] } | undefined {
  const a = check.object(path, value, [], ["catalog", "schemas", "groupGrants"], "adopt");
  if (!a) return undefined;
  let catalog = false;
  if (a.catalog !== undefined && a.catalog !== null) {
    if (typeof a.catalog !== "boolean") check.report([...path, "catalog"], "must be true or false", "write `catalog: true` when the catalog already exists", a.catalog);
    else catalog = a.catalog;
  }
  const adoptSchemas =
    a.schemas === undefined || a.schemas === null
      ? []
      : (check.stringList([...path, "schemas"], a.schemas, UC_NAME, "schema names", "list the schemas that already exist, e.g. [bronze, silver]") ?? []);
  adoptSchemas.forEach((name, i) => {
    if (schemas && !schemas.includes(name)) {
      check.report([...path, "schemas", i], "is not one of the catalog's schemas", `adopt only schemas listed in schemas (${schemas.join(", ")})`, name);
    }
  });
  if ((adoptSchemas.length > 0 || (Array.isArray(a.groupGrants) && a.groupGrants.length > 0)) && !catalog) {
    check.report([...path, "catalog"], "must be true when schemas or grants of the catalog are adopted", "set `catalog: true`: what is inside an existing catalog exists only if the catalog does", catalog);
  }
  const groupGrants =
    a.groupGrants === undefined || a.groupGrants === null
      ? []
      : (check.stringList([...path, "groupGrants"], a.groupGrants, KEY, "group keys", "list the keys of groups whose grant on this catalog already exists") ?? []);
  return { catalog, schemas: adoptSchemas, groupGrants };
}

function workspaceHost(check: Checker, path: Path, value: Json | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    check.report(path, "must be a string (the workspace URL)", "write it like https://dbc-a72d6af9-df3d.cloud.databricks.com", value);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    check.report(path, "is not a URL", "write it like https://dbc-a72d6af9-df3d.cloud.databricks.com", value);
    return undefined;
  }
  if (url.protocol !== "https:") {
    check.report(path, "must use https", `write it as https://${url.host}`, value);
    return undefined;
  }
  if (url.username || url.password || url.search || url.hash || url.port || (url.pathname !== "/" && url.pathname !== "")) {
    check.report(path, "must be the workspace URL alone (no path, port, query or credentials)", `write it as https://${url.hostname}`, value);
    return undefined;
  }
  if (value !== `https://${url.hostname}` || !HOSTNAME.test(url.hostname)) {
    check.report(path, "is not written in its plain form", `write it as https://${url.hostname} (lower case, no trailing slash)`, value);
    return undefined;
  }
  return value;
}

/** A mapping whose keys are free-form names (not address keys). */
function namedMap(check: Checker, path: Path, value: Json | undefined): [string, Json][] {
  if (value === undefined || value === null) return [];
  if (!isMapping(value)) {
    check.report(path, "must be a mapping of names to values", "write it as `name: value` lines", value);
    return [];
  }
  return Object.entries(value as { [key: string]: Json });
}

/** Catalogs that exist on every metastore or workspace: an environment must not take one over. */
const RESERVED_CATALOGS = ["hive_metastore", "system", "samples"];
/** Schemas Unity Catalog creates in every catalog. */
const RESERVED_SCHEMAS = ["information_schema"];

/**
 * Characters a reader cannot see or that reorder what they see: format characters (zero-width
 * spaces and joiners, bidi controls, the BOM), spaces other than the plain one, line and paragraph
 * separators, and fillers that render as nothing.
 */
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u115f\u1160\u3164\uffa0\u2800]/u;

/**
 * Every string of the model (keys too) reaches Terraform literally or not at all: Terraform
 * evaluates `${…}` and `%{…}` in any JSON string, so `${"Databricks - Dev"}` would become the Dev
 * group while every check saw another name. Refused, as are characters a reviewer cannot see.
 */
function literalStrings(check: Checker, value: Json, path: (string | number)[]): void {
  const inspect = (s: string, at: (string | number)[], what: string) => {
    if (/[$%]\{/.test(s)) {
      check.report(at, `${what} contains ${s.includes("${") ? "`${`" : "`%{`"}, which Terraform would evaluate as a template expression, not a literal`, "write the name literally, without `${` or `%{`", s);
    }
    const m = INVISIBLE.exec(s);
    if (m) {
      check.report(at, `${what} contains the invisible or reordering character U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`, "retype it with visible characters only (plain spaces)", s);
    }
  };
  if (typeof value === "string") inspect(value, path, "the value");
  else if (Array.isArray(value)) value.forEach((v, i) => literalStrings(check, v, [...path, i]));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      inspect(k, [...path, k], "the key");
      literalStrings(check, v, [...path, k]);
    }
  }
}

/** Environment keys that would collide with the plan principal's addresses (sp_plan, github__plan). */
const RESERVED_ENVIRONMENT_KEYS = ["plan"];

/** The accounts console of each cloud, by the domain its workspace hosts end with. */
const ACCOUNT_HOSTS: readonly [string, string, string][] = [
  ["AWS", ".cloud.databricks.com", "https://accounts.cloud.databricks.com"],
  ["Azure", ".azuredatabricks.net", "https://accounts.azuredatabricks.net"],
  ["GCP", ".gcp.databricks.com", "https://accounts.gcp.databricks.com"],
];

/**
 * The accounts console host for the workspaces' cloud, when every workspace host says the same
 * cloud; otherwise a reason it cannot be derived.
 */
function derivedAccountHost(workspaceHosts: readonly string[]): { host: string } | { reason: string } {
  const clouds = new Set(workspaceHosts.map((h) => ACCOUNT_HOSTS.find(([, suffix]) => h.endsWith(suffix))?.[0] ?? "unknown"));
  const [only] = [...clouds];
  if (clouds.size === 1 && only !== "unknown") return { host: ACCOUNT_HOSTS.find(([cloud]) => cloud === only)![2] };
  const what = clouds.has("unknown")
    ? "a workspace host is on none of the known clouds' domains (a custom or private-link domain)"
    : `the workspace hosts are on more than one cloud (${[...clouds].join(", ")})`;
  return { reason: what };
}
const ACCOUNT_STACK_DEFAULT = "ref-account";
const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const AWS_REGION = /^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d$/;

function readAccount(check: Checker, value: Json | undefined, stackNames: readonly string[], workspaceHosts: readonly string[]): Account | undefined {
  if (value === undefined || value === null) return undefined;
  const a = check.object(["account"], value, ["id", "profile"], ["host", "stack"], "account");
  if (!a) return undefined;
  const id = check.string(["account", "id"], a.id, UUID, "an account ID (a lower-case UUID)", "copy it from the account console (top right menu)");
  const profile = check.string(["account", "profile"], a.profile, PROFILE, "a CLI profile name", "name the account admin's profile from ~/.databrickscfg, e.g. ref-account");
  let host: string | undefined;
  if (a.host !== undefined && a.host !== null) {
    host = workspaceHost(check, ["account", "host"], a.host);
  } else {
    // The accounts console differs per cloud: derived from the workspaces, or required.
    const derived = derivedAccountHost(workspaceHosts);
    if ("host" in derived) host = derived.host;
    else {
      check.report(
        ["account", "host"],
        `is required here: ${derived.reason}, so the accounts console cannot be derived`,
        `set it to your accounts console: ${ACCOUNT_HOSTS.map(([cloud, , h]) => `${h} (${cloud})`).join(", ")}`,
      );
    }
  }
  const stackName =
    a.stack === undefined || a.stack === null
      ? ACCOUNT_STACK_DEFAULT
      : check.string(["account", "stack"], a.stack, STACK_NAME, "a stack name (letters, digits, - and _)", "name it like ref-account");
  if (stackName !== undefined && stackNames.some((n) => n.toLowerCase() === stackName.toLowerCase())) {
    check.report(["account", "stack"], "is the same stack name as an environment's", "give the account stack its own name (default ref-account)", stackName);
    return undefined;
  }
  if (id === undefined || profile === undefined || host === undefined || stackName === undefined) return undefined;
  return { id, profile, host, stackName };
}

/** Legacy principals by application ID and by name, each mapped to the name. */
function legacyNames(legacy: readonly { name: string; applicationId: string }[]): Map<string, string> {
  return new Map(legacy.flatMap((p) => [[p.applicationId, p.name], [p.name, p.name]] as [string, string][]));
}

/** A storage URL as compared here: lower-case scheme and authority, no trailing slash. */
export function storageKey(url: string): string {
  const m = /^([a-z0-9]+):\/\/([^/]*)(.*)$/i.exec(url);
  if (!m) return url;
  return `${m[1].toLowerCase()}://${m[2].toLowerCase()}${m[3].replace(/\/+$/, "")}`;
}

/** True when the storage key `inner` is `outer` or lies below it (whole path segments). */
export function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}

/**
 * The sandboxes' storage is developers' storage: each creator may create managed storage anywhere
 * under it. It must not lie in another environment's bucket, nor overlap any catalog's own storage
 * root (either way round), or developers' sandboxes would write into that environment's storage.
 * Its own environment is `metastore.grantsFrom` (whose stack grants on it). The URL must be clean,
 * so that no spelling can hide where it points.
 */
function sandboxStorageOverlaps(check: Checker, url: string, ownKey: string, raws: readonly RawEnvironment[]): void {
  const path = ["sandbox", "storage", "url"];
  const [, rest = ""] = /^[a-z0-9]+:\/\/[^/]*(.*)$/i.exec(url) ?? [];
  if (/[%?#\\]/.test(url) || rest.split("/").slice(1).some((seg) => seg === "" || seg === "." || seg === "..")) {
    check.report(path, "is not a clean storage URL (no %, ?, #, backslash, empty, . or .. path segments)", "write the external location's URL as `databricks external-locations get` shows it", url);
    return;
  }
  const key = storageKey(url);
  const authority = key.split("/")[2];
  for (const env of raws) {
    if (env.key !== ownKey && env.bucket !== undefined && authority === env.bucket.toLowerCase()) {
      check.report(
        path,
        `lies in environments.${env.key}.catalog.bucket (${env.bucket}), another environment's bucket than metastore.grantsFrom (${ownKey}): developers' sandboxes would write into ${env.key}'s storage`,
        `put the sandboxes in environments.${ownKey}'s bucket or a bucket of their own`,
        url,
      );
    }
    if (env.storageRoot !== undefined) {
      const root = storageKey(env.storageRoot);
      if (within(key, root) || within(root, key)) {
        check.report(
          path,
          `overlaps environments.${env.key}.catalog.storageRoot (${env.storageRoot}), the ${env.key} catalog's own managed storage`,
          "give the sandboxes a location that neither contains nor lies inside any catalog's storage root",
          url,
        );
      }
    }
  }
}

function readGitHub(
  check: Checker,
  value: Json | undefined,
  raws: readonly RawEnvironment[],
  legacy: readonly { name: string; applicationId: string }[],
): GitHub | undefined {
  if (value === undefined || value === null) return undefined;
  const g = check.object(["github"], value, ["repository", "planServicePrincipal"], [], "github");
  if (!g) return undefined;
  const repository = check.string(["github", "repository"], g.repository, GITHUB_REPOSITORY, "a GitHub repository (<org>/<repo>)", "write it like my-org/uc-env-isolation");
  const path = ["github", "planServicePrincipal"];
  const p = check.object(path, g.planServicePrincipal, ["name", "applicationId"], [], "planServicePrincipal");
  if (!p) return undefined;
  const name = check.string([...path, "name"], p.name, DISPLAY_NAME, "a service principal display name", "name the read-only principal pull-request plans run as, e.g. uc-env-isolation-plan");
  const applicationId = check.string(
    [...path, "applicationId"],
    p.applicationId,
    UUID,
    "an application ID (a lower-case UUID)",
    "create the principal in the account console first and copy its application ID (README, \"Continuous delivery\")",
  );
  if (name !== undefined && raws.some((r) => r.servicePrincipal?.toLowerCase() === name.toLowerCase())) {
    check.report([...path, "name"], "is an environment's deploying principal", "plans run as their own read-only principal; name a different one", name);
    return undefined;
  }
  const retired = legacyNames(legacy);
  if (applicationId !== undefined && retired.has(applicationId)) {
    check.report([...path, "applicationId"], `is the retired principal ${retired.get(applicationId)} (legacyServicePrincipals)`, "plans run as their own new principal; create one and use its application ID", applicationId);
    return undefined;
  }
  if (name !== undefined && retired.has(name)) {
    check.report([...path, "name"], "is a retired principal (legacyServicePrincipals)", "plans run as their own new principal; name a different one", name);
    return undefined;
  }
  return repository !== undefined && name !== undefined && applicationId !== undefined
    ? { repository, planServicePrincipal: { name, applicationId } }
    : undefined;
}

function readState(check: Checker, value: Json | undefined): RemoteState | undefined {
  if (value === undefined || value === null) return undefined;
  const st = check.object(["state"], value, ["bucket", "region", "key"], [], "state");
  if (!st) return undefined;
  const bucket = check.string(["state", "bucket"], st.bucket, S3_BUCKET, "an S3 bucket name", "write the bucket name only, without s3://");
  const region = check.string(["state", "region"], st.region, AWS_REGION, "an AWS region", "write it like us-east-1");
  let key = check.string(["state", "key"], st.key, /^[A-Za-z0-9!_.*'()\/{}-]{1,900}$/, "an S3 key pattern", 'write it like "uc-env-isolation/{stack}.tfstate"');
  if (key !== undefined) {
    const count = key.split("{stack}").length - 1;
    if (count !== 1) {
      check.report(
        ["state", "key"],
        count === 0 ? "has no {stack}, so every stack would share one state file (and overwrite each other)" : "has {stack} more than once",
        'put {stack} in the key exactly once, e.g. "uc-env-isolation/{stack}.tfstate"',
        key,
      );
      key = undefined;
    } else if (key.startsWith("/") || key.includes("//") || /[{}]/.test(key.replace("{stack}", ""))) {
      check.report(["state", "key"], "is not a clean S3 key", 'use {stack} as the only placeholder, no leading or doubled slashes, e.g. "uc-env-isolation/{stack}.tfstate"', key);
      key = undefined;
    }
  }
  return bucket !== undefined && region !== undefined && key !== undefined ? { bucket, region, key } : undefined;
}

/** An environment key; `envKeys` is undefined when the environments section itself is broken. */
function envRef(check: Checker, path: Path, value: Json | undefined, envKeys: string[] | undefined): string | undefined {
  const key = check.string(path, value, KEY, "an environment key", `use one of: ${(envKeys ?? []).join(", ")}`);
  if (key === undefined || envKeys === undefined) return undefined;
  if (!envKeys.includes(key)) {
    check.report(path, "names an environment that is not defined in environments", `use one of: ${envKeys.join(", ")}`, key);
    return undefined;
  }
  return key;
}

function groupRef(check: Checker, path: Path, key: string, groups: Map<string, Group>): Group | undefined {
  const g = groups.get(key);
  if (!g) check.report(path, "names a group that is not defined in groups", `use one of: ${[...groups.keys()].join(", ")}, or add it to groups`, key);
  return g;
}

/** An access value: a level name, or a list of privileges valid for the securable. */
function accessValue(
  check: Checker,
  path: Path,
  value: Json,
  securable: SecurableType,
): { level?: AccessLevel; privileges: string[] } | undefined {
  const levels = levelsFor(securable);
  if (typeof value === "string") {
    if (isAccessLevel(value) && privilegesOf(value, securable)) {
      return { level: value, privileges: normalizePrivileges(privilegesOf(value, securable)!) };
    }
    if (PRIVILEGES[securable].includes(value)) {
      return { privileges: [value] };
    }
    const near = closest(value, [...levels, ...PRIVILEGES[securable]]);
    check.report(
      path,
      `is not an access level or ${securable} privilege`,
      `${near ? `did you mean \`${near}\`? ` : ""}use a level (${levels.join(", ")}) or a list of ${securable} privileges`,
      value,
    );
    return undefined;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      check.report(path, "is an empty privilege list", "list at least one privilege, or remove the entry to grant nothing", value);
      return undefined;
    }
    let ok = true;
    value.forEach((p, i) => {
      if (typeof p !== "string" || !PRIVILEGES[securable].includes(p)) {
        ok = false;
        const near = typeof p === "string" ? closest(p, PRIVILEGES[securable]) : undefined;
        const other = (Object.keys(PRIVILEGES) as SecurableType[]).filter((t) => t !== securable && typeof p === "string" && PRIVILEGES[t].includes(p));
        check.report(
          [...path, i],
          other.length > 0 ? `${String(p)} is a ${other.join("/")} privilege, not valid on a ${securable}` : `is not a Unity Catalog ${securable} privilege`,
          `${near ? `did you mean \`${near}\`? ` : ""}valid ${securable} privileges: ${PRIVILEGES[securable].join(", ")}`,
          p,
        );
      }
    });
    if (!ok) return undefined;
    if (new Set(value).size !== value.length) {
      check.report(path, "lists a privilege twice", "list each privilege once", value);
      return undefined;
    }
    if (value.includes("ALL_PRIVILEGES") && value.length > 1) {
      check.report(path, "lists ALL_PRIVILEGES with other privileges", "ALL_PRIVILEGES already includes them; list it alone", value);
      return undefined;
    }
    return { privileges: normalizePrivileges(value as string[]) };
  }
  check.report(path, `must be an access level (${levels.join(", ")}) or a list of privileges`, "write e.g. `read` or [USE_CATALOG, SELECT]", value);
  return undefined;
}


function promotionCycle(raws: readonly RawEnvironment[]): string[] | undefined {
  for (const start of raws) {
    const chain: string[] = [];
    let cur: RawEnvironment | undefined = start;
    while (cur && cur.promotion?.from !== undefined) {
      if (chain.includes(cur.key)) return chain.slice(chain.indexOf(cur.key));
      chain.push(cur.key);
      const next: string = cur.promotion.from;
      if (next === cur.key) return undefined; // reported as "names the environment itself"
      cur = raws.find((r) => r.key === next);
    }
  }
  return undefined;
}
