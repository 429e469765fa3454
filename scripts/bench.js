#!/usr/bin/env node
// `npm run bench`: median wall time and peak memory of
//   (a) synthesizing all stacks the way the cdktf CLI runs cdktf.json's `app` (a shell, CDKTF_OUTDIR set)
//   (b) `npm test` (type-check + jest)
//   (c) `npm run bundle` and (d) `npm run bundle:check` on the default model (the fixture outputs and
//       the target-state fixture repository): the command `npm run` runs, without npm's own start-up
//   (e) `npm run audit` over the model's environments with the fake CLI (__tests__/fixtures/audit),
//       a process per CLI command, on the recorded clean state
//   (f) the same audit with the recorded responses answered in-process: its own time, without the CLI's
//   (g) `npm run policy` on the default output
//   (h)-(m) scale, on models generated with scripts/generate-model.js (same schema, N environments x
//       G groups): synth of ~1,000 and ~10,000 grants, and `policy`, `grants`, `grants:diff` on the
//       10,000-grant output; (n) the 10k/1k time ratio of each, which stays near 10 when cost is linear
//   (o) the day-2 acceptance tests alone (__tests__/live/update-flow.test.ts: two repository copies, a
//       model edit and the update in each, the live tests of both); part of (b), no target of its own
//   (p) `npm run rehearse` of the default model's three stacks (synth, terraform init and plan of each
//       against the stand-in provider); (q) its floor, measured in the same run: one `terraform version`
//       (terraform's own start) and the stand-in provider's start-up to its handshake line; (r) the ratio
//       of (p) to the floor of its terraform runs (3 stacks x init, plan and show)
//   (s) `npm run verdict` as the verdict job runs it (a git repository with the base and the merge
//       commit, the head's artifact; it synthesizes the base itself): Dev given read on prod, and
//       (t) a comment-only change of the ~10,000-grant model
//   (u) `bundle:check` on a generated pipelines repository (scripts/generate-bundle-repo.js): 200
//       resource files and 100 notebooks, and (v) the audit over 1,000 tables in prod
//       (scripts/generate-audit-state.js, the CLI's answers in-process: the audit's own time); each
//       with its ratio to (z), node's start-up in the same run, and (w) how each grows from a tenth of
//       the size (time above start-up, 10x the size: about 10 when the cost is linear), and the
//       fake CLI's time for the 1,000-table audit's commands, estimated from (e)
//   (x) `npm run deploy-check` and (y) `npm run plan-guard` on one stack's plan at scale: models of 3
//       environments (~1,000 and ~10,000 grants, so that one stack's plan grows 10x too: ~340 and
//       ~3,340 resources), the production stack's plan as `terraform show -json` writes it
//       (scripts/generate-plan.ts, checked against the real terraform by __tests__/e2e/
//       generated-plan.test.ts) for its first deploy (every resource created) and for a large change
//       (scripts/generate-model.js --changed: grants revoked, widened, narrowed and replaced, a schema
//       added and one destroyed, which both guards refuse); the 10k rows, and how each command's own
//       work (CPU time, in one process after a first run: scripts/bench-plan.ts) grows from 1k to 10k;
//       and (m) `npm run grants:diff` of the same model with every group's key renamed (--renamed:
//       every grant declared again at a new address without a moved block, a re-grant row each)
// Every row is also printed as a ratio to a floor measured first in the same run (node's start-up,
// `node -e 0`), and every target is such a ratio, so a row reads the same on a faster or a busier
// machine; the header names the machine. Targets (x floor): (a) <= 12 and <= 100 MiB, (b) <= 350,
// (c), (d), (g) <= 12, (e) <= 250, (f) <= 25, (h) <= 25, (i) <= 150 and <= 400 MiB, (j), (k), (s),
// (u), (v), (x) <= 35, (y) <= 25, (l) <= 50, (m) <= 100, (t) <= 250, (p) <= 450 (terraform 1.11.x must be
// installed; without it (p) is a miss); (n), (w), and (m), (x) and (y)'s growth ratios <= 15 (10 when
// the cost is linear).
// Exits 1 when a target is missed.
// Usage: npm run bench [-- --synth-runs N --bundle-runs N --audit-runs N --scale-runs N --test-runs N --rehearse-runs N --skip-test]
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const USAGE = "usage: npm run bench [-- --synth-runs N] [--bundle-runs N] [--audit-runs N] [--scale-runs N] [--test-runs N] [--rehearse-runs N] [--skip-test]";
const HELP =
  "Measures median wall time and peak memory, (a) to (z) as listed at the top of scripts/bench.js: synth,\n" +
  "npm test, bundle, bundle:check, audit, policy, the scale runs on generated models, the day-2\n" +
  "acceptance tests, the rehearsal with the real terraform, the access verdict, bundle:check and the audit\n" +
  "at scale, and deploy-check and plan-guard on plans of thousands of resources, against node's start-up.\n" +
  "Prints a Markdown table; exit 1 when a target is missed.\n" +
  "Progress (which measurement, which run) goes to stderr.\n" +
  "--synth-runs N   runs of (a), (g) and (s) (default 15)\n--bundle-runs N  runs of (c), (d), (u) and (z) (default 15)\n" +
  "--audit-runs N   runs of (e), (f) and (v) (default 5)\n--scale-runs N   runs of (h) to (m), (t), (x) and (y) (default 3)\n" +
  "--test-runs N    runs of (b) and (o) (default 3)\n--rehearse-runs N runs of (p) and (q) (default 3)\n--skip-test      leave out (b) and (o)";

/** --help, or the options; bad usage exits 2 before anything runs. */
function parseOptions(argv) {
  const { parseArgs } = require("util");
  const fail = (message) => {
    process.stderr.write(`bench: ${message}\n${USAGE}\n`);
    process.exit(2);
  };
  const counts = ["synth-runs", "bundle-runs", "audit-runs", "scale-runs", "test-runs", "rehearse-runs"];
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...Object.fromEntries(counts.map((c) => [c, { type: "string" }])), "skip-test": { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }));
  } catch (e) {
    fail(e.message.split(". To specify")[0]);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n\n${HELP}\n`);
    process.exit(0);
  }
  const count = (name, dflt) => {
    if (values[name] === undefined) return dflt;
    if (!/^[1-9]\d*$/.test(values[name])) fail(`--${name} must be a positive whole number, got ${JSON.stringify(values[name])}`);
    return Number(values[name]);
  };
  return {
    synthRuns: count("synth-runs", 15),
    bundleRuns: count("bundle-runs", 15),
    auditRuns: count("audit-runs", 5),
    scaleRuns: count("scale-runs", 3),
    testRuns: count("test-runs", 3),
    rehearseRuns: count("rehearse-runs", 3),
    skipTest: values["skip-test"] === true,
  };
}
const { synthRuns, bundleRuns, auditRuns, scaleRuns, testRuns, rehearseRuns, skipTest } = parseOptions(process.argv.slice(2));
const progress = (text) => process.stderr.write(`bench: ${text}\n`);
/** `n` measurements of `command`, with progress. */
const runs = (label, n, command, env) =>
  Array.from({ length: n }, (_, i) => {
    progress(`${label}: run ${i + 1}/${n}`);
    return measure(command, env);
  });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const medianOf = (command, env, n) => {
  measure(command, env); // warm-up (compile cache)
  const r = runs(command.split(" > ")[0], n, command, env);
  return { seconds: median(r.map((x) => x.seconds)), mib: median(r.map((x) => x.mib)) };
};

/** Runs a shell command; returns wall seconds and the peak RSS (MiB) of its largest node process. */
function measure(command, env) {
  const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-rss-"));
  const preload = path.join(__dirname, "bench-rss.js");
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ""} --require ${preload}`.trim();
  const start = process.hrtime.bigint();
  const run = spawnSync(command, {
    cwd: root,
    shell: true,
    encoding: "utf8",
    env: { ...process.env, ...env, NODE_OPTIONS: nodeOptions, BENCH_RSS_DIR: rssDir },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error(`bench: \`${command}\` exited ${run.status}`);
  }
  const kb = fs.readdirSync(rssDir).map((f) => Number(fs.readFileSync(path.join(rssDir, f), "utf8")));
  fs.rmSync(rssDir, { recursive: true, force: true });
  return { seconds, mib: Math.max(0, ...kb) / 1024 };
}

// The floor: node's own start-up on this machine, now. Every row is also said as a ratio to it, and
// every target is one, so a row reads the same on a faster or a busier machine.
progress("(z) the floor: node start-up");
const FLOOR = median(runs("(z) node start-up", Math.max(bundleRuns, 15), "node -e 0", {}).map((r) => r.seconds));
const rows = [];
/** A timed row: its median against the floor, met when within `maxRatio` times it (and `maxMib`). */
function timed(label, runsText, m, maxRatio, maxMib) {
  const ratio = m.seconds / FLOOR;
  rows.push({ label, runs: runsText, seconds: m.seconds, ratio, mib: m.mib, target: `<= ${maxRatio}x${maxMib !== undefined ? `, <= ${maxMib} MiB` : ""}`, met: ratio <= maxRatio && (maxMib === undefined || m.mib <= maxMib) });
}
/** A row that is a ratio or a note of its own (growth with size, an estimate). */
function note(label, runsText, text, target, met) {
  rows.push({ label, runs: runsText, text, target, met });
}

const { app } = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));
const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-out-"));
const synthEnv = { CDKTF_OUTDIR: path.join(out, "cdktf.out"), CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true" };
progress("(a) synth: warm-up run (fills the compile cache, as any earlier run on the machine has)");
measure(app, synthEnv);
const synth = runs("(a) synth, all stacks", synthRuns, app, synthEnv);
fs.rmSync(out, { recursive: true, force: true });

timed("(a) synth, all stacks", `${synthRuns} runs`, { seconds: median(synth.map((r) => r.seconds)), mib: median(synth.map((r) => r.mib)) }, 12, 100);

// The bundle commands as `npm run --silent bundle[:check]` runs them (node scripts/run-ts.js ...).
const bundleFixtures = path.join("__tests__", "fixtures", "bundles");
const outputs = path.join(bundleFixtures, "stack-outputs.json");
const bundleCommands = [
  ["(c) bundle (generate)", `node scripts/run-ts.js scripts/bundle.ts --outputs ${outputs} > ${os.devNull}`],
  ["(d) bundle:check, target-state fixture", `node scripts/run-ts.js scripts/bundle-check.ts ${path.join(bundleFixtures, "target-state")} --outputs ${outputs} > ${os.devNull}`],
];
for (const [label, command] of bundleCommands) {
  measure(command, {}); // warm-up (compile cache)
  const measured = runs(label, bundleRuns, command, {});
  timed(label, `${bundleRuns} runs`, { seconds: median(measured.map((r) => r.seconds)), mib: median(measured.map((r) => r.mib)) }, 12);
}

const fakeDir = path.join(root, "__tests__", "fixtures", "audit");
const auditEnv = { DATABRICKS_CLI: path.join(fakeDir, "databricks"), FAKE_DATABRICKS_STATE: path.join(fakeDir, "clean-default.json"), DATABRICKS_AUTH_TYPE: "" };
measure("node scripts/run-ts.js scripts/bench-audit.ts", auditEnv); // warm-up, as for synth
const auditCli = runs("(e) audit, fake CLI", auditRuns, "node scripts/run-ts.js scripts/audit.ts", auditEnv);
const auditOwn = runs("(f) audit without the CLI", auditRuns, "node scripts/run-ts.js scripts/bench-audit.ts", auditEnv);
const auditCliTime = median(auditCli.map((r) => r.seconds));
const auditOwnTime = median(auditOwn.map((r) => r.seconds));
// The audit reads every schema's four listings and every object's grants: ~200 commands, a node process each.
timed("(e) audit, 3 environments, fake CLI (a node process per CLI command)", `${auditRuns} runs`, { seconds: auditCliTime, mib: median(auditCli.map((r) => r.mib)) }, 250);
timed("(f) audit without the CLI's time", `${auditRuns} runs`, { seconds: auditOwnTime, mib: median(auditOwn.map((r) => r.mib)) }, 25);

// --- bundle:check and the audit at scale, against node's start-up ---------------------------------
{
  const floor = FLOOR;
  const scaleRoot = fs.mkdtempSync(path.join(os.tmpdir(), "bench-bundle-"));
  const { generateBundleRepo } = require("./generate-bundle-repo");
  const check = (resources, notebooks) => {
    const dir = generateBundleRepo(resources, notebooks, path.join(scaleRoot, `${resources}-${notebooks}`));
    return medianOf(`node scripts/run-ts.js scripts/bundle-check.ts ${dir} --outputs ${outputs} > ${os.devNull}`, {}, bundleRuns);
  };
  const big = check(200, 100);
  const small = check(20, 10);
  fs.rmSync(scaleRoot, { recursive: true, force: true });
  const commandsOf = (tables) => {
    const r = spawnSync("node scripts/run-ts.js scripts/bench-audit.ts", { cwd: root, shell: true, encoding: "utf8", env: { ...process.env, ...auditEnv, BENCH_AUDIT_TABLES: String(tables) } });
    return Number(/(\d+) CLI commands/.exec(r.stderr)?.[1] ?? NaN);
  };
  const audit = (tables) => medianOf(`node scripts/run-ts.js scripts/bench-audit.ts > ${os.devNull}`, { ...auditEnv, BENCH_AUDIT_TABLES: String(tables) }, auditRuns);
  const a1000 = audit(1000);
  const a100 = audit(100);
  const commands1000 = commandsOf(1000);
  const commandsDefault = commandsOf(0);
  // (e) ran the default state's commands as processes, four at a time: the same per command at 1,000 tables.
  const fakeCli = ((auditCliTime - auditOwnTime) * commands1000) / commandsDefault;
  timed("(u) bundle:check, 200 resource files, 100 notebooks (generated)", `${bundleRuns} runs`, big, 35);
  timed(`(v) audit, 1,000 tables (${commands1000} CLI commands answered in-process)`, `${auditRuns} runs`, a1000, 35);
  const growth = (a, b) => (a.seconds - floor) / Math.max(b.seconds - floor, 1e-3);
  const ratios = [
    [`bundle:check 20+10 to 200+100 (${small.seconds.toFixed(3)} to ${big.seconds.toFixed(3)} s)`, growth(big, small)],
    [`audit 100 to 1,000 tables (${a100.seconds.toFixed(3)} to ${a1000.seconds.toFixed(3)} s)`, growth(a1000, a100)],
  ];
  note("(w) 10x size: time above start-up grows", "", ratios.map(([k, r]) => `${k} ${r.toFixed(1)}`).join(", "), "<= 15 each (10: linear)", ratios.every(([, r]) => r <= 15));
  note("(w) the 1,000-table audit's commands through the fake CLI (estimated from e)", `${commands1000} commands`, `~${fakeCli.toFixed(0)} s (${(fakeCli / floor).toFixed(0)}x)`, "(a process each)", true);
}

// --- the policy on the default output, and scale ---------------------------------------------------
const { generateModel, grantCount } = require("./generate-model");
const scaleDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-scale-"));
{
  const defaultOut = path.join(scaleDir, "default", "cdktf.out");
  measure(app, { CDKTF_OUTDIR: defaultOut });
  const policy = medianOf(`node scripts/run-ts.js scripts/policy.ts --out ${defaultOut} > ${os.devNull}`, {}, synthRuns);
  timed("(g) policy, default output", `${synthRuns} runs`, policy, 12);
}
/**
 * The verdict job's command on `baseText` -> `headText`: a repository holding both commits (one git
 * fast-import), the head's artifact as the head job uploads it, then `npm run verdict`'s command in
 * the repository (the base's checkout) with the base's model.
 */
function verdictBench(label, baseText, headText, n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-verdict-"));
  const repo = path.join(dir, "repo");
  fs.mkdirSync(repo);
  const git = (args, input) => spawnSync("git", args, { cwd: repo, input, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: dir } });
  git(["init", "-q"]);
  const data = (s) => `data ${Buffer.byteLength(s)}\n${s}`;
  const commit = (mark, text, from) => ["commit refs/heads/main", `mark :${mark}`, "committer b <b@example.com> 0 +0000", data("bench"), ...(from ? [`from :${from}`] : []), "M 100644 inline environments.yaml", data(text), ""].join("\n");
  git(["fast-import", "--quiet", `--export-marks=${path.join(dir, "marks")}`], `${commit(1, baseText)}\n${commit(2, headText, 1)}\n`);
  const [base, merge] = fs.readFileSync(path.join(dir, "marks"), "utf8").trim().split("\n").map((l) => l.split(" ")[1]);
  fs.writeFileSync(path.join(repo, "environments.yaml"), baseText);
  const head = path.join(dir, "head-output");
  fs.mkdirSync(head);
  fs.writeFileSync(path.join(head, "environments.yaml"), headText);
  fs.writeFileSync(path.join(head, "commit"), `${merge}\n`);
  // Synthesized as the head job does, in its checkout (the local state paths lead to the checkout).
  fs.mkdirSync(path.join(dir, "head-synth"));
  measure(`cd ${path.join(dir, "head-synth")} && node ${path.join(root, "scripts", "run-ts.js")} ${path.join(root, "main.ts")}`, { ENVIRONMENTS_FILE: path.join(head, "environments.yaml") });
  fs.cpSync(fs.realpathSync(path.join(dir, "head-synth", "cdktf.out")), path.join(head, "cdktf.out"), { recursive: true });
  const command = `cd ${repo} && node ${path.join(root, "scripts", "run-ts.js")} ${path.join(root, "scripts", "verdict.ts")} --head ${head} --base-commit ${base} --merge-commit ${merge} > ${os.devNull}`;
  const m = medianOf(command, { ENVIRONMENTS_FILE: "" }, n);
  fs.rmSync(dir, { recursive: true, force: true });
  return m;
}
{
  const seed = fs.readFileSync(path.join(root, "__tests__", "fixtures", "models", "reference.yaml"), "utf8");
  const honest = seed.replace("  dev: { dev: read, staging: read }", "  dev: { dev: read, staging: read, prod: read }");
  const v = verdictBench("(s)", seed, honest, synthRuns);
  timed("(s) verdict, Dev given read on prod (base synthesized by it)", `${synthRuns} runs`, v, 35);
}
const scale = {};
for (const [size, environments, groups] of [["1k", 20, 48], ["10k", 100, 98]]) {
  const model = path.join(scaleDir, `model-${size}.yaml`);
  fs.writeFileSync(model, generateModel(environments, groups));
  const outDir = path.join(scaleDir, size, "cdktf.out");
  const env = { ENVIRONMENTS_FILE: model, CDKTF_OUTDIR: outDir };
  const grants = grantCount(environments, groups);
  process.stderr.write(`bench: ${size}: ${environments} environments x ${groups} groups, ${grants} grants, ${fs.statSync(model).size} bytes of model\n`);
  scale[size] = {
    grants,
    synth: medianOf(app, env, scaleRuns),
    policy: medianOf(`node scripts/run-ts.js scripts/policy.ts --out ${outDir} --model ${model} > ${os.devNull}`, {}, scaleRuns),
    grantsReport: medianOf(`node scripts/run-ts.js scripts/grants.ts --out ${outDir} --model ${model} > ${os.devNull}`, {}, scaleRuns),
    diff: medianOf(`node scripts/run-ts.js scripts/grants-diff.ts ${outDir} ${outDir} --model ${model} > ${os.devNull}`, {}, scaleRuns),
  };
  if (size === "10k") {
    const text = fs.readFileSync(model, "utf8");
    const v = verdictBench("(t)", text, `${text}# a comment\n`, scaleRuns);
    scale.verdict = { grants, m: v };
  }
}
fs.rmSync(scaleDir, { recursive: true, force: true });
{
  const [k1, k10] = [scale["1k"], scale["10k"]];
  const runsText = `${scaleRuns} runs`;
  timed(`(h) synth, ${k1.grants} grants (generated)`, runsText, k1.synth, 25);
  timed(`(i) synth, ${k10.grants} grants (generated)`, runsText, k10.synth, 150, 400);
  timed(`(j) policy, ${k10.grants} grants`, runsText, k10.policy, 35);
  timed(`(k) grants, ${k10.grants} grants`, runsText, k10.grantsReport, 35);
  timed(`(l) grants:diff, ${k10.grants} grants`, runsText, k10.diff, 50);
  // Start-up (node, modules, the model) is paid once whatever the size, so the ratio of the whole
  // command's time stays below the grants' ratio (~10) when the cost per grant is constant.
  const ratios = ["synth", "policy", "grantsReport", "diff"].map((k) => [k, k10[k].seconds / k1[k].seconds]);
  timed(`(t) verdict, ${scale.verdict.grants} grants, comment-only change`, runsText, scale.verdict.m, 250);
  note("(n) 10k/1k time ratio", "", ratios.map(([k, r]) => `${k} ${r.toFixed(1)}`).join(", "), "<= 15 each (10: linear)", ratios.every(([, r]) => r <= 15));
}

// --- deploy-check and plan-guard on plans of every grant of a stack, at scale ----------------------
// Models of 3 environments (so that one stack's plan grows with the model: ~330 and ~3,300 grants
// each), the production stack's plan written by scripts/generate-plan.ts as `terraform show -json`
// does: (a) its first deploy, every resource created, over an empty state; (b) the changed model
// (scripts/generate-model.js --changed: grants revoked, widened, narrowed and replaced, a schema
// added and one dropped) over the first one's state. The change destroys a schema, so both guards
// fail it (exit 1): checked once before timing, with the verdict line, so that what is timed is the
// check of the whole plan and not an early refusal.
{
  const planRoot = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const environments = 3;
  const stack = `gen-e${environments}`;
  const runTs = (args) => {
    const r = spawnSync(process.execPath, [path.join(__dirname, "run-ts.js"), ...args], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bench: ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return r;
  };
  const at = {};
  const inProcessRuns = (size) => (size === "1k" ? 3 : 1) * Math.max(5, scaleRuns);
  for (const [size, groups] of [["1k", 333], ["10k", 3330]]) {
    const dir = path.join(planRoot, size);
    fs.mkdirSync(dir);
    const file = (f) => path.join(dir, f);
    fs.writeFileSync(file("base.yaml"), generateModel(environments, groups));
    fs.writeFileSync(file("head.yaml"), generateModel(environments, groups, { changed: true }));
    fs.writeFileSync(file("renamed.yaml"), generateModel(environments, groups, { renamed: true }));
    progress(`(m), (x), (y) ${size}: synth of the generated model, its change and its renamed keys, the plans of ${stack}`);
    measure(app, { ENVIRONMENTS_FILE: file("base.yaml"), CDKTF_OUTDIR: file("base.out") });
    measure(app, { ENVIRONMENTS_FILE: file("head.yaml"), CDKTF_OUTDIR: file("head.out") });
    measure(app, { ENVIRONMENTS_FILE: file("renamed.yaml"), CDKTF_OUTDIR: file("renamed.out") });
    runTs(["scripts/generate-plan.ts", "none", file("base.out"), "--stack", stack, "--out", file("first")]);
    runTs(["scripts/generate-plan.ts", file("base.out"), file("head.out"), "--stack", stack, "--out", file("change")]);
    const resources = (p) => JSON.parse(fs.readFileSync(file(`${p}/plan.json`), "utf8")).resource_changes.filter((r) => r.change.actions[0] !== "no-op").length;
    const deployArgs = (p, out, model) => ["--stack", stack, "--plan-file", file(`${p}/plan.json`), "--plan", file(`${p}/plan.json`), "--plan-text", file(`${p}/plan.txt`), "--commit", commit, "--out", file(out), "--model", file(model), "--summary", file(`${p}/summary.md`)];
    const cases = {
      dcFirst: { command: "deploy-check", args: deployArgs("first", "base.out", "base.yaml"), exit: 0, verdict: /deploy guard: passed: \d+ changes/ },
      dcChange: { command: "deploy-check", args: deployArgs("change", "head.out", "head.yaml"), exit: 1, verdict: /deploy guard: FAILED: 1 catalog, schema or principal destroyed or replaced, 0 changes the model does not explain/ },
      pgFirst: { command: "plan-guard", args: ["none", file("base.out"), "--stack", stack, "--plan", file("first/plan.json")], exit: 0, verdict: /plan guard: passed: \d+ changes/ },
      pgChange: { command: "plan-guard", args: [file("base.out"), file("head.out"), "--stack", stack, "--plan", file("change/plan.json")], exit: 1, verdict: /plan guard: FAILED: 1 catalog, schema or principal destroyed or replaced, 0 changes not explained/ },
      // Every access change a re-grant row (a risk), and terraform's creates and deletes.
      diffRenamed: { command: "grants-diff", args: [file("base.out"), file("renamed.out"), "--base-model", file("base.yaml"), "--head-model", file("renamed.yaml")], exit: 0, verdict: /^### Access changes: (\d+) \(\1 risk\)[^\n]*\n\*\*Terraform\*\* .*: gen-e3: \d+ create, \d+ delete/m },
    };
    at[size] = { grants: grantCount(environments, groups), first: resources("first"), change: resources("change") };
    for (const [key, c] of Object.entries(cases)) {
      const script = path.join("scripts", `${c.command}.ts`);
      // The command's own work (CPU time), in one process after a first run: the ratio that shows how
      // it grows. More runs of the small size, whose few milliseconds a collection of garbage can double.
      progress(`(m), (x), (y) ${size}: ${c.command} in-process, ${inProcessRuns(size)} runs`);
      const inProcess = runTs(["scripts/bench-plan.ts", String(inProcessRuns(size)), c.command, ...c.args]).stdout;
      const [, ms, exit] = /: ([\d.]+) ms CPU, [\d.]+ ms wall \(medians of \d+\), exit (\d+)\n/.exec(inProcess) ?? [];
      if (Number(exit) !== c.exit || !c.verdict.test(inProcess)) throw new Error(`bench: ${c.command} on the ${size} plan: expected exit ${c.exit} and ${c.verdict}, got: ${inProcess}`);
      const quoted = c.args.map((a) => JSON.stringify(a)).join(" ");
      const m = medianOf(`node scripts/run-ts.js ${script} ${quoted} > ${os.devNull}${c.exit === 0 ? "" : `; test $? -eq ${c.exit}`}`, {}, scaleRuns);
      at[size][key] = { ...m, ms: Number(ms) };
    }
  }
  fs.rmSync(planRoot, { recursive: true, force: true });
  const [k1, k10] = [at["1k"], at["10k"]];
  const runsText = `${scaleRuns} runs`;
  timed(`(x) deploy-check, first deploy of ${stack} (${k10.first} resources created), ${k10.grants}-grant model`, runsText, k10.dcFirst, 35);
  timed(`(x) deploy-check, a change of ${stack} (${k10.change} resources revoked, widened, narrowed, replaced, added, destroyed)`, runsText, k10.dcChange, 35);
  timed(`(y) plan-guard, first deploy of ${stack} (${k10.first} resources), ${k10.grants}-grant model`, runsText, k10.pgFirst, 25);
  timed(`(y) plan-guard, a change of ${stack} (${k10.change} resources)`, runsText, k10.pgChange, 25);
  timed(`(m) grants:diff, every group's key renamed (each grant declared again, no moved blocks), ${k10.grants} grants`, runsText, k10.diffRenamed, 100);
  const names = { dcFirst: "deploy-check first", dcChange: "deploy-check change", pgFirst: "plan-guard first", pgChange: "plan-guard change", diffRenamed: "grants:diff renamed" };
  const growth = Object.keys(names).map((k) => [names[k], k10[k].ms / k1[k].ms, k1[k].ms, k10[k].ms]);
  note(
    `(m), (x), (y) 10x size (${k1.grants} to ${k10.grants} grants, ${k1.first} to ${k10.first} resources in the plan): each command's own work (CPU, in-process, scripts/bench-plan.ts) grows`,
    `medians of ${inProcessRuns("1k")}, ${inProcessRuns("10k")}`,
    growth.map(([k, r, a, b]) => `${k} ${r.toFixed(1)} (${a.toFixed(0)} to ${b.toFixed(0)} ms)`).join(", "),
    "<= 15 each (10: linear)",
    growth.every(([, r]) => r <= 15),
  );
}

{
  const { isSupported, terraformVersion } = require("./lib/terraform-version");
  const found = terraformVersion();
  if (!isSupported(found)) {
    note("(p) rehearse, 3 stacks (default model)", "-", "-", `needs terraform 1.11.x; found ${found ?? "none"}`, false);
  } else {
    const model = { ENVIRONMENTS_FILE: path.join(root, "__tests__", "fixtures", "models", "reference.yaml"), TF_CLI_CONFIG_FILE: os.devNull };
    const rehearse = medianOf(`node scripts/run-ts.js scripts/rehearse.ts > ${os.devNull}`, model, rehearseRuns);
    const tfVersion = medianOf(`terraform version > ${os.devNull}`, { TF_CLI_CONFIG_FILE: os.devNull, CHECKPOINT_DISABLE: "1" }, rehearseRuns);
    const startup = spawnSync(process.execPath, [path.join(__dirname, "bench-stand-in.js"), String(Math.max(5, rehearseRuns * 3))], { cwd: root, encoding: "utf8" });
    const startupMs = Number(startup.stdout.trim());
    timed("(p) rehearse, 3 stacks (default model)", `${rehearseRuns} runs`, rehearse, 450);
    note("(q) terraform's own floor: terraform version; stand-in start-up", `${rehearseRuns} runs; ${Math.max(5, rehearseRuns * 3)} starts`, `${tfVersion.seconds.toFixed(3)} s; ${startupMs} ms`, "(floor)", Number.isFinite(startupMs));
    // 9 terraform commands (init, plan, show per stack) on 2 cores: the floor of their starts.
    note("(r) rehearse / 9 terraform starts", "", `${(rehearse.seconds / (9 * tfVersion.seconds)).toFixed(1)}`, "(ratio)", true);
  }
}

if (!skipTest) {
  const tests = runs("(b) npm test", testRuns, "npm test --silent", {});
  timed("(b) npm test", `${testRuns} runs`, { seconds: median(tests.map((r) => r.seconds)), mib: median(tests.map((r) => r.mib)) }, 350);
  // The test file directly (npm test runs it inside the day2 suite): its own time, start-up included.
  const flow = runs("(o) day-2 acceptance tests", testRuns, "node_modules/.bin/jest --silent __tests__/live/update-flow.test.ts", {});
  const flowTime = median(flow.map((r) => r.seconds));
  note("(o) day-2 acceptance tests alone (in b)", `${testRuns} runs`, `${flowTime.toFixed(2)} s (${(flowTime / FLOOR).toFixed(0)}x)`, "inside (b)", true);
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`machine: ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; node ${process.version}`);
console.log(`floor: node start-up (\`node -e 0\`), median of ${Math.max(bundleRuns, 15)} runs in this run: ${FLOOR.toFixed(3)} s. Targets are ratios to it.`);
console.log("| what | runs | median wall | x floor | median peak RSS | target | met |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  const cells = r.text !== undefined ? [r.label, r.runs, r.text, "", "", r.target] : [r.label, r.runs, `${r.seconds.toFixed(3)} s`, `${r.ratio.toFixed(1)}x`, `${r.mib.toFixed(1)} MiB`, r.target];
  console.log(`| ${cells.join(" | ")} | ${r.met ? "yes" : "NO"} |`);
}
process.exit(rows.every((r) => r.met) ? 0 : 1);
