// `npm run --silent plan-guard -- BASE_DIR|none HEAD_DIR --stack NAME --plan FILE`: a real plan, checked.
import * as fs from "fs";
import { EXIT, UsageError, defineCommand, type Command } from "../review/cli";
import { readOutputTree } from "../output/read";
import { ReviewInputError } from "../output/stack";
import { predictPlan } from "../review/terraform-plan";
import { checkPlan, formatPlanCheck } from "../rehearse/plan-guard";

export const planGuardCommand: Command = defineCommand(
  "plan-guard",
  {
    usage: "npm run --silent plan-guard -- BASE_DIR|none HEAD_DIR --stack NAME --plan FILE",
    help:
      "Checks one real plan (FILE: `terraform show -json PLANFILE`) of stack NAME, made from HEAD_DIR's\n" +
      "configuration over the state BASE_DIR's configuration left (`none`: an empty state, nothing applied\n" +
      "yet). It fails (exit 1) when the plan destroys or replaces a catalog, a schema or a service principal,\n" +
      "and when it changes any resource the change from BASE to HEAD does not explain (the grants diff\n" +
      "shows the same prediction on every row): drift, a hand import, a half-finished apply. One line per\n" +
      "problem and a summary line on stdout; exit 0 when it passes; 2 on bad input (no plan, a plan it\n" +
      "cannot read, a stack HEAD does not have).",
    options: [],
    positionals: ["BASE_DIR", "HEAD_DIR"],
    flags: ["stack", "plan"],
  },
  (cli) => {
    const stack = cli.flags.stack;
    const planFile = cli.flags.plan;
    if (stack === undefined || planFile === undefined) throw new UsageError(`${[stack === undefined ? "--stack NAME (the stack the plan is of)" : "", planFile === undefined ? "--plan FILE (the plan as `terraform show -json` writes it)" : ""].filter(Boolean).join(" and ")} ${stack === undefined && planFile === undefined ? "are" : "is"} required`);
    const [baseDir, headDir] = cli.positionals;
    const head = readOutputTree(headDir).stacks;
    if (!head.some((s) => s.name === stack)) throw new ReviewInputError(`${headDir} has no stack ${JSON.stringify(stack)} (it has ${head.map((s) => s.name).join(", ")})`);
    const base = baseDir === "none" ? [] : readOutputTree(baseDir).stacks;
    let plan: unknown;
    try {
      plan = JSON.parse(fs.readFileSync(planFile, "utf8"));
    } catch (e) {
      throw new ReviewInputError(`${planFile}: cannot read the plan (${(e as Error).message}). Fix: write it with \`terraform show -json PLANFILE > ${planFile}\``);
    }
    let check;
    try {
      check = checkPlan(stack, plan, predictPlan(base, head));
    } catch (e) {
      throw new ReviewInputError((e as Error).message);
    }
    if (check.losses.some((l) => l.action === "unreadable")) throw new ReviewInputError(`${planFile}: ${check.losses[0].reason}`);
    process.stdout.write(`${formatPlanCheck(check).join("\n")}\n`);
    return check.losses.length > 0 || check.unexplained.length > 0 ? EXIT.violations : EXIT.ok;
  },
);
