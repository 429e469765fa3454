/**
 * YAML as the Databricks CLI reads it, with the line of every value: anchors, aliases and merge
 * keys (`<<: *base`) expanded (a value reached through an alias carries the alias's line: that is
 * where it is used), duplicate keys refused. Nothing in the file is executed or evaluated.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from "yaml";
import { BundleInputError } from "./errors";

interface Base {
  readonly file: string;
  readonly line: number;
}
export interface ScalarNode extends Base {
  readonly kind: "scalar";
  readonly value: string | number | boolean | null;
  /** A `|` or `>` block: its text starts on the line after `line`. */
  readonly block?: boolean;
}
export interface MapNode extends Base {
  readonly kind: "map";
  /** Merged entries first (a later merge source overriding an earlier one), then the mapping's own, as the CLI orders them. */
  readonly entries: ReadonlyMap<string, Node>;
}
export interface SeqNode extends Base {
  readonly kind: "seq";
  readonly items: readonly Node[];
}
export type Node = ScalarNode | MapNode | SeqNode;

/** Expansion budget: a bundle file is small; more nodes than this is an alias bomb. */
const MAX_NODES = 100_000;

export function parseYaml(text: string, file: string): Node | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, merge: false, prettyErrors: false, strict: true });
  const error = doc.errors[0];
  if (error) {
    const line = lines.linePos(error.pos[0]).line;
    const problem = error.code === "DUPLICATE_KEY" ? "a key is written twice in one mapping" : error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new BundleInputError(`${file}:${line}: is not valid YAML: ${problem}. Fix: correct the YAML at that line`);
  }
  let budget = MAX_NODES;
  const active = new Set<YamlNode>();
  const lineOf = (n: YamlNode | null | undefined, fallback: number) => (n?.range ? lines.linePos(n.range[0]).line : fallback);

  const convert = (node: unknown, at: number, forced: number | undefined): Node => {
    if (--budget < 0) throw new BundleInputError(`${file}: expands to more than ${MAX_NODES} values (YAML aliases). Fix: write the values out`);
    const line = forced ?? lineOf(node as YamlNode, at);
    if (node === null || node === undefined) return { kind: "scalar", value: null, file, line };
    if (isAlias(node)) {
      const target = node.resolve(doc as Document) as YamlNode | undefined;
      if (!target) throw new BundleInputError(`${file}:${line}: alias *${node.source} names no anchor. Fix: define the anchor before using it`);
      if (active.has(target)) throw new BundleInputError(`${file}:${line}: alias *${node.source} refers to itself. Fix: remove the cycle`);
      active.add(target);
      try {
        return convert(target, line, forced ?? line);
      } finally {
        active.delete(target);
      }
    }
    if (isScalar(node)) {
      const v = node.value;
      const value = typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null ? v : String(v);
      const block = forced === undefined && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED");
      return { kind: "scalar", value, file, line, ...(block ? { block } : {}) };
    }
    if (isSeq(node)) return { kind: "seq", items: node.items.map((i) => convert(i, line, forced)), file, line };
    if (isMap(node)) {
      const explicit = new Map<string, Node>();
      let merge: Node | undefined;
      for (const pair of node.items) {
        const key = pair.key as YamlNode | null;
        const keyLine = forced ?? lineOf(key, line);
        if (!isScalar(key)) throw new BundleInputError(`${file}:${keyLine}: a mapping key is not a plain value. Fix: use plain keys`);
        const name = String(key.value);
        // `<<` written plain is the merge key (the CLI's loader honours it); quoted, it is a key.
        if (name === "<<" && key.type === "PLAIN") {
          // databricks/cli v1.13.0 libs/dyn/yamlloader/loader.go loadMapping: the value is an alias
          // or a list (of mappings); a mapping written in place is "map merge requires map or
          // sequence of maps as the value".
          if (!isAlias(pair.value) && !isSeq(pair.value)) {
            throw new BundleInputError(`${file}:${keyLine}: a merge key (<<) takes an alias (*name) or a list of them; the CLI refuses a mapping written in place. Fix: anchor the mapping and merge the alias`);
          }
          merge = convert(pair.value, keyLine, forced);
        } else explicit.set(name, convert(pair.value, keyLine, forced));
      }
      if (merge === undefined) return { kind: "map", entries: explicit, file, line };
      // The CLI merges the sources in order, each later one overriding the earlier ones, then the
      // mapping's own keys over them all (loadMapping: seq = [sources..., acc]; out.Merge(m) for
      // each, and Mapping.Merge overwrites): in `<<: [*a, *b]` b's value wins, not a's.
      const entries = new Map<string, Node>();
      for (const s of merge.kind === "seq" ? merge.items : [merge]) {
        if (s.kind !== "map") throw new BundleInputError(`${file}:${s.line}: a merge key (<<) needs a mapping or a list of mappings. Fix: merge an anchored mapping`);
        for (const [k, v] of s.entries) entries.set(k, v);
      }
      for (const [k, v] of explicit) entries.set(k, v);
      return { kind: "map", entries, file, line };
    }
    throw new BundleInputError(`${file}:${line}: unsupported YAML node. Fix: use mappings, lists and plain values`);
  };
  if (doc.contents === null) return undefined;
  return convert(doc.contents, 1, undefined);
}

/** The node at `path` under a mapping, if every step is a mapping entry. */
export function at(node: Node | undefined, ...path: string[]): Node | undefined {
  let n = node;
  for (const key of path) {
    if (!n || n.kind !== "map") return undefined;
    n = n.entries.get(key);
  }
  return n;
}

export function entriesOf(node: Node | undefined): [string, Node][] {
  return node?.kind === "map" ? [...node.entries] : [];
}

/** A scalar as text (`8080` -> "8080"); undefined for mappings, lists and null. */
export function textOf(node: Node | undefined): string | undefined {
  if (!node || node.kind !== "scalar" || node.value === null) return undefined;
  return String(node.value);
}

/** Every scalar under a node, with its key path. */
export function* scalars(node: Node | undefined, path: readonly (string | number)[] = []): Generator<{ node: ScalarNode; path: (string | number)[] }> {
  if (!node) return;
  if (node.kind === "scalar") yield { node, path: [...path] };
  else if (node.kind === "seq") for (let i = 0; i < node.items.length; i++) yield* scalars(node.items[i], [...path, i]);
  else for (const [k, v] of node.entries) yield* scalars(v, [...path, k]);
}

/** Every mapping entry under a node, depth first. */
export function* keys(node: Node | undefined): Generator<[string, Node]> {
  if (!node || node.kind === "scalar") return;
  if (node.kind === "seq") for (const i of node.items) yield* keys(i);
  else
    for (const [k, v] of node.entries) {
      yield [k, v];
      yield* keys(v);
    }
}
