// `npm run model:schema`: regenerates environments.schema.json (the JSON Schema editors check
// environments.yaml with) and docs/model.md (the field reference) from lib/model/schema/ and
// lib/model/rules/. Commit the result; a test fails while either is stale.
import * as fs from "fs";
import * as path from "path";
import { exitOnUsage } from "../lib/cli/command";
import { DOCS_FILE, JSON_SCHEMA_FILE, renderJsonSchema, renderModelDocs } from "./lib/model-schema";

exitOnUsage("model:schema", {
  usage: "npm run model:schema",
  help:
    "Regenerates, from the model's schema (lib/model/schema/model.ts) and rules (lib/model/rules/):\n" +
    `  ${JSON_SCHEMA_FILE}  the JSON Schema editors complete and check environments.yaml with\n` +
    `  ${DOCS_FILE}             the model's field reference\n` +
    "Run it after changing a field or a rule, and commit both files.",
});

const root = path.resolve(__dirname, "..");
for (const [file, text] of [
  [JSON_SCHEMA_FILE, renderJsonSchema()],
  [DOCS_FILE, renderModelDocs()],
] as const) {
  const abs = path.join(root, file);
  const before = fs.existsSync(abs) ? fs.readFileSync(abs, "utf8") : undefined;
  if (before !== text) fs.writeFileSync(abs, text);
  process.stdout.write(`${before === text ? "unchanged" : "wrote"} ${file}\n`);
}
