import * as path from "path";
import { App } from "cdktf";
import type { EnvironmentModel } from "./model/types";
import { desiredState } from "./desired-state";
import { WorkspaceStack } from "../stacks/workspace-stack";
import { AccountStack } from "../stacks/account-stack";

/**
 * The whole app for a validated model: one stack per environment, plus the account stack (CI's
 * OIDC federation) when the model knows the account and the GitHub repository. `outdir` is where cdktf writes;
 * local state files stay in `projectDir` (terraform.<stack>.tfstate), referenced by a path relative
 * to each stack's working directory so that the output does not depend on where the clone lives.
 */
export function buildApp(model: EnvironmentModel, outdir: string, projectDir = process.cwd()): App {
  const app = new App({ outdir });
  const localStatePath = (stackName: string) =>
    path.relative(path.resolve(outdir, "stacks", stackName), path.resolve(projectDir, `terraform.${stackName}.tfstate`));
  for (const desired of desiredState(model).stacks) {
    const props = { localStatePath: localStatePath(desired.name) };
    if (desired.kind === "workspace") new WorkspaceStack(app, desired.name, { desired, ...props });
    else new AccountStack(app, desired.name, { desired, ...props });
  }
  return app;
}
