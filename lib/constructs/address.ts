/**
 * Terraform addresses are an external contract: renaming one destroys and recreates the resource.
 * Every address is decided in the desired state (lib/desired-state.ts) from stable names in the
 * model (catalog names, group and environment keys), never from list positions or hashes.
 */
export { logicalId } from "../desired-state";
