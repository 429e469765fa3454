// `npm run --silent verdict -- --head DIR --base-commit SHA --merge-commit SHA [...]`: the access verdict (lib/commands/verdict.ts).
import { runCommand } from "../lib/review/cli";
import { verdictCommand } from "../lib/commands/verdict";

runCommand(verdictCommand);
