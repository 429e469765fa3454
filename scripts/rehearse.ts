// `npm run --silent rehearse -- [STACK ...] [--workspace FILE] [--apply] [--json FILE] [--env]`: terraform plans against the stand-in provider (lib/commands/rehearse.ts).
import { runScript } from "../lib/cli/command";
import { rehearseCommand } from "../lib/commands/rehearse";

runScript((io) => rehearseCommand(process.argv.slice(2), io));
