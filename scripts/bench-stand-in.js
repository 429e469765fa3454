#!/usr/bin/env node
// Used by `npm run bench`: median milliseconds from starting the stand-in provider (as terraform
// does: magic cookie, client certificate) to its handshake line, over N starts. Prints the number.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const n = Number(process.argv[2] ?? 9);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-stand-in-"));

function once(env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(root, "scripts", "run-ts.js"), path.join(root, "stand-in", "main.ts")], { env, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.once("data", (d) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      child.kill();
      if (!/^1\|6\|tcp\|/.test(d.toString())) reject(new Error(`not a handshake: ${d}`));
      else resolve(ms);
    });
    child.on("error", reject);
  });
}

(async () => {
  // The certificate install.ts writes, made once (as for every rehearsal).
  const { spawnSync } = require("child_process");
  const tls = path.join(dir, "tls");
  const script = path.join(dir, "cert.ts");
  fs.writeFileSync(script, `import { writeCertificate, makeCertificate } from ${JSON.stringify(path.join(root, "stand-in", "cert"))};\nwriteCertificate(${JSON.stringify(tls)});\nprocess.stdout.write(makeCertificate().certPem);\n`);
  const client = spawnSync(process.execPath, [path.join(root, "scripts", "run-ts.js"), script], { encoding: "utf8" }).stdout;
  const env = { ...process.env, TF_PLUGIN_MAGIC_COOKIE: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2", PLUGIN_PROTOCOL_VERSIONS: "5,6", PLUGIN_CLIENT_CERT: client, UC_STAND_IN_TLS_DIR: tls };
  await once(env); // warm-up: the compile cache
  const times = [];
  for (let i = 0; i < n; i++) times.push(await once(env));
  times.sort((a, b) => a - b);
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${times[Math.floor(times.length / 2)].toFixed(0)}\n`);
})().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
