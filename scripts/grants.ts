// `npm run --silent grants -- [--out DIR] [--format md|json]`: the effective permissions of a cdktf.out.
import { EXIT, runCommand } from "../lib/review/cli";
import { grantRows } from "../lib/review/grants";
import { readSynthOutput } from "../lib/review/output";
import { renderJson, renderMarkdown, reportRows } from "../lib/review/report";

runCommand(
  "grants",
  {
    usage: "npm run --silent grants -- [--out DIR] [--format md|json]",
    help:
      "Prints every grant the synthesized output declares, principals resolved to their display names.\n" +
      "--out DIR      the cdktf output to read (default cdktf.out; run `npm run synth` first)\n" +
      "--format md    one Markdown table per securable type: principals down, catalogs across (default)\n" +
      "--format json  one row per declared grant: {stack, resource, securableType, securable, principal, principalKind, privileges}",
    options: ["out", "format"],
  },
  (cli) => {
    const stacks = readSynthOutput(cli.out);
    const rows = grantRows(stacks);
    process.stdout.write(cli.format === "json" ? renderJson(reportRows(rows)) : renderMarkdown(rows, cli.out, stacks.length));
    return EXIT.ok;
  },
);
