// `npm run --silent audit -- [--env KEY …] [--format md|json] [--model FILE]`: the live workspaces against the model.
import { runCommand } from "../lib/review/cli";
import { auditCommand } from "../lib/commands/audit";

runCommand(auditCommand);
