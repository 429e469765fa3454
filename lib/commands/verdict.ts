// `npm run --silent verdict -- --head DIR --base-commit SHA --merge-commit SHA [...]`: the access
// verdict of a pull request, by this checkout's code (the base branch's) over the pull request's
// output as data (lib/verdict). `--digest DIR [--expect SHA256]`: the artifact's digest, checked.
import * as fs from "fs";
import { EXIT, UsageError, defineCommand, type Command } from "../review/cli";
import { modelFile } from "../model/load";
import { readHeadArtifact } from "../verdict/artifact";
import { outputLines, renderVerdict, writeReport } from "../verdict/report";
import { computeVerdict } from "../verdict/verdict";

export const verdictCommand: Command = defineCommand(
  "verdict",
  {
    usage:
      "npm run --silent verdict -- --head DIR --base-commit SHA --merge-commit SHA [--report DIR] [--github-output FILE] [--base-model FILE] [--base-out DIR]\n" +
      "       npm run --silent verdict -- --digest DIR [--expect SHA256]",
    help:
      "The access verdict of a pull request, computed by this checkout's code (in CI: the base branch's) over the\n" +
      "pull request's output, which it reads as data and never runs. Approval is required when the pull request\n" +
      "changes anything but the model and the docs (lib/ci/code-owners.ts), when this checkout's policy refuses\n" +
      "its output, or when the grants diff (with the model facts) widens access, carries a risk or changes\n" +
      "production. Anything that stops the verdict (the base not synthesizing, a missing or foreign artifact, a\n" +
      "model or output the readers refuse) means approval required and exit 2.\n" +
      "--head DIR           the head job's artifact: commit, environments.yaml, cdktf.out/ (nothing else)\n" +
      "--base-commit SHA    the base branch's commit (this checkout), full ID\n" +
      "--merge-commit SHA   the pull request's merge commit (the head job built it); its objects must be in this\n" +
      "                     repository (git fetch): the changed files and the model are read from it\n" +
      "--report DIR         write verdict.md, grants-diff.md and grants-diff.mmd there (a new or empty directory)\n" +
      "--github-output FILE append approval=required|none, plan=true|false, result=passed|failed|not-computed and\n" +
      "                     digest=<sha256> (for $GITHUB_OUTPUT)\n" +
      "--base-model FILE    the base branch's model (default $ENVIRONMENTS_FILE, else environments.yaml)\n" +
      "--base-out DIR       the base branch's output, already synthesized from this checkout (default: synthesized\n" +
      "                     here, into a temporary directory)\n" +
      "--digest DIR         check an artifact as above and print its digest; with --expect, exit 1 unless it is that\n" +
      "Prints the verdict (Markdown) on stdout. Exit 0: computed, the check passes (approval required or not, as\n" +
      "printed); 1: computed, the check fails (a change to the model alone whose output the policy refuses, or a\n" +
      "digest that is not the expected one); 2: not computed, or bad usage (the reason on stderr).",
    options: [],
    flags: ["head", "base-commit", "merge-commit", "report", "github-output", "base-model", "base-out", "digest", "expect"],
  },
  (cli) => {
    const f = cli.flags;
    if (f.digest !== undefined) {
      const others = Object.entries(f).filter(([k, v]) => v !== undefined && k !== "digest" && k !== "expect");
      if (others.length > 0) throw new UsageError(`--digest takes only --expect, not --${others[0][0]}`);
      const { digest } = readHeadArtifact(f.digest);
      process.stdout.write(`${digest}\n`);
      if (f.expect !== undefined && f.expect !== digest) {
        // The check's result, on stdout after the digest (stderr is for bad input).
        process.stdout.write(`verdict: ${f.digest} is not the output the verdict accepted (digest ${digest}, expected ${f.expect}); nothing may plan it\n`);
        return EXIT.violations;
      }
      return EXIT.ok;
    }
    if (f.expect !== undefined) throw new UsageError("--expect goes with --digest");
    for (const required of ["head", "base-commit", "merge-commit"] as const) if (f[required] === undefined) throw new UsageError(`--${required} is required`);
    if (f.report !== undefined && fs.existsSync(f.report) && (!fs.statSync(f.report).isDirectory() || fs.readdirSync(f.report).length > 0)) {
      throw new UsageError(`--report ${f.report} must be a new or empty directory (nothing is overwritten)`);
    }
    const commits = { base: f["base-commit"]!, merge: f["merge-commit"]! };
    const verdict = computeVerdict({
      repo: process.cwd(),
      baseCommit: commits.base,
      mergeCommit: commits.merge,
      headDir: f.head!,
      baseModelFile: f["base-model"] ?? modelFile(),
      ...(f["base-out"] !== undefined ? { baseOut: f["base-out"] } : {}),
    });
    if (f["github-output"] !== undefined) fs.appendFileSync(f["github-output"], outputLines(verdict));
    if (f.report !== undefined) writeReport(f.report, verdict, commits);
    process.stdout.write(renderVerdict(verdict, commits));
    if (!verdict.computed) {
      process.stderr.write(`verdict: not computed, so approval is required and the check fails: ${verdict.reason}\n`);
      return EXIT.badInput;
    }
    return verdict.check === "failed" ? EXIT.violations : EXIT.ok;
  },
);
