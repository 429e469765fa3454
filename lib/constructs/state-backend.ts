import { LocalBackend, S3Backend, type TerraformStack } from "../cdk";
import type { DesiredBackend } from "../desired-state";

/**
 * The stack's `terraform.required_version` (the desired state decides it from the features the
 * stack uses: import blocks, S3 native locking).
 */
export function requireTerraform(stack: TerraformStack, version: string): void {
  stack.addOverride("terraform.required_version", `>= ${version}`);
}

/**
 * Where a stack keeps its state (decided in the desired state). Local: a file per stack (fine for a
 * trial), at `localStatePath` relative to the stack's working directory. S3: the stack's own key
 * (the model rejects a key pattern without `{stack}`, which would make stacks overwrite each
 * other's state), encrypted, and S3-native locking (`use_lockfile`, Terraform >= 1.10), which
 * cdktf 0.21's S3Backend cannot express, hence the override.
 */
export function configureStateBackend(stack: TerraformStack, backend: DesiredBackend, localStatePath?: string): void {
  if (backend.type === "local") {
    // Without a path cdktf uses terraform.<stack>.tfstate in the current directory, as an absolute path.
    new LocalBackend(stack, localStatePath !== undefined ? { path: localStatePath } : {});
    return;
  }
  const s3 = new S3Backend(stack, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: true });
  s3.addOverride("use_lockfile", true);
}
