/**
 * Where a stack keeps its state, and the Terraform version it needs: the `terraform` block's
 * `backend` and `required_version`. Local: a file per stack in the project directory (fine for a
 * trial). S3: the stack's own key (the model refuses a key pattern without `{stack}`, which would
 * make stacks overwrite each other's state), encrypted, with S3-native locking (`use_lockfile`,
 * Terraform >= 1.10), which cdktf 0.21's S3Backend cannot express, hence the override.
 */
import * as path from "path";
import type { TerraformStack } from "../cdk";
import { Matcher, type Expected } from "./json";
import { cdk, invalid, type Difference, type Said } from "./resource";

export type DesiredBackend =
  | { readonly type: "local"; readonly stateFile: string }
  | { readonly type: "s3"; readonly bucket: string; readonly key: string; readonly region: string };

/**
 * The Terraform versions the output's features need (a stack's `terraform.required_version` is the
 * highest its features need, so an older terraform stops at `init` with a clear message instead of
 * failing halfway through a plan). CI pins 1.11.
 */
export const TERRAFORM_NEEDS = {
  /** cdktf 0.21's own minimum for the JSON it writes. */
  baseline: "1.2.0",
  /** `import` blocks (adopting existing catalogs, schemas, grants). */
  importBlocks: "1.5.0",
  /** `removed` blocks (forgetting a dropped catalog, schema or principal instead of destroying it). */
  removedBlocks: "1.7.0",
  /** The S3 backend's native locking, `use_lockfile`. */
  s3NativeLocking: "1.10.0",
} as const;

/**
 * The local state path: the stack's own `terraform.<stack>.tfstate` in the project directory, never
 * another file. Synth writes it relative to the stack's directory: `../../../<file>` for an output in
 * the project (`cdktf.out/stacks/<stack>`), or the way to the current directory for an output
 * written elsewhere. Read from disk, it must lead to the output's parent directory or the current
 * directory; in memory, it must be `../../../<file>`.
 */
export function localStatePathMatcher(stack: string): Matcher {
  const file = `terraform.${stack}.tfstate`;
  return new Matcher(`../../../${file} (the stack's own state file, in the project directory)`, (v, { stackDir }) => {
    if (typeof v !== "string" || path.isAbsolute(v) || path.basename(v) !== file) return false;
    if (stackDir === undefined) return v === `../../../${file}`;
    const resolved = path.resolve(stackDir, v);
    const outputParent = path.dirname(path.dirname(path.dirname(path.resolve(stackDir))));
    return resolved === path.join(outputParent, file) || resolved === path.resolve(file);
  });
}

/** `terraform.backend` as the gate expects it. */
export function expectedBackend(stack: string, backend: DesiredBackend): { readonly [type: string]: Expected } {
  return backend.type === "local"
    ? { local: { path: localStatePathMatcher(stack) } }
    : { s3: { bucket: backend.bucket, encrypt: true, key: backend.key, region: backend.region, use_lockfile: true } };
}

/** `terraform.required_version` as the gate expects it. */
export function expectedRequiredVersion(version: string): string {
  return `>= ${version}`;
}

/** Which rule owns what the gate finds in the backend: state-guard. */
export const BACKEND_GATE = {
  /** A backend or cloud block where the model has none (`resource`: `terraform.backend`, `terraform.cloud`). */
  extra: (attribute: string): Said & { readonly resource: string } => ({
    rule: "state-guard",
    resource: `terraform.${attribute}`,
    problem: `a ${attribute} configuration: the state would live elsewhere than the model's`,
  }),
  differs: (d: Difference): Said => ({ rule: "state-guard", problem: `${d.was}: the stack's state is its own (a local terraform.<stack>.tfstate, or the model's S3 key for it)` }),
} as const;

/** Declares the stack's `terraform.required_version` (the desired state decides it from the features the stack uses). */
export function requireTerraform(stack: TerraformStack, version: string): void {
  if (!/^\d+\.\d+\.\d+$/.test(version)) invalid("the required Terraform version", version, "a version such as 1.5.0");
  stack.addOverride("terraform.required_version", expectedRequiredVersion(version));
}

/**
 * Declares where the stack keeps its state: a local file at `localStatePath` (relative to the
 * stack's working directory), or the model's S3 key with native locking.
 */
export function configureStateBackend(stack: TerraformStack, backend: DesiredBackend, localStatePath?: string): void {
  const { LocalBackend, S3Backend } = cdk();
  if (backend.type === "local") {
    // Without a path cdktf uses terraform.<stack>.tfstate in the current directory, as an absolute path.
    new LocalBackend(stack, localStatePath !== undefined ? { path: localStatePath } : {});
    return;
  }
  const s3 = new S3Backend(stack, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: true });
  s3.addOverride("use_lockfile", true);
}

/** The highest version a stack's features need: S3 native locking, removed blocks, import blocks, else cdktf's minimum. */
export function requiredVersionOf(backend: DesiredBackend, imports: boolean, removed = false): string {
  if (backend.type === "s3") return TERRAFORM_NEEDS.s3NativeLocking;
  if (removed) return TERRAFORM_NEEDS.removedBlocks;
  return imports ? TERRAFORM_NEEDS.importBlocks : TERRAFORM_NEEDS.baseline;
}
