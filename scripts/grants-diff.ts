// `npm run --silent grants:diff -- BASE_DIR HEAD_DIR [--format md|json|mermaid] [--base-model FILE] [--head-model FILE] [--model FILE] [--fail-on LIST]`:
import { runCommand } from "../lib/review/cli";
import { grantsDiffCommand } from "../lib/commands/grants-diff";

runCommand(grantsDiffCommand);
