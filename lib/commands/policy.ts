// `npm run --silent policy -- [--out DIR] [--model FILE]`: the policy gate over a cdktf.out.
import { EXIT, defineCommand, loadModel, type Command } from "../review/cli";
import { desiredState } from "../desired-state";
import { checkGate, formatViolation, policySummary } from "../gate/check";
import { readOutputTree } from "../output/read";
import { rulesText } from "../gate/rules";
import { modelFile } from "../model/load";
import { freshnessNote } from "../review/freshness";

/** The violations a model edit without `npm run synth` produces: with them, an unmarked output gets a note. */
const STALE_RULES: ReadonlySet<string> = new Set(["missing-from-output", "differs-from-model", "unknown-construct", "exceeds-model"]);

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
      "An output older than the model (its .uc-synth.json, written by synth, records another model) is said first,\n" +
      "on stderr, with the fix: npm run synth.\n" +
      "--out DIR     the cdktf output to check (default cdktf.out)\n" +
      "--model FILE  the environment model (default $ENVIRONMENTS_FILE, else environments.yaml)\n" +
      "--rules       print the rule table (Markdown) and exit\n\n" +
      "rules:\n" +
      rulesText(),
    options: ["out", "model"],
  },
  (cli) => {
    const file = cli.model ?? modelFile();
    const model = loadModel(file);
    const result = checkGate(readOutputTree(cli.out), desiredState(model));
    if (result.violations.length === 0) {
      process.stdout.write(`${policySummary(result, model.source)}\n`);
      return EXIT.ok;
    }
    // First, on stderr: an output older than the model (synth's marker says so) needs `npm run synth`,
    // not the constructs the violations point at; an output without the marker, that it cannot be told.
    const note = freshnessNote("policy", cli.out, file, { unmarked: result.violations.some((v) => STALE_RULES.has(v.rule)) });
    if (note !== undefined) process.stderr.write(note);
    // The violations and the summary are the result, on stdout like the summary of a pass.
    process.stdout.write(result.violations.map((v) => `${formatViolation(v)}\n`).join(""));
    process.stdout.write(`${policySummary(result, model.source)}\n`);
    return EXIT.violations;
  },
);
