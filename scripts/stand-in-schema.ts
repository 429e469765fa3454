// `npm run stand-in:schema`: regenerates stand-in/schema/databricks-1.99.0.json from @cdktf/provider-databricks and facts.ts.
import * as path from "path";
import { exitOnUsage } from "../lib/cli/command";
import { writeSchemaFile } from "../stand-in/schema/generate";

exitOnUsage("stand-in:schema", {
  usage: "npm run stand-in:schema",
  help: "Regenerates the stand-in provider's schema (stand-in/schema/databricks-1.99.0.json) from\n@cdktf/provider-databricks 15.16.1 and the facts of stand-in/schema/facts.ts. Commit the result.",
});
process.stdout.write(`wrote ${path.relative(process.cwd(), writeSchemaFile())}\n`);
