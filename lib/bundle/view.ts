/**
 * The bundle as the rules need it: every declaration of each target across the root file and its
 * includes (the CLI deep-merges them, later files winning; the rules check every declaration, so a
 * value hidden in an earlier or later file cannot slip through), and the bundle's own `${var.x}`
 * substitutions resolved per target.
 */
import type { BundleFacts, TargetFacts } from "./facts";
import type { BundleRepository, RepoFile } from "./repository";
import { at, entriesOf, textOf, type Node } from "./yaml-tree";

/** A value a target can end up with, and where it is written (undefined text: not resolvable here). */
export interface Candidate {
  readonly text: string | undefined;
  readonly node: Node;
  /** The value comes from a `lookup`, resolved only at deploy (an ID of the workspace's). */
  readonly lookup?: true;
}

/** Where a variable's value comes from: a value written in the bundle, or a lookup. */
interface VariableSource {
  readonly kind: "value" | "lookup";
  readonly node: Node;
}

/** The key sets the CLI takes as a full variable definition in a target, not a shorthand value (root.go allowedVariableDefinitions). */
const FULL_DEFINITIONS = [["default", "type", "description"], ["default", "type"], ["default", "description"], ["lookup", "description"], ["default"], ["lookup"]];

export interface BundleView {
  readonly repo: BundleRepository;
  readonly facts: BundleFacts;
  /** Target name -> its declarations (from `targets` and the deprecated `environments`), in load order. */
  readonly targets: ReadonlyMap<string, readonly Node[]>;
  /**
   * The targets the model knows (its environments' and the sandbox's), each with its declarations and
   * facts, in load order; a target the model does not know is the `target-unknown` rule's finding.
   */
  readonly knownTargets: readonly { readonly name: string; readonly decls: readonly Node[]; readonly target: TargetFacts }[];
  /** Every declaration of the value at `path` under a target (in load order). */
  readonly inTarget: (target: string, ...path: string[]) => Node[];
  /** Every top-level declaration of the value at `path` (in load order). */
  readonly topLevel: (...path: string[]) => Node[];
  /** The target's own declarations of `path`, else the top-level ones (how the CLI overrides). */
  readonly effective: (target: string, ...path: string[]) => Node[];
  /** The values variable `name` can take in `target`: overrides file, target, else its default. */
  readonly variable: (target: string, name: string) => Candidate[];
  /**
   * Every text a scalar can become in `target` once `${var.x}` and `${bundle.target}` are
   * substituted; variables named in `keep` stay as written.
   */
  readonly resolve: (target: string, node: Node, keep?: readonly string[]) => Candidate[];
  /** Whether any file declares variable `name` (top level, in a target, or in an overrides file). */
  readonly declaresVariable: (name: string) => boolean;
}

const VAR_REF = /\$\{var\.([A-Za-z][A-Za-z0-9_-]*)\}/g;
/** `${bundle.name}`, `${resources.jobs.x.name}`: values the configuration itself holds. */
const CONFIG_REF = /\$\{((?:bundle|resources)(?:\.[A-Za-z_][A-Za-z0-9_-]*)+)\}/g;
const MAX_DEPTH = 8;
const MAX_CANDIDATES = 32;

export function bundleView(repo: BundleRepository, facts: BundleFacts): BundleView {
  const targets = new Map<string, Node[]>();
  for (const file of repo.bundleFiles) {
    for (const section of ["targets", "environments"]) {
      for (const [name, node] of entriesOf(at(file.root, section))) {
        targets.set(name, [...(targets.get(name) ?? []), node]);
      }
    }
  }
  // Every declaration at a path, looked up once per path (a variable's is asked for at each use).
  const topLevelCache = new Map<string, Node[]>();
  const topLevel = (...path: string[]): Node[] => {
    const key = path.join("\0");
    let found = topLevelCache.get(key);
    if (!found) {
      found = repo.bundleFiles.map((f: RepoFile) => at(f.root, ...path)).filter((n): n is Node => n !== undefined);
      topLevelCache.set(key, found);
    }
    return found;
  };
  const inTarget = (target: string, ...path: string[]) => (targets.get(target) ?? []).map((t) => at(t, ...path)).filter((n): n is Node => n !== undefined);
  const effective = (target: string, ...path: string[]) => {
    const own = inTarget(target, ...path);
    return own.length > 0 ? own : topLevel(...path);
  };

  /**
   * The declarations a variable's value can come from in a target, as databricks/cli v1.13.0 picks
   * it (bundle/config/root.go MergeTargetOverrides, bundle/config/mutator/set_variables.go): a
   * target's `default` (or shorthand value) replaces the top-level one and drops its lookup, a
   * target's `lookup` drops the default; then --var and BUNDLE_VAR_* (variable-override's), then a
   * lookup (resolved at deploy: the overrides file is not read), then the committed overrides file,
   * then the default. Every declaration in every file stays a candidate: the CLI keeps one of them.
   */
  const variableNodesCache = new Map<string, VariableSource[]>();
  const variableNodes = (target: string, name: string): VariableSource[] => {
    const key = `${target}\0${name}`;
    let found = variableNodesCache.get(key);
    if (!found) variableNodesCache.set(key, (found = variableNodesOf(target, name)));
    return found;
  };
  const variableNodesOf = (target: string, name: string): VariableSource[] => {
    // A target's variable is a value (a shorthand: a scalar, a list, a mapping for a complex one)
    // unless it is one of the CLI's full definitions (root.go isFullVariableOverrideDef).
    const ofTarget = (n: Node): VariableSource[] => {
      if (n.kind !== "map" || !FULL_DEFINITIONS.some((keys) => keys.length === n.entries.size && keys.every((k) => n.entries.has(k)))) return [{ kind: "value", node: n }];
      const lookup = at(n, "lookup");
      const value = at(n, "default");
      return lookup ? [{ kind: "lookup", node: lookup }] : value ? [{ kind: "value", node: value }] : [];
    };
    // A top-level one is a definition: its default, its lookup, or (never written by hand) the
    // resolved `value`, which the CLI keeps over everything else (set_variables.go HasValue).
    const ofRoot = (n: Node): VariableSource[] => {
      if (n.kind !== "map") return [{ kind: "value", node: n }];
      const out: VariableSource[] = [];
      for (const key of ["value", "lookup", "default"] as const) {
        const v = at(n, key);
        if (v) out.push({ kind: key === "lookup" ? "lookup" : "value", node: v });
      }
      return out;
    };
    const written = topLevel("variables", name).flatMap((n) => at(n, "value") ?? []);
    if (written.length > 0) return written.map((node) => ({ kind: "value", node }));
    const own = inTarget(target, "variables", name).flatMap(ofTarget);
    const effective = own.length > 0 ? own : topLevel("variables", name).flatMap(ofRoot);
    if (effective.some((s) => s.kind === "lookup")) return effective;
    const overrides = repo.variableOverrides.filter((o) => o.target === target).flatMap((o) => at(o.root, name) ?? []).map((node) => ({ kind: "value" as const, node }));
    return [...overrides, ...effective];
  };

  /**
   * The declarations a `${bundle.x...}` or `${resources.<type>.<name>.<field>...}` reference reads in
   * a target (the target's own, else the top level; a resource's in every file and the target's):
   * what databricks/cli v1.13.0 substitutes from the configuration
   * (bundle/config/mutator/resolve_variable_references.go). A resource's `id` is the workspace's,
   * not the configuration's: none.
   */
  const referenced = (target: string, ref: string): Node[] => {
    const parts = ref.split(".");
    if (parts[0] === "bundle" && parts.length > 1) {
      const own = inTarget(target, ...parts);
      return own.length > 0 ? own : topLevel(...parts);
    }
    if (parts[0] === "resources" && parts.length > 3 && parts[3] !== "id") return [...topLevel(...parts), ...inTarget(target, ...parts)];
    return [];
  };

  const resolveText = (target: string, text: string, node: Node, depth: number, seen: readonly string[], keep: readonly string[] = []): Candidate[] => {
    // `${variables.x.value}` is the long form of `${var.x}` (bundle/config/mutator/resolve_variable_references.go).
    const withTarget = text.replace(/\$\{bundle\.(target|environment)\}/g, target).replace(/\$\{variables\.([A-Za-z][A-Za-z0-9_-]*)\.value\}/g, "${var.$1}");
    const names = [...new Set([...withTarget.matchAll(VAR_REF)].map((m) => m[1]))].filter((n) => !keep.includes(n));
    const refs = [...new Set([...withTarget.matchAll(CONFIG_REF)].map((m) => m[1]))].filter((r) => referenced(target, r).length > 0);
    if (names.length === 0 && refs.length === 0) return [{ text: withTarget, node }];
    if (depth >= MAX_DEPTH || names.some((n) => seen.includes(n)) || refs.some((r) => seen.includes(r))) return [{ text: undefined, node }];
    let results: string[] = [withTarget];
    const substitute = (written: string, values: Candidate[]): boolean => {
      if (values.length === 0 || values.some((v) => v.text === undefined)) return false;
      results = results.flatMap((r) => values.map((v) => r.split(written).join(v.text!))).slice(0, MAX_CANDIDATES);
      return true;
    };
    for (const name of names) {
      const values = variableValues(target, name, depth + 1, [...seen, name]);
      // A lookup's value is an ID the workspace gives at deploy: unknown here, but never a name the bundle chose.
      if (!substitute(`\${var.${name}}`, values)) return [{ text: undefined, node, ...(values.length > 0 && values.every((v) => v.text !== undefined || v.lookup) ? { lookup: true as const } : {}) }];
    }
    for (const ref of refs) {
      const values = referenced(target, ref).flatMap((n) => {
        const t = textOf(n);
        return t === undefined ? [{ text: undefined, node: n }] : resolveText(target, t, n, depth + 1, [...seen, ref], keep);
      });
      if (!substitute(`\${${ref}}`, values)) return [{ text: undefined, node }];
    }
    return results.map((text) => ({ text, node }));
  };

  const variableValues = (target: string, name: string, depth: number, seen: readonly string[]): Candidate[] =>
    variableNodes(target, name).flatMap((source) => {
      // A lookup is resolved only at deploy; a complex value (a mapping or list) is no text.
      if (source.kind === "lookup") return [{ text: undefined, node: source.node, lookup: true }];
      const text = textOf(source.node);
      if (text === undefined) return [{ text: undefined, node: source.node }];
      return resolveText(target, text, source.node, depth, seen);
    });

  const declared = new Set<string>();
  for (const f of repo.bundleFiles) for (const [name] of entriesOf(at(f.root, "variables"))) declared.add(name);
  for (const decls of targets.values()) for (const t of decls) for (const [name] of entriesOf(at(t, "variables"))) declared.add(name);
  for (const o of repo.variableOverrides) for (const [name] of entriesOf(o.root)) declared.add(name);

  return {
    repo,
    facts,
    targets,
    knownTargets: [...targets].flatMap(([name, decls]) => {
      const target = facts.target(name);
      return target ? [{ name, decls, target }] : [];
    }),
    inTarget,
    topLevel,
    effective,
    variable: (target, name) => variableValues(target, name, 0, [name]),
    resolve: (target, node, keep = []) => {
      const text = textOf(node);
      return text === undefined ? [{ text: undefined, node }] : resolveText(target, text, node, 0, [], keep);
    },
    declaresVariable: (name) => declared.has(name),
  };
}
