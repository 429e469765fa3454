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
const MAX_FILES = 20_000;
/** Never descended into when expanding globs. */

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
    const seen = new Set(ROOT_FILES);
    for (const p of patterns) {
      const rel = path.posix.normalize(p.text.replace(/\\/g, "/"));
      if (path.isAbsolute(p.text) || rel.startsWith("../") || rel === "..") {
        throw new BundleInputError(`${rootFile.path}:${p.line}: include ${JSON.stringify(p.text)} points outside the repository, where the check cannot follow. Fix: include files inside the repository`);
      }
      const matches = globFiles(dir, rel, `${rootFile.path}:${p.line}`);
      if (matches.length === 0 && !/[*?[]/.test(p.text)) {
        throw new BundleInputError(`${rootFile.path}:${p.line}: include ${JSON.stringify(p.text)} matches no file (the CLI refuses it too). Fix: generate it (npm run bundle -- --out ...) or remove the entry`);
      }
      for (const m of matches) {
        if (seen.has(m)) continue;
        seen.add(m);
        if (!/\.(ya?ml|json)$/.test(m)) {
          throw new BundleInputError(`${rootFile.path}:${p.line}: include ${JSON.stringify(p.text)} matches ${m}, which is not YAML or JSON (the CLI refuses it). Fix: narrow the pattern`);
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

  return { dir, bundleFiles, workflows, variableOverrides };
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

/** Every regular file under dir (relative, `/`-separated); symbolic links are not followed. */
/**
 * The files an include pattern matches, as the Databricks CLI finds them (Go's filepath.Glob): one
 * path segment at a time, in every directory (hidden, node_modules and the like included), through
 * symbolic links. A match whose real path is outside the repository is refused: the check cannot
 * follow what it cannot read as part of the repository.
 */
function globFiles(root: string, pattern: string, where: string): string[] {
  const segments = pattern.split("/");
  let current = [""];
  for (const segment of segments) {
    const next: string[] = [];
    for (const base of current) {
      const abs = path.join(root, base);
      if (!/[*?[]/.test(segment)) {
        const candidate = base ? `${base}/${segment}` : segment;
        if (fs.existsSync(path.join(root, candidate))) next.push(candidate);
        continue;
      }
      if (!isDir(abs)) continue;
      const re = globToRegExp(segment);
      for (const name of fs.readdirSync(abs).sort()) if (re.test(name)) next.push(base ? `${base}/${name}` : name);
      if (next.length > MAX_FILES) throw new BundleInputError(`${where}: the include matches more than ${MAX_FILES} paths. Fix: narrow the pattern`);
    }
    current = next;
  }
  const realRoot = fs.realpathSync(root);
  return current
    .filter((f) => isFile(path.join(root, f)))
    .map((f) => {
      const real = fs.realpathSync(path.join(root, f));
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        throw new BundleInputError(`${where}: ${f} is a link to ${real}, outside the repository, which the check cannot follow. Fix: keep bundle files inside the repository`);
      }
      return f;
    })
    .sort();
}

/** Go's filepath.Match: `*` and `?` stay within one path segment, `[...]` a class (`^` negates). */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("^") || body.startsWith("!");
      if (negate) body = body.slice(1);
      re += `[${negate ? "^/" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      i = end;
    } else if (c === "\\" && i + 1 < pattern.length) {
      re += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
