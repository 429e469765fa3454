/**
 * Reads synthesized output (a cdktf.out directory, or stacks in memory) for the review tools and
 * the synth-time checks. These read what Terraform will actually get, not the model file.
 */
import * as fs from "fs";
import * as path from "path";

/** One synthesized stack's Terraform JSON (only the parts the checks read are typed). */
export interface StackJson {
  readonly provider?: { readonly [type: string]: readonly { readonly [attr: string]: unknown }[] };
  readonly resource?: { readonly [type: string]: { readonly [name: string]: { readonly [attr: string]: unknown } } };
  readonly data?: { readonly [type: string]: { readonly [name: string]: { readonly [attr: string]: unknown } } };
  readonly variable?: { readonly [name: string]: { readonly default?: unknown } };
  readonly import?: readonly { readonly to: string; readonly id: string }[];
  readonly moved?: readonly { readonly from: string; readonly to: string }[];
  readonly terraform?: { readonly backend?: { readonly [type: string]: { readonly [attr: string]: unknown } } };
  readonly [key: string]: unknown;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly json: StackJson;
}

/** Bad input to a review tool: the message says what and how to fix it (exit code 2). */
export class ReviewInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReviewInputError";
  }
}

/** Reads every stack listed in `<dir>/manifest.json`, sorted by name. */
export function readSynthOutput(dir: string): SynthesizedStack[] {
  const manifestPath = path.join(dir, "manifest.json");
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ReviewInputError(`${dir}: no such directory. Run \`npm run synth\` first, or pass the cdktf output directory.`);
  }
  if (!fs.existsSync(manifestPath)) {
    throw new ReviewInputError(`${dir}: not a cdktf output directory (no manifest.json). Run \`npm run synth\` and pass its output directory.`);
  }
  const manifest = readJson(manifestPath) as { stacks?: Record<string, { synthesizedStackPath?: unknown }> };
  if (!manifest || typeof manifest !== "object" || !manifest.stacks || typeof manifest.stacks !== "object") {
    throw new ReviewInputError(`${manifestPath}: has no "stacks" object; it is not a cdktf manifest. Re-run \`npm run synth\`.`);
  }
  const stacks: SynthesizedStack[] = [];
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    if (!entry || typeof entry.synthesizedStackPath !== "string") {
      throw new ReviewInputError(`${manifestPath}: stack "${name}" has no synthesizedStackPath. Re-run \`npm run synth\`.`);
    }
    const file = path.join(dir, entry.synthesizedStackPath);
    if (!fs.existsSync(file)) {
      throw new ReviewInputError(`${file}: listed in the manifest for stack "${name}" but missing. Re-run \`npm run synth\`.`);
    }
    const json = readJson(file);
    if (!json || typeof json !== "object" || Array.isArray(json)) {
      throw new ReviewInputError(`${file}: is not a Terraform JSON object. Re-run \`npm run synth\`.`);
    }
    stacks.push({ name, json: json as StackJson });
  }
  return stacks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ReviewInputError(`${file}: cannot be read (${(e as Error).message}).`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ReviewInputError(`${file}: is not valid JSON (${(e as Error).message}). Re-run \`npm run synth\`.`);
  }
}

/** A Terraform reference `${type.name.attr}` or `${data.type.name.attr}`, parsed. */
export interface Reference {
  readonly data: boolean;
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
}

const REFERENCE = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const m = REFERENCE.exec(value);
  return m ? { data: m[1] !== undefined, type: m[2], name: m[3], attribute: m[4] } : undefined;
}

/** The block a reference points at in the same stack, if declared there. */
export function referencedBlock(stack: StackJson, ref: Reference): { readonly [attr: string]: unknown } | undefined {
  const blocks = ref.data ? stack.data : stack.resource;
  return blocks?.[ref.type]?.[ref.name];
}

/** The Terraform address of a reference's block, e.g. `data.databricks_group.dev`. */
export function referenceAddress(ref: Reference): string {
  return `${ref.data ? "data." : ""}${ref.type}.${ref.name}`;
}
