// `npm run --silent bundle:check -- DIR [--outputs [STACK=]FILE]... [--model FILE]`: a bundle
// repository (databricks.yml, its includes, its workflows) checked against the environment model.
import { bundleCheckMain } from "../lib/bundle/commands";

process.exitCode = bundleCheckMain(process.argv.slice(2));
