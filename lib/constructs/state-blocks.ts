import { type TerraformResource, TerraformStack } from "../cdk";

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

/** The resource's Terraform address; final only once its logical ID is. */
function addressOf(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/**
 * Adopts an existing object: an `import` block with the provider's import ID, so the first plan
 * imports it instead of creating it (later plans ignore the block). Call it after the resource's
 * logical ID is final.
 */
export function importExisting(resource: TerraformResource, id: string): void {
  addBlock(TerraformStack.of(resource), "import", { to: addressOf(resource), id });
}
