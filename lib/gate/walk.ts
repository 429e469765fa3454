/**
 * The gate's one walk over what Terraform would read (default deny lives here and nowhere else):
 * 1. every block of every stack, every string in it, to the invariants' `leaf` and `block` checks,
 *    then every grant row to their `rows` checks (lib/gate/rules/: what an invariant reports, the
 *    comparison leaves alone);
 * 2. each stack against its expected stack (lib/gate/expected.ts), in both directions: every
 *    resource, data source, provider, variable, output, `terraform` setting, import, moved and
 *    removed block, and any other top-level entry; each difference goes to the rule that owns it
 *    (lib/gate/owners.ts), and whatever no rule claims is a violation all the same.
 */
import type { Block } from "../output/blocks";
import { text, type SynthesizedStack } from "../output/stack";
import { Matcher, show, type Expected } from "../resources/json";
import { PROVIDER_GATE } from "../resources/provider";
import { STATE_BLOCK_WORDS } from "../resources/state-blocks";
import type { GateContext } from "./context";
import { differenceOwner, extraAttributeOwner, reportExtraBlock, type ComparedBlock } from "./owners";
import { reportExtraPrivilege } from "./rules/exceeds-model";
import { RULES } from "./rules/index";
import { reportMissingBlock, reportMissingPrivilege } from "./rules/missing-from-output";
import type { GateBlock } from "./rules/rule";
import { UNKNOWN_WORDS } from "./rules/unknown-construct";

type Obj = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
/**
 * An own property, never one every JS object inherits (`constructor`, `toString`, `__proto__`):
 * `"constructor" in {}` is true, and Terraform takes `constructor` as a provider local name.
 */
const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
/** `o[key]` when `o` has it as its own property. */
const own = <T>(o: { readonly [key: string]: T } | undefined, key: string): T | undefined => (o !== undefined && has(o, key) ? o[key] : undefined);

/** Every scalar in a value with its path ("//" comments included: they are read by nobody, checked anyway). */
function* leaves(value: unknown, path: string[] = []): Generator<[string[], unknown]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* leaves(value[i], path);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) yield* leaves(v, [...path, k]);
  } else {
    yield [path, value];
  }
}

/** A removed block's lifecycle, compared as text: `{"destroy":false}` (comments dropped, keys sorted). */
function lifecycleText(lifecycle: unknown): string {
  if (!isObject(lifecycle)) return JSON.stringify(lifecycle) ?? "not set";
  return JSON.stringify(Object.fromEntries(Object.entries(lifecycle).filter(([k]) => k !== "//").sort(([a], [b]) => (a < b ? -1 : 1))));
}

// --- 1. the invariants ----------------------------------------------------------------------------

const LEAF_RULES = RULES.filter((r) => "leaf" in r);
const BLOCK_RULES = RULES.filter((r) => "block" in r);
const ROW_RULES = RULES.filter((r) => "rows" in r);

/** `blocks`: each stack's blocks (stackBlocks), read once for both parts of the walk. */
export function checkInvariants(gate: GateContext, stacks: readonly SynthesizedStack[], blocks: readonly (readonly Block[])[]): void {
  for (const [i, stack] of stacks.entries()) {
    for (const b of blocks[i]) {
      // Named as the invariants have always named them: a resource, data source or provider by
      // its address, anything else by its top-level entry, with the path below it.
      const named = b.kind === "resource" || b.kind === "data" || b.kind === "provider";
      const block: GateBlock = { kind: b.kind, type: b.type, ...(b.name !== undefined ? { name: b.name } : {}), address: named ? b.address : b.top, body: b.body };
      for (const [path, value] of leaves(b.body, [...b.path])) {
        if (typeof value !== "string") continue;
        for (const rule of LEAF_RULES) if (rule.leaf!(gate, stack.name, block, path, value)) break;
      }
      for (const rule of BLOCK_RULES) rule.block!(gate, stack.name, block);
    }
  }
  for (const rule of ROW_RULES) rule.rows!(gate, gate.rows);
}

// --- 2. the comparison ----------------------------------------------------------------------------

const HANDLED = new Set(["//", "resource", "data", "provider", "variable", "output", "import", "moved", "removed", "terraform"]);

export function compareStack(gate: GateContext, stack: SynthesizedStack, blocks: readonly Block[]): void {
  const name = stack.name;
  const expected = gate.expected.get(name);
  if (!expected) {
    gate.push("unknown-construct", { stack: name, resource: "(stack)", ...UNKNOWN_WORDS.stack(name, [...gate.expected.keys()].join(", "), gate.model.source) });
    return;
  }
  const actual = stack.json as Obj;
  const exp = expected as { [k: string]: Expected };

  // Resources and data sources: type, then name, then body.
  for (const kind of ["resource", "data"] as const) {
    const e = (exp[kind] ?? {}) as { [type: string]: { [name: string]: Expected } };
    for (const b of blocks) {
      if (b.kind !== kind) continue;
      const want = own(own(e, b.type), b.name!);
      if (want === undefined) reportExtraBlock(gate, { stack: name, kind, type: b.type, address: b.address, body: isObject(b.body) ? b.body : {} });
      else compareBody(gate, name, { kind, type: b.type, address: b.address }, b.body, want, []);
    }
    const a = isObject(actual[kind]) ? actual[kind] : {};
    for (const [type, named] of Object.entries(e)) {
      for (const id of Object.keys(named)) if (!isObject(own(a, type)) || !has(a[type] as Obj, id)) reportMissingBlock(gate, name, `${kind === "data" ? "data." : ""}${type}.${id}`);
    }
  }

  compareProviders(gate, name, isObject(actual.provider) ? actual.provider : {}, (exp.provider ?? {}) as { [local: string]: Expected[] });

  // Named top-level blocks.
  for (const kind of ["variable", "output"] as const) {
    const a = isObject(actual[kind]) ? actual[kind] : {};
    const e = (exp[kind] ?? {}) as { [name: string]: Expected };
    for (const [id, body] of Object.entries(a)) {
      if (id === "//") continue;
      const want = own(e, id);
      if (want === undefined) gate.push("unknown-construct", { stack: name, resource: `${kind}.${id}`, problem: UNKNOWN_WORDS.named(kind, id) });
      else compareBody(gate, name, { kind: "top", type: kind, address: `${kind}.${id}` }, body, want, []);
    }
    for (const id of Object.keys(e)) if (!has(a, id)) reportMissingBlock(gate, name, `${kind}.${id}`);
  }

  compareStateBlocks(gate, name, "import", actual.import, ((exp.import ?? []) as { to: string; id: string }[]).map((i) => ({ key: i.to, value: i.id })));
  compareStateBlocks(gate, name, "moved", actual.moved, ((exp.moved ?? []) as { from: string; to: string }[]).map((m) => ({ key: m.from, value: m.to })));
  compareStateBlocks(gate, name, "removed", actual.removed, ((exp.removed ?? []) as { from: string; lifecycle: unknown }[]).map((r) => ({ key: r.from, value: lifecycleText(r.lifecycle) })));
  if (actual.terraform !== undefined || exp.terraform !== undefined) compareBody(gate, name, { kind: "top", type: "terraform", address: "terraform" }, actual.terraform, exp.terraform, []);

  for (const [key, value] of Object.entries(actual)) {
    if (HANDLED.has(key)) continue;
    for (const [i, body] of (Array.isArray(value) ? value : [value]).entries()) {
      gate.push("unknown-construct", { stack: name, resource: `${key}${Array.isArray(value) ? `[${i}]` : ""}`, problem: UNKNOWN_WORDS.topLevel(key, body) });
    }
  }
}

/** Providers: exactly the expected default configuration of each expected local name. */
function compareProviders(gate: GateContext, stack: string, providers: Obj, wanted: { readonly [local: string]: readonly Expected[] }): void {
  for (const [local, list] of Object.entries(providers)) {
    const bodies = Array.isArray(list) ? list : [list];
    const want = own(wanted, local)?.[0];
    bodies.forEach((body, i) => {
      const alias = isObject(body) ? body.alias : undefined;
      const address = `provider.${local}${alias !== undefined ? `.${text(alias)}` : i > 0 ? `[${i}]` : ""}`;
      if (want === undefined || i > 0 || alias !== undefined) {
        if (gate.isClaimed(stack, address)) return;
        gate.push("provider-workspace", {
          stack,
          resource: address,
          problem: PROVIDER_GATE.extraConfiguration(local, alias !== undefined ? text(alias) : undefined, want !== undefined),
          fix: PROVIDER_GATE.extraConfigurationFix,
        });
        return;
      }
      compareBody(gate, stack, { kind: "provider", type: local, address }, body, want, []);
    });
  }
  for (const local of Object.keys(wanted)) {
    if (!has(providers, local)) gate.push("provider-workspace", { stack, resource: `provider.${local}`, problem: PROVIDER_GATE.missingConfiguration(local), fix: PROVIDER_GATE.missingConfigurationFix });
  }
}

/** Compares one block body (or a part of it) with what the desired state says. */
function compareBody(gate: GateContext, stack: string, block: ComparedBlock, actual: unknown, want: Expected | undefined, path: string[]): void {
  if (want instanceof Matcher) {
    if (!want.test(actual, { stackDir: gate.stackDirs.get(stack) })) differs(gate, stack, block, path, actual, want);
    return;
  }
  if (Array.isArray(want)) {
    if (path[path.length - 1] === "privileges" && Array.isArray(actual)) {
      // A grant's privileges are a set: each one more than the model's is its own violation, each one fewer too.
      const have = new Set(actual.map((x) => (typeof x === "string" ? x : JSON.stringify(x))));
      const need = new Set(want as string[]);
      for (const p of have) if (!need.has(p) && !gate.isClaimed(stack, block.address, "privileges", p)) reportExtraPrivilege(gate, stack, block.address, p, want as string[]);
      for (const p of need) if (!have.has(p)) reportMissingPrivilege(gate, stack, block.address, p, want as string[]);
      return;
    }
    if (JSON.stringify(actual) !== JSON.stringify(want)) differs(gate, stack, block, path, actual, want);
    return;
  }
  if (isObject(want)) {
    if (!isObject(actual)) {
      differs(gate, stack, block, path, actual, want);
      return;
    }
    for (const [k, v] of Object.entries(actual)) {
      if (k === "//") continue; // a comment in a block body: terraform ignores it
      if (!has(want, k)) extraAttribute(gate, stack, block, [...path, k], v);
    }
    for (const [k, v] of Object.entries(want)) {
      if (!has(actual, k)) differs(gate, stack, block, [...path, k], undefined, v);
      else compareBody(gate, stack, block, actual[k], v, [...path, k]);
    }
    return;
  }
  if (actual !== want) differs(gate, stack, block, path, actual, want);
}

function extraAttribute(gate: GateContext, stack: string, block: ComparedBlock, path: string[], value: unknown): void {
  if (gate.isClaimed(stack, block.address, ...path)) return;
  const owner = extraAttributeOwner(block, path, value);
  gate.push(owner.rule, { stack, resource: owner.resource ?? block.address, problem: owner.problem });
}

/** A value other than the desired one (`actual` undefined: missing), given to the rule that owns it. */
function differs(gate: GateContext, stack: string, block: ComparedBlock, path: string[], actual: unknown, want: Expected | undefined): void {
  if (gate.isClaimed(stack, block.address, ...path)) return;
  const owner = differenceOwner(block, {
    path,
    actual,
    was: `${path.join(".")} is ${show(actual)}; the model says ${show(want)}`,
    unresolved: (gate.row(stack, block.address)?.unresolved.length ?? 0) > 0,
    isolated: gate.model.isolated,
  });
  gate.push(owner.rule, { stack, resource: block.address, problem: owner.problem });
}

/**
 * `import`, `moved` and `removed` blocks: each names a resource (`key`: import's `to`, moved's and
 * removed's `from`) and a value (import's `id`, moved's `to`, removed's `lifecycle`); the output
 * must have exactly the model's, value for value.
 */
function compareStateBlocks(gate: GateContext, stack: string, kind: "import" | "moved" | "removed", actual: unknown, expected: readonly { readonly key: string; readonly value: string }[]): void {
  const [keyAttr, valueAttr] = kind === "import" ? ["to", "id"] : kind === "moved" ? ["from", "to"] : ["from", "lifecycle"];
  const words = STATE_BLOCK_WORDS[kind](gate.model.source, stack);
  const want = new Map(expected.map((e) => [e.key, e.value]));
  const seen = new Set<string>();
  for (const [n, block] of (actual === undefined ? [] : Array.isArray(actual) ? actual : [actual]).entries()) {
    const key = isObject(block) ? text(block[keyAttr]) : `${kind}[${n}]`;
    const value = isObject(block) ? (kind === "removed" ? lifecycleText(block[valueAttr]) : block[valueAttr]) : undefined;
    const extra = isObject(block) ? Object.keys(block).filter((k) => k !== keyAttr && k !== valueAttr && k !== "//") : [];
    const at = { stack, resource: `${kind} ${key}` };
    const wanted = want.get(key);
    if (wanted === undefined || seen.has(key)) {
      gate.push("state-guard", { ...at, problem: `${words.extra(key, value)}${seen.has(key) ? ` (${words.twice})` : ""}`, fix: words.extraFix });
    } else if (value !== wanted) {
      gate.push("state-guard", { ...at, problem: words.other(key, value, wanted), fix: words.otherFix(wanted) });
    }
    if (extra.length > 0) gate.push("unknown-construct", { ...at, problem: UNKNOWN_WORDS.stateBlockAttributes(kind, extra, keyAttr, valueAttr) });
    seen.add(key);
  }
  for (const [key, wanted] of want) if (!seen.has(key)) gate.push("missing-from-output", { stack, resource: `${kind} ${key}`, problem: words.missing(key, wanted) });
}
