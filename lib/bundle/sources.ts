/**
 * The code a resource runs, read from the repository: each notebook, file, directory or glob a
 * resource names, resolved per target (paths are relative to the file that writes them, as the CLI
 * translates them), and the catalog references in each file, scanned once however many resources
 * and targets run it.
 */
import * as path from "path";
import { catalogRefs, lineIndex, type CatalogRef } from "./catalog-refs";
import type { TargetFacts } from "./facts";
import type { RepoFiles } from "./repository";
import { repoPath } from "./repository";
import { sourcesOf, type ResourceDecl, type ResourceIndex, type SourceUse } from "./resources";
import type { BundleView } from "./view";
import type { Node } from "./yaml-tree";

/** Files whose text is code or queries (notebooks in every language, SQL, dashboards, dbt). */
export const SOURCE_FILE = /\.(py|sql|ipynb|scala|r|json|ya?ml)$/i;

export interface SourceFile {
  readonly path: string;
  readonly refs: readonly (CatalogRef & { readonly line: number })[];
  /** Notebooks it runs (`%run ./x`, `dbutils.notebook.run("./x", ...)`): the path, or why it cannot be read. */
  readonly runs: readonly { readonly line: number; readonly text: string; readonly path?: string; readonly why?: string }[];
}

/** `%run ./other` (a magic line, or `# MAGIC %run` in a source-format notebook) and `dbutils.notebook.run(...)`. */
const RUN_MAGIC = /^[ \t]*(?:#[ \t]*MAGIC[ \t]+|--[ \t]*MAGIC[ \t]+|\/\/[ \t]*MAGIC[ \t]+)?%run[ \t]+(\S+)/gm;
const NOTEBOOK_RUN = /\bdbutils\.notebook\.run\(\s*(?:(["'])([^"'\n]+)\1|([^,)\n]+))/g;
const NOTEBOOK_EXTENSIONS = ["", ".py", ".sql", ".scala", ".r", ".ipynb"];

/** Something a resource runs that the check cannot read. */
export interface UnreadableSource {
  readonly resource: ResourceDecl;
  readonly node: Node;
  readonly address: string;
  readonly what: string;
  readonly targets: readonly TargetFacts[];
}

export interface SourceRun {
  readonly resource: ResourceDecl;
  readonly use: SourceUse;
  readonly target: TargetFacts;
  readonly file: SourceFile;
}

export interface SourceIndex {
  readonly runs: readonly SourceRun[];
  readonly unreadable: readonly UnreadableSource[];
  /** Distinct files scanned. */
  readonly files: number;
}

const WORKSPACE_FILE_PATH = /^\$\{workspace\.file_path\}\/?/;

export function sourceIndex(view: BundleView, resources: ResourceIndex): SourceIndex {
  const files = view.repo.files;
  const scanned = new Map<string, SourceFile>();
  const scan = (rel: string, text: string): SourceFile => {
    let f = scanned.get(rel);
    if (!f) {
      const lineOf = lineIndex(text);
      const runs: { line: number; text: string; path?: string; why?: string }[] = [];
      const follow = (target: string, index: number, whole: string) => {
        const line = lineOf(index);
        if (target.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(target)) return runs.push({ line, text: whole, why: `the notebook ${target}, outside the repository` });
        const base = path.posix.join(path.posix.dirname(rel), target);
        const found = NOTEBOOK_EXTENSIONS.map((e) => repoPath(base + e)).find((p) => p !== undefined && files.read(p).kind === "file");
        return runs.push(found ? { line, text: whole, path: found } : { line, text: whole, why: `the notebook ${target}, which is not in the repository` });
      };
      for (const m of text.matchAll(RUN_MAGIC)) follow(m[1].replace(/^["']|["']$/g, ""), m.index!, m[0].trim());
      for (const m of text.matchAll(NOTEBOOK_RUN)) {
        if (m[2] !== undefined) follow(m[2], m.index!, m[0]);
        else runs.push({ line: lineOf(m.index!), text: m[0], why: `a notebook named by ${m[3].trim()}, not a literal path` });
      }
      f = { path: rel, refs: catalogRefs(text).map((r) => ({ ...r, line: lineOf(r.index) })), runs };
      scanned.set(rel, f);
    }
    return f;
  };
  const runs: SourceRun[] = [];
  const unreadable = new Map<string, UnreadableSource>();
  const cannot = (resource: ResourceDecl, node: Node, address: string, what: string, t: TargetFacts) => {
    const key = `${node.file}:${node.line}\0${what}`;
    const u = unreadable.get(key);
    if (u) (u.targets as TargetFacts[]).push(t);
    else unreadable.set(key, { resource, node, address, what, targets: [t] });
  };
  for (const r of resources.resources) {
    const { sources, remote } = sourcesOf(r);
    for (const g of remote) for (const t of r.targets) cannot(r, g.node, g.address, g.what, t);
    for (const use of sources) {
      for (const t of r.targets) {
        const values = [...new Set(view.resolve(t.name, use.node).map((c) => c.text))];
        for (const value of values) {
          if (value === undefined) {
            cannot(r, use.node, use.address, "a path that does not resolve to one value here", t);
            continue;
          }
          const fromRoot = WORKSPACE_FILE_PATH.test(value);
          const local = value.replace(WORKSPACE_FILE_PATH, "");
          // The CLI takes an absolute path or a URL as the workspace's (bundle/config/mutator/translate_paths.go).
          if (!fromRoot && (local.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(local))) {
            cannot(r, use.node, use.address, `code at ${value}, outside the repository (a workspace path or URL the check cannot read)`, t);
            continue;
          }
          const base = fromRoot ? "" : path.posix.dirname(use.node.file);
          if (use.mode === "glob") {
            const dir = repoPath(path.posix.join(base, local.split(/[*?[]/)[0].replace(/[^/]*$/, "") || "."));
            if (dir === undefined) cannot(r, use.node, use.address, `${value}, outside the repository`, t);
            else for (const f of files.list(dir).filter((p) => SOURCE_FILE.test(p))) add(files, scan, runs, r, use, t, f);
            continue;
          }
          const rel = repoPath(path.posix.join(base, local));
          const text = rel === undefined ? undefined : files.read(rel);
          if (rel === undefined || text === undefined || text.kind === "outside") cannot(r, use.node, use.address, `${value}, outside the repository`, t);
          else if (text.kind === "missing") cannot(r, use.node, use.address, `${value} (${rel}), which is not in the repository (the CLI refuses it too)`, t);
          else if (text.kind === "directory") {
            if (use.mode !== "directory") cannot(r, use.node, use.address, `${value}, a directory where a file belongs`, t);
            else for (const f of files.list(rel).filter((p) => SOURCE_FILE.test(p))) add(files, scan, runs, r, use, t, f);
          } else runs.push({ resource: r, use, target: t, file: scan(rel, text.text) });
        }
      }
    }
  }
  // What a notebook runs runs with it: `%run` and dbutils.notebook.run, followed once per resource and target.
  const seen = new Set<string>();
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i];
    const key = `${run.resource.address}\0${run.target.name}\0${run.file.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const inc of run.file.runs) {
      const node: Node = { kind: "scalar", value: inc.text, file: run.file.path, line: inc.line };
      if (inc.path === undefined) {
        cannot(run.resource, node, `${run.file.path}:${inc.line}`, inc.why!, run.target);
        continue;
      }
      const text = files.read(inc.path);
      if (text.kind === "file") runs.push({ resource: run.resource, use: run.use, target: run.target, file: scan(inc.path, text.text) });
    }
  }
  return { runs, unreadable: [...unreadable.values()], files: scanned.size };
}

function add(files: RepoFiles, scan: (rel: string, text: string) => SourceFile, runs: SourceRun[], r: ResourceDecl, use: SourceUse, t: TargetFacts, rel: string): void {
  const text = files.read(rel);
  if (text.kind === "file") runs.push({ resource: r, use, target: t, file: scan(rel, text.text) });
}
