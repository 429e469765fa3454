// `npm run --silent plan-guard -- BASE_DIR|none HEAD_DIR --stack NAME --plan FILE` (lib/commands/plan-guard.ts).
import { runCommand } from "../lib/review/cli";
import { planGuardCommand } from "../lib/commands/plan-guard";

runCommand(planGuardCommand);
