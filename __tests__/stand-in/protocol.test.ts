/**
 * The stand-in's side of the plugin protocol without terraform: msgpack values (unknowns, refined
 * unknowns), the provider process's handshake over gRPC with mutual TLS, and its refusals.
 */
import * as grpc from "@grpc/grpc-js";
import { encode, ExtData } from "@msgpack/msgpack";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { makeCertificate, writeCertificate } from "../../stand-in/cert";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../stand-in/protocol/server";
import { PROVIDER_RPCS, root } from "../../stand-in/protocol/tfplugin6";
import { UNKNOWN, decodeValue, encodeValue, sameValue } from "../../stand-in/protocol/values";
import { seedWorkspace } from "../../stand-in/seed";
import { writeWorkspaceAtomically } from "../../stand-in/workspace/file";
import { loadSchema } from "../../stand-in/provider/schema";
import { ROOT, defaultModel } from "../helpers";

describe("values (DynamicValue msgpack)", () => {
  const t = loadSchema().resources.get("databricks_grant")!;

  it("round-trips a value, unknowns (extension 0) included", () => {
    const v = { ...decodeValue(encode({}), t.type) as object, catalog: "dev", principal: UNKNOWN, privileges: ["SELECT"], id: null };
    const back = decodeValue(encodeValue(v as any, t.type), t.type) as any;
    expect(back.catalog).toBe("dev");
    expect(back.principal).toBe(UNKNOWN);
    expect(back.privileges).toEqual(["SELECT"]);
    expect(back.schema).toBeNull();
  });

  it("reads a refined unknown (extension 12) as unknown", () => {
    const bytes = encode({ catalog: new ExtData(12, encode({ 1: false })) });
    expect((decodeValue(bytes, t.type) as any).catalog).toBe(UNKNOWN);
  });

  it("rejects a value that does not fit the schema, naming the attribute", () => {
    expect(() => decodeValue(encode({ privileges: "SELECT" }), t.type)).toThrow("privileges: expected a set");
  });

  it("compares sets without order", () => {
    expect(sameValue(["A", "B"], ["B", "A"], ["set", "string"])).toBe(true);
    expect(sameValue(["A", "B"], ["B", "A"], ["list", "string"])).toBe(false);
  });
});

describe("the provider process", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-stand-in-proc-"));
  const workspace = path.join(dir, "workspace.json");
  writeWorkspaceAtomically(workspace, seedWorkspace(defaultModel()));
  writeCertificate(path.join(dir, "tls"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const main = [path.join(ROOT, "scripts", "run-ts.js"), path.join(ROOT, "stand-in", "main.ts")];

  it("rejects being run directly (no magic cookie), with go-plugin's advice", () => {
    const r = spawnSync(process.execPath, main, { encoding: "utf8", env: { ...process.env, [MAGIC_COOKIE_KEY]: "" } });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("This binary is a plugin");
  });

  it("answers over mutual TLS as terraform dials it (ServerName localhost), and exits on GRPCController.Shutdown", async () => {
    const client = makeCertificate();
    const child = spawn(process.execPath, main, {
      env: { ...process.env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5,6", PLUGIN_CLIENT_CERT: client.certPem, UC_STAND_IN_TLS_DIR: path.join(dir, "tls"), UC_STAND_IN_WORKSPACE: workspace },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const line = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString())));
    const m = /^1\|6\|tcp\|(127\.0\.0\.1:\d+)\|grpc\|([A-Za-z0-9+/]+)\n$/.exec(line);
    expect(m).not.toBeNull();
    // The handshake's DER, base64 without padding, back to PEM (padding restored).
    const b64 = m![2].padEnd(Math.ceil(m![2].length / 4) * 4, "=");
    const serverPem = `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
    const call = (service: string, name: string, reqType: string, resType: string, body: object) =>
      new Promise<any>((resolve, reject) => {
        const req = root.lookupType(reqType);
        const res = root.lookupType(resType);
        const c = new grpc.Client(m![1], grpc.credentials.createSsl(Buffer.from(serverPem), Buffer.from(client.keyPem), Buffer.from(client.certPem)), { "grpc.ssl_target_name_override": "localhost" });
        c.makeUnaryRequest(`/${service}/${name}`, (v: object) => Buffer.from(req.encode(req.fromObject(v)).finish()), (b: Buffer) => res.toObject(res.decode(b), { longs: Number }), body, (err, value) => {
          c.close();
          if (err) reject(err);
          else resolve(value);
        });
      });
    const rpc = (name: keyof typeof PROVIDER_RPCS, body: object) => call("tfplugin6.Provider", name, `tfplugin6.${PROVIDER_RPCS[name][0]}`, `tfplugin6.${PROVIDER_RPCS[name][1]}`, body);
    const meta = await rpc("GetMetadata", {});
    expect(meta.resources.map((r: any) => r.type_name)).toContain("databricks_catalog");
    const providerType = loadSchema().providerType;
    const configured = await rpc("ConfigureProvider", { config: { msgpack: encodeValue({ host: "https://dbc-a72d6af9-df3d.cloud.databricks.com" } as any, providerType) } });
    expect(configured.diagnostics ?? []).toEqual([]);
    const group = loadSchema().dataSources.get("databricks_group")!;
    const read = await rpc("ReadDataSource", { type_name: "databricks_group", config: { msgpack: encodeValue({ display_name: "Databricks - Dev" } as any, group.type) } });
    expect((decodeValue(read.state.msgpack, group.type) as any).acl_principal_id).toBe("groups/Databricks - Dev");
    const missing = await rpc("ReadDataSource", { type_name: "databricks_group", config: { msgpack: encodeValue({ display_name: "Nobody" } as any, group.type) } });
    expect(missing.diagnostics[0].summary).toBe("cannot read group: cannot find group: Nobody");
    await call("plugin.GRPCController", "Shutdown", "plugin.Empty", "plugin.Empty", {});
    expect(await exited).toBe(0);
  });

  it("fails configuration for a host the workspace file does not know, naming the host", () => {
    const { StandInProvider } = require("../../stand-in/provider/provider") as typeof import("../../stand-in/provider/provider");
    const p = new StandInProvider({ UC_STAND_IN_WORKSPACE: workspace });
    const r = p.ConfigureProvider({ config: { msgpack: encodeValue({ host: "https://dbc-unknown.cloud.databricks.com" } as any, loadSchema().providerType) } }) as any;
    expect(r.diagnostics[0].summary).toBe("cannot reach https://dbc-unknown.cloud.databricks.com");
    expect(r.diagnostics[0].detail).toContain("knows the workspaces https://dbc-a72d6af9-df3d.cloud.databricks.com");
    const none = new StandInProvider({}).ConfigureProvider({}) as any;
    expect(none.diagnostics[0].detail).toContain("UC_STAND_IN_WORKSPACE is not set");
  });
});
