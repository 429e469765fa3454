// `npm run --silent deploy-check -- ...` (lib/commands/deploy-check.ts): a deploy plan's guard and summary.
import { runCommand } from "../lib/review/cli";
import { deployCheckCommand } from "../lib/commands/deploy-check";

runCommand(deployCheckCommand);
