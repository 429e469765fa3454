// Wiring only: read the environment model, work out the desired state, build one stack per workspace, synthesize.
import { buildApp } from "./lib/app";
import { desiredState } from "./lib/desired-state";
import { loadEnvironmentModel, modelFile } from "./lib/model/load";
import { synthAtomically } from "./lib/synth";
import { handleUsage } from "./lib/usage";

handleUsage("synth", {
  usage: "npm run synth   (also cdktf.json's `app`: npx cdktf synth / diff / deploy)",
  help:
    "Reads the environment model ($ENVIRONMENTS_FILE, else environments.yaml), builds one stack per workspace,\n" +
    "checks the output with the policy gate and writes it atomically to $CDKTF_OUTDIR (else cdktf.out).\n" +
    "Prints one summary line on success (stacks, resources, grants, where) and the model's warnings;\n" +
    "exit 1 with the reason when the model is invalid or the output breaks the policy (nothing is written).",
});

synthAtomically((outdir) => {
  const model = loadEnvironmentModel(modelFile());
  const desired = desiredState(model);
  return { app: buildApp(model, outdir, process.cwd(), desired), model, desired };
});
