// `npm run --silent audit -- [--env KEY …] [--format md|json] [--model FILE]`: the live workspaces against the model.
import { EXIT, defineCommand, loadModel, type Command } from "../review/cli";
import { runAudit } from "../audit/audit";
import { DatabricksCli, processExecutor } from "../audit/databricks-cli";
import { renderAuditMarkdown } from "../audit/report";
import { renderJson } from "../review/report";

export const auditCommand: Command = defineCommand(
  "audit",
  {
    usage: "npm run --silent audit -- [--env KEY ...] [--format md|json] [--model FILE]",
    help:
      "Reads the live grants, owners, isolation modes and workspace bindings of each environment's\n" +
      "workspace through the Databricks CLI (read commands only) and compares them with what the stacks\n" +
      "declare: the metastore, every environment catalog, every schema in it (undeclared ones flagged) and\n" +
      "every table, volume, function and registered model, the sandbox catalogs, and the external locations\n" +
      "and storage credentials under an environment's storage. What the audit identity may not read is a\n" +
      "finding (not audited), never no drift.\n" +
      "Production first and marked PROD; `! risk` (access the model does not allow), `+ widens`,\n" +
      "`- narrows` (declared but missing live) apart. Exit 0: no drift; 1: findings; 2: bad input or a\n" +
      "CLI failure (its message and the command on stderr).\n" +
      "--env KEY      audit this environment (repeatable; default: all); the metastore and the sandboxes\n" +
      "               are audited with the model's metastore.grantsFrom environment\n" +
      "--format md    a table (default); `No drift: ...` when there is none\n" +
      "--format json  an array of findings\n" +
      "--model FILE   the environment model (default $ENVIRONMENTS_FILE, else environments.yaml)\n" +
      "Signing in: each environment's `workspace.profile` from the model (`--profile`); when\n" +
      "DATABRICKS_AUTH_TYPE is set (CI: github-oidc), no profile, and DATABRICKS_HOST is set to each\n" +
      "environment's host from the model. DATABRICKS_CLI overrides the CLI's path (default `databricks`).",
    options: ["env", "format", "model"],
  },
  async (cli) => {
    const model = loadModel(cli.model);
    const executable = process.env.DATABRICKS_CLI || "databricks";
    const databricks = new DatabricksCli(processExecutor(executable), executable, process.env);
    const result = await runAudit(model, { cli: databricks, environments: cli.envs, ambientAuth: Boolean(process.env.DATABRICKS_AUTH_TYPE) });
    process.stdout.write(cli.format === "json" ? renderJson(result.findings) : renderAuditMarkdown(result, model.source));
    return result.findings.length === 0 ? EXIT.ok : EXIT.violations;
  },
);
