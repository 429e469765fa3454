// `npm run --silent github-check -- --repository ORG/REPO --environment ENV --approval required|none [...]` (lib/commands/github-check.ts).
import { runCommand } from "../lib/review/cli";
import { githubCheckCommand } from "../lib/commands/github-check";

runCommand(githubCheckCommand);
