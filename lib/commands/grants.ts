// `npm run --silent grants -- [--out DIR] [--format md|json] [--model FILE]`: the effective permissions of a cdktf.out.
import * as fs from "fs";
import { modelFile } from "../model/load";
import { EXIT, defineCommand, loadModel, type Command } from "../review/cli";
import { grantRows } from "../output/grants";
import { readSynthOutput } from "../output/read";
import { environmentsOf, grantsMermaid } from "../review/mermaid";
import { freshnessNote } from "../review/freshness";
import { principalLabels, renderJson, renderMarkdown, reportRows } from "../review/report";

export const grantsCommand: Command = defineCommand(
  "grants",
  {
    usage: "npm run --silent grants -- [--out DIR] [--format md|json|mermaid] [--model FILE]",
    help:
      "Prints every grant the synthesized output declares, principals resolved to their display names.\n" +
      "--out DIR      the cdktf output to read (default cdktf.out; run `npm run synth` first)\n" +
      "--format md    one Markdown table per securable type: principals down, catalogs across (production's first,\n" +
      "               marked PROD), access levels in the cells (default)\n" +
      "--format json  one row per declared grant: {stack, resource, securableType, securable, principal, principalKind, privileges}\n" +
      "--format mermaid  a Mermaid flowchart: principals -> catalogs/schemas with the access level on each edge,\n" +
      "               one cluster per environment (production marked), collapsed by environment past 40 edges\n" +
      "--model FILE   names the principals that grants name by application ID (the plan principal, retired ones);\n" +
      "               default $ENVIRONMENTS_FILE, else environments.yaml, when it exists",
    options: ["out", "format", "model"],
  },
  (cli) => {
    const stacks = readSynthOutput(cli.out);
    // The model only names principals here: without one, IDs stay IDs (an invalid one is an error).
    const file = cli.model ?? modelFile();
    const model = cli.model !== undefined || fs.existsSync(file) ? loadModel(file) : undefined;
    // An output older than the model it is read with (synth's marker says so): said first, on stderr.
    const stale = model !== undefined ? freshnessNote("grants", cli.out, file) : undefined;
    if (stale !== undefined) process.stderr.write(stale);
    const label = principalLabels(model);
    const rows = grantRows(stacks).map((r) => ({ ...r, principal: label(r.principal) }));
    process.stdout.write(
      cli.format === "json"
        ? renderJson(reportRows(rows))
        : cli.format === "mermaid"
          ? grantsMermaid(rows, environmentsOf(model, stacks))
          : renderMarkdown(rows, cli.out, stacks.length, environmentsOf(model, stacks)),
    );
    return EXIT.ok;
  },
);
