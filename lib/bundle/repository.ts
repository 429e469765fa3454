/**
 * Reads a bundle repository the way the Databricks CLI loads it, without running anything in it:
 * the root configuration file, every file its `include` globs match (Go filepath.Glob semantics,
 * sorted per pattern, first match wins), `.github/workflows/*.yml`, and committed variable
 * overrides (`.databricks/bundle/<target>/variable-overrides.json`, which beat target defaults).
 */
import * as fs from "fs";
import * as path from "path";
import { BundleInputError } from "./errors";
import { at, parseYaml, textOf, type Node } from "./yaml-tree";

/** The CLI's accepted root file names; more than one is an error there too. */
export const ROOT_FILES = ["databricks.yml", "databricks.yaml", "bundle.yml", "bundle.yaml"];
const MAX_FILE_BYTES = 1024 * 1024;
/** Source files (notebooks, SQL, scripts) may be larger than configuration. */
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
const MAX_FILES = 20_000;

export interface RepoFile {
  /** Relative to the repository, with `/`. */
  readonly path: string;
  readonly root: Node | undefined;
}

export interface BundleRepository {
  readonly dir: string;
  /** The root file first, then included files in load order (later files override earlier ones). */
  readonly bundleFiles: readonly RepoFile[];
  readonly workflows: readonly RepoFile[];
  /** Committed `.databricks/bundle/<target>/variable-overrides.json` files. */
  readonly variableOverrides: readonly (RepoFile & { readonly target: string })[];
  /**
   * Everything else committed in the CLI's local state directory `.databricks/` (files, links,
   * directories that are links), relative to the repository: what the CLI finds there it uses.
   */
  readonly localState: readonly { readonly path: string; readonly link?: string }[];
  /** Any other file of the repository the checks follow (scripts, actions, notebooks), read on demand. */
  readonly files: RepoFiles;
}

/** What reading a repository file on demand gives. */
export type RepoText =
  | { readonly kind: "file"; readonly path: string; readonly text: string }
  | { readonly kind: "directory"; readonly path: string }
  | { readonly kind: "missing"; readonly path: string }
  /** A path (or a link) that leads out of the repository: never read. */
  | { readonly kind: "outside"; readonly path: string };

export interface RepoFiles {
  /** A path relative to the repository (`/`-separated, `..` allowed while it stays inside). */
  readonly read: (rel: string) => RepoText;
  /** Every regular file under a directory of the repository (relative paths, sorted), links not followed. */
  readonly list: (dir: string) => string[];
  /** Whether a directory of the repository (relative) holds a bundle root file. */
  readonly hasRootFile: (dir: string) => boolean;
  /** A YAML file of the repository, parsed (undefined when it is not a file in the repository). */
  readonly yaml: (rel: string) => RepoFile | undefined;
}

export function readBundleRepository(dir: string): BundleRepository {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new BundleInputError(`${dir}: no such directory. Fix: pass the bundle repository's directory (the one with databricks.yml)`);
  }
  if (!stat.isDirectory()) throw new BundleInputError(`${dir}: is not a directory. Fix: pass the bundle repository's directory (the one with databricks.yml)`);
  const roots = ROOT_FILES.filter((f) => isFile(path.join(dir, f)));
  if (roots.length === 0) throw new BundleInputError(`${dir}: has no databricks.yml. Fix: pass the bundle repository's directory`);
  if (roots.length > 1) throw new BundleInputError(`${dir}: has ${roots.join(" and ")}; the CLI refuses more than one. Fix: keep databricks.yml only`);

  const rootFile = readYamlFile(dir, roots[0]);
  const bundleFiles: RepoFile[] = [rootFile];
  const include = at(rootFile.root, "include");
  const patterns: { text: string; line: number }[] = [];
  if (include && include.kind === "seq") {
    for (const item of include.items) {
      const text = textOf(item);
      if (text === undefined) throw new BundleInputError(`${rootFile.path}:${item.line}: an include entry is not a path. Fix: list relative paths or globs`);
      patterns.push({ text, line: item.line });
    }
  } else if (include && !(include.kind === "scalar" && include.value === null)) {
    throw new BundleInputError(`${rootFile.path}:${include.line}: include must be a list of paths. Fix: write \`include: [targets.yml, resources/*.yml]\``);
  }
  if (patterns.length > 0) {
    // databricks/cli v1.13.0 bundle/config/loader/process_root_includes.go: filepath.Glob per entry
    // (anchored at the bundle root), matches sorted per entry, a file seen before skipped, then any
    // match without a .yml/.yaml/.json extension is an error; a matched directory fails to load.
    const seen = new Set(ROOT_FILES);
    for (const p of patterns) {
      const where = `${rootFile.path}:${p.line}`;
      // On Linux (where CI deploys) `\` escapes the next character in Go's patterns: it is not a separator.
      const rel = path.posix.normalize(p.text);
      if (p.text.startsWith("/") || rel.startsWith("../") || rel === "..") {
        throw new BundleInputError(`${where}: include ${JSON.stringify(p.text)} points outside the repository, where the check cannot follow. Fix: include files inside the repository`);
      }
      const matches = globFiles(dir, rel, where);
      if (matches.length === 0 && !/[*?[]/.test(p.text)) {
        throw new BundleInputError(`${where}: include ${JSON.stringify(p.text)} matches no file (the CLI refuses it too). Fix: generate it (npm run bundle -- --out ...) or remove the entry`);
      }
      for (const m of matches) {
        if (seen.has(m)) continue;
        seen.add(m);
        if (!/\.(yaml|yml|json)$/.test(m)) {
          throw new BundleInputError(`${where}: include ${JSON.stringify(p.text)} matches ${m}, which is not a .yml, .yaml or .json file (the CLI refuses it: "Files in the 'include' configuration section must be YAML or JSON files"). Fix: narrow the pattern`);
        }
        if (!isFile(path.join(dir, m))) {
          throw new BundleInputError(`${where}: include ${JSON.stringify(p.text)} matches ${m}, which is not a file (the CLI fails to load it). Fix: narrow the pattern to files`);
        }
        bundleFiles.push(readYamlFile(dir, m));
      }
    }
  }

  const workflowDir = path.join(dir, ".github", "workflows");
  const workflows = isDir(workflowDir)
    ? fs
        .readdirSync(workflowDir)
        .filter((f) => /\.ya?ml$/.test(f) && isFile(path.join(workflowDir, f)))
        .sort()
        .map((f) => readYamlFile(dir, `.github/workflows/${f}`))
    : [];

  const overridesDir = path.join(dir, ".databricks", "bundle");
  const variableOverrides = isDir(overridesDir)
    ? fs
        .readdirSync(overridesDir)
        .sort()
        .filter((t) => isFile(path.join(overridesDir, t, "variable-overrides.json")))
        .map((t) => ({ ...readYamlFile(dir, `.databricks/bundle/${t}/variable-overrides.json`), target: t }))
    : [];

  return { dir, bundleFiles, workflows, variableOverrides, localState: localStateOf(dir), files: repoFiles(dir) };
}

/**
 * The CLI's local state directory (`.databricks`, databricks/cli v1.13.0 bundle/bundle.go
 * GetLocalStateDir: `.databricks/bundle/<target>/`) as committed: every entry but the variable
 * overrides files (read as bundle input) and the `.gitignore` the CLI writes there. Links are not
 * followed: a link is itself an entry.
 */
function localStateOf(dir: string): { path: string; link?: string }[] {
  const out: { path: string; link?: string }[] = [];
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(abs);
    } catch {
      return;
    }
    if (stat.isSymbolicLink()) out.push({ path: rel, link: fs.readlinkSync(abs) });
    else if (stat.isDirectory()) {
      for (const e of fs.readdirSync(abs).sort()) {
        walk(`${rel}/${e}`);
        if (out.length > MAX_FILES) throw new BundleInputError(`.databricks: holds more than ${MAX_FILES} entries. Fix: remove it from the repository`);
      }
    } else if (!/^\.databricks\/bundle\/[^/]+\/variable-overrides\.json$/.test(rel) && rel !== ".databricks/.gitignore") out.push({ path: rel });
  };
  walk(".databricks");
  return out;
}

/** Normalises a repository-relative path; undefined when it leaves the repository. */
export function repoPath(rel: string): string | undefined {
  if (rel.startsWith("/") || /^[A-Za-z]:/.test(rel)) return undefined;
  const normal = path.posix.normalize(rel).replace(/\/$/, "");
  if (normal === ".." || normal.startsWith("../")) return undefined;
  return normal === "." ? "" : normal;
}

function repoFiles(dir: string): RepoFiles {
  const realRoot = fs.realpathSync(dir);
  const texts = new Map<string, RepoText>();
  const yamls = new Map<string, RepoFile | undefined>();
  const inside = (abs: string) => abs === realRoot || abs.startsWith(realRoot + path.sep);
  const read = (rel: string): RepoText => {
    const normal = repoPath(rel);
    if (normal === undefined) return { kind: "outside", path: rel };
    const cached = texts.get(normal);
    if (cached) return cached;
    const abs = path.join(dir, normal);
    let result: RepoText;
    let real: string | undefined;
    try {
      real = fs.realpathSync(abs);
    } catch {
      real = undefined;
    }
    if (real === undefined) result = { kind: "missing", path: normal };
    else if (!inside(real)) result = { kind: "outside", path: normal };
    else {
      const stat = fs.statSync(real);
      if (stat.isDirectory()) result = { kind: "directory", path: normal };
      else if (!stat.isFile()) result = { kind: "missing", path: normal };
      else {
        if (stat.size > MAX_SOURCE_BYTES) {
          throw new BundleInputError(`${normal}: is ${stat.size} bytes; the check reads source files of at most ${MAX_SOURCE_BYTES} bytes. Fix: split the file, or keep data out of the repository`);
        }
        result = { kind: "file", path: normal, text: fs.readFileSync(real, "utf8") };
      }
    }
    texts.set(normal, result);
    return result;
  };
  const list = (rel: string): string[] => {
    const normal = repoPath(rel);
    if (normal === undefined) return [];
    const out: string[] = [];
    const walk = (d: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(dir, d), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const child = d ? `${d}/${e.name}` : e.name;
        if (e.isDirectory()) walk(child);
        else if (e.isFile()) out.push(child);
        if (out.length > MAX_FILES) throw new BundleInputError(`${rel}: holds more than ${MAX_FILES} files. Fix: point the resource at a smaller directory`);
      }
    };
    walk(normal);
    return out;
  };
  return {
    read,
    list,
    hasRootFile: (rel) => ROOT_FILES.some((f) => read(rel ? `${rel}/${f}` : f).kind === "file"),
    yaml: (rel) => {
      const normal = repoPath(rel);
      if (normal === undefined) return undefined;
      if (!yamls.has(normal)) {
        const t = read(normal);
        yamls.set(normal, t.kind === "file" ? { path: normal, root: parseYaml(t.text, normal) } : undefined);
      }
      return yamls.get(normal);
    },
  };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readYamlFile(dir: string, rel: string): RepoFile {
  const full = path.join(dir, rel);
  // A link that leaves the repository: the check would read whatever is there on its machine, the
  // deploy whatever is there on the runner (databricks.yml -> ../elsewhere.yml).
  const real = fs.realpathSync(full);
  const root = fs.realpathSync(dir);
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw new BundleInputError(`${rel}: is a link to ${real}, outside the repository, which the check cannot follow. Fix: keep bundle files and workflows inside the repository`);
  }
  let text: string;
  try {
    const size = fs.statSync(full).size;
    if (size > MAX_FILE_BYTES) throw new BundleInputError(`${rel}: is ${size} bytes; bundle files are small and at most ${MAX_FILE_BYTES} are read. Fix: check what the include pattern matches`);
    text = fs.readFileSync(full, "utf8");
  } catch (e) {
    if (e instanceof BundleInputError) throw e;
    throw new BundleInputError(`${rel}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: check the file's permissions`);
  }
  return { path: rel, root: parseYaml(text, rel) };
}


/**
 * The paths an include pattern matches, as the Databricks CLI finds them (Go's filepath.Glob): one
 * path segment at a time, in every directory (hidden, node_modules and the like included), through
 * symbolic links; directories are matches too (the caller refuses them, as the CLI does). A match
 * whose real path is outside the repository is refused: the check cannot follow it.
 */
function globFiles(root: string, pattern: string, where: string): string[] {
  const segments = pattern.split("/");
  // Go validates the whole pattern first: a malformed one is ErrBadPattern, which the CLI reports.
  const matchers = segments.map((s) => (hasMeta(s) ? goPattern(s, where, pattern) : undefined));
  let current = [""];
  segments.forEach((segment, i) => {
    const next: string[] = [];
    for (const base of current) {
      const matcher = matchers[i];
      if (!matcher) {
        const candidate = base ? `${base}/${unescape(segment)}` : unescape(segment);
        if (exists(path.join(root, candidate))) next.push(candidate);
        continue;
      }
      const abs = path.join(root, base);
      if (!isDir(abs)) continue;
      for (const name of fs.readdirSync(abs).sort()) if (matcher.test(name)) next.push(base ? `${base}/${name}` : name);
      if (next.length > MAX_FILES) throw new BundleInputError(`${where}: the include matches more than ${MAX_FILES} paths. Fix: narrow the pattern`);
    }
    current = next;
  });
  const realRoot = fs.realpathSync(root);
  return current
    .map((f) => {
      let real: string;
      try {
        real = fs.realpathSync(path.join(root, f));
      } catch {
        throw new BundleInputError(`${where}: ${f} is a broken link (the CLI fails to load it). Fix: remove the link or narrow the pattern`);
      }
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        throw new BundleInputError(`${where}: ${f} is a link to ${real}, outside the repository, which the check cannot follow. Fix: keep bundle files inside the repository`);
      }
      return f;
    })
    .sort();
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Go's hasMeta on Linux: `*`, `?`, `[` and `\` make a segment a pattern. */
const hasMeta = (segment: string) => /[*?[\\]/.test(segment);
/** A segment without `*?[` but with escapes: `\x` is `x`. */
const unescape = (segment: string) => segment.replace(/\\(.)/g, "$1");

/**
 * Go's filepath.Match on Linux (path/filepath/match.go), as a regular expression over one name:
 * `*` any run of characters but `/`, `?` one character, `[...]` a class of characters and
 * `lo-hi` ranges, negated by a leading `^` only (`[!...]` is a class that contains `!`), `\x` the
 * character x, inside a class too. An unclosed class, an empty one, a range without an end or a
 * trailing `\` is ErrBadPattern, which the CLI reports as an error: so does the check.
 */
export function goPattern(segment: string, where = "include", whole = segment): RegExp {
  const bad = (why: string) =>
    new BundleInputError(`${where}: include ${JSON.stringify(whole)} is not a valid pattern (${why}; Go's filepath.Match, which the CLI uses, refuses it with "syntax error in pattern"). Fix: correct the pattern`);
  const lit = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  let re = "";
  let i = 0;
  while (i < segment.length) {
    const c = segment[i];
    if (c === "*") {
      re += "[^/]*";
      i++;
    } else if (c === "?") {
      re += "[^/]";
      i++;
    } else if (c === "\\") {
      if (i + 1 >= segment.length) throw bad("a trailing \\");
      re += lit(segment[i + 1]);
      i += 2;
    } else if (c === "[") {
      i++;
      let negate = false;
      if (segment[i] === "^") {
        negate = true;
        i++;
      }
      const ranges: string[] = [];
      let items = 0;
      const char = (): string => {
        if (i >= segment.length) throw bad("an unclosed [");
        let ch = segment[i];
        if (ch === "-" || ch === "]") throw bad(`${JSON.stringify(ch)} where a character belongs in a class`);
        if (ch === "\\") {
          i++;
          if (i >= segment.length) throw bad("an unclosed [");
          ch = segment[i];
        }
        i++;
        return ch;
      };
      for (;;) {
        if (i >= segment.length) throw bad("an unclosed [");
        if (segment[i] === "]" && items > 0) {
          i++;
          break;
        }
        const lo = char();
        items++;
        let hi = lo;
        if (segment[i] === "-") {
          i++;
          hi = char();
        }
        // Go compares code points; a range written backwards matches nothing (JS would refuse it).
        if (lo.codePointAt(0)! <= hi.codePointAt(0)!) ranges.push(lo === hi ? lit(lo) : `${lit(lo)}-${lit(hi)}`);
      }
      re += negate ? `[^/${ranges.join("")}]` : ranges.length > 0 ? `[${ranges.join("")}]` : "(?!)";
    } else {
      re += lit(c);
      i++;
    }
  }
  return new RegExp(`^${re}$`);
}
