/**
 * A synthesized stack as every reader takes it: its Terraform JSON brought to one shape (whatever
 * way of writing it Terraform accepts), or refused with a message naming the stack and the address.
 * The one reader of the synthesized output is this folder: read.ts reads a cdktf.out as Terraform
 * would, blocks.ts indexes a stack's blocks by address, references.ts resolves what a block refers
 * to, grants.ts reads the grants; the gate, the diff, the reports, the plan prediction and the deploy
 * check read through them.
 */
import { InputError } from "../cli/errors";

/** One synthesized stack's Terraform JSON (only the parts the checks read are typed). */
export interface StackJson {
  readonly provider?: { readonly [type: string]: readonly { readonly [attr: string]: unknown }[] };
  readonly resource?: { readonly [type: string]: { readonly [name: string]: { readonly [attr: string]: unknown } } };
  readonly data?: { readonly [type: string]: { readonly [name: string]: { readonly [attr: string]: unknown } } };
  readonly variable?: { readonly [name: string]: { readonly default?: unknown } };
  readonly import?: readonly { readonly to: string; readonly id: string }[];
  readonly moved?: readonly { readonly from: string; readonly to: string }[];
  /** Objects Terraform forgets (`lifecycle.destroy` false) or destroys although their block is gone. */
  readonly removed?: readonly { readonly from: string; readonly lifecycle?: { readonly destroy?: unknown } }[];
  readonly terraform?: { readonly backend?: { readonly [type: string]: { readonly [attr: string]: unknown } } };
  readonly [key: string]: unknown;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly json: StackJson;
  /** The file it was read from, for messages (in-memory stacks have none). */
  readonly file?: string;
}

/** Bad input to a review tool: the message says what and how to fix it (exit code 2). */
export class ReviewInputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = "ReviewInputError";
  }
}

// --- the shapes Terraform JSON allows, normalised --------------------------------------------------

/** Where a stack came from, for a message: its file, else its name. */
export function stackLocation(stack: SynthesizedStack): string {
  return stack.file ? `${stack.file} (stack ${stack.name})` : `stack ${stack.name}`;
}

type Obj = { [key: string]: unknown };
const isObject = (value: unknown): value is Obj => value !== null && typeof value === "object" && !Array.isArray(value);
const normalized = new WeakSet<object>();

/**
 * Stacks as the checks read them: every valid way of writing Terraform JSON brought to one shape
 * (below), anything else refused with a ReviewInputError that names the stack and the address.
 * Stacks read by readSynthOutput are normalised already; in-memory ones are normalised here.
 */
export function normalizeStacks(stacks: readonly SynthesizedStack[]): SynthesizedStack[] {
  return stacks.map((s) => (normalized.has(s.json) ? s : { ...s, json: normalizeStackJson(s.json, stackLocation(s)) }));
}

/**
 * One shape for what Terraform accepts in several: a block type given as an object or as an
 * array of objects (HCL's JSON syntax, at every label level), `provider.<type>` as one object or a
 * list, `import`/`moved`/`removed` as one object or a list, a block's `lifecycle` as an object or a
 * one-element list, and `databricks_grants.grant` as an object or a list. A block that is not an
 * object (null, a string, a number) or is declared twice is refused.
 */
export function normalizeStackJson(json: unknown, where: string): StackJson {
  if (!isObject(json)) throw new ReviewInputError(`${where}: is not a Terraform JSON object. Re-run \`npm run synth\`.`);
  const fail = (what: string, problem: string): never => {
    throw new ReviewInputError(`${where}: ${what} ${problem}. Fix the stack (or re-run \`npm run synth\`).`);
  };
  const out: Obj = { ...json };
  for (const kind of ["resource", "data"] as const) {
    if (json[kind] === undefined) continue;
    // Terraform merges the parts of an array (and repeated types): only a repeated address is an error.
    const parts = Array.isArray(json[kind]) ? (json[kind] as unknown[]) : [json[kind]];
    // Null-prototype maps: a type or name such as `__proto__` or `constructor` is data here.
    const byType: { [type: string]: Obj } = Object.create(null);
    for (const part of parts) {
      if (!isObject(part)) fail(kind, `holds ${describe(part)}, not an object`);
      for (const [type, named] of Object.entries(part as Obj)) {
        if (type === "//") continue;
        const prefix = kind === "data" ? `data.${type}` : type;
        const byName = (byType[type] ??= Object.create(null) as Obj);
        for (const entry of Array.isArray(named) ? named : [named]) {
          if (!isObject(entry)) fail(prefix, `is ${describe(entry)}, not an object`);
          for (const [name, block] of Object.entries(entry as Obj)) {
            if (name === "//") continue;
            const address = `${prefix}.${name}`;
            if (Object.prototype.hasOwnProperty.call(byName, name)) fail(address, "is declared twice");
            const body = single(block, address, fail);
            const fixed: Obj = { ...body };
            if (body.lifecycle !== undefined) fixed.lifecycle = single(body.lifecycle, `${address}.lifecycle`, fail);
            if (type === "databricks_grants" && kind === "resource" && body.grant !== undefined && body.grant !== null) {
              fixed.grant = list(body.grant, `${address}.grant`, fail);
            }
            byName[name] = fixed;
          }
        }
      }
    }
    out[kind] = byType;
  }
  if (json.provider !== undefined) {
    const providers: Obj = Object.create(null);
    for (const entry of Array.isArray(json.provider) ? json.provider : [json.provider]) {
      if (!isObject(entry)) fail("provider", `is ${describe(entry)}, not an object of provider blocks`);
      for (const [type, blocks] of Object.entries(entry as Obj)) {
        providers[type] = [...((providers[type] as Obj[] | undefined) ?? []), ...list(blocks, `provider.${type}`, fail)];
      }
    }
    out.provider = providers;
  }
  if (json.variable !== undefined) {
    const variables = mergeObjects(json.variable, "variable", fail);
    out.variable = Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, single(v, `variable.${name}`, fail)]));
  }
  for (const kind of ["import", "moved", "removed"] as const) {
    if (json[kind] !== undefined) out[kind] = list(json[kind], kind, fail);
  }
  if (out.removed !== undefined) {
    out.removed = (out.removed as Obj[]).map((r, i) => (r.lifecycle === undefined ? r : { ...r, lifecycle: single(r.lifecycle, `removed[${i}].lifecycle`, fail) }));
  }
  const result = out as StackJson;
  normalized.add(result);
  return result;
}

type Fail = (what: string, problem: string) => never;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

/** An object, or an array of objects merged into one (a key given twice is refused). */
function mergeObjects(value: unknown, what: string, fail: Fail): Obj {
  if (isObject(value)) return value;
  if (!Array.isArray(value)) return fail(what, `is ${describe(value)}, not an object`);
  const merged: Obj = Object.create(null);
  for (const part of value) {
    if (!isObject(part)) return fail(what, `holds ${describe(part)}, not an object`);
    for (const [key, v] of Object.entries(part)) {
      if (Object.prototype.hasOwnProperty.call(merged, key)) return fail(`${what}.${key}`, "is declared twice");
      merged[key] = v;
    }
  }
  return merged;
}

/** One block: an object, or a list holding exactly one. */
function single(value: unknown, what: string, fail: Fail): Obj {
  if (isObject(value)) return value;
  if (Array.isArray(value) && value.length === 1 && isObject(value[0])) return value[0];
  if (Array.isArray(value) && value.length > 1) return fail(what, "is declared more than once");
  return fail(what, `is ${describe(value)}, not a block (an object)`);
}

/** Repeatable blocks: one object, or a list of objects. */
function list(value: unknown, what: string, fail: Fail): Obj[] {
  if (isObject(value)) return [value];
  if (!Array.isArray(value)) return fail(what, `is ${describe(value)}, not a block or a list of blocks`);
  value.forEach((v, i) => {
    if (!isObject(v)) fail(`${what}[${i}]`, `is ${describe(v)}, not a block (an object)`);
  });
  return value as Obj[];
}

/** Any JSON value as text for names and messages: strings as they are, anything else as JSON. */
export function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  return JSON.stringify(value) ?? "undefined";
}
