/**
 * The blocks that change a stack's state rather than a resource: `import` (adopting an existing
 * object), `moved` (a rename, the model's `moved`) and `removed` with `destroy = false` (forgetting
 * a catalog, schema or principal that left the model instead of destroying it). Their renderers and
 * the JSON the gate expects; the state-guard rule owns any other.
 */
import type { TerraformResource, TerraformStack } from "../cdk";
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
