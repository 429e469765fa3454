/** The deploy commands among a workflow's `databricks` commands, with the target each deploys. */
import type { BundleFacts, TargetFacts } from "./facts";
import { expand, flagValues, type DatabricksCommand } from "./workflows";

export interface Deploy {
  readonly command: DatabricksCommand;
  /** `databricks deploy --environment X`: the CLI before bundles. */
  readonly old: boolean;
  /** The targets as written (-t, --target, --environment, DATABRICKS_BUNDLE_TARGET); empty: the default target. */
  readonly written: readonly string[];
  /** Each written target expanded from the step's environment; undefined when it is not a literal. */
  readonly targets: readonly (string | undefined)[];
}

export function deploysOf(commands: readonly DatabricksCommand[]): Deploy[] {
  return commands.flatMap((c) => {
    const old = c.words[0] === "deploy";
    const bundle = c.words[0] === "bundle" && c.words[1] === "deploy";
    if (!old && !bundle) return [];
    let written = flagValues(c.args, ["-t", "--target", "-e", "--environment"]);
    if (written.length === 0) {
      const fromEnv = [...c.env].reverse().find((e) => e.name === "DATABRICKS_BUNDLE_TARGET");
      if (fromEnv) written = [fromEnv.value];
    }
    return [{ command: c, old: old || flagValues(c.args, ["-e", "--environment"]).length > 0, written, targets: written.map((w) => expand(w, c.env)) }];
  });
}

/** The known targets a deploy reaches (those it names literally and the model knows). */
export function knownTargets(d: Deploy, facts: BundleFacts): TargetFacts[] {
  return d.targets.flatMap((t) => (t === undefined || !facts.target(t) ? [] : [facts.target(t)!]));
}
