// Wiring only: read the environment model, build one stack per workspace, synthesize.
import { buildApp } from "./lib/app";
import { loadEnvironmentModel, modelFile } from "./lib/model/load";
import { synthAtomically } from "./lib/synth";

synthAtomically((outdir) => {
  const model = loadEnvironmentModel(modelFile());
  return { app: buildApp(model, outdir), model };
});
