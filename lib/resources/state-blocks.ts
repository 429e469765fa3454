/**
 * The blocks that change a stack's state rather than a resource: `import` (adopting an existing
 * object), `moved` (a rename, the model's `moved`) and `removed` with `destroy = false` (forgetting
 * a catalog, schema or principal that left the model instead of destroying it). Their renderers and
 * the JSON the gate expects; the state-guard rule owns any other.
 */
import type { TerraformResource, TerraformStack } from "../cdk";
import { MANIFEST_FILE } from "../model/history";
import { text } from "../output/stack";
import { show } from "./json";
import { cdk } from "./resource";

/** A stateful object that left the model: its stack carries `removed { from, lifecycle { destroy = false } }`. */
export interface DesiredForget {
  readonly address: string;
  /** The object, as the address manifest recorded it (`schema dev.gold`). */
  readonly object: string;
  /** First forgotten by this model (not yet in the manifest's `forgotten`): synth warns about it. */
  readonly isNew: boolean;
}

/** A rename: a `moved` block from one address to another. */
export interface DesiredMove {
  readonly from: string;
  readonly to: string;
}

/** An adoption: an `import` block with the provider's import ID. */
export interface DesiredImport {
  readonly to: string;
  readonly id: string;
}

/** The `import`, `moved` and `removed` blocks as the gate expects them (each kind left out when empty). */
export function expectedStateBlocks(imports: readonly DesiredImport[], moves: readonly DesiredMove[], forgets: readonly DesiredForget[]) {
  return {
    ...(imports.length > 0 ? { import: imports.map((i) => ({ to: i.to, id: i.id })) } : {}),
    ...(moves.length > 0 ? { moved: moves.map((m) => ({ from: m.from, to: m.to })) } : {}),
    ...(forgets.length > 0 ? { removed: forgets.map((f) => ({ from: f.address, lifecycle: { destroy: false } })) } : {}),
  };
}

/** What the gate says about an import, moved or removed block other than the model's (state-guard), or one missing. */
export interface StateBlockWords {
  readonly extra: (key: string, value: unknown) => string;
  readonly extraFix: string;
  readonly twice: string;
  readonly other: (key: string, value: unknown, want: string) => string;
  readonly otherFix: (want: string) => string;
  readonly missing: (key: string, want: string) => string;
}

export const STATE_BLOCK_WORDS: { readonly [K in "import" | "moved" | "removed"]: (modelSource: string, stack: string) => StateBlockWords } = {
  removed: () => ({
    extra: (key, value) => `a removed block for ${key} (lifecycle ${text(value)}) makes terraform ${/"destroy":false/.test(text(value)) ? "forget" : "destroy"} it; the model forgets nothing there`,
    extraFix: `remove it: the model forgets only catalogs, schemas and service principals that left it and that ${MANIFEST_FILE} recorded`,
    twice: "removed twice",
    other: (key, value, want) => `lifecycle is ${text(value)}, not ${want}: terraform would destroy ${key} instead of forgetting it`,
    otherFix: (want) => `write lifecycle ${want}`,
    missing: (key) => `${key} left the model and must be forgotten, but the output has no removed block for it, so terraform would destroy it`,
  }),
  import: () => ({
    extra: (key, value) => `imports ${show(value)} into ${key}; the model adopts nothing there`,
    extraFix: "remove the import block; adopt existing objects through the model's `adopt`",
    twice: "imported twice",
    other: (key, value, want) => `the import ID is ${show(value)}, not ${JSON.stringify(want)}: it would adopt another object than the resource's own securable (${key})`,
    otherFix: (want) => `import ${JSON.stringify(want)} (the model's adopt decides)`,
    missing: (key, want) => `the model adopts ${JSON.stringify(want)} into ${key}, but the output has no import block for it, so the first apply would try to create it`,
  }),
  moved: (modelSource, stack) => ({
    extra: (key, value) => `a moved block from ${key} to ${show(value)} re-addresses state; the model declares no such rename`,
    extraFix: `remove it, or declare the rename in ${modelSource} (moved.${stack})`,
    twice: "moved twice",
    other: (key, value, want) => `moves ${key} to ${show(value)}, not to ${want} as the model says`,
    otherFix: (want) => `move it to ${want}`,
    missing: (key, want) => `the model renames ${key} to ${want}, but the output has no moved block for it, so terraform would destroy the old and create the new`,
  }),
};

type Block = { readonly [key: string]: unknown };
type Kind = "import" | "moved" | "removed";
const blocksByStack = new WeakMap<TerraformStack, Map<Kind, Block[]>>();

/**
 * Appends a top-level block (`import`, `moved`, `removed`) to a stack, as a list of each kind.
 *
 * Why not cdktf's `importFrom` / `moveFromId`: each adds a validation that runs `terraform version`
 * during synth (once per resource for imports). That made synth depend on a terraform binary (it
 * must work on a fresh clone with nothing but `npm ci`) and cost ~40 ms a resource. Import and moved
 * blocks need Terraform >= 1.5, removed blocks 1.7 (TERRAFORM_NEEDS); CI pins 1.11.
 */
function addBlock(stack: TerraformStack, kind: Kind, block: Block): void {
  const kinds = blocksByStack.get(stack) ?? new Map<Kind, Block[]>();
  blocksByStack.set(stack, kinds);
  const blocks = kinds.get(kind) ?? [];
  kinds.set(kind, blocks);
  blocks.push(block);
  stack.addOverride(kind, [...blocks]);
}

/** Declares a rename in a stack: a `moved` block from one address to another (the model's `moved`). */
export function declareMoved(stack: TerraformStack, from: string, to: string): void {
  addBlock(stack, "moved", { from, to });
}

/**
 * Makes Terraform forget a stateful object whose block left the model, without destroying it:
 * `removed { from = ADDRESS, lifecycle { destroy = false } }` (Terraform >= 1.7). Without it the
 * plan destroys the object: `prevent_destroy` leaves together with the resource block.
 */
export function declareForgotten(stack: TerraformStack, from: string): void {
  addBlock(stack, "removed", { from, lifecycle: { destroy: false } });
}

/**
 * Adopts an existing object: an `import` block with the provider's import ID, so the first plan
 * imports it instead of creating it (later plans ignore the block). Call it after the resource's
 * logical ID is final.
 */
export function importExisting(resource: TerraformResource, id: string): void {
  addBlock(cdk().TerraformStack.of(resource), "import", { to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}`, id });
}
