// `npm run docs:levels`: regenerates docs/access-levels.md (the access levels, the fixed rules and the
// privileges Unity Catalog accepts) from lib/permissions.ts. Commit the result; a test fails while
// the page is stale.
import * as fs from "fs";
import * as path from "path";
import { exitOnUsage } from "../lib/cli/command";
import { ACCESS_LEVELS_FILE, renderAccessLevels } from "./lib/access-levels";

exitOnUsage("docs:levels", {
  usage: "npm run docs:levels",
  help:
    `Regenerates ${ACCESS_LEVELS_FILE} from lib/permissions.ts: every access level with its privileges on each\n` +
    "securable type and its doc comment, which levels a cell of `access` takes, how to write write access, the\n" +
    "fixed rules, and the privileges Unity Catalog accepts. Run it after changing lib/permissions.ts; commit the page.",
});

const file = path.join(__dirname, "..", ACCESS_LEVELS_FILE);
const text = renderAccessLevels();
const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
if (before !== text) fs.writeFileSync(file, text);
process.stdout.write(`${before === text ? "unchanged" : "wrote"} ${ACCESS_LEVELS_FILE}\n`);
