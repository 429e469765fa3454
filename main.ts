// Wiring only: read the environment model, work out the desired state, build one stack per workspace, synthesize.
import { buildApp } from "./lib/app";
import { desiredState } from "./lib/desired-state";
import { loadEnvironmentModel, modelFile } from "./lib/model/load";
import { synthAtomically } from "./lib/synth";

synthAtomically((outdir) => {
  const model = loadEnvironmentModel(modelFile());
  const desired = desiredState(model);
  return { app: buildApp(model, outdir, process.cwd(), desired), model, desired };
});
