import * as path from "path";
import { App } from "./cdk";
import type { EnvironmentModel } from "./model/types";
import { desiredState, type DesiredState } from "./desired-state";
import { WorkspaceStack } from "../stacks/workspace-stack";
import { AccountStack } from "../stacks/account-stack";
import { RetiringStack } from "../stacks/retiring-stack";

/**
 * The whole app for a validated model (rendering its desired state): one stack per environment, plus the account stack (CI's
 * OIDC federation) when the model knows the account and the GitHub repository. `outdir` is where cdktf writes;
 * local state files stay in `projectDir` (terraform.<stack>.tfstate), referenced by a path relative
 * to each stack's working directory so that the output does not depend on where the clone lives.
 */
export function buildApp(model: EnvironmentModel, outdir: string, projectDir = process.cwd(), desired: DesiredState = desiredState(model)): App {
  // No stack traces in metadata: the warning annotations (lib/synth.ts) would carry absolute paths of this clone.
  const app = new App({ outdir, stackTraces: false });
  const localStatePath = (stackName: string) =>
    path.relative(path.resolve(outdir, "stacks", stackName), path.resolve(projectDir, `terraform.${stackName}.tfstate`));
  for (const stack of desired.stacks) {
    const props = { localStatePath: localStatePath(stack.name) };
    if (stack.kind === "workspace") new WorkspaceStack(app, stack.name, { desired: stack, ...props });
    else if (stack.kind === "account") new AccountStack(app, stack.name, { desired: stack, ...props });
    else new RetiringStack(app, stack.name, { desired: stack, ...props });
  }
  return app;
}
