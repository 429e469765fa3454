/**
 * The stacks' outputs after `cdktf deploy`: the deploying principals' application IDs exist only
 * then. Reads both shapes a platform engineer has:
 *   - the cdktf CLI's `--outputs-file`: `{ "<stack>": { "<output>": value, ... }, ... }`;
 *   - `terraform output -json` of one stack: `{ "<output>": { "value": ..., "type": ..., "sensitive": ... } }`,
 *     named `STACK=FILE` or recognised by its `workspace_host` output.
 */
import * as fs from "fs";
import { UUID } from "../model/load";
import type { Environment, EnvironmentModel } from "../model/types";
import { BundleInputError } from "./errors";
import { hostnameOf } from "./facts";

export const APPLICATION_ID_OUTPUT = "service_principal_application_id";
/** An outputs file holds a few hundred bytes per stack. */
const MAX_OUTPUTS_BYTES = 1024 * 1024;

/** How to get the outputs, for messages. */
export function outputsHowTo(model: EnvironmentModel): string {
  const stacks = model.environments.map((e) => e.stackName);
  return (
    `after deploying, write them with \`npx cdktf output ${stacks.join(" ")} --outputs-file outputs.json\` ` +
    `(or \`cdktf deploy ... --outputs-file outputs.json\`) and pass --outputs outputs.json; or, per stack, ` +
    `\`terraform -chdir=cdktf.out/stacks/${stacks[0]} output -json > ${stacks[0]}.json\` and pass --outputs ${stacks[0]}=${stacks[0]}.json`
  );
}

type Outputs = Record<string, unknown>;

/**
 * Application IDs by environment key, from one or more `--outputs [STACK=]FILE` arguments. Every
 * environment's ID must be found; a value that contradicts the model (another workspace, another
 * catalog) means the file belongs to another deployment and is refused.
 */
export function readApplicationIds(model: EnvironmentModel, args: readonly string[]): Map<string, string> {
  const byStack = new Map(model.environments.map((e) => [e.stackName, e]));
  const found = new Map<string, { id: string; file: string }>();
  for (const arg of args) {
    const named = /^([A-Za-z][A-Za-z0-9_-]*)=(.+)$/.exec(arg);
    const file = named && !fs.existsSync(arg) ? named[2] : arg;
    const stackName = named && !fs.existsSync(arg) ? named[1] : undefined;
    const data = readJson(file);
    for (const [stack, outputs] of stacksIn(file, data, stackName, model)) {
      const env = byStack.get(stack);
      if (!env) {
        throw new BundleInputError(
          `${file}: outputs of stack "${stack}", which environments.yaml does not declare (stacks: ${[...byStack.keys()].join(", ")}). Fix: pass the outputs of this model's stacks`,
        );
      }
      const id = applicationIdOf(file, env, outputs);
      if (id === undefined) continue;
      const before = found.get(env.key);
      if (before && before.id !== id) {
        throw new BundleInputError(
          `${file}: ${stack}.${APPLICATION_ID_OUTPUT} is ${JSON.stringify(id)}, but ${before.file} says ${JSON.stringify(before.id)}. Fix: pass one current outputs file per stack`,
        );
      }
      found.set(env.key, { id, file });
    }
  }
  const missing = model.environments.filter((e) => !found.has(e.key));
  if (missing.length > 0) {
    throw new BundleInputError(
      `missing stack outputs: ${missing.map((e) => `${e.stackName}.${APPLICATION_ID_OUTPUT}`).join(", ")} ` +
        `(the application IDs of ${missing.map((e) => e.servicePrincipal).join(", ")} exist only once those stacks are deployed). Fix: ${outputsHowTo(model)}`,
    );
  }
  const ids = new Map([...found].map(([k, v]) => [k, v.id]));
  const seen = new Map<string, string>();
  for (const [k, id] of ids) {
    if (seen.has(id)) {
      throw new BundleInputError(`the outputs give environments ${seen.get(id)} and ${k} the same application ID ${id}. Fix: deploy each stack; each creates its own principal`);
    }
    seen.set(id, k);
  }
  return ids;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new BundleInputError(`${file}: is not a file. Fix: pass the JSON file the cdktf CLI or terraform wrote`);
    if (stat.size > MAX_OUTPUTS_BYTES) throw new BundleInputError(`${file}: is ${stat.size} bytes, not a stack outputs file. Fix: pass the JSON file the cdktf CLI or terraform wrote`);
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof BundleInputError) throw e;
    throw new BundleInputError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: pass the path of the outputs file`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BundleInputError(`${file}: is not valid JSON (${(e as Error).message}). Fix: write it again with --outputs-file or \`terraform output -json\``);
  }
}

const isObject = (v: unknown): v is Outputs => typeof v === "object" && v !== null && !Array.isArray(v);
/** `terraform output -json` wraps every output as {value, type, sensitive}. */
const isTerraformOutput = (v: unknown): v is { value: unknown } => isObject(v) && "value" in v && "type" in v;

function stacksIn(file: string, data: unknown, stackName: string | undefined, model: EnvironmentModel): [string, Outputs][] {
  if (!isObject(data) || Object.keys(data).length === 0) {
    throw new BundleInputError(`${file}: is not a stack outputs file (expected a JSON object of outputs). Fix: ${outputsHowTo(model)}`);
  }
  const values = Object.values(data);
  if (values.every(isTerraformOutput)) {
    const outputs = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, (v as { value: unknown }).value]));
    if (stackName !== undefined) return [[stackName, outputs]];
    const host = typeof outputs.workspace_host === "string" ? hostnameOf(outputs.workspace_host) : undefined;
    const env = model.environments.find((e) => host !== undefined && hostnameOf(e.workspace.host) === host);
    if (!env) {
      throw new BundleInputError(
        `${file}: \`terraform output -json\` of one stack, but its workspace_host (${JSON.stringify(outputs.workspace_host)}) is no environment's workspace. Fix: name the stack, --outputs STACK=${file}`,
      );
    }
    return [[env.stackName, outputs]];
  }
  if (stackName !== undefined) {
    const own = data[stackName];
    if (!isObject(own)) throw new BundleInputError(`${file}: has no outputs of stack "${stackName}". Fix: pass the file with ${stackName}'s outputs`);
    return [[stackName, own]];
  }
  if (!values.every(isObject)) {
    throw new BundleInputError(
      `${file}: is neither a cdktf outputs file ({"<stack>": {...}}) nor \`terraform output -json\` ({"<output>": {"value": ...}}). Fix: ${outputsHowTo(model)}`,
    );
  }
  return Object.entries(data) as [string, Outputs][];
}

/** The application ID; undefined when the file lists the stack without it (reported as missing). */
function applicationIdOf(file: string, env: Environment, outputs: Outputs): string | undefined {
  // Outputs that contradict the model mean the file is from another deployment or model.
  const expected: [string, string][] = [
    ["workspace_host", env.workspace.host],
    ["catalog_name", env.catalog.name],
  ];
  for (const [name, want] of expected) {
    const got = outputs[name];
    if (got === undefined) continue;
    const same = name === "workspace_host" ? typeof got === "string" && hostnameOf(got) === hostnameOf(want) : got === want;
    if (!same) {
      throw new BundleInputError(
        `${file}: ${env.stackName}.${name} is ${JSON.stringify(got)}, but environments.${env.key} says ${JSON.stringify(want)}: the outputs are from another deployment. Fix: deploy the stacks from this model and write the outputs again`,
      );
    }
  }
  const id = outputs[APPLICATION_ID_OUTPUT];
  if (id === undefined || id === null) return undefined;
  if (typeof id !== "string" || !UUID.test(id)) {
    throw new BundleInputError(
      `${file}: ${env.stackName}.${APPLICATION_ID_OUTPUT} is ${JSON.stringify(id)}, not an application ID (a lower-case UUID). Fix: write the outputs again after \`cdktf deploy ${env.stackName}\``,
    );
  }
  return id;
}
