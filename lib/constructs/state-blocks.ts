import { TerraformStack, type TerraformResource } from "cdktf";

type Block = { readonly [key: string]: string };
const blocksByStack = new WeakMap<TerraformStack, Map<"import" | "moved", Block[]>>();

/**
 * Adds a top-level block (`import` or `moved`) to the resource's stack.
 *
 * Why not cdktf's `importFrom` / `moveFromId`: each adds a validation that runs `terraform version`
 * during synth (once per resource for imports). That made synth depend on a terraform binary (it
 * must work on a fresh clone with nothing but `npm ci`) and cost ~40 ms a resource. Import and moved
 * blocks need Terraform >= 1.5; the S3 backend's `use_lockfile` already needs >= 1.10, CI pins 1.11.
 */
function addStackBlock(resource: TerraformResource, kind: "import" | "moved", block: Block): void {
  const stack = TerraformStack.of(resource);
  const kinds = blocksByStack.get(stack) ?? new Map<"import" | "moved", Block[]>();
  blocksByStack.set(stack, kinds);
  const blocks = kinds.get(kind) ?? [];
  kinds.set(kind, blocks);
  blocks.push(block);
  stack.addOverride(kind, [...blocks]);
}

/** Declares a rename in a stack: a `moved` block from one address to another (the model's `moved`). */
export function declareMoved(stack: TerraformStack, from: string, to: string): void {
  const kinds = blocksByStack.get(stack) ?? new Map<"import" | "moved", Block[]>();
  blocksByStack.set(stack, kinds);
  const blocks = kinds.get("moved") ?? [];
  kinds.set("moved", blocks);
  blocks.push({ from, to });
  stack.addOverride("moved", [...blocks]);
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
  addStackBlock(resource, "import", { to: addressOf(resource), id });
}
