// Wiring only: read the environment model, work out the desired state, build one stack per workspace, synthesize.
import { exitOnUsage } from "./lib/cli/command";

const OUTDIR_HINT = "it writes to $CDKTF_OUTDIR, else cdktf.out. Fix: choose the output directory with `CDKTF_OUTDIR=DIR npm run synth`";
exitOnUsage("synth", {
  usage: "[CDKTF_OUTDIR=DIR] [ENVIRONMENTS_FILE=FILE] npm run synth   (also cdktf.json's `app`: npx cdktf synth / diff / deploy)",
  help:
    "Reads the environment model ($ENVIRONMENTS_FILE, else environments.yaml), builds one stack per workspace,\n" +
    "checks the output with the policy gate and writes it atomically to $CDKTF_OUTDIR (else cdktf.out; it takes\n" +
    "no --out: `CDKTF_OUTDIR=DIR npm run synth`). cdktf.out is a link to the generation folder synth wrote\n" +
    "beside it (cdktf.out.gen-*): copy an output with `cp -rL cdktf.out DIR`, not `cp -r`, which copies the link.\n" +
    "Prints one summary line on success (stacks, resources, grants, where) and the model's warnings;\n" +
    "exit 1 with the reason when the model is invalid or the output breaks the policy (nothing is written).",
  optionHints: { out: OUTDIR_HINT, outdir: OUTDIR_HINT, output: OUTDIR_HINT, o: OUTDIR_HINT },
});

// Loaded after the usage check, so that --help and bad usage answer without loading cdktf.
const { buildApp } = require("./lib/app") as typeof import("./lib/app");
const { desiredState } = require("./lib/desired-state") as typeof import("./lib/desired-state");
const { loadEnvironmentModel, modelFile } = require("./lib/model/load") as typeof import("./lib/model/load");
const { synthAtomically } = require("./lib/synth") as typeof import("./lib/synth");

synthAtomically((outdir) => {
  const model = loadEnvironmentModel(modelFile());
  const desired = desiredState(model);
  return { app: buildApp(model, outdir, process.cwd(), desired), model, desired };
});
