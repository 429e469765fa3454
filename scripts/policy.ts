// `npm run --silent policy -- [--out DIR] [--model FILE]`: the access policy gate over a cdktf.out.
import { allowListOf } from "../lib/review/allow-list";
import { EXIT, loadModel, runCommand } from "../lib/review/cli";
import { readSynthOutput } from "../lib/review/output";
import { checkPolicy, formatViolation, policySummary } from "../lib/review/policy";

runCommand(
  "policy",
  {
    usage: "npm run --silent policy -- [--out DIR] [--model FILE]",
    help:
      "Checks the synthesized output against the environment model and the safety rules. Exit 0 with a\n" +
      "one-line summary, or 1 with one line per violation (stack, address, principal, securable, privilege,\n" +
      "rule, fix).\n" +
      "--out DIR     the cdktf output to check (default cdktf.out)\n" +
      "--model FILE  the environment model, the allow-list (default $ENVIRONMENTS_FILE, else environments.yaml)",
    options: ["out", "model"],
  },
  (cli) => {
    const model = loadModel(cli.model);
    const stacks = readSynthOutput(cli.out);
    const result = checkPolicy(stacks, allowListOf(model));
    if (result.violations.length === 0) {
      process.stdout.write(`${policySummary(result, model.source)}\n`);
      return EXIT.ok;
    }
    process.stdout.write(result.violations.map((v) => `${formatViolation(v)}\n`).join(""));
    process.stderr.write(`${policySummary(result, model.source)}\n`);
    return EXIT.violations;
  },
);
