/** The bundle commands, callable in-process (tests, bench) and from scripts/bundle*.ts. */
import { EXIT, processIo, runBundleCommand } from "./cli";
import { BundleInputError } from "./errors";
import { bundleFacts } from "./facts";
import { BUNDLE_HEADER, bundleConfig, renderBundle } from "./generate";
import { writeOwnFile } from "../cli/write";
import { outputsHowTo, readApplicationIds } from "./outputs";
import { loadModel } from "../review/cli";
import { desiredState } from "../desired-state";
import { checkBundle } from "./check";
import { formatFinding } from "./rule";
import { RULES } from "./rules";

/** `bundle`: the bundle configuration from the model and the stacks' outputs. */
export const BUNDLE_SPEC = {
  usage: "npm run --silent bundle -- --outputs [STACK=]FILE [--outputs ...] [--out FILE] [--model FILE]",
  help:
    "Writes the bundle configuration the pipelines repository includes from its databricks.yml: the variables\n" +
    "catalog_name, environment and s3_bucket, one production-mode target per environment (its workspace host,\n" +
    "run_as its deploying principal's application ID, its catalog and bucket, its own root_path) and the\n" +
    "developer target sandbox (development mode, the default, on the first environment's workspace). With\n" +
    "sandbox.storage in the model, also catalog_managed_location: the sandbox's <url>/<developer>, else empty.\n" +
    "--outputs FILE        the stacks' outputs after `cdktf deploy`: the cdktf CLI's --outputs-file, or\n" +
    "                      `terraform output -json` of one stack (STACK=FILE, or recognised by its workspace_host);\n" +
    "                      repeat for several files. Required: application IDs exist only after deploy.\n" +
    "--out FILE            write there instead of stdout (e.g. ../ml-pipelines/targets.yml): a new file, or\n" +
    "                      one this command wrote before; any other file is left alone (exit 2)\n" +
    "--model FILE          the environment model (default $ENVIRONMENTS_FILE, else environments.yaml)",
  options: ["outputs", "out", "model"],
  positionals: [],
} as const;

export function bundleMain(argv: readonly string[], io = processIo): number {
  return runBundleCommand("bundle", BUNDLE_SPEC, argv, io, (cli) => {
    const model = loadModel(cli.model);
    if (cli.outputs.length === 0) {
      throw new BundleInputError(
        `no stack outputs given: the targets' run_as needs ${model.environments.map((e) => `${e.stackName}.service_principal_application_id`).join(", ")}. Fix: ${outputsHowTo(model)}`,
      );
    }
    const facts = bundleFacts(desiredState(model), readApplicationIds(model, cli.outputs));
    const text = renderBundle(bundleConfig(facts), facts);
    if (cli.out === undefined) {
      io.stdout(text);
    } else {
      writeOwnFile(cli.out, text, { writer: "bundle --out", what: `a targets file whose first line is "${BUNDLE_HEADER}…"`, isOwn: (existing) => existing.startsWith(BUNDLE_HEADER) });
      io.stdout(`bundle: wrote ${facts.targets.length} targets (${facts.targets.map((t) => t.name).join(", ")}) to ${cli.out}\n`);
    }
    return EXIT.ok;
  });
}

/** `bundle:check`: a bundle repository against the model. */
export const BUNDLE_CHECK_SPEC = {
  usage: "npm run --silent bundle:check -- DIR [--outputs [STACK=]FILE]... [--model FILE]",
  help:
    "Checks a bundle repository against the environment model: its databricks.yml, every file its include globs\n" +
    "match, committed variable overrides, the code its resources run (notebooks, SQL files, pipeline libraries) and\n" +
    ".github/workflows/*.yml with the local actions, called workflows and shell scripts their jobs run. Nothing in the\n" +
    "repository is run; the Databricks CLI's behaviour followed is v1.13.0's (docs/bundles.md). Exit 0 with\n" +
    "a one-line summary, 1 with one finding per line (file:line: [rule] problem (got value). Fix: ...) and the summary, all on\n" +
    "stdout; 2 with the reason on stderr on bad input.\n" +
    "--outputs FILE   the stacks' outputs (as for `npm run bundle`): without them a run_as application ID cannot be\n" +
    "                 checked and is a finding\n" +
    "--model FILE     the environment model (default $ENVIRONMENTS_FILE, else environments.yaml)\n\n" +
    "Rules:\n" +
    RULES.map((r) => `  ${r.id.padEnd(30)} ${r.description}`).join("\n"),
  options: ["outputs", "model"],
  positionals: ["DIR"],
} as const;

export function bundleCheckMain(argv: readonly string[], io = processIo): number {
  return runBundleCommand("bundle:check", BUNDLE_CHECK_SPEC, argv, io, (cli) => {
    const model = loadModel(cli.model);
    const facts = bundleFacts(desiredState(model), cli.outputs.length > 0 ? readApplicationIds(model, cli.outputs) : undefined);
    const result = checkBundle(cli.positionals[0], facts);
    const scope = `${result.targets} targets in ${result.files} bundle files, ${result.sources} source files and ${result.workflows} workflows checked against ${model.source}`;
    if (result.findings.length === 0) {
      io.stdout(`bundle:check: passed: ${scope}; no findings.\n`);
      return EXIT.ok;
    }
    // The findings and the summary are the result, on stdout like the summary of a pass (and like policy).
    io.stdout(result.findings.map((f) => `${formatFinding(f)}\n`).join(""));
    const rules = [...new Set(result.findings.map((f) => f.rule))];
    io.stdout(`bundle:check: failed: ${result.findings.length} finding${result.findings.length === 1 ? "" : "s"} (${rules.join(", ")}); ${scope}.\n`);
    return EXIT.violations;
  });
}
