/**
 * Acceptance of the day-2 flow (docs/changing-access.md, docs/another-organisation.md), in a copy of the repository: one edit of environments.yaml, then what
 * `npm run update` does (refreshGenerated, the same function), then the tests that read the live
 * model pass, and git shows only the model and generated files, never a .ts file.
 *
 * Why not the whole `npm test` in the copy: it would double the suite's time. Only the tests listed
 * in LIVE_MODEL_TESTS read the live model (checked below), and they run the checks of checks.ts;
 * the flow runs those same checks on each copy, in this process (the copies' code is this code: the
 * flow asserts that no .ts file changes). The rest of the suite reads fixture models, so it cannot
 * change with the model; `npm run update` also runs jest -u on the snapshots, which the flow leaves
 * out for the same reason.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDocument, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import { loadEnvironmentModel } from "../../lib/model/load";
import { refreshGenerated, type Refreshed } from "../../scripts/lib/generated";
import { ROOT } from "../helpers";
import { LIVE_MODEL_TESTS } from "./affected";
import { addressProblems, live, liveProblems, outputProblems } from "./checks";

/** What `git diff` may show after the flow: the model and the files npm run update writes. */
const GENERATED = [
  /^environments\.yaml$/,
  /^terraform-addresses\.json$/,
  /^__tests__\/live\/output\/[^/]+\.json$/,
  /^__tests__\/fixtures\/synth\/.+\.json$/,
  /^__tests__\/__snapshots__\/[^/]+\.snap$/,
  /^\.github\/workflows\/(deploy|pull-request|audit)\.yml$/,
  /^\.github\/CODEOWNERS$/,
];

/**
 * What `npm run update` reads and writes (docs/changing-access.md): the copy holds these,
 * with node_modules linked; the code is this repository's (the flow asserts no .ts file changes,
 * and a write anywhere in the copy shows in its snapshot, a new file included).
 */
const DATA = ["environments.yaml", "terraform-addresses.json", "cdktf.json", "package.json", "__tests__/live/output", "__tests__/fixtures/synth", "__tests__/fixtures/models", "__tests__/__snapshots__", ".github/workflows", ".github/CODEOWNERS"];

function copyOfRepository(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-flow-"));
  for (const rel of DATA) if (fs.existsSync(path.join(ROOT, rel))) fs.cpSync(path.join(ROOT, rel), path.join(dir, rel), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** Every file of a copy and a hash of its content; what a clone's git ignores (node_modules, the synthesized output) left out. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!rel && (e.name === "node_modules" || e.name === "cdktf.out" || e.name.startsWith("cdktf.out."))) continue;
      if (e.isDirectory()) walk(r);
      else out.set(r, crypto.createHash("sha1").update(fs.readFileSync(path.join(dir, r))).digest("hex"));
    }
  };
  walk("");
  return out;
}

interface Flow {
  readonly dir: string;
  readonly refreshed: Refreshed;
  readonly changed: string[];
}

/** One model edit in a fresh copy (after `setup`, part of the copy as found), then the update; the live tests run concurrently for both flows. */
function edit(change: (dir: string) => void, setup?: (dir: string) => void): { dir: string; refreshed: Refreshed; changed: string[] } {
  const dir = copyOfRepository();
  setup?.(dir);
  const before = snapshot(dir);
  change(dir);
  const refreshed = refreshGenerated(dir);
  const after = snapshot(dir);
  // What `git status` would list: files added, removed or changed.
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();
  return { dir, refreshed, changed };
}

const flows: Record<"access" | "adoption" | "rename", Flow> = {} as never;
let production = "";
let replacementStacks: string[] = [];
/** A file of the user's in the recorded output folder during the adoption's update: still there after it? */
let foreignNoteKept = false;
const FOREIGN_NOTE = "__tests__/live/output/NOTES.md";
let group = "";

/**
 * "Give dev read on prod": a group with nothing on production (dev, in the seed's model) gets
 * `read` there, as a person would write it (comments and layout kept). A live model in which every
 * group reaches production gets a new group with read there instead.
 */
function giveReadOnProduction(dir: string): void {
  const file = path.join(dir, "environments.yaml");
  const model = loadEnvironmentModel(file);
  production = model.production.key;
  const outsider = model.groups.find((g) => !model.access.some((a) => a.group.key === g.key && a.environment.key === production));
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  group = outsider?.key ?? "flow_test_readers";
  if (!outsider) doc.setIn(["groups", group], "Flow Test Readers");
  doc.setIn(["access", group, production], "read");
  fs.writeFileSync(file, String(doc));
}

/**
 * "Rename a group key": the first group that the model grants something to gets the key
 * `<key>_renamed` everywhere the file names it (groups, access, sandbox creators, adopted grants),
 * as a person would do it; the group itself is the same.
 */
let renamedFrom = "";
function renameGroupKey(dir: string): void {
  const file = path.join(dir, "environments.yaml");
  const model = loadEnvironmentModel(file);
  renamedFrom = model.access[0].group.key;
  const to = `${renamedFrom}_renamed`;
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  const rekey = (at: string[]) => {
    const map = doc.getIn(at, true) as YAMLMap<Scalar<string>, unknown> | undefined;
    for (const pair of map?.items ?? []) if (pair.key.value === renamedFrom) pair.key.value = to;
  };
  rekey(["groups"]);
  rekey(["access"]);
  const relist = (at: (string | number)[]) => {
    const seq = doc.getIn(at, true) as YAMLSeq<Scalar<string>> | undefined;
    for (const item of seq?.items ?? []) if (item.value === renamedFrom) item.value = to;
  };
  relist(["sandbox", "creators"]);
  for (const env of model.environments) relist(["environments", env.key, "catalog", "adopt", "groupGrants"]);
  fs.writeFileSync(file, String(doc));
}

beforeAll(() => {
  const t0 = Date.now();
  const access = edit(giveReadOnProduction);
  flows.rename = edit(renameGroupKey);
  // Another organisation's model replaces the live one (the reference organisation's, if the live
  // model already is that other one).
  const models = path.join(ROOT, "__tests__", "fixtures", "models");
  const live = fs.readFileSync(path.join(ROOT, "environments.yaml"), "utf8");
  const other = [path.join(models, "other-org.yaml"), path.join(models, "reference.yaml")].find((f) => fs.readFileSync(f, "utf8") !== live)!;
  replacementStacks = loadEnvironmentModel(other).environments.map((e) => e.stackName);
  const adoption = edit(
    (dir) => fs.copyFileSync(other, path.join(dir, "environments.yaml")),
    (dir) => fs.writeFileSync(path.join(dir, FOREIGN_NOTE), "my notes\n"),
  );
  foreignNoteKept = fs.existsSync(path.join(adoption.dir, FOREIGN_NOTE)) && fs.readFileSync(path.join(adoption.dir, FOREIGN_NOTE), "utf8") === "my notes\n";
  fs.rmSync(path.join(adoption.dir, FOREIGN_NOTE)); // the live checks below read the folder
  if (process.env.UC_FLOW_TIMING) process.stderr.write(`edits+update ${Date.now() - t0} ms\n`);
  flows.access = access;
  flows.adoption = adoption;
}, 60_000);

afterAll(() => {
  for (const f of Object.values(flows)) if (f?.dir) fs.rmSync(f.dir, { recursive: true, force: true });
});

describe("both flows", () => {
  it.each(["access", "adoption", "rename"] as const)("%s: passes the checks of the tests that read the live model, in its copy", (name) => {
    expect(liveProblems(flows[name].dir)).toEqual([]);
  });

  it("would fail a copy whose recorded files are not the update's (the checks do look)", () => {
    // The access copy's recorded output and addresses, against this repository's model (the edit undone).
    const unchanged = live(ROOT);
    const stale = { ...unchanged, root: flows.access.dir };
    expect(outputProblems(stale)).toEqual([expect.stringContaining("differ from what environments.yaml synthesizes now")]);
    expect(addressProblems(stale)).toEqual([expect.stringContaining("is no longer declared")]);
  });
});

describe.each(["access", "adoption", "rename"] as const)("the %s flow: edit the model, npm run update, npm test", (name) => {
  it("changes only the model and generated files, no .ts file", () => {
    const { changed } = flows[name];
    expect(changed).toContain("environments.yaml");
    expect(changed.filter((f) => !GENERATED.some((re) => re.test(f)))).toEqual([]);
    expect(changed.filter((f) => f.endsWith(".ts"))).toEqual([]);
  });
});

describe("what each flow changed", () => {
  it("access: the production stack's snapshot and addresses gain the group's lookup and grant", () => {
    const { refreshed, changed } = flows.access;
    const prod = refreshed.model.production;
    expect(changed).toEqual(expect.arrayContaining([`__tests__/live/output/${prod.stackName}.json`, "terraform-addresses.json"]));
    expect(refreshed.addresses).toEqual(
      expect.arrayContaining([`+ ${prod.stackName} data.databricks_group.${group}`, expect.stringMatching(new RegExp(`^\\+ ${prod.stackName} databricks_grant\\.catalog_${prod.catalog.name}__group_${group}$`))]),
    );
    expect(refreshed.addresses.filter((l) => l.startsWith("-"))).toEqual([]); // nothing destroyed
  });

  it("rename: update writes a moved entry for every renamed grant into the model, so nothing is destroyed", () => {
    const { dir, refreshed } = flows.rename;
    const to = `${renamedFrom}_renamed`;
    expect(refreshed.renames.length).toBeGreaterThan(0);
    const moved = loadEnvironmentModel(path.join(dir, "environments.yaml")).moved;
    for (const r of refreshed.renames) {
      expect(r.from).toMatch(new RegExp(`__group_${renamedFrom}$`));
      expect(r.to).toBe(r.from.replace(new RegExp(`__group_${renamedFrom}$`), `__group_${to}`));
      expect(moved[r.stack]).toContainEqual({ from: r.from, to: r.to });
    }
    // Only the lookups (data sources: nothing in state) leave; every grant is renamed, not destroyed.
    expect(refreshed.addresses.filter((l) => l.startsWith("-") && !l.includes(" data.") && !l.includes("moved in state, not destroyed"))).toEqual([]);
    // The file keeps its comments.
    expect(fs.readFileSync(path.join(dir, "environments.yaml"), "utf8")).toContain("# The organisation's facts");
  });

  it("adoption: the other organisation's stacks replace the old ones in the manifest and the workflows", () => {
    const { dir, refreshed, changed } = flows.adoption;
    expect(refreshed.model.environments.map((e) => e.stackName)).toEqual(replacementStacks);
    expect(changed).toEqual(expect.arrayContaining([".github/workflows/deploy.yml", ".github/workflows/pull-request.yml", ...replacementStacks.map((n) => `__tests__/live/output/${n}.json`)]));
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, "terraform-addresses.json"), "utf8")))).toEqual([...replacementStacks].sort());
    expect(fs.readFileSync(path.join(dir, ".github", "workflows", "pull-request.yml"), "utf8")).toContain(`stack: [${replacementStacks.join(", ")}]`);
  });

  it("adoption: the old stacks' recorded outputs are removed, a file update did not write is left there, with a warning", () => {
    const { refreshed } = flows.adoption;
    const changed = refreshed.changed;
    const old = loadEnvironmentModel(path.join(ROOT, "environments.yaml")).environments.map((e) => `__tests__/live/output/${e.stackName}.json`);
    expect(changed).toEqual(expect.arrayContaining(old));
    expect(changed).not.toContain(FOREIGN_NOTE);
    expect(foreignNoteKept).toBe(true);
    expect(refreshed.warnings).toContain(`${FOREIGN_NOTE} was not written by npm run update (not a stack's recorded output), so it is left alone; the folder holds only <stack>.json files: move it elsewhere`);
  });
});

describe("the tests that read the live model", () => {
  it("are exactly LIVE_MODEL_TESTS (every other test reads a fixture model)", () => {
    const tests: string[] = [];
    const walk = (rel: string) => {
      for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
        if (e.isDirectory() && e.name !== "fixtures") walk(`${rel}/${e.name}`);
        else if (e.name.endsWith(".ts")) tests.push(`${rel}/${e.name}`);
      }
    };
    walk("__tests__");
    // The live model is reachable as LIVE_MODEL_FILE (helpers.ts) or by its path from the root.
    const readers = tests.filter((f) => /LIVE_MODEL_FILE|ROOT, "environments\.yaml"/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
    const self = "__tests__/live/update-flow.test.ts"; // reads the copies' models, not this one
    expect(readers.filter((f) => f !== "__tests__/helpers.ts" && f !== self).sort()).toEqual([...LIVE_MODEL_TESTS].sort());
  });
});

describe("npm run addresses:update and npm run update, as real processes in a copy", () => {
  // The scripts themselves (argument checks, the modules they load after them, what they print),
  // after the access edit; the flows above call refreshGenerated, which `update` runs.
  const script = (name: string, dir: string) =>
    spawnSync(process.execPath, [path.join(ROOT, "scripts", "run-ts.js"), path.join(ROOT, "scripts", `${name}.ts`)], { cwd: dir, encoding: "utf8", env: { ...process.env, ENVIRONMENTS_FILE: "" } });
  let dir = "";
  afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("records the edit's addresses, then refreshes the rest: the copy passes the live checks", () => {
    dir = copyOfRepository();
    giveReadOnProduction(dir);
    const prod = loadEnvironmentModel(path.join(dir, "environments.yaml")).production;

    const addresses = script("addresses-update", dir);
    expect({ status: addresses.status, stderr: addresses.stderr.replace(/^warning: .*\n/gm, "") }).toEqual({ status: 0, stderr: "" });
    expect(addresses.stdout.split("\n")).toEqual(expect.arrayContaining(["terraform-addresses.json updated:", `+ ${prod.stackName} data.databricks_group.${group}`]));

    const update = script("update", dir);
    expect(update.status).toBe(0);
    expect(update.stdout).toContain(`generated files changed (1):\n  __tests__/live/output/${prod.stackName}.json`); // the manifest was already recorded
    expect(update.stdout).not.toContain("terraform addresses");
    expect(update.stdout).toMatch(/Review `git diff`, then run `npm test`\.\n$/);
    expect(liveProblems(dir)).toEqual([]);
  });
});
