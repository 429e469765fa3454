/**
 * The workspace file: the format's validation (each problem named by its field, with the fix), the
 * pre-deploy seed, and changes by several processes at once (none lost).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { seedWorkspace, stableDigits } from "../../stand-in/seed";
import { readWorkspace, updateWorkspace, validateWorkspace, writeWorkspaceAtomically } from "../../stand-in/workspace/file";
import { WORKSPACE_FORMAT } from "../../stand-in/workspace/types";
import { ROOT, WORKSPACE_IDS, defaultModel, defaultModelData, modelFrom } from "../helpers";

const fullModel = () => {
  const data = defaultModelData();
  for (const [env, id] of Object.entries(WORKSPACE_IDS)) data.environments[env].workspace.id = id;
  data.environments.dev.catalog.adopt = { catalog: true, schemas: ["bronze"], groupGrants: ["dev"] };
  data.github = { repository: "o/r", planServicePrincipal: { name: "plan-sp", applicationId: "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f" } };
  data.account = { id: "0d26daa6-5e44-4c97-a497-ef015f91254a", profile: "acct" };
  return modelFrom(data);
};

describe("the pre-deploy workspace (seed)", () => {
  it("has the metastore, the workspaces by host, and the model's groups assigned to every workspace", () => {
    const ws = seedWorkspace(defaultModel());
    expect(ws.format).toBe(WORKSPACE_FORMAT);
    expect(ws.metastore.id).toBe("4c140405-61ff-4e4e-9684-07078639218e");
    expect(Object.keys(ws.workspaces)).toEqual(["https://dbc-a72d6af9-df3d.cloud.databricks.com", "https://dbc-fab2a42a-8d11.cloud.databricks.com", "https://dbc-028d9e53-7ce6.cloud.databricks.com"]);
    const ids = Object.values(ws.workspaces).map((w) => w.id);
    expect(new Set(ids).size).toBe(3);
    expect(Object.keys(ws.groups).sort()).toEqual(["Databricks - Account Admin", "Databricks - Dev", "Databricks - Prod", "Databricks - Prod - ReadOnly", "Databricks - Staging"]);
    for (const g of Object.values(ws.groups)) expect(g.workspaces).toEqual(ids);
    expect(ws.states).toEqual({});
    expect(seedWorkspace(defaultModel())).toEqual(ws); // a pure function of the model
  });

  it("has each adopted catalog owned by the old stack's principal, with the retired principals' grants, and nothing the stacks create", () => {
    const ws = seedWorkspace(defaultModel());
    expect(Object.keys(ws.catalogs)).toEqual(["dev", "staging", "prod"]);
    for (const c of Object.values(ws.catalogs)) {
      expect(c.owner).toBe("f920d175-cf7c-43a2-a6c0-e9ccb42c02d2");
      expect(c.grants).toEqual({ "f920d175-cf7c-43a2-a6c0-e9ccb42c02d2": ["ALL_PRIVILEGES"] });
      expect(c.schemas).toEqual({});
    }
    expect(Object.values(ws.servicePrincipals).map((sp) => sp.displayName)).toEqual(["github-service-principal"]);
  });

  it("has the model's workspace IDs, adopted schemas and group grants, and the plan principal", () => {
    const ws = seedWorkspace(fullModel());
    expect(Object.values(ws.workspaces).map((w) => w.id)).toEqual(Object.values(WORKSPACE_IDS));
    expect(Object.keys(ws.catalogs.dev.schemas)).toEqual(["bronze"]);
    expect(ws.catalogs.dev.grants["Databricks - Dev"]).toEqual(["EXECUTE", "READ_VOLUME", "SELECT", "USE_CATALOG", "USE_SCHEMA"]);
    expect(ws.servicePrincipals[stableDigits("sp:7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f")]).toMatchObject({ displayName: "plan-sp", workspaces: Object.values(WORKSPACE_IDS) });
    expect(ws.account).toEqual({ id: "0d26daa6-5e44-4c97-a497-ef015f91254a", host: "https://accounts.cloud.databricks.com" });
  });
});

describe("the workspace file's format", () => {
  const seed = () => JSON.parse(JSON.stringify(seedWorkspace(defaultModel())));
  it.each([
    ["a file of another kind", (w: any) => delete w.format, 'format: expected "uc-env-isolation/stand-in-workspace@1", found nothing'],
    ["an unknown field", (w: any) => (w.catalog = {}), "catalog: unknown field; Fix: remove it"],
    ["a catalog without an owner", (w: any) => delete w.catalogs.dev.owner, 'catalogs."dev".owner: missing'],
    ["a bad isolation mode", (w: any) => (w.catalogs.dev.isolationMode = "PRIVATE"), 'catalogs."dev".isolationMode: expected "OPEN" or "ISOLATED", found string "PRIVATE"'],
    ["grants that are not lists", (w: any) => (w.catalogs.dev.grants.x = "SELECT"), 'catalogs."dev".grants."x": expected a list of strings'],
    ["a workspace without a numeric ID", (w: any) => (Object.values<any>(w.workspaces)[0].id = "12"), "expected a positive integer, found string \"12\""],
    ["a state that is not a Terraform state", (w: any) => (w.states["ref-dev"] = { resources: [] }), 'states."ref-dev": not a Terraform state'],
  ])("rejects %s, naming the field and the fix", (_name, edit, message) => {
    const w = seed();
    edit(w);
    expect(() => validateWorkspace(w, "w.json")).toThrow(message.replace("; Fix", ". Fix"));
  });

  it("rejects a file that is not JSON, or missing, with the fix", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-ws-"));
    fs.writeFileSync(path.join(dir, "w.json"), "{");
    expect(() => readWorkspace(path.join(dir, "w.json"))).toThrow(/w\.json: not valid JSON .*Fix: restore the file/);
    expect(() => readWorkspace(path.join(dir, "none.json"))).toThrow(/none\.json: cannot read the workspace file \(ENOENT\)/);
  });
});

describe("changing the workspace file", () => {
  it("loses no change when several processes change it at once (a lock, a fresh read, write and rename)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-ws-"));
    const file = path.join(dir, "w.json");
    writeWorkspaceAtomically(file, seedWorkspace(defaultModel()));
    const script = path.join(dir, "add.ts");
    fs.writeFileSync(
      script,
      `import { updateWorkspace } from ${JSON.stringify(path.join(ROOT, "stand-in", "workspace", "file"))};\n` +
        `for (let i = 0; i < 25; i++) updateWorkspace(process.argv[2], (ws) => { ws.users[\`u\${process.argv[3]}-\${i}@x\`] = { id: String(i) }; });\n`,
    );
    await Promise.all(
      [1, 2, 3, 4].map((n) => new Promise<void>((resolve, reject) => spawn(process.execPath, [path.join(ROOT, "scripts", "run-ts.js"), script, file, String(n)], { stdio: "inherit" }).on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))))),
    );
    expect(Object.keys(readWorkspace(file).users)).toHaveLength(1 + 100);
    expect(fs.readdirSync(dir).sort()).toEqual(["add.ts", "w.json"]);
  });

  it("takes over the lock of a process that died, and writes nothing when the change fails", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-ws-"));
    const file = path.join(dir, "w.json");
    writeWorkspaceAtomically(file, seedWorkspace(defaultModel()));
    const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
    fs.writeFileSync(`${file}.lock`, String(dead));
    updateWorkspace(file, (ws) => {
      ws.caller = "someone@example.com";
    });
    expect(readWorkspace(file).caller).toBe("someone@example.com");
    const before = fs.readFileSync(file, "utf8");
    expect(() =>
      updateWorkspace(file, (ws) => {
        ws.caller = "half@example.com";
        throw new Error("refused");
      }),
    ).toThrow("refused");
    expect(fs.readFileSync(file, "utf8")).toBe(before);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });
});
