// `npm run --silent grants:diff -- BASE_DIR HEAD_DIR [--format md|json] [--model FILE]`: what a change does to access.
import { EXIT, loadModel, runCommand } from "../lib/review/cli";
import { diffOutputs, prodScope, renderDiffMarkdown } from "../lib/review/diff";
import { principalLabels } from "../lib/review/grants";
import { readSynthOutput } from "../lib/review/output";
import { renderJson } from "../lib/review/report";

runCommand(
  "grants:diff",
  {
    usage: "npm run --silent grants:diff -- BASE_DIR HEAD_DIR [--format md|json] [--model FILE]",
    help:
      "Compares two cdktf outputs (e.g. the target branch's and the pull request's): privileges added and\n" +
      "removed per (principal, securable), owners, principals, catalogs and workspace bindings added or\n" +
      "removed, protection flags changed. Production first and marked PROD; `+ widens` (more access, less\n" +
      "protection), `! risk` (the apply itself revokes: an added databricks_grants, a grant at a new\n" +
      "address without a moved block) and `- narrows` apart.\n" +
      "--format md    a pull-request comment (default); `No access changes.` when there are none\n" +
      "--format json  an array of changes\n" +
      "--model FILE   tells which environment is production (the model's `production`, else the one keyed\n" +
      "               prod, else the last; without it, the stacks whose name contains \"prod\") and names the\n" +
      "               principals that grants name by application ID (the plan principal, retired ones)",
    options: ["format", "model"],
    positionals: ["BASE_DIR", "HEAD_DIR"],
  },
  (cli) => {
    const [baseDir, headDir] = cli.positionals;
    const base = readSynthOutput(baseDir);
    const head = readSynthOutput(headDir);
    const model = cli.model !== undefined ? loadModel(cli.model) : undefined;
    const label = principalLabels(model);
    const changes = diffOutputs(base, head, prodScope([base, head], model)).map((c) => (c.principal === undefined ? c : { ...c, principal: label(c.principal) }));
    process.stdout.write(cli.format === "json" ? renderJson(changes) : renderDiffMarkdown(changes));
    return EXIT.ok;
  },
);
