/**
 * What Terraform state holds, as far as this repository knows it: the address manifest
 * (terraform-addresses.json), which `npm run update` writes beside the model from every synthesis.
 * For each stack it lists every address with the object it stands for (`schema dev.gold`), the
 * import IDs, and the addresses the stack has told Terraform to forget.
 *
 * The model is read together with it because two decisions need the past, not only the present:
 * - a catalog, schema or service principal that left the model must be forgotten (a `removed`
 *   block with `destroy = false`), never destroyed: Terraform drops `prevent_destroy` together with
 *   the resource block, so without the block it plans a destroy;
 * - an object that reappears under a new address (a renamed group key) needs a `moved` block, or
 *   Terraform destroys the old and creates the new.
 */
import * as fs from "fs";
import * as path from "path";
import { ModelError, type ModelIssue } from "./errors";

export const MANIFEST_FILE = "terraform-addresses.json";

/** One stack's record. */
export interface StackRecord {
  /** Every resource and data source address the stack declares -> the object it stands for. */
  readonly addresses: { readonly [address: string]: string };
  /** Import blocks: address -> import ID. */
  readonly imports: { readonly [address: string]: string };
  /**
   * Addresses the stack carries a `removed { destroy = false }` block for -> the object. Kept
   * while they are recorded here: a removed block for an address no longer in state is a no-op,
   * so keeping it is harmless, and dropping it before every deploy has applied it would let a
   * later plan destroy what it names.
   */
  readonly forgotten?: { readonly [address: string]: string };
}

export type AddressManifest = { readonly [stack: string]: StackRecord };

/** The manifest that belongs to a model file: the one in the same directory. */
export function manifestPathFor(modelFile: string): string {
  return path.join(path.dirname(modelFile), MANIFEST_FILE);
}

type Json = unknown;
const isObject = (v: Json): v is { [key: string]: Json } => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Reads the manifest beside `modelFile`; undefined when there is none (a new project, or a model
 * kept elsewhere: nothing was recorded, so nothing is forgotten or renamed). Throws ModelError,
 * naming the manifest file and the field, when it exists but is not a manifest.
 */
export function readAddressHistory(modelFile: string): AddressManifest | undefined {
  const file = manifestPathFor(modelFile);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ModelError(file, [{ path: "", problem: `cannot be read (${(e as Error).message})`, fix: "make it readable, or restore it from git" }]);
  }
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ModelError(file, [{ path: "", problem: `is not valid JSON (${(e as Error).message})`, fix: `restore it from git (git checkout -- ${MANIFEST_FILE}) and run \`npm run update\`` }]);
  }
  return parseAddressManifest(data, file);
}

/**
 * Checks the manifest's shape. The addresses of an older manifest (a plain list, written before
 * the objects were recorded) are read with unknown objects, so the first `npm run update` rewrites
 * it without losing anything.
 */
export function parseAddressManifest(data: Json, source: string): AddressManifest {
  const issues: ModelIssue[] = [];
  const fix = `restore it from git and run \`npm run update\`; it is written by the tools, not by hand (except to drop a forgotten entry)`;
  if (!isObject(data)) throw new ModelError(source, [{ path: "", problem: "is not a JSON object of stacks", fix, value: data }]);
  const out: { [stack: string]: StackRecord } = {};
  const stringMap = (at: string, v: Json): { [k: string]: string } | undefined => {
    if (!isObject(v) || Object.values(v).some((x) => typeof x !== "string")) {
      issues.push({ path: at, problem: "is not an object of strings", fix, value: v });
      return undefined;
    }
    return v as { [k: string]: string };
  };
  for (const [stack, record] of Object.entries(data)) {
    if (!isObject(record)) {
      issues.push({ path: stack, problem: "is not an object", fix, value: record });
      continue;
    }
    for (const key of Object.keys(record)) {
      if (!["addresses", "imports", "forgotten"].includes(key)) issues.push({ path: `${stack}.${key}`, problem: "is not a field of the manifest (addresses, imports, forgotten)", fix });
    }
    const raw = record.addresses;
    const addresses = Array.isArray(raw)
      ? raw.every((a) => typeof a === "string")
        ? Object.fromEntries((raw as string[]).map((a) => [a, ""]))
        : undefined
      : stringMap(`${stack}.addresses`, raw);
    if (Array.isArray(raw) && addresses === undefined) issues.push({ path: `${stack}.addresses`, problem: "is not a list of addresses", fix, value: raw });
    const imports = record.imports === undefined ? {} : stringMap(`${stack}.imports`, record.imports);
    const forgotten = record.forgotten === undefined ? undefined : stringMap(`${stack}.forgotten`, record.forgotten);
    if (addresses && imports && (record.forgotten === undefined || forgotten)) out[stack] = { addresses, imports, ...(forgotten ? { forgotten } : {}) };
  }
  if (issues.length > 0) throw new ModelError(source, issues);
  return out;
}
