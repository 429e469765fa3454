/**
 * Reads a cdktf output directory as Terraform would: every stack directory, every file in it that
 * Terraform loads, the manifest, and the JSON strictly. What is not the project's own output is
 * reported as a finding (unexpected file, manifest disagreement, duplicate key), never skipped.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ReviewInputError, normalizeStackJson, type SynthesizedStack } from "./stack";
import { JsonSyntaxError, parseStrictJson } from "./strict-json";
import { PROVIDER } from "../resources/provider";

/** A fact about the files that the gate's rules turn into violations. */
export interface FileFinding {
  readonly rule: "unexpected-file" | "duplicate-key";
  readonly stack: string;
  /** The file or directory, relative to the output directory. */
  readonly resource: string;
  readonly problem: string;
  readonly fix: string;
  /** What the file (or the whole directory) holds, hashed: two findings at one path differ when it does. */
  readonly digest?: string;
}

export interface OutputTree {
  readonly dir: string;
  readonly stacks: SynthesizedStack[];
  readonly findings: FileFinding[];
}

/** Synth's marker at the root of an output it made (lib/synth.ts MARKER_FILE; kept here so the reader loads no cdktf). */
export const SYNTH_MARKER = ".uc-synth.json";

/** The file each stack's configuration is in; nothing else in a stack directory is configuration. */
export const STACK_FILE = "cdk.tf.json";
/** Terraform's own working data in a stack directory (`terraform init`), not configuration. */
export const WORKING_DATA: ReadonlySet<string> = new Set([".terraform", ".terraform.lock.hcl"]);

/**
 * True when Terraform would load the file as configuration or variable values: `*.tf`, `*.tf.json`
 * (override files included), `terraform.tfvars(.json)` and `*.auto.tfvars(.json)`; names starting
 * with `.`, ending with `~`, or starting and ending with `#` are ignored by Terraform.
 */
export function terraformLoads(name: string): boolean {
  if (name.startsWith(".") || name.endsWith("~") || (name.startsWith("#") && name.endsWith("#"))) return false;
  return /\.tf(\.json)?$/.test(name) || /^terraform\.tfvars(\.json)?$/.test(name) || /\.auto\.tfvars(\.json)?$/.test(name);
}

export function readOutputTree(dir: string): OutputTree {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    const dangling = danglingLink(dir);
    if (dangling !== undefined) {
      // `cp -r cdktf.out x` copies synth's link, not the output: x points at a generation folder that is not beside it.
      const generation = /^(?:.*\/)?([^/]+)\.gen-[^/]*$/.exec(dangling);
      const source = generation ? generation[1] : "OUTPUT";
      throw new ReviewInputError(
        `${dir}: a symbolic link to ${dangling}, which does not exist` +
          (generation ? ` (synth publishes ${source} as a link to the generation folder it wrote beside it; \`cp -r ${source} ${dir}\` copies the link, which then points at nothing)` : "") +
          `. Fix: copy the output the link points at: \`rm ${dir} && cp -rL ${source} ${dir}\`, or read ${source} itself.`,
      );
    }
    throw new ReviewInputError(`${dir}: no such directory. Run \`npm run synth\` first, or pass the cdktf output directory.`);
  }
  const manifestPath = path.join(dir, "manifest.json");
  if (!fs.existsSync(manifestPath)) {
    throw new ReviewInputError(`${dir}: not a cdktf output directory (no manifest.json). Run \`npm run synth\` and pass its output directory.`);
  }
  const findings: FileFinding[] = [];
  const unexpected = (stack: string, resource: string, problem: string, fix: string) =>
    findings.push({ rule: "unexpected-file", stack, resource, problem, fix, ...(resource === "manifest.json" ? {} : { digest: digestOf(path.join(dir, resource)) }) });
  const resynth = "delete it and run `npm run synth` (synth writes only cdk.tf.json and keeps only .terraform and .terraform.lock.hcl)";

  const manifest = readJson(manifestPath, "(output)", "manifest.json", findings) as { stacks?: Record<string, Record<string, unknown>> };
  if (!manifest || typeof manifest !== "object" || !manifest.stacks || typeof manifest.stacks !== "object" || Array.isArray(manifest.stacks)) {
    throw new ReviewInputError(`${manifestPath}: has no "stacks" object; it is not a cdktf manifest. Re-run \`npm run synth\`.`);
  }

  for (const entry of fs.readdirSync(dir)) {
    // The synth marker (lib/synth.ts) sits at the root, which terraform never reads.
    if (entry === "manifest.json" || entry === "stacks" || entry === SYNTH_MARKER) continue;
    unexpected("(output)", entry, `${entry} is in the output directory; synth writes only manifest.json and stacks/`, resynth);
  }
  const stacksDir = path.join(dir, "stacks");
  const present = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir) : [];
  const listed = new Set(Object.keys(manifest.stacks));
  for (const name of present) {
    if (!listed.has(name)) {
      unexpected(name, `stacks/${name}`, `stacks/${name} is not in manifest.json, so the review tools would not read it while terraform runs in it`, `delete stacks/${name} and run \`npm run synth\``);
    }
  }

  const stacks: SynthesizedStack[] = [];
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    const standard = { synthesizedStackPath: `stacks/${name}/${STACK_FILE}`, workingDirectory: `stacks/${name}` };
    if (!entry || typeof entry !== "object") throw new ReviewInputError(`${manifestPath}: stack "${name}" is not an object. Re-run \`npm run synth\`.`);
    for (const [field, value] of Object.entries(standard)) {
      if (entry[field] !== value) {
        unexpected(name, "manifest.json", `stacks.${name}.${field} is ${JSON.stringify(entry[field])}, not the standard ${JSON.stringify(value)}: the manifest would send the tools to another file than terraform reads`, "run `npm run synth` (never edit the manifest)");
      }
    }
    if (entry.name !== undefined && entry.name !== name) {
      unexpected(name, "manifest.json", `stacks.${name}.name is ${JSON.stringify(entry.name)}`, "run `npm run synth` (never edit the manifest)");
    }
    const stackDir = path.join(dir, standard.workingDirectory);
    if (!fs.existsSync(stackDir) || !fs.lstatSync(stackDir).isDirectory()) {
      throw new ReviewInputError(`${stackDir}: listed in the manifest for stack "${name}" but not a directory. Re-run \`npm run synth\`.`);
    }
    for (const problem of workingDataProblems(stackDir)) unexpected(name, `stacks/${name}/${problem.at}`, problem.problem, "delete .terraform and .terraform.lock.hcl and run `npm run synth` (terraform init makes them again)");
    for (const file of fs.readdirSync(stackDir)) {
      if (file === STACK_FILE || WORKING_DATA.has(file)) continue;
      const loads = terraformLoads(file);
      unexpected(
        name,
        `stacks/${name}/${file}`,
        loads
          ? `${file} is read by terraform in ${name} beside ${STACK_FILE}${/override\.tf(\.json)?$/.test(file) ? " and overrides it (an override can re-aim the provider or drop prevent_destroy)" : /tfvars/.test(file) ? " (it sets variable values)" : ""}, and the review tools do not check it`
          : `${file} is not part of the synthesized output`,
        resynth,
      );
    }
    const file = path.join(stackDir, STACK_FILE);
    if (!fs.existsSync(file)) throw new ReviewInputError(`${file}: listed in the manifest for stack "${name}" but missing. Re-run \`npm run synth\`.`);
    if (fs.lstatSync(file).isSymbolicLink()) {
      unexpected(name, `stacks/${name}/${STACK_FILE}`, `${STACK_FILE} is a symbolic link (to ${fs.readlinkSync(file)})`, resynth);
    }
    const json = readJson(file, name, `stacks/${name}/${STACK_FILE}`, findings);
    stacks.push({ name, file, json: normalizeStackJson(json, `${file} (stack ${name})`) });
  }
  stacks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { dir, stacks, findings };
}

/** What `p` links to, when it is a symbolic link to nothing. */
function danglingLink(p: string): string | undefined {
  try {
    if (!fs.lstatSync(p).isSymbolicLink()) return undefined;
    return fs.existsSync(p) ? undefined : fs.readlinkSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Terraform's working data may only be what `terraform init` makes for this project: the pinned
 * databricks provider in the lock file and the provider cache, the backend's record, nothing else
 * (a module directory, another provider or version would be code the gate never sees). The binary
 * itself cannot be checked here: synth carries working data only out of its own last generation.
 */
function workingDataProblems(stackDir: string): { at: string; problem: string }[] {
  const out: { at: string; problem: string }[] = [];
  const lock = path.join(stackDir, ".terraform.lock.hcl");
  if (fs.existsSync(lock)) {
    const text = fs.readFileSync(lock, "utf8");
    const providers = [...text.matchAll(/^provider\s+"([^"]+)"/gm)].map((m) => m[1]);
    const versions = [...text.matchAll(/^\s*version\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
    const wanted = `registry.terraform.io/${PROVIDER.source}`;
    if (providers.some((p) => p !== wanted) || versions.some((v) => v !== PROVIDER.version)) {
      out.push({ at: ".terraform.lock.hcl", problem: `the lock file names ${providers.join(", ") || "no provider"} at ${versions.join(", ") || "no version"}; terraform init for this project locks only ${wanted} ${PROVIDER.version}` });
    }
  }
  const dotTerraform = path.join(stackDir, ".terraform");
  if (fs.existsSync(dotTerraform)) {
    for (const entry of fs.readdirSync(dotTerraform)) {
      if (entry === "terraform.tfstate") continue; // the backend's record
      if (entry !== "providers") {
        out.push({ at: `.terraform/${entry}`, problem: `.terraform/${entry} is not working data terraform init makes for this project (no modules, only the pinned provider)` });
        continue;
      }
      const expected = ["registry.terraform.io", ...PROVIDER.source.split("/"), PROVIDER.version];
      const walk = (dir: string, depth: number, rel: string) => {
        for (const e of fs.readdirSync(dir)) {
          if (depth < expected.length && e !== expected[depth]) out.push({ at: `.terraform/providers/${rel}${e}`, problem: `the provider cache holds ${rel}${e}; this project uses only ${expected.join("/")}` });
          else if (depth < expected.length && fs.statSync(path.join(dir, e)).isDirectory()) walk(path.join(dir, e), depth + 1, `${rel}${e}/`);
        }
      };
      walk(path.join(dotTerraform, "providers"), 0, "");
    }
  }
  return out;
}

/** A file's content, or a directory's names and contents all the way down (links by their target), hashed. */
function digestOf(file: string): string {
  const hash = crypto.createHash("sha256");
  const walk = (p: string, rel: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(p);
    } catch {
      hash.update(`${rel}\0(gone)\0`);
      return;
    }
    if (stat.isSymbolicLink()) hash.update(`${rel}\0->${fs.readlinkSync(p)}\0`);
    else if (stat.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e), `${rel}/${e}`);
    else hash.update(`${rel}\0`).update(fs.readFileSync(p)).update("\0");
  };
  walk(file, ".");
  return hash.digest("hex").slice(0, 16);
}

function readJson(file: string, stack: string, resource: string, findings: FileFinding[]): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ReviewInputError(`${file}: cannot be read (${(e as Error).message}).`);
  }
  try {
    const { value, duplicates } = parseStrictJson(text);
    for (const d of duplicates) {
      const at = [...d.path, d.key].join(".");
      findings.push({
        rule: "duplicate-key",
        stack,
        resource,
        problem: `the key ${at} appears twice in one object: JSON.parse keeps the last copy, terraform merges both, so what the first copy declares would be applied unchecked`,
        fix: "remove the repeated key and run `npm run synth`",
      });
    }
    return value;
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new ReviewInputError(`${file}: is not valid JSON (${e.message}). Re-run \`npm run synth\`.`);
    throw e;
  }
}

/**
 * Every stack listed in `<dir>/manifest.json`, sorted by name, for the review tools: read as the
 * gate reads them (strict JSON). A key repeated in one JSON object is bad input here (terraform and
 * JSON.parse would read it differently); files the tools do not read are the gate's to report.
 */
export function readSynthOutput(dir: string): SynthesizedStack[] {
  const tree = readOutputTree(dir);
  const duplicate = tree.findings.find((f) => f.rule === "duplicate-key");
  if (duplicate) throw new ReviewInputError(`${path.join(dir, duplicate.resource)}: ${duplicate.problem}. Fix: ${duplicate.fix}.`);
  return tree.stacks;
}
