// `npm run --silent bundle:check -- DIR [--outputs [STACK=]FILE]... [--model FILE]`: a bundle
// repository (databricks.yml, its includes, its workflows) checked against the environment model.
import { runScript } from "../lib/cli/command";
import { bundleCheckMain } from "../lib/bundle/commands";

runScript((io) => bundleCheckMain(process.argv.slice(2), io));
