// `npm run --silent grants:diff -- BASE_DIR HEAD_DIR [--format md|json|mermaid] [--base-model FILE] [--head-model FILE] [--model FILE] [--fail-on LIST]`:
// what a change does to access, and every other difference between the two configurations.
import { EXIT, UsageError, defineCommand, loadModel, type Command } from "../review/cli";
import { compareChanges, diffOutputs, prodScope, renderDiffMarkdown, type AccessChange } from "../review/diff";
import { modelFactChanges } from "../review/diff/model-facts";
import type { EnvironmentModel } from "../model/types";
import { FAIL_ON, failingKinds, parseFailOn } from "../review/fail-on";
import { readOutputTree, type FileFinding, type OutputTree } from "../output/read";
import { diffMermaid, environmentsOf } from "../review/mermaid";
import { freshnessNote } from "../review/freshness";
import { principalLabels, renderJson } from "../review/report";

export const grantsDiffCommand: Command = defineCommand(
  "grants:diff",
  {
    usage: "npm run --silent grants:diff -- BASE_DIR HEAD_DIR [--format md|json|mermaid] [--base-model FILE] [--head-model FILE] [--model FILE] [--fail-on LIST]",
    help:
      "Compares two cdktf outputs (e.g. the target branch's and the pull request's), whole. Access changes:\n" +
      "privileges added and removed per (principal, securable), owners, principals, catalogs and workspace\n" +
      "bindings added or removed, protection flags changed; production first and marked PROD; `+ widens`\n" +
      "(more access, less protection), `! risk` (the apply itself revokes or deletes: an added databricks_grants,\n" +
      "a grant at a new address without a moved block, a removed catalog) and `- narrows` apart. Then every\n" +
      "other difference (stack, provider, backend and state, import/moved/removed, schemas, principals and\n" +
      "lookups, other resources, outputs and variables, files terraform would read) under its heading.\n" +
      "--format md         a pull-request comment (default); one line when nothing differs at all\n" +
      "--format json       an array of changes\n" +
      "--format mermaid    the changed grants as a Mermaid flowchart (+/- privileges on each edge, widenings red)\n" +
      "--base-model FILE   the BASE side's model: says which environment is production. Production is never\n" +
      "                    taken from the pull request's own model alone\n" +
      "--head-model FILE   the HEAD side's model: production is marked when either side says so; names the\n" +
      "                    principals that grants name by application ID (the plan principal, retired ones).\n" +
      "                    With both, the model facts that change what the policy allows without changing the\n" +
      "                    output (retired principals, production, sandbox settings, promotion, code owners)\n" +
      "                    are compared too, each a risk where it weakens a rule\n" +
      "--model FILE        both (when the model does not change)\n" +
      `--fail-on LIST      exit 1 when the diff has a change of a listed kind (comma-separated: ${FAIL_ON.join(", ")};\n` +
      "                    prod: any change on production), so CI can require an approval; the diff is printed\n" +
      "                    either way, the reason goes to stderr. Exit 0 otherwise, 2 on bad input.\n" +
      "Without a model, production is every stack whose name contains \"prod\".",
    options: ["format", "model", "base-model", "head-model", "fail-on"],
    positionals: ["BASE_DIR", "HEAD_DIR"],
  },
  (cli) => {
    const failOn = cli.failOn === undefined ? [] : parseFailOn(cli.failOn);
    if (typeof failOn === "string") throw new UsageError(failOn);
    const [baseDir, headDir] = cli.positionals;
    if (cli.model !== undefined && (cli.baseModel !== undefined || cli.headModel !== undefined)) {
      throw new UsageError("--model means both sides; give it alone, or --base-model and --head-model");
    }
    if (cli.headModel !== undefined && cli.baseModel === undefined) {
      throw new UsageError("--head-model needs --base-model: production comes from the base side's model, never from the pull request's alone");
    }
    const baseFile = cli.baseModel ?? cli.model;
    const baseModel = baseFile !== undefined ? loadModel(baseFile) : undefined;
    const headModel = cli.headModel !== undefined ? loadModel(cli.headModel) : baseModel;
    const [base, head] = [readOutputTree(baseDir), readOutputTree(headDir)];
    // A side older than its model (synth's marker says so): said first, on stderr.
    const headFile = cli.headModel ?? baseFile;
    for (const [dir, file] of [[baseDir, baseFile], [headDir, headFile]] as const) {
      const stale = file !== undefined ? freshnessNote("grants:diff", dir, file) : undefined;
      if (stale !== undefined) process.stderr.write(stale);
    }
    const changes = diffTrees(base, head, baseModel, headModel);
    process.stdout.write(
      cli.format === "json"
        ? renderJson(changes)
        : cli.format === "mermaid"
          ? diffMermaid(changes, environmentsOf(headModel ?? baseModel, [...head.stacks, ...base.stacks]))
          : renderDiffMarkdown(changes),
    );
    const failing = failingKinds(changes, failOn);
    if (failing.length === 0) return EXIT.ok;
    process.stderr.write(`grants:diff: --fail-on ${failOn.join(",")}: ${failing.join(", ")}; exit 1 (a change of this kind needs a reviewer's approval)\n`);
    return EXIT.violations;
  },
);

/**
 * Everything merging HEAD into BASE changes, production first: the outputs compared
 * (lib/review/diff/), files terraform would read that only HEAD has, and, with two models, the
 * model facts (lib/review/diff/model-facts.ts). Principals named by application ID get the HEAD model's
 * names. Also the access verdict's diff (lib/verdict).
 */
export function diffTrees(base: OutputTree, head: OutputTree, baseModel: EnvironmentModel | undefined, headModel: EnvironmentModel | undefined): AccessChange[] {
  const label = principalLabels(headModel);
  const scope = prodScope([base.stacks, head.stacks], baseModel, headModel);
  return [
    ...diffOutputs(base.stacks, head.stacks, scope),
    ...newFindings(base.findings, head.findings).map((c) => ({ ...c, prod: scope.stacks.has(c.stack) })),
    ...(baseModel && headModel && baseModel !== headModel ? modelFactChanges(baseModel, headModel) : []),
  ]
    .map((c) => (c.principal === undefined ? c : { ...c, principal: label(c.principal) }))
    .sort(compareChanges);
}

/** Files terraform would read, or JSON it would read otherwise, that only HEAD has: always listed. */
function newFindings(base: readonly FileFinding[], head: readonly FileFinding[]): AccessChange[] {
  // Keyed by content too: a file both sides have, changed, is a change.
  const key = (f: FileFinding) => `${f.stack}\u0000${f.resource}\u0000${f.problem}\u0000${f.digest ?? ""}`;
  const seen = new Set(base.map(key));
  const inBase = new Map<string, Set<string>>();
  for (const b of base) inBase.set(b.stack, (inBase.get(b.stack) ?? new Set()).add(b.resource));
  return head
    .filter((f) => !seen.has(key(f)))
    .map((f) => ({
      kind: "config",
      heading: "stack",
      direction: "risk",
      prod: false,
      stack: f.stack,
      resource: f.resource,
      summary: `${f.rule}: ${f.problem}${f.digest !== undefined && inBase.get(f.stack)?.has(f.resource) === true ? " (its content differs from BASE's)" : ""}`,
    }));
}
