// For `npm run bench`: deploy-check, plan-guard or grants:diff run in this process, RUNS times after a first run
// (modules loaded, the code warm), to time the command's own work (reading the model, the output and
// the plan, the checks, the summary) without node's and the modules' start-up, which at the bench's
// sizes is most of a run and hides how the work grows. Each run is the command as its script runs
// it (lib/commands, arguments parsed, files read and written), its output discarded. Prints the
// median CPU milliseconds of a run (user and system: what the work costs, whatever else the machine
// is doing; a wall clock on a shared machine also counts the waiting), the median wall milliseconds,
// and the exit code, which must be the same every run; then the output's first and last lines (what
// the bench checks before it trusts the times).
// Usage: node scripts/run-ts.js scripts/bench-plan.ts RUNS deploy-check|plan-guard|grants-diff ARGS...
import { executeCommand, type Command } from "../lib/review/cli";

const COMMANDS: { readonly [name: string]: () => Command } = {
  "deploy-check": () => (require("../lib/commands/deploy-check") as typeof import("../lib/commands/deploy-check")).deployCheckCommand,
  "plan-guard": () => (require("../lib/commands/plan-guard") as typeof import("../lib/commands/plan-guard")).planGuardCommand,
  "grants-diff": () => (require("../lib/commands/grants-diff") as typeof import("../lib/commands/grants-diff")).grantsDiffCommand,
};

async function main(): Promise<void> {
  const [runsText, name, ...args] = process.argv.slice(2);
  const runs = Number(runsText);
  if (!/^[1-9]\d*$/.test(runsText ?? "") || !COMMANDS[name ?? ""]) {
    process.stderr.write("usage: node scripts/run-ts.js scripts/bench-plan.ts RUNS deploy-check|plan-guard|grants-diff ARGS...\n");
    process.exit(2);
  }
  const command = COMMANDS[name]();
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let written = "";
  const once = async (): Promise<{ ms: number; cpu: number; code: number }> => {
    written = "";
    process.stdout.write = ((chunk: string | Uint8Array) => ((written += String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => ((written += String(chunk)), true)) as typeof process.stderr.write;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    try {
      const code = await executeCommand(command, args);
      const cpu = process.cpuUsage(cpuStart);
      return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpu: (cpu.user + cpu.system) / 1e3, code };
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
  };
  const first = await once();
  if (first.code === 2) {
    err(written);
    process.exit(2);
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await once();
    if (r.code !== first.code) throw new Error(`bench-plan: ${name} exited ${r.code}, the first run ${first.code}`);
    wall.push(r.ms);
    cpu.push(r.cpu);
  }
  const lines = written.split("\n").filter(Boolean);
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return runs % 2 ? s[(runs - 1) / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
  };
  out(`${name}: ${median(cpu).toFixed(1)} ms CPU, ${median(wall).toFixed(1)} ms wall (medians of ${runs}), exit ${first.code}\n${lines.length > 0 ? [lines[0], lines[lines.length - 1]].join("\n") : "(no output)"}\n`);
  process.exitCode = 0;
}

void main();
