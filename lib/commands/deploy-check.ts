// `npm run --silent deploy-check -- --stack NAME --plan-file TFPLAN --plan FILE --plan-text FILE --commit SHA [--out DIR] [--model FILE] [--summary FILE]`
import * as crypto from "crypto";
import * as fs from "fs";
import { EXIT, UsageError, defineCommand, loadModel, type Command } from "../review/cli";
import { readOutputTree } from "../output/read";
import { ReviewInputError } from "../output/stack";
import { freshnessNote } from "../review/freshness";
import { modelFile } from "../model/load";
import { SUMMARY_HEADING, checkDeployPlan, deploySummary, formatDeployCheck } from "../deploy/check";
import { writeOwnFile } from "../cli/write";

const read = (file: string, what: string): Buffer => {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new ReviewInputError(`${file}: cannot read ${what} (${(e as Error).message})`);
  }
};

export const deployCheckCommand: Command = defineCommand(
  "deploy-check",
  {
    usage: "npm run --silent deploy-check -- --stack NAME --plan-file TFPLAN --plan FILE --plan-text FILE --commit SHA [--out DIR] [--model FILE] [--summary FILE]",
    help:
      "The deploy's plan guard and the approver's summary, for one stack's real plan: TFPLAN the saved plan\n" +
      "(`terraform plan -out`), FILE its `terraform show -json`, --plan-text what `terraform plan` printed.\n" +
      "Fails (exit 1) when the plan destroys or replaces a catalog, schema or service principal, or changes\n" +
      "a resource the synthesized stack (--out, default cdktf.out) does not explain. Writes the summary\n" +
      "(terraform's summary line, grant changes with PROD marked, every destroy, replace and forget, the plan\n" +
      "file's sha256 and the commit) to --summary as Markdown (a new or empty file, or a summary it wrote before;\n" +
      "any other file is left alone); the guard's lines go to stdout. Exit 2 on bad input.",
    options: ["out", "model"],
    flags: ["stack", "plan-file", "plan", "plan-text", "commit", "summary"],
  },
  (cli) => {
    const f = cli.flags;
    for (const required of ["stack", "plan-file", "plan", "plan-text", "commit"]) if (f[required] === undefined) throw new UsageError(`--${required} is required`);
    if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(f.commit!)) throw new UsageError(`--commit must be a full commit ID, got ${JSON.stringify(f.commit)}`);
    const file = cli.model ?? modelFile();
    const model = loadModel(file);
    const stack = readOutputTree(cli.out).stacks.find((s) => s.name === f.stack);
    // An output older than the model (synth's marker says so): said first, on stderr.
    const stale = freshnessNote("deploy-check", cli.out, file);
    if (stale !== undefined) process.stderr.write(stale);
    if (!stack) throw new ReviewInputError(`${cli.out} has no stack ${JSON.stringify(f.stack)}. Fix: synthesize the commit being deployed (npm run synth) first`);
    const planSha256 = crypto.createHash("sha256").update(read(f["plan-file"]!, "the saved plan")).digest("hex");
    let plan: unknown;
    try {
      plan = JSON.parse(read(f.plan!, "the plan's JSON").toString("utf8"));
    } catch (e) {
      throw new ReviewInputError(`${f.plan}: not JSON (${(e as Error).message}). Fix: write it with \`terraform show -json TFPLAN\``);
    }
    let check;
    try {
      check = checkDeployPlan(stack, plan);
    } catch (e) {
      throw new ReviewInputError((e as Error).message);
    }
    if (check.losses.some((l) => l.action === "unreadable")) throw new ReviewInputError(`${f.plan}: ${check.losses[0].reason}`);
    const summary = deploySummary({ stack, model, plan, planText: read(f["plan-text"]!, "terraform's plan output").toString("utf8"), check, planSha256, commit: f.commit! });
    if (f.summary !== undefined) writeOwnFile(f.summary, summary, { writer: "deploy-check --summary", what: `a plan summary whose first line is "${SUMMARY_HEADING}<stack>"`, isOwn: (existing) => existing.startsWith(SUMMARY_HEADING) });
    process.stdout.write([`${stack.name}: plan file sha256 ${planSha256} (commit ${f.commit})`, ...formatDeployCheck(check)].join("\n") + "\n");
    return check.losses.length > 0 || check.unexplained.length > 0 || check.mismatched.length > 0 ? EXIT.violations : EXIT.ok;
  },
);
