/**
 * The commands among a workflow's `databricks` commands that load the bundle and act on a target
 * (`bundle deploy`, `destroy`, `run`, `validate`, ... and the old `deploy --environment`), with the
 * target each picks, as databricks/cli v1.13.0 picks it (cmd/root/bundle.go getTarget,
 * bundle/env/target.go): a non-empty `--target`/`-t`, else a non-empty `--environment`/`-e`, else
 * DATABRICKS_BUNDLE_TARGET when set, else DATABRICKS_BUNDLE_ENV when set (an empty value is set:
 * the default target), else the default target. The bundle is found from DATABRICKS_BUNDLE_ROOT
 * (or BUNDLE_ROOT) when set, else by walking up from the working directory (bundle/root.go).
 */
import type { BundleFacts, TargetFacts } from "./facts";
import { expand, flagValues } from "./shell";
import type { DatabricksCommand, EnvEntry } from "./workflows";

/** `bundle` sub-commands that neither load a bundle nor reach a workspace. */
const OFFLINE = new Set(["init", "schema", "help"]);

export interface Deploy {
  readonly command: DatabricksCommand;
  /** `databricks deploy --environment X`: the CLI before bundles. */
  readonly old: boolean;
  /** The targets as written (flags, or the variable that picks it); empty: the default target. */
  readonly written: readonly string[];
  /** Each written target expanded from the step's environment; undefined when it is not a literal. */
  readonly targets: readonly (string | undefined)[];
  /** Where the target comes from, for messages: `-t`, `DATABRICKS_BUNDLE_ENV`, ... */
  readonly from: string;
  /** The variable that names the bundle root, when one is set. */
  readonly rootVariable?: EnvEntry;
}

const last = (env: readonly EnvEntry[], name: string) => [...env].reverse().find((e) => e.name === name);

/** Whether a command is one that acts on a bundle target. */
export function isBundleCommand(c: DatabricksCommand): boolean {
  return (c.words[0] === "bundle" && c.words[1] !== undefined && !OFFLINE.has(c.words[1])) || c.words[0] === "deploy";
}

export function deploysOf(commands: readonly DatabricksCommand[]): Deploy[] {
  return commands.filter(isBundleCommand).map((c) => {
    const old = c.words[0] === "deploy";
    // pflag keeps the last value of a repeated flag; every value is checked, so order does not matter.
    const flags = flagValues(c.args, ["-t", "--target"]).filter((v) => v !== "");
    const envFlags = flagValues(c.args, ["-e", "--environment"]).filter((v) => v !== "");
    let written: string[] = flags.length > 0 ? flags : envFlags;
    let from = flags.length > 0 ? "--target" : "--environment";
    if (written.length === 0) {
      const variable = last(c.env, "DATABRICKS_BUNDLE_TARGET") ?? last(c.env, "DATABRICKS_BUNDLE_ENV");
      if (variable && variable.value !== "") {
        written = [variable.value];
        from = variable.name;
      }
    }
    const rootVariable = last(c.env, "DATABRICKS_BUNDLE_ROOT") ?? last(c.env, "BUNDLE_ROOT");
    return {
      command: c,
      old: old || envFlags.length > 0,
      written,
      targets: written.map((w) => expand(w, c.env)),
      from,
      ...(rootVariable ? { rootVariable } : {}),
    };
  });
}

/** The known targets a deploy reaches (those it names literally and the model knows). */
export function knownTargets(d: Deploy, facts: BundleFacts): TargetFacts[] {
  return d.targets.flatMap((t) => (t === undefined || !facts.target(t) ? [] : [facts.target(t)!]));
}
