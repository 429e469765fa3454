/**
 * Rules that span fields of the model (distinct hosts, references between sections, ...): each a
 * named unit `{ id, paths, check, fix }`, run after the schema over what the schema found valid.
 * ./index.ts lists them; docs/model.md is generated from the list.
 */
import type { Path } from "../schema/fields";
import type { ModelFile } from "../schema/model";

type DeepPartial<T> = T extends readonly (infer U)[] ? readonly U[] : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * The model file with every value the schema refused removed (a key of the wrong form or an
 * unknown key takes its entry with it; a bad list item takes the list): whatever is here is
 * valid, and anything may be missing. Rules read this, so one fault is reported once.
 */
export type ValidParts = DeepPartial<ModelFile>;
export type PartialEnvironment = NonNullable<NonNullable<ValidParts["environments"]>[string]>;

/** What a rule reports: where, what is wrong, the value; the fix when the rule's own does not fit. */
export interface RuleFinding {
  readonly path: Path;
  readonly problem: string;
  readonly value?: unknown;
  readonly fix?: string;
}

export interface Rule {
  /** Stable, kebab-case: named in docs/model.md. */
  readonly id: string;
  /** What the rule requires, in a sentence (docs). */
  readonly description: string;
  /** The fields it reads (`*` for any key or index); every finding is at one of them. */
  readonly paths: readonly string[];
  /** The fix, when a finding does not give a more specific one. */
  readonly fix: string;
  readonly check: (model: RuleContext) => Iterable<RuleFinding>;
}

/** The valid parts of the model, and the indexes every rule needs, built once. */
export interface RuleContext {
  readonly model: ValidParts;
  /** Whether the file writes a value at `path`, valid or not (a refused value is not absent). */
  readonly written: (path: Path) => boolean;
  /** Environments in file order; an entry the schema refused as a whole is `undefined`. */
  readonly environments: readonly (readonly [string, PartialEnvironment | undefined])[];
  /** Environment keys, or undefined when `environments` cannot be read (then references to it are not checked). */
  readonly envKeys: readonly string[] | undefined;
  /** Group keys (including groups whose display name was refused), or undefined when `groups` cannot be read. */
  readonly groupKeys: ReadonlySet<string> | undefined;
  /** The production environment's key, as the model decides it (below). */
  readonly production: string | undefined;
  /** Retired principals' names and application IDs, each mapped to the name. */
  readonly legacyNames: ReadonlyMap<string, string>;
}

const isMapping = (v: unknown): v is { readonly [k: string]: unknown } => v !== null && typeof v === "object" && !Array.isArray(v);

/** The production environment: `production`, else the environment keyed `prod`, else the last one. */
export function productionKey(production: string | undefined, envKeys: readonly string[]): string | undefined {
  if (production !== undefined && envKeys.includes(production)) return production;
  return envKeys.includes("prod") ? "prod" : envKeys[envKeys.length - 1];
}

export function ruleContext(model: ValidParts, written: unknown): RuleContext {
  const environments = isMapping(model.environments) ? Object.entries(model.environments) : [];
  const envKeys = environments.length > 0 ? environments.map(([k]) => k) : undefined;
  const legacy = Object.entries(model.legacyServicePrincipals ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
  return {
    model,
    written: (path) => {
      let d: unknown = written;
      for (const key of path) d = isMapping(d) || Array.isArray(d) ? (d as { [k: string]: unknown })[key] : undefined;
      return d !== undefined && d !== null;
    },
    environments,
    envKeys,
    groupKeys: isMapping(model.groups) ? new Set(Object.keys(model.groups)) : undefined,
    production: envKeys && productionKey(model.production, envKeys),
    legacyNames: new Map(legacy.flatMap(([name, id]) => [[id, name], [name, name]] as [string, string][])),
  };
}

/** True when the concrete `path` is one the pattern (`a.*.b`) names. */
export function matches(pattern: string, path: Path): boolean {
  const parts = pattern.split(".");
  return parts.length === path.length && parts.every((p, i) => p === "*" || p === String(path[i]));
}

/** Runs the rules in order; a finding outside its rule's declared paths is a bug in the rule. */
export function runRules(rules: readonly Rule[], context: RuleContext): { rule: Rule; finding: RuleFinding }[] {
  const out: { rule: Rule; finding: RuleFinding }[] = [];
  for (const rule of rules) {
    for (const finding of rule.check(context)) {
      if (!rule.paths.some((p) => matches(p, finding.path))) {
        throw new Error(`model rule ${rule.id} reported ${finding.path.join(".")}, which is not among its paths (${rule.paths.join(", ")})`);
      }
      out.push({ rule, finding });
    }
  }
  return out;
}
