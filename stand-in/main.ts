/**
 * The stand-in provider process: what terraform starts as `terraform-provider-databricks_v1.99.0`
 * (install.ts writes a wrapper that runs this file). stdout carries the go-plugin handshake line and
 * nothing else; everything else goes to stderr (terraform logs it with TF_LOG=debug).
 */
import * as path from "path";
import { handshakeCert, readCertificate } from "./cert";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, serve } from "./protocol/server";
import { StandInProvider } from "./provider/provider";
import { TLS_DIR_ENV } from "./main-env";

const debug = process.env.UC_STAND_IN_DEBUG === "1";
const log = (line: string) => {
  if (debug) process.stderr.write(`[stand-in ${process.pid}] ${line}\n`);
};

if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
  process.stderr.write(
    "This binary is a plugin (the uc-env-isolation stand-in for the databricks/databricks provider). These are not meant to be\n" +
      "executed directly. Please execute the program that consumes these plugins (terraform), which will load them as needed.\n",
  );
  process.exit(1);
}
const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? "6").split(",");
if (!versions.includes("6")) {
  process.stderr.write(`stand-in provider: terraform offers plugin protocol versions ${versions.join(",")}; the stand-in speaks only 6 (terraform >= 1.0)\n`);
  process.exit(1);
}

const provider = new StandInProvider(process.env);
const clientCertPem = process.env.PLUGIN_CLIENT_CERT;
const tls = clientCertPem ? readCertificate(process.env[TLS_DIR_ENV] ?? path.join(__dirname, "..", "tls")) : undefined;
const handlers = Object.fromEntries(
  (
    [
      "GetMetadata",
      "GetProviderSchema",
      "ValidateProviderConfig",
      "ValidateResourceConfig",
      "ValidateDataResourceConfig",
      "UpgradeResourceState",
      "ConfigureProvider",
      "ReadResource",
      "PlanResourceChange",
      "ApplyResourceChange",
      "ImportResourceState",
      "ReadDataSource",
      "GetFunctions",
      "StopProvider",
    ] as const
  ).map((name) => [name, (req: { [k: string]: unknown }) => (provider[name] as (r: typeof req) => { [k: string]: unknown })(req)]),
) as unknown as Parameters<typeof serve>[0]["handlers"];

const server = serve({
  handlers,
  ...(tls ? { certPem: tls.certPem, keyPem: tls.keyPem, clientCertPem } : {}),
  onListening: (address) => {
    process.stdout.write(`1|6|tcp|${address}|grpc${tls ? `|${handshakeCert(tls.certPem)}` : ""}\n`);
    log(`listening on ${address}`);
  },
  onShutdown: () => {
    log("shutdown");
    // Let the Shutdown answer reach terraform (go-plugin then counts the exit as graceful), then go.
    server.tryShutdown(() => process.exit(0));
    setTimeout(() => process.exit(0), 500).unref();
  },
  log,
});

// Terraform kills a provider that outlives it; should terraform itself die, do not linger.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
