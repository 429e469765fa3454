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
  const [command, ...rest] = SCRIPTS[name].split(" ");
  if (command !== "node") throw new Error(`script ${name} is not a node command: ${SCRIPTS[name]}`);
  const file = rest[0] === "scripts/run-ts.js" ? rest[1] : rest[0];
  return runFileInProcess(path.join(ROOT, file), [...rest.slice(rest[0] === "scripts/run-ts.js" ? 2 : 1), ...args]);
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
