/**
 * A synthesized stack's blocks by address, read once: every resource and data source, every
 * provider configuration, each `terraform` setting, variable and output, every `import`, `moved`
 * and `removed` block, and any other top-level entry. The gate walks them (default deny), the diff
 * compares them, the plan prediction and the deploy check look resources up in them.
 */
import { text, type SynthesizedStack } from "./stack";

/** Keys of a resource block that terraform evaluates itself (meta-arguments, cdktf's `//` comment), never values of the resource. */
export const BLOCK_META: ReadonlySet<string> = new Set(["//", "lifecycle", "depends_on", "provider", "count", "for_each", "provisioner", "connection"]);

export type BlockKind = "resource" | "data" | "provider" | "terraform" | "variable" | "output" | "import" | "moved" | "removed" | "other";

export interface Block {
  readonly kind: BlockKind;
  /**
   * The resource or data type; the provider's local name; the `terraform` setting (`backend`,
   * `required_providers`, ...); the variable's or output's name; for the rest, the top-level key.
   */
  readonly type: string;
  /** A resource's or data source's name. */
  readonly name?: string;
  /**
   * As a reviewer finds it: `databricks_grant.x`, `data.databricks_group.dev`, `provider.databricks`
   * (`.alias`, or `[i]` for a second block without one), `terraform.backend`, `variable.x`,
   * `output.x`, `import <to>`, `moved <from>`, `removed <from>`, or the top-level key.
   */
  readonly address: string;
  /** The top-level entry it is in (`resource`, `terraform`, `output`, ...). */
  readonly top: string;
  /** Where the block is within its top-level entry, for a block below one (`["backend"]`, `["x"]`). */
  readonly path: readonly string[];
  /** A `//` comment entry of `terraform`, `variable` or `output`: terraform reads none, the gate checks them anyway. */
  readonly comment?: true;
  readonly body: unknown;
}

type Obj = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Every block of a (normalised) stack, in the order the JSON has them. */
export function stackBlocks(stack: SynthesizedStack): Block[] {
  const out: Block[] = [];
  for (const [key, value] of Object.entries(stack.json)) {
    if (key === "//") continue;
    if ((key === "resource" || key === "data") && isObject(value)) {
      for (const [type, named] of Object.entries(value)) {
        if (type === "//") continue;
        for (const [name, body] of Object.entries(isObject(named) ? named : {})) {
          if (name === "//") continue;
          out.push({ kind: key, type, name, address: `${key === "data" ? "data." : ""}${type}.${name}`, top: key, path: [], body });
        }
      }
    } else if (key === "provider" && isObject(value)) {
      for (const [type, list] of Object.entries(value)) {
        (Array.isArray(list) ? list : [list]).forEach((body, i) => {
          const alias = isObject(body) && typeof body.alias === "string" ? body.alias : i === 0 ? undefined : `[${i}]`;
          out.push({ kind: "provider", type, address: `provider.${type}${alias === undefined ? "" : alias.startsWith("[") ? alias : `.${alias}`}`, top: key, path: [], body });
        });
      }
    } else if ((key === "terraform" || key === "variable" || key === "output") && isObject(value)) {
      for (const [name, body] of Object.entries(value)) {
        out.push({ kind: key, type: name, address: `${key}.${name}`, top: key, path: [name], ...(name === "//" ? { comment: true as const } : {}), body });
      }
    } else if ((key === "import" || key === "moved" || key === "removed") && value !== undefined) {
      for (const body of Array.isArray(value) ? value : [value]) {
        const b = isObject(body) ? body : {};
        out.push({ kind: key, type: key, address: `${key} ${text(key === "import" ? b.to : b.from)}`, top: key, path: [], body });
      }
    } else {
      out.push({ kind: "other", type: key, address: key, top: key, path: [], body: value });
    }
  }
  return out;
}

/** The stack's resources (not data sources) by address (looked up by type: no other block is read). */
export function resourceBodies(stack: SynthesizedStack): Map<string, Obj> {
  const out = new Map<string, Obj>();
  const resources = isObject(stack.json.resource) ? stack.json.resource : {};
  for (const [type, named] of Object.entries(resources)) {
    if (type === "//" || !isObject(named)) continue;
    for (const [name, body] of Object.entries(named)) if (name !== "//") out.set(`${type}.${name}`, isObject(body) ? body : {});
  }
  return out;
}

/** The blocks of one resource type (or, with `data`, data source type), in order, as stackBlocks gives them. */
export function blocksOfType(stack: SynthesizedStack, type: string, kind: "resource" | "data" = "resource"): readonly (Block & { readonly name: string; readonly body: Obj })[] {
  const all = stack.json[kind];
  const named = isObject(all) && type !== "//" ? all[type] : undefined;
  if (!isObject(named)) return [];
  return Object.entries(named)
    .filter((e): e is [string, Obj] => e[0] !== "//" && isObject(e[1]))
    .map(([name, body]) => ({ kind, type, name, address: `${kind === "data" ? "data." : ""}${type}.${name}`, top: kind, path: [], body }));
}

/**
 * The addresses a stack makes terraform forget (`removed` with `lifecycle.destroy = false`): the
 * object stays where it is, unmanaged. A resource whose block is gone without one is destroyed.
 */
export function forgottenAddresses(stack: SynthesizedStack): Set<string> {
  return new Set((stack.json.removed ?? []).filter((r) => r.lifecycle?.destroy === false).map((r) => r.from));
}

/** The stack's `import` blocks: the address each adopts into, with the provider's import ID. */
export function importsOf(stack: SynthesizedStack): Map<string, string> {
  return new Map((stack.json.import ?? []).map((i) => [i.to, i.id]));
}

/** The stack's `moved` blocks (renames in state), in order. */
export function movesOf(stack: SynthesizedStack): readonly { readonly from: string; readonly to: string }[] {
  return stack.json.moved ?? [];
}
