/**
 * Catalog names in text (resource values, notebooks, SQL files) and whether a target may name them.
 * Shared by `resource-catalog` (the bundle's YAML) and `source-catalog` (the code resources run).
 *
 * A target names its catalog through `${var.catalog_name}` (a notebook: through the parameter or
 * configuration the resource passes it); written out, a catalog name is either another
 * environment's (every environment would read or write there) or this one's where a shared
 * resource needs the variable. The one literal a target may write is its promotion source's models
 * schema (`environments.<key>.promotion`), read-only by the model's grants.
 */
import { CURRENT_USER, type TargetFacts } from "./facts";
import type { BundleView } from "./view";

/** File name endings that make `dev.py` a file, not catalog `dev`'s table `py`. */
const FILE_ENDINGS = new Set(["py", "sql", "ipynb", "yml", "yaml", "json", "whl", "jar", "txt", "md", "r", "scala", "csv", "parquet", "sh", "cfg", "toml", "lvdash"]);
/** `catalog.schema[.object]`, each part optionally in backticks, not inside a longer name or path. */
const DOTTED = /(?<![\w./{}$`-])`?([A-Za-z0-9_{}]+)`?\.`?([A-Za-z0-9_]+)`?(?![\w/-])/g;
/** `prod . gold . t`: SQL allows spaces around the dots; three parts, so that prose ("in prod. Gold") is not one. */
const SPACED = /(?<![\w.$`{}])`?([A-Za-z0-9_]+)`?[ \t]*\.[ \t]*`?([A-Za-z0-9_]+)`?[ \t]*\.[ \t]*`?[A-Za-z0-9_]+`?/g;
/** `USE CATALOG x`, `SET CATALOG x`, `USE x.y`, `USE SCHEMA x.y`: x is a catalog by position. */
const USE = /\b(?:USE\s+(?:CATALOG\s+|SCHEMA\s+|DATABASE\s+)?|SET\s+CATALOG\s+)`?([A-Za-z0-9_]+)`?(?=\s*(?:\.|;|$|\n|\r|["')\\]))/gi;
/** `catalog = "x"`, `catalog_name: 'x'`, `"catalog": "x"`, `target_catalog = f"x"`. */
const ASSIGN = /\b([A-Za-z_]*catalog(?:_name)?)["']?\s*[:=]\s*f?["']([A-Za-z0-9_]+)["']/gi;
/** `dbutils.widgets.text("catalog", "x")`, `spark.conf.get("catalog", "x")`: a default catalog. */
/** `catalog: x` on a YAML line (a dbt profile, a configuration file). */
const YAML_KEY = /^[ \t-]*([A-Za-z_]*catalog(?:_name)?):[ \t]*["']?([A-Za-z0-9_]+)["']?[ \t]*$/gim;
/** `--catalog=x`, `catalog_name=x` as a word (a command-line argument, a Spark configuration). */
const FLAG = /(?<![\w.-])(?:--?)?([A-Za-z_]*catalog(?:_name)?)=([A-Za-z0-9_]+)(?![\w.])/gi;
const DEFAULT_ARG = /\(\s*["']([A-Za-z_]*catalog(?:_name)?)["']\s*,\s*f?["']([A-Za-z0-9_]+)["']/gi;

export interface CatalogRef {
  /** Lower case; `{user}` for `${workspace.current_user.short_name}`. */
  readonly catalog: string;
  readonly schema?: string;
  /** 0-based offset in the text, for the line. */
  readonly index: number;
  /** The text that names it. */
  readonly text: string;
  /** A catalog by position (a `catalog:` key, `USE CATALOG`, `catalog = "..."`): any name counts, known or not. */
  readonly byPosition: boolean;
}

/** Every catalog reference in a text; `wholeIsCatalog` when the whole value sits in a catalog position. */
export function catalogRefs(text: string, wholeIsCatalog = false): CatalogRef[] {
  // Most values name nothing: no dot, no catalog word.
  if (!wholeIsCatalog && !text.includes(".") && !/catalog|use/i.test(text)) return [];
  const normal = text.split(CURRENT_USER).join("{user}");
  const refs: CatalogRef[] = [];
  const whole = normal.trim().toLowerCase();
  if (wholeIsCatalog && /^[a-z0-9_{}]+$/.test(whole)) refs.push({ catalog: whole, index: 0, text: text.trim(), byPosition: true });
  for (const m of normal.matchAll(DOTTED)) {
    if (FILE_ENDINGS.has(m[2].toLowerCase())) continue;
    refs.push({ catalog: m[1].toLowerCase(), schema: m[2].toLowerCase(), index: m.index!, text: m[0], byPosition: false });
  }
  for (const m of normal.matchAll(SPACED)) {
    if (/\s/.test(m[0])) refs.push({ catalog: m[1].toLowerCase(), schema: m[2].toLowerCase(), index: m.index!, text: m[0], byPosition: false });
  }
  for (const re of [USE, ASSIGN, YAML_KEY, FLAG, DEFAULT_ARG]) {
    for (const m of normal.matchAll(re)) {
      const name = (re === USE ? m[1] : m[2]).toLowerCase();
      // `USE SCHEMA gold` names a schema of the current catalog: only `USE x.y` and USE CATALOG name one.
      if (re === USE && /schema|database/i.test(m[0]) && !normal.slice(m.index! + m[0].length).startsWith(".")) continue;
      if (re === USE && !/catalog/i.test(m[0]) && !normal.slice(m.index! + m[0].length).startsWith(".")) continue;
      refs.push({ catalog: name, index: m.index!, text: m[0], byPosition: true });
    }
  }
  return refs;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The target's own catalog, with `{user}` for the developer. */
export const ownCatalog = (t: TargetFacts) => t.variables.catalog_name.replace(CURRENT_USER, "{user}");

/**
 * Whether target `t` may name `ref` written literally: `shared` when every target deploys the text.
 * Undefined when the reference is not a catalog the check judges (an unknown name outside a
 * catalog position, e.g. `spark.sql` or `os.path`).
 */
export function judge(view: BundleView, t: TargetFacts, ref: CatalogRef, shared: boolean): Verdict | undefined {
  const { facts } = view;
  const env = facts.byCatalog.get(ref.catalog);
  const sandbox = !env && facts.sandboxCatalog.test(ref.catalog.replace("{user}", "user"));
  if (!env && !sandbox && !ref.byPosition) return undefined;
  if (ref.catalog === ownCatalog(t)) {
    return shared ? { ok: false, reason: `its own catalog, written out where every target runs it (\${var.catalog_name} belongs there)` } : { ok: true };
  }
  const promotion = t.environment.promotion;
  if (!t.sandbox && env && promotion && promotion.from.key === env.key && ref.schema === promotion.schema.toLowerCase()) return { ok: true };
  if (env) return { ok: false, reason: `environments.${env.key}'s catalog` };
  if (sandbox) return { ok: false, reason: ref.catalog.includes("{user}") ? "a developer's sandbox" : `${ref.catalog}, a developer's sandbox` };
  return { ok: false, reason: `${ref.catalog}, a catalog written out where \${var.catalog_name} belongs` };
}

/** 1-based line of an offset, with the line starts of a text computed once. */
export function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
