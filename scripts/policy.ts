// `npm run --silent policy -- [--out DIR] [--model FILE]`: the policy gate over a cdktf.out.
import { EXIT, runCommand } from "../lib/review/cli";
import { rulesMarkdown } from "../lib/gate/rules";
import { policyCommand } from "../lib/commands/policy";

if (process.argv.includes("--rules")) {
  // The README's rule table, generated from the rules themselves.
  process.stdout.write(rulesMarkdown());
  process.exit(EXIT.ok);
}

runCommand(policyCommand);
