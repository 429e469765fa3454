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
    const configFile = path.join(stackDir, STACK_FILE);
    for (const problem of workingDataProblems(stackDir, () => backendOf(configFile))) unexpected(name, `stacks/${name}/${problem.at}`, problem.problem, "delete .terraform and .terraform.lock.hcl and run `npm run synth` (terraform init makes them again)");
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

/** The stack's synthesized backend (`terraform.backend`: its type and settings), as far as the file can be read here. */
function backendOf(file: string): { type: string; config: { readonly [k: string]: unknown } } | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as { terraform?: { backend?: Record<string, unknown> } };
    const entries = Object.entries(json.terraform?.backend ?? {}).filter(([k]) => k !== "//");
    if (entries.length !== 1 || !isPlainObject(entries[0][1])) return undefined;
    return { type: entries[0][0], config: entries[0][1] };
  } catch {
    return undefined;
  }
}

const isPlainObject = (v: unknown): v is { readonly [k: string]: unknown } => v !== null && typeof v === "object" && !Array.isArray(v);
const sameJson = (a: unknown, b: unknown): boolean => {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameJson(a[k] ?? null, b[k] ?? null));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  return a === b;
};

/**
 * What is wrong with `.terraform/terraform.tfstate`, terraform's record of the backend it was
 * initialised with, against the stack's synthesized backend; undefined when it is exactly what
 * `terraform init` writes for it. Terraform 1.11.4 plans with the recorded settings, not the
 * configuration's, whenever the record's hash matches the configuration (internal/command/meta_backend.go
 * backendFromConfig: "using already-initialized, unchanged backend configuration", then
 * savedBackend); `init` does too. A record naming another state path, bucket or key with the
 * configuration's hash plans against that other state (shown with the real terraform in
 * __tests__/e2e/working-data.test.ts). So the record may only restate the synthesized backend:
 * its type, and every setting equal to the configuration's (an unset one null).
 */
export function backendRecordProblem(text: string, backend: { type: string; config: { readonly [k: string]: unknown } } | undefined): string | undefined {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return "is not the JSON terraform init writes";
  }
  const shape = "is not the record terraform init writes ({version: 3, terraform_version, backend: {type, config, hash}})";
  if (!isPlainObject(record) || Object.keys(record).sort().join() !== "backend,terraform_version,version" || record.version !== 3 || typeof record.terraform_version !== "string") return shape;
  const b = record.backend;
  if (!isPlainObject(b) || Object.keys(b).sort().join() !== "config,hash,type" || typeof b.type !== "string" || !Number.isInteger(b.hash) || !isPlainObject(b.config)) return shape;
  if (backend === undefined) return `records a ${b.type} backend, but the stack's configuration has none terraform would use`;
  if (b.type !== backend.type) return `records a ${b.type} backend, but the stack's configuration has ${backend.type}: terraform would plan against the state the record names`;
  const recorded = b.config as { readonly [k: string]: unknown };
  const differs = [...new Set([...Object.keys(recorded), ...Object.keys(backend.config)])].filter((k) => k !== "//" && !sameJson(recorded[k] ?? null, backend.config[k] ?? null));
  if (differs.length > 0) {
    return `records the ${b.type} backend with ${differs.map((k) => `${k} ${JSON.stringify(recorded[k] ?? null)}`).join(", ")}, where the stack's configuration says ${differs.map((k) => JSON.stringify(backend.config[k] ?? null)).join(", ")}: terraform plans with the recorded settings while the record's hash matches the configuration, so against another state`;
  }
  return undefined;
}

/** The provider executable's name in its cache directory (terraform's `terraform-provider-<type>_v<version>`). */
const PROVIDER_EXECUTABLE = `terraform-provider-${PROVIDER.source.split("/")[1]}_v${PROVIDER.version}`;

/**
 * Terraform's working data may only be what `terraform init` makes for this project: the pinned
 * databricks provider in the lock file and the provider cache (one directory, or terraform's link
 * to a mirror or cache, per platform, holding the provider's executable), the backend's record
 * equal to the synthesized backend, nothing else (a module directory, another provider or version
 * would be code the gate never sees, another backend another state). The executable's bytes cannot
 * be checked here: synth carries working data only out of its own last generation, and CI's plan
 * job removes the artifact's before `terraform init` (.github/workflows/pull-request.yml).
 */
function workingDataProblems(stackDir: string, backend: () => ReturnType<typeof backendOf>): { at: string; problem: string }[] {
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
      if (entry === "terraform.tfstate") {
        // The backend's record: only what terraform init writes for the synthesized backend.
        const record = path.join(dotTerraform, entry);
        const problem = fs.lstatSync(record).isFile() ? backendRecordProblem(fs.readFileSync(record, "utf8"), backend()) : "is not a file";
        if (problem) out.push({ at: ".terraform/terraform.tfstate", problem: `.terraform/terraform.tfstate (terraform's record of the backend) ${problem}` });
        continue;
      }
      if (entry !== "providers") {
        out.push({ at: `.terraform/${entry}`, problem: `.terraform/${entry} is not working data terraform init makes for this project (no modules, only the pinned provider)` });
        continue;
      }
      const expected = ["registry.terraform.io", ...PROVIDER.source.split("/"), PROVIDER.version];
      const walk = (dir: string, depth: number, rel: string) => {
        for (const e of fs.readdirSync(dir)) {
          const at = `.terraform/providers/${rel}${e}`;
          const full = path.join(dir, e);
          if (depth < expected.length) {
            if (e !== expected[depth]) out.push({ at, problem: `the provider cache holds ${rel}${e}; this project uses only ${expected.join("/")}` });
            else if (fs.lstatSync(full).isDirectory()) walk(full, depth + 1, `${rel}${e}/`);
            else out.push({ at, problem: `${at} is not a directory of the provider cache` });
          } else if (depth === expected.length) {
            // One platform (`linux_amd64`): a directory, or terraform's link to a mirror or cache.
            const stat = fs.statSync(full, { throwIfNoEntry: false });
            if (!/^[a-z0-9]+_[a-z0-9]+$/.test(e) || !stat?.isDirectory()) out.push({ at, problem: `${at} is not a platform directory of the pinned provider (os_arch)` });
            else walk(full, depth + 1, `${rel}${e}/`);
          } else if (e !== PROVIDER_EXECUTABLE) {
            out.push({ at, problem: `${at} is not the pinned provider's executable (${PROVIDER_EXECUTABLE}), the one file terraform installs there` });
          }
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
