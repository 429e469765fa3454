import type { Finding, Rule } from "../rule";
import { finding } from "../rule";
import { isBundleCommand } from "../deploys";

/** `databricks` commands that change nothing and select no target. */
const HARMLESS = [/^(--version|-v|version|help|--help)$/, /^auth (describe|env|profiles|token)$/, /^current-user me$/, /^bundle (init|schema|help)$/];

/**
 * Flags of databricks/cli v1.13.0 a bundle command may take in CI, by sub-command; `true`: takes a
 * value. The root's and the bundle group's (cmd/root: --target, --environment, --profile, --output,
 * --debug, --log-level, --log-format, --progress-format; cmd/bundle/variables.go: --var) are
 * judged by other rules or change only what is printed. Anything else is refused: `deploy --plan`
 * applies a plan file instead of the configuration the check read, `run` parameters
 * (`--params`, `--python-params`, `-- ARGS`) override the values the check judged, `--log-file`
 * writes a file.
 */
const GLOBAL_FLAGS: Readonly<Record<string, boolean>> = {
  "-t": true, "--target": true, "-e": true, "--environment": true, "-p": true, "--profile": true, "--var": true, "-o": true, "--output": true,
  "--debug": false, "--log-level": true, "--log-format": true, "--progress-format": true,
};
const BUNDLE_COMMANDS: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  // cmd/bundle/deploy.go
  deploy: { "--auto-approve": false, "--fail-on-active-runs": false, "--force-lock": false, "--force": false, "--verbose": false, "-q": false, "--quiet": false, "-c": true, "--cluster-id": true, "--compute-id": true, "--select": true },
  // cmd/bundle/validate.go, summary.go, plan.go
  validate: { "--strict": false, "--include-locations": false },
  summary: { "--force-pull": false, "--include-locations": false },
  plan: { "--force": false, "-q": false, "--quiet": false, "-c": true, "--cluster-id": true, "--compute-id": true, "--select": true },
  // cmd/bundle/run.go: one resource of the bundle, as the bundle declares it.
  run: { "--no-wait": false, "--restart": false },
};
/** How many arguments (not flags) each takes after `bundle <command>`. */
const ARGUMENTS: Readonly<Record<string, number>> = { deploy: 0, validate: 0, summary: 0, plan: 0, run: 1 };

/** A flag's name and whether its value is in the same word (`--target=prod`, `-tprod`, `-qq`). */
function flagName(word: string): { name: string; attached: boolean } {
  if (word.startsWith("--")) return word.includes("=") ? { name: word.slice(0, word.indexOf("=")), attached: true } : { name: word, attached: false };
  if (/^-q+$/.test(word)) return { name: "-q", attached: false };
  return { name: word.slice(0, 2), attached: word.length > 2 };
}

/** What is wrong with a bundle command's sub-command, flags or arguments; undefined when the check reads all of it. */
export function bundleCommandProblem(args: readonly string[]): string | undefined {
  const takesValue = (name: string, sub: string | undefined) => (GLOBAL_FLAGS[name] ?? (sub ? BUNDLE_COMMANDS[sub]?.[name] : undefined) ?? Object.values(BUNDLE_COMMANDS).some((f) => f[name] === true)) === true;
  // The words that are not flags or flag values: `bundle`, the sub-command, its arguments.
  const positional: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") return "passes arguments after `--` (`bundle run -- CMD` runs a program of its choosing with the deploy's credentials; after a resource, they are its parameters)";
    if (!a.startsWith("-") || a === "-") {
      positional.push(a);
      continue;
    }
    flags.push(a);
    const f = flagName(a);
    if (!f.attached && takesValue(f.name, positional[1])) i++;
  }
  if (positional[0] !== "bundle") return undefined;
  const sub = positional[1];
  if (sub === undefined) return undefined;
  if (!(sub in BUNDLE_COMMANDS)) return `runs \`bundle ${sub}\`, which the check does not read (it reads ${Object.keys(BUNDLE_COMMANDS).join(", ")}): it changes what the bundle manages, or deploys what the check did not read`;
  for (const a of flags) {
    const { name } = flagName(a);
    if (name in GLOBAL_FLAGS || name in BUNDLE_COMMANDS[sub]) continue;
    const why = name === "--plan" ? " (it applies a plan file instead of the configuration)" : name === "--log-file" ? " (it writes a file)" : sub === "run" ? " (a run's parameters override the values the check judged)" : "";
    return `runs \`bundle ${sub}\` with ${a}, a flag the check does not read${why}`;
  }
  const extra = positional.slice(2 + ARGUMENTS[sub]);
  if (extra.length > 0) return `passes ${extra.join(" ")} to \`bundle ${sub}\`, which the check does not read`;
  if (sub === "run" && positional.length < 3) return "runs `bundle run` without naming a resource of the bundle";
  return undefined;
}

/**
 * CI changes a workspace through the bundle, which the other rules judge; any other `databricks`
 * command (`grants update`, `api post`, `jobs create`, `workspace import`, ...) changes it in a way
 * nothing here reads, and so does a bundle command the check does not read whole: a sub-command
 * that changes what the bundle manages (`destroy`, `deployment bind`, `generate`, `sync`), or a
 * flag or argument it does not know (`deploy --plan FILE`, `run -- CMD`, a run's parameters).
 */
export const workflowCommand: Rule = {
  id: "workflow-command",
  description:
    "A workflow runs a `databricks` command other than a bundle command (`grants update`, `api post`, `jobs create`, ...), or a bundle command the check does not read whole (`destroy`, `deployment bind`, `deploy --plan FILE`, `run -- CMD`, a run's parameters): a change the check cannot judge.",
  fix: "make the change in the bundle (a resource) or in environments.yaml (grants), not with the CLI in CI; deploy with `databricks bundle deploy -t <target>`",
  check: ({ commands }) => {
    const out: Finding[] = [];
    for (const c of commands) {
      if (isBundleCommand(c)) {
        if (c.words[0] !== "bundle") continue; // the old `databricks deploy`: workflow-old-deploy's
        const problem = bundleCommandProblem(c.args);
        if (problem) out.push(finding(workflowCommand, c, `job "${c.job}" ${problem}`, workflowCommand.fix, c.text));
      } else if (!HARMLESS.some((re) => re.test(c.words.slice(0, 2).join(" ")) || re.test(c.args[0] ?? ""))) {
        out.push(finding(workflowCommand, c, `job "${c.job}" runs \`${c.text}\`, which changes the workspace outside the bundle`, workflowCommand.fix, c.text));
      }
    }
    return out;
  },
};
