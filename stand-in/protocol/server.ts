/**
 * The plugin process's side of go-plugin (v1.6.0, what terraform 1.11.4 uses): a gRPC server on
 * 127.0.0.1 with mutual TLS, announced by ONE line on stdout,
 * `1|6|tcp|127.0.0.1:PORT|grpc|<server certificate, DER, base64 without padding>`
 * (core protocol 1, plugin protocol 6). Terraform's client certificate arrives in PLUGIN_CLIENT_CERT;
 * terraform dials with ServerName "localhost". When terraform is done it calls
 * plugin.GRPCController/Shutdown and waits up to 2 s for the process to exit, so the process exits
 * right after answering.
 */
import * as grpc from "@grpc/grpc-js";
import { PROVIDER_RPCS, root, type ProviderRpc } from "./tfplugin6";

/** go-plugin's handshake cookie for terraform providers (terraform's internal/plugin6 HandshakeConfig). */
export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

type Handler = (request: { [k: string]: unknown }) => { [k: string]: unknown };
export type ProviderHandlers = { readonly [rpc in ProviderRpc]: Handler };

function method(pkg: string, service: string, name: string, requestType: string, responseType: string): grpc.MethodDefinition<object, object> {
  const req = root.lookupType(`${pkg}.${requestType}`);
  const res = root.lookupType(`${pkg}.${responseType}`);
  return {
    path: `/${pkg}.${service}/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (v: object) => Buffer.from(req.encode(req.fromObject(v)).finish()),
    requestDeserialize: (b: Buffer) => req.toObject(req.decode(b), { longs: Number, defaults: false }),
    responseSerialize: (v: object) => Buffer.from(res.encode(res.fromObject(v)).finish()),
    responseDeserialize: (b: Buffer) => res.toObject(res.decode(b), { longs: Number }),
  };
}

export interface ServeOptions {
  readonly handlers: ProviderHandlers;
  /** The server's certificate and key (PEM); with `clientCertPem`, mutual TLS. */
  readonly certPem?: string;
  readonly keyPem?: string;
  readonly clientCertPem?: string;
  /** Called with the handshake's address once listening. */
  readonly onListening: (address: string) => void;
  readonly onShutdown: () => void;
  readonly log: (line: string) => void;
}

export function serve(opts: ServeOptions): grpc.Server {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 256 * 1024 * 1024, "grpc.max_send_message_length": 256 * 1024 * 1024 });
  const provider: { [name: string]: grpc.MethodDefinition<object, object> } = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, [req, res]] of Object.entries(PROVIDER_RPCS) as [ProviderRpc, readonly [string, string]][]) {
    provider[name] = method("tfplugin6", "Provider", name, req, res);
    implementation[name] = (call: grpc.ServerUnaryCall<{ [k: string]: unknown }, object>, callback: grpc.sendUnaryData<object>) => {
      const started = Date.now();
      try {
        const response = opts.handlers[name](call.request);
        opts.log(`${name} ${String(call.request.type_name ?? "")} ${Date.now() - started} ms`);
        callback(null, response);
      } catch (e) {
        opts.log(`${name} failed: ${(e as Error)?.stack ?? String(e)}`);
        callback({ code: grpc.status.INTERNAL, details: `stand-in provider: ${(e as Error)?.message ?? String(e)}` } as grpc.ServiceError, null);
      }
    };
  }
  server.addService(provider as grpc.ServiceDefinition, implementation);
  server.addService(
    { Shutdown: method("plugin", "GRPCController", "Shutdown", "Empty", "Empty") },
    {
      Shutdown: (_call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
        callback(null, {});
        setImmediate(() => opts.onShutdown());
      },
    },
  );
  const credentials =
    opts.certPem && opts.keyPem && opts.clientCertPem
      ? grpc.ServerCredentials.createSsl(Buffer.from(opts.clientCertPem), [{ cert_chain: Buffer.from(opts.certPem), private_key: Buffer.from(opts.keyPem) }], true)
      : grpc.ServerCredentials.createInsecure();
  server.bindAsync("127.0.0.1:0", credentials, (error, port) => {
    if (error) {
      opts.log(`cannot listen: ${error.message}`);
      process.exit(1);
    }
    opts.onListening(`127.0.0.1:${port}`);
  });
  return server;
}
