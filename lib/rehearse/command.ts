/**
 * `npm run --silent rehearse -- [STACK...] [--workspace FILE] [--apply] [--json FILE] [--env]`:
 * the command line of a rehearsal (lib/rehearse/rehearse.ts) and of `--env`.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Usage } from "../cli/command";

export const REHEARSE_USAGE: Usage = {
  usage: "npm run --silent rehearse -- [STACK ...] [--workspace FILE] [--apply] [--json FILE] [--env]",
  help:
    "Plans the synthesized stacks with the real terraform (1.11.x) against the stand-in Databricks provider:\n" +
    "the provider's 1.99.0 schema and planning, with a JSON workspace file as the account (docs/rehearsing.md).\n" +
    "Synthesizes the model ($ENVIRONMENTS_FILE, else environments.yaml) into a temporary directory (cdktf.out\n" +
    "is not touched), then runs terraform init and plan for each stack there. Prints one line per stack on\n" +
    "stdout: `STACK: ` and terraform's own summary (`Plan: ...` or `No changes. ...`).\n" +
    "STACK ...          the stacks to rehearse (default: every stack of the model, workspace stacks first)\n" +
    "--workspace FILE   start from this workspace file (default: the model's pre-deploy workspace); with\n" +
    "                   --apply the workspace after the apply is written back to it (created if missing)\n" +
    "--apply            apply each plan (stacks one at a time, in model order); a plan the guard refuses is\n" +
    "                   not applied\n" +
    "--json FILE        write { \"<stack>\": <terraform show -json of its plan> } to FILE (a new file, or one\n" +
    "                   it wrote before; any other file is refused before anything runs)\n" +
    "--env              print `export ...` lines (CLI configuration, workspace file) after which plain\n" +
    "                   `npx cdktf diff STACK --skip-provider-lock` and `npx cdktf deploy STACK --auto-approve\n" +
    "                   --skip-provider-lock` run against the stand-in; with --workspace FILE they use FILE\n" +
    "The account stack looks up the deploying principals by display name: it is planned against the workspace\n" +
    "as the workspace stacks leave it after their apply, and applied only after them.\n" +
    "Exit 0: planned (applied); 1: a plan would destroy or replace a catalog, schema or service principal (each\n" +
    "named with terraform's reason under its stack's line on stdout), or terraform failed (its error on stderr); 2: bad input (unknown\n" +
    "stack, unreadable workspace file, invalid model, terraform missing or not 1.11.x).\n" +
    "Nothing outside a temporary directory, the --workspace file (with --apply) and the --json file is written.",
};

/** Where `--env` installs the stand-in: outside the checkout, one directory per checkout, kept after the command. */
export function envInstallDir(projectDir: string): string {
  const id = crypto.createHash("sha256").update(path.resolve(projectDir)).digest("hex").slice(0, 12);
  return path.join(os.tmpdir(), `uc-env-isolation-stand-in-${id}`);
}

/** The marker proving a directory was made by `--env` (only such a directory is replaced). */
export const ENV_MARKER = ".uc-env-isolation-stand-in";

/** Shell-quotes a value for `export NAME=VALUE`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** Makes (or remakes) the --env directory; refuses a directory at that path that --env did not make. */
export function prepareEnvDir(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.existsSync(path.join(dir, ENV_MARKER))) {
      throw new Error(`${dir} exists and was not made by \`rehearse --env\`; it is left alone. Fix: move it away, or set TMPDIR to another directory`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dir, ENV_MARKER), "made by npm run rehearse -- --env; safe to remove\n");
}
