/**
 * Reads and validates the environment model (environments.yaml) in full, before any construct
 * exists. Every problem found is reported with its path in the file, the line, the value and the fix.
 *
 *   text --yaml.ts--> plain data --schema (schema/model.ts)--> each field's type and form
 *        --rules (rules/)--> what spans fields --build.ts--> the typed model (types.ts)
 */
import * as fs from "fs";
import { ModelError, type ModelIssue } from "./errors";
import { readAddressHistory } from "./history";
import { schemaFindings, type Finding } from "./issues";
import { MODEL_RULES } from "./rules";
import { ruleContext, runRules, type ValidParts } from "./rules/rule";
import { buildModel } from "./build";
import type { Path } from "./schema/fields";
import { modelSchema, type ModelFile } from "./schema/model";
import type { EnvironmentModel } from "./types";
import { literalStringIssues, parseYaml, withoutNulls } from "./yaml";

export { UUID } from "./schema/patterns";
export { storageKey, within } from "./schema/checks";

/** Larger files are refused before parsing: the model is a few kilobytes. */
export const MAX_MODEL_BYTES = 256 * 1024;

/** The model file every command reads: ENVIRONMENTS_FILE, else environments.yaml in the current directory. */
export function modelFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.ENVIRONMENTS_FILE || "environments.yaml";
}

/** Reads the model file at `file`; throws ModelError (a user error) for any problem. */
export function loadEnvironmentModel(file: string): EnvironmentModel {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ModelError(file, [
      {
        path: "",
        problem: "the file does not exist or cannot be read",
        fix: "run from the project root, or point ENVIRONMENTS_FILE at the model file",
      },
    ]);
  }
  if (!stat.isFile()) {
    throw new ModelError(file, [{ path: "", problem: "is not a file", fix: "point ENVIRONMENTS_FILE at a YAML file" }]);
  }
  if (stat.size > MAX_MODEL_BYTES) {
    throw new ModelError(file, [
      {
        path: "",
        problem: `the file is ${stat.size} bytes; a model is a few kilobytes and at most ${MAX_MODEL_BYTES} are read`,
        fix: "check that ENVIRONMENTS_FILE names the environment model and not another file",
      },
    ]);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "an error";
    throw new ModelError(file, [
      {
        path: "",
        problem: `the file cannot be read (${code}: ${(e as Error).message.replace(/^[A-Z]+: /, "")})`,
        fix: code === "EACCES" || code === "EPERM" ? `let this user read it (e.g. chmod u+r ${file})` : "check that ENVIRONMENTS_FILE names a readable YAML file",
      },
    ]);
  }
  const model = parseEnvironmentModel(text, file);
  const history = readAddressHistory(file);
  return history ? { ...model, history } : model;
}

/** Parses and validates model text; `source` names it in messages. */
export function parseEnvironmentModel(text: string, source: string): EnvironmentModel {
  const { data: written, lineOf } = parseYaml(text, source);
  const data = withoutNulls(written);
  const findings: Finding[] = [
    ...literalStringIssues(written).map(({ at, ...rest }) => ({ ...rest, path: at })),
    ...schemaFindings(modelSchema, data, written),
  ];
  const valid = prune(data, findings);
  for (const { rule, finding } of runRules(MODEL_RULES, ruleContext((valid ?? {}) as ValidParts, written))) {
    findings.push({ path: finding.path, problem: finding.problem, fix: finding.fix ?? rule.fix, rule: rule.id, ...("value" in finding ? { value: finding.value } : {}) });
  }
  if (findings.length > 0) {
    const issues = findings.map(({ path, problem, fix, rule, ...f }): ModelIssue => ({ path: path.join("."), problem, fix, line: lineOf(path), ...(rule ? { rule } : {}), ...("value" in f ? { value: f.value } : {}) }));
    throw new ModelError(source, issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }
  return buildModel(withoutUndefined(data) as ModelFile, source);
}

/**
 * The data without what the findings refused: a refused key takes its entry, a refused value is
 * left out, a refused list item takes the list. What stays is valid, so the rules that read it
 * report each fault once (a broken host is not also a host "shared" with nothing).
 */
function prune(data: unknown, findings: readonly Finding[]): unknown {
  if (findings.length === 0) return data;
  const copy = structuredClone(data);
  for (const f of findings) {
    const list = f.path.findIndex((k) => typeof k === "number");
    const path: Path = list >= 0 ? f.path.slice(0, list) : f.path;
    const keyGoes = f.key === true && list < 0;
    if (path.length === 0) return undefined;
    let parent: unknown = copy;
    for (const k of path.slice(0, -1)) parent = parent !== null && typeof parent === "object" ? (parent as { [k: string]: unknown })[k] : undefined;
    if (parent === null || typeof parent !== "object" || Array.isArray(parent)) continue;
    const last = path[path.length - 1] as string;
    if (keyGoes) delete (parent as { [k: string]: unknown })[last];
    else if (last in parent) (parent as { [k: string]: unknown })[last] = undefined;
  }
  return copy;
}

/** Valibot keeps a key written with no value (`bucket:`) as undefined; the model leaves it out. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)]));
}
