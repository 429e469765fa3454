/**
 * Every npm script answers --help with its usage on stdout (exit 0), and an unknown option with
 * the problem and the usage on stderr (exit 2), in both cases before doing anything.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./helpers";
import { runFileInProcess } from "./run-command";

const SCRIPTS: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs an npm script's command (each is `node <file> [args]`, or `node scripts/run-ts.js <file.ts>`)
 * with extra arguments, in this process (run-command.ts: the same code, no node start-up each).
 * Each command also runs as a real process elsewhere: synth in synth-cli.test.ts, the review
 * commands in review/cli.test.ts, audit in audit/cli.test.ts.
 */
function runScript(name: string, ...args: string[]): Promise<Run> {
  return runScriptWith(name, {}, ...args);
}

/** The same, with the environment changed (npm's variables: npm_lifecycle_event, npm_config_*). */
function runScriptWith(name: string, env: Record<string, string | undefined>, ...args: string[]): Promise<Run> {
  const [command, ...rest] = SCRIPTS[name].split(" ");
  if (command !== "node") throw new Error(`script ${name} is not a node command: ${SCRIPTS[name]}`);
  const file = rest[0] === "scripts/run-ts.js" ? rest[1] : rest[0];
  return runFileInProcess(path.join(ROOT, file), [...rest.slice(rest[0] === "scripts/run-ts.js" ? 2 : 1), ...args], env);
}

/** What a command could change by accident: the top-level entries and the committed manifest. */
const state = () => ({ top: fs.readdirSync(ROOT).sort(), manifest: fs.readFileSync(path.join(ROOT, "terraform-addresses.json"), "utf8") });

const names = Object.keys(SCRIPTS).sort();
let results: Record<string, { help: Run; unknown: Run }> = {};
let before: ReturnType<typeof state>;

beforeAll(async () => {
  before = state();
  // One after another: they share process.argv and the streams.
  for (const n of names) results[n] = { help: await runScript(n, "--help"), unknown: await runScript(n, "--no-such-option") };
}, 30_000);

describe("every npm script", () => {
  it("is covered here", () => {
    expect(names).toEqual(expect.arrayContaining(["synth", "test", "typecheck", "bench", "update", "addresses:update", "grants", "policy", "grants:diff"]));
  });

  it.each(names)("%s --help prints its usage on stdout and exits 0", (name) => {
    const { help } = results[name];
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: "" });
    expect(help.stdout).toMatch(/^usage: /);
  });

  it.each(names)("%s rejects an unknown option: exit 2, the usage on stderr, nothing on stdout", (name) => {
    const { unknown } = results[name];
    expect({ status: unknown.status, stdout: unknown.stdout }).toEqual({ status: 2, stdout: "" });
    expect(unknown.stderr).toMatch(/no-such-option/);
    expect(unknown.stderr).toMatch(/usage: /);
  });

  it("changed nothing in the project while answering", () => {
    expect(state()).toEqual(before);
  });
});

describe("the TypeScript runner (scripts/run-ts.js)", () => {
  it("rejects a file that does not exist: exit 2, the path and the fix, no stack trace", () => {
    const { spawnSync } = require("child_process") as typeof import("child_process");
    const run = spawnSync(process.execPath, [path.join(ROOT, "scripts", "run-ts.js"), "missing.ts"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`run-ts: missing.ts: no such file (resolved to ${path.join(ROOT, "missing.ts")}). Fix: name a .ts file of this project, e.g. node scripts/run-ts.js main.ts\n`);
  });
});

/**
 * `npm run NAME --option value` without `--`: npm keeps the option (setting npm_config_<option>=true,
 * or for a name it knows, nothing) and passes the value on as a stray argument. Each command names
 * what npm took and gives the line that works; what npm passes is replayed here as npm 11 passes it.
 */
describe("options npm takes for itself (no `--`)", () => {
  const npm = (name: string, ...taken: string[]) => ({ npm_lifecycle_event: name, ...Object.fromEntries(taken.map((o) => [`npm_config_${o.replace(/-/g, "_")}`, "true"])) });
  const firstLine = (r: Run) => r.stderr.split("\n")[0];

  it.each([
    // A value of --format or --fail-on gives npm away, with no help from the environment.
    ["grants", {}, ["mermaid"], 'grants: npm took --format as its own option (npm reads the options before `--`), so grants got "mermaid" as argument. Fix: put `--` before the command\'s options: `npm run --silent grants -- --format mermaid`'],
    ["grants:diff", {}, ["base", "head", "json"], "`npm run --silent grants:diff -- base head --format json`"],
    ["grants:diff", {}, ["widens,risk", "base", "head"], "`npm run --silent grants:diff -- base head --fail-on widens,risk`"],
    // An option npm took as a flag (npm_config_<option>=true while this script runs).
    ["policy", npm("policy", "model"), ["my model.yaml"], "npm took --model as its own option (npm reads the options before `--`), so policy got \"my model.yaml\" as argument. Fix: put `--` before the command's options: `npm run --silent policy -- --model 'my model.yaml'`"],
    ["audit", npm("audit", "env"), ["dev"], "`npm run --silent audit -- --env dev`"],
    ["bundle:check", npm("bundle:check", "model"), ["m.yaml", "repo"], 'bundle:check: npm took --model as its own option (npm reads the options before `--`), so bundle:check got "m.yaml" "repo" as arguments. Fix: put `--` before the command\'s options: `npm run --silent bundle:check -- --model ...`'],
    ["plan-guard", npm("plan-guard", "plan", "stack"), ["none", "head", "ref-prod"], "npm took --stack and --plan as its own options"],
    ["rehearse", npm("rehearse", "env"), [], "rehearse: npm took --env as its own option (npm reads the options before `--`), so rehearse never got it. Fix: put `--` before the command's options: `npm run --silent rehearse -- --env`"],
    ["synth", npm("synth", "out"), ["/tmp/x"], "synth: npm took --out as its own option (npm reads the options before `--`), and synth takes no --out either: it writes to $CDKTF_OUTDIR, else cdktf.out. Fix: choose the output directory with `CDKTF_OUTDIR=DIR npm run synth`"],
  ] as const)("rejects %s %j with args %j: exit 2, what npm took and the line that works", async (name, env, args, message) => {
    const r = await runScriptWith(name, env, ...args);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: "" });
    expect(firstLine(r)).toContain(message);
    expect(r.stderr).toMatch(/\nusage: /);
  });

  it("reads an argument that names an existing path as that path, even when it is also an option's value", async () => {
    const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "npm-took-"));
    fs.mkdirSync(path.join(dir, "prod"));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await runScriptWith("grants:diff", {}, "prod", "head");
      expect(firstLine(r)).toMatch(/^grants:diff: prod: not a cdktf output directory/);
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [[], "plan-guard: --stack NAME (the stack the plan is of) and --plan FILE (the plan as `terraform show -json` writes it) are required"],
    [["--stack", "ref-prod"], "plan-guard: --plan FILE (the plan as `terraform show -json` writes it) is required"],
    [["--plan", "plan.json"], "plan-guard: --stack NAME (the stack the plan is of) is required"],
  ] as const)("rejects plan-guard without its flags %j: exit 2, what each missing flag is", async (flags, message) => {
    const r = await runScriptWith("plan-guard", {}, "none", "head", ...flags);
    expect({ status: r.status, stdout: r.stdout, first: firstLine(r) }).toEqual({ status: 2, stdout: "", first: message });
  });

  it("rejects a stray argument as before when npm took nothing (another script's variables do not count)", async () => {
    const r = await runScriptWith("policy", npm("test", "model"), "x.yaml");
    expect(firstLine(r)).toBe('policy: unexpected argument "x.yaml"');
  });

  it("names CDKTF_OUTDIR when synth is given an output option after `--`", async () => {
    for (const option of ["--out", "--outdir", "-o"]) {
      const r = await runScriptWith("synth", {}, option, "/tmp/x");
      expect(r.status).toBe(2);
      expect(firstLine(r)).toBe(`synth: Unknown option '${option}': synth takes no ${option}; it writes to $CDKTF_OUTDIR, else cdktf.out. Fix: choose the output directory with \`CDKTF_OUTDIR=DIR npm run synth\``);
      expect(r.stderr).toContain("usage: [CDKTF_OUTDIR=DIR] [ENVIRONMENTS_FILE=FILE] npm run synth");
    }
    expect((await runScript("synth", "--help")).stdout).toContain("CDKTF_OUTDIR=DIR npm run synth");
  });
});
