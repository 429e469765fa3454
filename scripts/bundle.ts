// `npm run --silent bundle -- [--outputs [STACK=]FILE]... [--out FILE] [--model FILE]`: the asset
// bundle's variables and targets, generated from the environment model and the stacks' outputs.
import { runScript } from "../lib/cli/command";
import { bundleMain } from "../lib/bundle/commands";

runScript((io) => bundleMain(process.argv.slice(2), io));
