import { TerraformStack, type TerraformResource } from "cdktf";

const importsByStack = new WeakMap<TerraformStack, { to: string; id: string }[]>();

/**
 * Adopts an existing object: emits a Terraform `import` block for `resource` with the provider's
 * import ID, so the first plan imports it instead of creating it (and later plans ignore the block).
 *
 * Why not cdktf's `importFrom`: it adds a validation that runs `terraform version` once per imported
 * resource during synth. That made synth depend on a terraform binary (synth must work on a fresh
 * clone with nothing but `npm ci`) and cost ~40 ms a resource. Import blocks need Terraform >= 1.5;
 * the S3 backend's `use_lockfile` already needs >= 1.10, and CI pins 1.11.
 *
 * Call it after the resource's logical ID is final (the import's `to` is its address).
 */
export function importExisting(resource: TerraformResource, id: string): void {
  const stack = TerraformStack.of(resource);
  const imports = importsByStack.get(stack) ?? [];
  importsByStack.set(stack, imports);
  imports.push({ to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}`, id });
  stack.addOverride("import", [...imports]);
}
