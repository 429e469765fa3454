import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { RemoteState } from "../model/types";

/**
 * Where a stack keeps its state. Without a `state` section: a local file per stack (fine for a
 * trial). With one: S3, a distinct key per stack (the model rejects a key pattern without
 * `{stack}`, which would make stacks overwrite each other's state), encrypted, and S3-native
 * locking (`use_lockfile`, Terraform >= 1.10), which cdktf 0.21's S3Backend cannot express, hence
 * the override.
 */
export function configureStateBackend(stack: TerraformStack, state: RemoteState | undefined, localStatePath?: string): void {
  if (!state) {
    // Without a path cdktf uses terraform.<stack>.tfstate in the current directory, as an absolute path.
    new LocalBackend(stack, localStatePath !== undefined ? { path: localStatePath } : {});
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    key: stateKey(state, stack.node.id),
    region: state.region,
    encrypt: true,
  });
  backend.addOverride("use_lockfile", true);
}

/** The state object key of a stack. */
export function stateKey(state: RemoteState, stackName: string): string {
  return state.key.replace("{stack}", stackName);
}
