import * as path from "path";
import { App } from "cdktf";
import type { EnvironmentModel } from "./model/types";
import { WorkspaceStack } from "../stacks/workspace-stack";

/**
 * The whole app for a validated model: one stack per environment. `outdir` is where cdktf writes;
 * local state files stay in `projectDir` (terraform.<stack>.tfstate), referenced by a path relative
 * to each stack's working directory so that the output does not depend on where the clone lives.
 */
export function buildApp(model: EnvironmentModel, outdir: string, projectDir = process.cwd()): App {
  const app = new App({ outdir });
  for (const environment of model.environments) {
    const workingDir = path.resolve(outdir, "stacks", environment.stackName);
    const localStatePath = path.relative(workingDir, path.resolve(projectDir, `terraform.${environment.stackName}.tfstate`));
    new WorkspaceStack(app, environment.stackName, { model, environment, localStatePath });
  }
  return app;
}
