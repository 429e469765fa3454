// Wiring only: read the environment model, build one stack per workspace, synthesize.
import { buildApp } from "./lib/app";
import { loadEnvironmentModel } from "./lib/model/load";
import { synthAtomically } from "./lib/synth";

synthAtomically((outdir) => {
  const model = loadEnvironmentModel(process.env.ENVIRONMENTS_FILE ?? "environments.yaml");
  return { app: buildApp(model, outdir), model };
});
