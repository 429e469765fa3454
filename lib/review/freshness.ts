/**
 * Is an output older than the model it is checked against? Synth writes a marker at the root of
 * each output (`.uc-synth.json`: what made it, the sha256 of the model file and of the address
 * manifest beside it); the review commands compare it with the files they are given and say first
 * that the fix is `npm run synth`, before a `[missing-from-output] … declare it through the
 * constructs` that only means the output is stale.
 *
 * The marker is the output's own word about itself: it only adds a hint, never changes a verdict
 * or an exit code. An output without one (made by hand, or copied without its hidden files) is
 * judged as before.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { manifestPathFor } from "../model/history";
import { SYNTH_MARKER } from "../output/read";

export const MADE_BY = "uc-env-isolation synth";

export interface SynthMarker {
  readonly madeBy: typeof MADE_BY;
  /** The model file, as synth was given it. */
  readonly model?: string;
  /** sha256 of the model file's bytes, and of the address manifest beside it (when there is one). */
  readonly modelSha256?: string;
  readonly manifestSha256?: string;
}

const SHA256 = /^[0-9a-f]{64}$/;
/** A path as it may be printed: printable ASCII and letters, no control or bidi characters. */
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]{1,1000}$/;

/**
 * The marker of a directory, when it carries one synth wrote (`madeBy`); a field of the wrong shape
 * is left out, so nothing the output says about itself is printed unchecked.
 */
export function readMarker(dir: string): SynthMarker | undefined {
  let m: unknown;
  try {
    m = JSON.parse(fs.readFileSync(path.join(dir, SYNTH_MARKER), "utf8"));
  } catch {
    return undefined;
  }
  if (!m || typeof m !== "object" || (m as { madeBy?: unknown }).madeBy !== MADE_BY) return undefined;
  const { model, modelSha256, manifestSha256 } = m as { [k: string]: unknown };
  return {
    madeBy: MADE_BY,
    ...(typeof model === "string" && PRINTABLE.test(model) ? { model } : {}),
    ...(typeof modelSha256 === "string" && SHA256.test(modelSha256) ? { modelSha256 } : {}),
    ...(typeof manifestSha256 === "string" && SHA256.test(manifestSha256) ? { manifestSha256 } : {}),
  };
}

/** sha256 of a file's bytes; undefined when it cannot be read. */
export function fileSha256(file: string): string | undefined {
  try {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch {
    return undefined;
  }
}

/** The marker synth writes for `modelFile`: its hashes and the manifest's beside it. */
export function markerFor(modelFile: string): SynthMarker {
  const modelSha256 = fileSha256(modelFile);
  const manifestSha256 = modelSha256 !== undefined ? fileSha256(manifestPathFor(modelFile)) : undefined;
  return { madeBy: MADE_BY, ...(modelSha256 ? { model: modelFile, modelSha256 } : {}), ...(manifestSha256 ? { manifestSha256 } : {}) };
}

export type Freshness =
  /** The marker's hashes are the files'. */
  | { readonly state: "current" }
  /** The output was made from another model file content, or another manifest. */
  | { readonly state: "stale"; readonly marker: SynthMarker; readonly model: boolean; readonly manifest: boolean }
  /** No marker (or one without the model's hash): it cannot be told. */
  | { readonly state: "unmarked" };

/** The output `dir` against the model file it is checked against (and the manifest beside it). */
export function outputFreshness(dir: string, modelFile: string): Freshness {
  const marker = readMarker(dir);
  if (marker?.modelSha256 === undefined) return { state: "unmarked" };
  const model = fileSha256(modelFile) !== marker.modelSha256;
  const manifest = fileSha256(manifestPathFor(modelFile)) !== marker.manifestSha256;
  return model || manifest ? { state: "stale", marker, model, manifest } : { state: "current" };
}

/**
 * What a command says first about a stale output: `cdktf.out is older than environments.yaml ...
 * Fix: npm run synth`; undefined for a current one. `unmarked` also says that it cannot be told
 * (policy asks for it when a violation could be only that).
 */
export function freshnessNote(command: string, dir: string, modelFile: string, options: { readonly unmarked?: boolean } = {}): string | undefined {
  const f = outputFreshness(dir, modelFile);
  const synth = synthCommand(dir, modelFile);
  if (f.state === "unmarked") {
    return options.unmarked
      ? `${command}: note: ${dir} has no ${SYNTH_MARKER} (synth writes one; an output made by hand, or copied without its hidden files, has none), so whether it is older than ${modelFile} cannot be told: if the model changed since, run \`${synth}\` first.\n`
      : undefined;
  }
  if (f.state === "current") return undefined;
  const from = f.marker.model !== undefined && path.resolve(f.marker.model) !== path.resolve(modelFile) ? `, synthesized from ${f.marker.model}` : "";
  const what = [
    ...(f.model ? [`the model changed since synth${from}: its sha256 is ${short(fileSha256(modelFile))}, the output's ${SYNTH_MARKER} records ${short(f.marker.modelSha256)}`] : []),
    ...(f.manifest ? [`${path.basename(manifestPathFor(modelFile))} beside the model changed since synth`] : []),
  ];
  return `${command}: ${dir} is older than ${modelFile} (${what.join("; ")}). Fix: run \`${synth}\`, then ${command} again; until then, what it reports may only be the stale output.\n`;
}

const short = (sha: string | undefined) => (sha === undefined ? "(unreadable)" : `${sha.slice(0, 12)}…`);

/** `npm run synth`, with the model and the output directory when they are not the defaults. */
function synthCommand(dir: string, modelFile: string): string {
  const env = [
    ...(path.resolve(modelFile) !== path.resolve("environments.yaml") ? [`ENVIRONMENTS_FILE=${word(modelFile)}`] : []),
    ...(path.resolve(dir) !== path.resolve("cdktf.out") ? [`CDKTF_OUTDIR=${word(dir)}`] : []),
  ];
  return [...env, "npm run synth"].join(" ");
}

const word = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
