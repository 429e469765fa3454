// `npm run --silent policy -- [--out DIR] [--model FILE]`: the policy gate over a cdktf.out.
import { EXIT, defineCommand, loadModel, type Command } from "../review/cli";
import { desiredState } from "../desired-state";
import { checkGate, formatViolation, policySummary } from "../gate/check";
import { readOutputTree } from "../gate/read";
import { rulesText } from "../gate/rules";

export const policyCommand: Command = defineCommand(
  "policy",
  {
    usage: "npm run --silent policy -- [--out DIR] [--model FILE] [--rules]",
    help:
      "The review gate, default deny: reads every file terraform would read in each stack directory of the\n" +
      "cdktf output, strictly (a repeated JSON key is a violation), and compares each stack with the desired\n" +
      "state of the environment model in both directions: anything the model does not produce, lacks or sets\n" +
      "differently is a violation, as is any break of the invariants. Exit 0 with a one-line summary, 1\n" +
      "with one line per violation and the summary, all on stdout; 2 with the reason on stderr on bad input.\n" +
      "--out DIR     the cdktf output to check (default cdktf.out)\n" +
      "--model FILE  the environment model (default $ENVIRONMENTS_FILE, else environments.yaml)\n" +
      "--rules       print the rule table (Markdown) and exit\n\n" +
      "rules:\n" +
      rulesText(),
    options: ["out", "model"],
  },
  (cli) => {
    const model = loadModel(cli.model);
    const result = checkGate(readOutputTree(cli.out), desiredState(model));
    if (result.violations.length === 0) {
      process.stdout.write(`${policySummary(result, model.source)}\n`);
      return EXIT.ok;
    }
    // The violations and the summary are the result, on stdout like the summary of a pass.
    process.stdout.write(result.violations.map((v) => `${formatViolation(v)}\n`).join(""));
    process.stdout.write(`${policySummary(result, model.source)}\n`);
    return EXIT.violations;
  },
);
