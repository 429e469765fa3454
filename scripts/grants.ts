// `npm run --silent grants -- [--out DIR] [--format md|json] [--model FILE]`: the effective permissions of a cdktf.out.
import { runCommand } from "../lib/review/cli";
import { grantsCommand } from "../lib/commands/grants";

runCommand(grantsCommand);
