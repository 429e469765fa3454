/**
 * The live access audit against recorded CLI responses, in-process: a clean workspace, each kind of
 * drift giving exactly its finding, pagination, CLI failures, odd privilege strings and names.
 */
import { CliFailure, DatabricksCli } from "../../lib/audit/databricks-cli";
import { normalizeLivePrivilege } from "../../lib/audit/grants";
import { sandboxUser, shortName } from "../../lib/audit/sandboxes";
import { expectedState } from "../../lib/audit/expected";
import { grantRows } from "../../lib/output/grants";
import { synthOutput } from "../helpers";
import { renderAuditMarkdown } from "../../lib/audit/report";
import { READ_VERBS } from "../fixtures/audit/responder";
import { IDS, PROD_PAGE_2, audit, brief, cleanState, model, ws } from "./support";

const READ = ["EXECUTE", "READ_VOLUME", "SELECT", "USE_CATALOG", "USE_SCHEMA"];

describe("a clean workspace", () => {
  it.each(["full", "default"] as const)("finds no drift in the recorded clean state of the %s model", async (which) => {
    const r = await audit(cleanState(which), { model: which });
    expect(r.findings).toEqual([]);
    expect(r.environments).toEqual(["dev", "staging", "prod"]);
    expect(renderAuditMarkdown(r, "environments.yaml")).toMatch(/^No drift: .* of dev, staging, prod against `environments.yaml`/);
  });

  it("reads the metastore, every catalog, schema and object, the bindings, the sandboxes and the storage, with read commands only", async () => {
    const r = await audit(cleanState("full"));
    const words = r.calls.map((c) => c.args.filter((a, i) => !["--output", "--profile"].includes(a) && !["--output", "--profile"].includes(c.args[i - 1])).join(" "));
    expect(words).toEqual(
      expect.arrayContaining([
        "grants get metastore 4c140405-61ff-4e4e-9684-07078639218e --max-results 0",
        "grants get catalog prod --max-results 0",
        PROD_PAGE_2,
        "grants get schema staging.models --max-results 0",
        "workspace-bindings get-bindings catalog dev",
        "catalogs get prod",
        "catalogs list --include-browse --include-unbound",
        "grants get catalog taylor_sandbox --max-results 0",
        "service-principals list",
        "current-user me",
        "metastores summary",
        "schemas list prod --include-browse",
        "tables list prod gold --include-browse --omit-columns --omit-properties",
        "volumes list prod bronze --include-browse",
        "functions list prod models --include-browse",
        "registered-models list --catalog-name prod --schema-name models --include-browse",
        "grants get table prod.gold.customers --max-results 0",
        "grants get volume prod.bronze.landing --max-results 0",
        "grants get function prod.models.churn_classifier --max-results 0", // a registered model: a FUNCTION to the grants API
        "external-locations list --include-browse --include-unbound",
        "storage-credentials list --include-unbound",
        "grants get external_location prod_landing --max-results 0",
        "grants get storage_credential ml_core_role --max-results 0",
      ]),
    );
    expect(words.filter((w) => w.startsWith("grants get schema"))).toHaveLength(12);
    // information_schema is Unity Catalog's own, and a location outside every environment's bucket is not read.
    expect(words.filter((w) => /information_schema|shared_exports|exports_role/.test(w))).toEqual([]);
    for (const c of r.calls) {
      expect(READ_VERBS.has(c.args[1])).toBe(true);
      expect(c.args).toEqual(expect.arrayContaining(["--output", "json"]));
      expect(c.code).toBe(0);
    }
  });

  it("signs in with each environment's profile locally, and in CI with the model's host and no profile", async () => {
    const local = await audit(cleanState("full"), { env: { DATABRICKS_HOST: "https://elsewhere.cloud.databricks.com" } });
    for (const c of local.calls) {
      expect(c.args.slice(-2)[0]).toBe("--profile");
      expect(c.env.DATABRICKS_HOST).toBeUndefined(); // a host left in the shell must not compete with the profile
    }
    const ci = await audit(cleanState("full"), { ambientAuth: true, env: { DATABRICKS_AUTH_TYPE: "github-oidc", DATABRICKS_HOST: "https://elsewhere.cloud.databricks.com" } });
    expect(ci.findings).toEqual([]);
    const m = model("full");
    for (const c of ci.calls) {
      expect(c.args).not.toContain("--profile");
      expect(m.environments.map((e) => e.workspace.host)).toContain(c.env.DATABRICKS_HOST);
      expect(c.env.DATABRICKS_AUTH_TYPE).toBe("github-oidc");
    }
    const prodCalls = ci.calls.filter((c) => c.args.includes("prod") && c.args[0] === "catalogs");
    expect(prodCalls.map((c) => c.env.DATABRICKS_HOST)).toEqual([m.production.workspace.host]);
  });

  it("audits only the environments asked for; the metastore and sandboxes with metastore.grantsFrom", async () => {
    const r = await audit(cleanState("full"), { environments: ["staging"] });
    expect(r.environments).toEqual(["staging"]);
    const commands = r.calls.map((c) => c.args.slice(0, 4).join(" "));
    // Who the audit runs as is read once per run, in the first audited workspace.
    const own = commands.filter((c) => !/^(service-principals list|current-user me|metastores summary)/.test(c));
    expect(own).toEqual(expect.not.arrayContaining([expect.stringMatching(/metastore|catalogs list|sandbox|location|credential| dev| prod/)]));
    expect(commands.filter((c) => c.startsWith("service-principals list"))).toHaveLength(3); // promotion grants name other workspaces' principals
  });

  it("rejects an environment the model does not declare", async () => {
    await expect(audit(cleanState("full"), { environments: ["qa"] })).rejects.toThrow('unknown environment "qa": full.yaml declares dev, staging, prod');
  });
});

describe("drift: each kind gives exactly its finding", () => {
  it("puts an out-of-band MODIFY on prod for Databricks - Dev first, marked PROD, as a risk", async () => {
    const s = cleanState("full");
    ws(s, "ref-prod")["grants get catalog prod --max-results 0"].privilege_assignments.push({ principal: "Databricks - Dev", privileges: ["MODIFY"] });
    // Drift elsewhere, so that the order is tested: a non-prod risk and a prod narrowing.
    ws(s, "ref-dev")["grants get catalog dev --max-results 0"].privilege_assignments.push({ principal: "Databricks - Staging", privileges: ["SELECT"] });
    ws(s, "ref-prod")[PROD_PAGE_2].privilege_assignments = ws(s, "ref-prod")[PROD_PAGE_2].privilege_assignments.filter((a: any) => a.principal !== IDS.plan);
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([
      { direction: "risk", prod: true, kind: "grant", securable: "catalog prod", principal: "Databricks - Dev" },
      { direction: "narrows", prod: true, kind: "grant", securable: "catalog prod", principal: "uc-env-isolation-plan" },
      { direction: "risk", prod: false, kind: "grant", securable: "catalog dev", principal: "Databricks - Staging" },
    ]);
    expect(r.findings[0]).toMatchObject({ added: ["MODIFY"], principalKind: "group", environment: "prod" });
    expect(r.findings[0].summary).toBe("out-of-band grant: +MODIFY; the model allows nothing here");
    expect(r.findings[0].fix).toMatch(/^REVOKE MODIFY ON CATALOG prod FROM `Databricks - Dev`; /);
    const md = renderAuditMarkdown(r, "full.yaml").split("\n");
    expect(md[0]).toBe("### Access audit: 3 findings (2 risk, 1 narrow), **2 in PROD**");
    expect(md.find((l) => l.startsWith("| **")) ?? "").toMatch(/^\| \*\*! risk\*\* \| \*\*PROD\*\* \| grant \| Databricks - Dev \(group\) \| catalog prod \| out-of-band grant: \+MODIFY/);
  });

  it("reports ALL_PRIVILEGES live where the model gives read, however the API spells it", async () => {
    const s = cleanState("full");
    const dev = ws(s, "ref-dev")["grants get catalog dev --max-results 0"].privilege_assignments;
    dev.find((a: any) => a.principal === "Databricks - Dev").privileges = ["ALL PRIVILEGES"];
    // The administrators' own grant, spelled the SQL way, is still theirs: no finding.
    ws(s, "ref-staging")["grants get catalog staging --max-results 0"].privilege_assignments[0].privileges = ["all privileges"];
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: false, kind: "grant", securable: "catalog dev", principal: "Databricks - Dev" }]);
    expect(r.findings[0].added).toEqual(["ALL_PRIVILEGES"]);
    expect(r.findings[0].fix).toContain("REVOKE ALL PRIVILEGES ON CATALOG dev FROM `Databricks - Dev`");
  });

  it("reports a catalog whose owner was changed to a user", async () => {
    const s = cleanState("full");
    ws(s, "ref-prod")["catalogs get prod"].owner = "mallory@refresh-os.example";
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: true, kind: "owner", securable: "catalog prod", principal: "mallory@refresh-os.example" }]);
    expect(r.findings[0]).toMatchObject({ declared: "ml-pipelines-prod-service-principal", live: "mallory@refresh-os.example" });
    expect(r.findings[0].summary).toMatch(/^owner is mallory@refresh-os.example \(a user\); the stacks declare ml-pipelines-prod-service-principal/);
    expect(r.findings[0].fix).toContain(`ALTER CATALOG prod OWNER TO \`${IDS.prod}\``);
  });

  it("reports a promotion binding made read-write", async () => {
    const s = cleanState("full");
    ws(s, "ref-dev")["workspace-bindings get-bindings catalog dev"][1].binding_type = "BINDING_TYPE_READ_WRITE";
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "widens", prod: false, kind: "binding", securable: "catalog dev", principal: undefined }]);
    expect(r.findings[0]).toMatchObject({ declared: "BINDING_TYPE_READ_ONLY", live: "BINDING_TYPE_READ_WRITE" });
    expect(r.findings[0].summary).toBe("bound to workspace 2222222222222222 read-write; the stacks declare read-only (environments.staging.promotion reads it)");
  });

  it("reports the prod catalog bound to the dev workspace, and a binding type left out as read-write", async () => {
    const s = cleanState("full");
    ws(s, "ref-prod")["workspace-bindings get-bindings catalog prod"].push({ workspace_id: 1111111111111111 });
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "widens", prod: true, kind: "binding", securable: "catalog prod", principal: undefined }]);
    expect(r.findings[0].summary).toBe("bound to workspace 1111111111111111 (read-write), which the stacks do not declare");
  });

  it("reports a missing promotion binding as narrowing", async () => {
    const s = cleanState("full");
    ws(s, "ref-staging")["workspace-bindings get-bindings catalog staging"].pop();
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "narrows", prod: false, kind: "binding", securable: "catalog staging", principal: undefined }]);
  });

  it("reports an ISOLATED catalog opened to every workspace", async () => {
    const s = cleanState("full");
    ws(s, "ref-prod")["catalogs get prod"].isolation_mode = "OPEN";
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "widens", prod: true, kind: "isolation", securable: "catalog prod", principal: undefined }]);
    expect(r.findings[0]).toMatchObject({ declared: "ISOLATED", live: "OPEN" });
  });

  it("leaves the isolation mode and bindings alone when the stacks do not manage them", async () => {
    const s = cleanState("default");
    ws(s, "ref-prod")["catalogs get prod"].isolation_mode = "ISOLATED";
    const r = await audit(s, { model: "default" });
    expect(r.findings).toEqual([]);
    expect(r.calls.some((c) => c.args[0] === "workspace-bindings")).toBe(false);
  });

  it("reports a declared grant revoked by hand as narrowing, with the stack whose deploy restores it", async () => {
    const s = cleanState("full");
    const page = ws(s, "ref-prod")["grants get catalog prod --max-results 0"];
    page.privilege_assignments = page.privilege_assignments.filter((a: any) => a.principal !== "Databricks - Prod - ReadOnly");
    ws(s, "ref-dev")["grants get schema dev.models --max-results 0"] = {};
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([
      { direction: "narrows", prod: true, kind: "grant", securable: "catalog prod", principal: "Databricks - Prod - ReadOnly" },
      { direction: "narrows", prod: false, kind: "grant", securable: "schema dev.models", principal: "ml-pipelines-staging-service-principal" },
    ]);
    expect(r.findings[0].removed).toEqual(READ);
    expect(r.findings[0].fix).toMatch(/^deploy ref-prod /);
    expect(r.findings[1].fix).toMatch(/^deploy ref-staging /); // the promoting stack declares the grant on dev.models
  });

  it("reports a grant within what the model allows, but not declared there, as other drift", async () => {
    const s = cleanState("full");
    ws(s, "ref-dev")["grants get schema dev.models --max-results 0"].privilege_assignments.push({ principal: "Databricks - Dev", privileges: ["SELECT"] });
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "neutral", prod: false, kind: "grant", securable: "schema dev.models", principal: "Databricks - Dev" }]);
  });

  it("reports a grant on the metastore the model does not give", async () => {
    const s = cleanState("full");
    ws(s, "ref-dev")["grants get metastore 4c140405-61ff-4e4e-9684-07078639218e --max-results 0"].privilege_assignments.push({ principal: "Databricks - Prod", privileges: ["CREATE_CATALOG", "CREATE_EXTERNAL_LOCATION"] });
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: false, kind: "grant", securable: "metastore 4c140405-61ff-4e4e-9684-07078639218e", principal: "Databricks - Prod" }]);
    expect(r.findings[0].fix).toMatch(/^REVOKE CREATE CATALOG, CREATE EXTERNAL LOCATION ON METASTORE FROM `Databricks - Prod`/);
  });

  it("names a retired principal granted by hand, and a deleted principal's leftover grant", async () => {
    const s = cleanState("full");
    ws(s, "ref-prod")[PROD_PAGE_2].privilege_assignments.push({ principal: IDS.legacy, privileges: ["MODIFY"] });
    ws(s, "ref-staging")["grants get schema staging.gold --max-results 0"] = { privilege_assignments: [{ privileges: ["SELECT"] }] }; // v1.13.0 prints a deleted principal's grant without principal (the SDK's PrivilegeAssignment has no principal_id)
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([
      { direction: "risk", prod: true, kind: "grant", securable: "catalog prod", principal: "github-service-principal (retired)" },
      { direction: "neutral", prod: false, kind: "grant", securable: "schema staging.gold", principal: "(deleted principal of unknown ID)" },
    ]);
  });
});

describe("sandboxes", () => {
  it("reports a sandbox catalog granted to another developer", async () => {
    const s = cleanState("full");
    ws(s, "ref-dev")["grants get catalog william_sandbox --max-results 0"].privilege_assignments.push({ principal: "taylor@refresh-os.example", privileges: ["USE_CATALOG", "SELECT"] });
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: false, kind: "sandbox", securable: "catalog william_sandbox", principal: "taylor@refresh-os.example" }]);
    expect(r.findings[0].summary).toBe(
      "sandbox catalog granted to someone other than its owner: +SELECT +USE_CATALOG; only william and Databricks - Account Admin may hold grants on it",
    );
  });

  it("reports a sandbox catalog owned by someone other than the user it is named after", async () => {
    const s = cleanState("full");
    const list = ws(s, "ref-dev")["catalogs list --include-browse --include-unbound"];
    list.find((c: any) => c.name === "taylor_sandbox").owner = "william@refresh-os.example";
    list.find((c: any) => c.name === "william_sandbox").owner = "Databricks - Dev";
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([
      // The previous owner keeps an explicit grant: with another owner, that grant is someone else's.
      { direction: "risk", prod: false, kind: "sandbox", securable: "catalog taylor_sandbox", principal: "taylor@refresh-os.example" },
      { direction: "risk", prod: false, kind: "sandbox", securable: "catalog taylor_sandbox", principal: "william@refresh-os.example" },
      { direction: "risk", prod: false, kind: "sandbox", securable: "catalog william_sandbox", principal: "Databricks - Dev" },
    ]);
  });

  it("matches a sandbox to its owner by the bundles' short name", () => {
    expect(shortName("Taylor.Smith@refresh-os.example")).toBe("taylor_smith");
    expect(shortName("_jo--ann__@x")).toBe("jo_ann");
    expect(sandboxUser("{user}_sandbox", "taylor_smith_sandbox")).toBe("taylor_smith");
    expect(sandboxUser("{user}_sandbox", "_sandbox")).toBeUndefined();
    expect(sandboxUser("sbx_{user}", "dev")).toBeUndefined();
  });
});

describe("odd input", () => {
  it("follows next_page_token: without the second page the prod principal's grant is missing", async () => {
    const s = cleanState("full");
    delete ws(s, "ref-prod")["grants get catalog prod --max-results 0"].next_page_token;
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([
      { direction: "narrows", prod: true, kind: "grant", securable: "catalog prod", principal: "ml-pipelines-prod-service-principal" },
      { direction: "narrows", prod: true, kind: "grant", securable: "catalog prod", principal: "uc-env-isolation-plan" },
    ]);
  });

  it("fails on a page token that repeats, instead of paging forever", async () => {
    const s = cleanState("full");
    ws(s, "ref-prod")[PROD_PAGE_2].next_page_token = "CAEaEgoQcHJvZC1wYWdlLTItdG9rZW4";
    await expect(audit(s)).rejects.toThrow(/next_page_token "CAEaEgoQcHJvZC1wYWdlLTItdG9rZW4" repeats an earlier page's/);
  });

  it("fails on a CLI error with the CLI's own message and the command that failed", async () => {
    const s = cleanState("full");
    const stderr = 'Error: Get "https://dbc-028d9e53-7ce6.cloud.databricks.com/api/2.1/unity-catalog/permissions/catalog/prod": dial tcp: i/o timeout\n';
    ws(s, "ref-prod")["grants get catalog prod --max-results 0"] = { $error: { code: 1, stderr } };
    const error = await audit(s).catch((e) => e);
    expect(error).toBeInstanceOf(CliFailure);
    expect(error.message).toBe(
      "`databricks grants get catalog prod --max-results 0 --output json --profile ref-prod` (prod, https://dbc-028d9e53-7ce6.cloud.databricks.com) failed with exit code 1:\n  " + stderr.trim(),
    );
  });

  it.each([
    ["not JSON", { $raw: "Error: something\n" }, /did not print JSON/],
    ["privileges not a list", { privilege_assignments: [{ principal: "x", privileges: "SELECT" }] }, /privilege_assignments\[0\].privileges is "SELECT", not a list of names/],
    ["a list where an object belongs", [], /is not a JSON object/],
  ])("fails on output it cannot read (%s), naming the command", async (_what, answer, message) => {
    const s = cleanState("full");
    ws(s, "ref-staging")["grants get schema staging.bronze --max-results 0"] = answer;
    await expect(audit(s)).rejects.toThrow(message);
    await expect(audit(s)).rejects.toThrow(/`databricks grants get schema staging.bronze --max-results 0 --output json --profile ref-staging`/);
  });

  it("reports an unknown privilege string as out-of-band, saying it is unknown", async () => {
    const s = cleanState("full");
    ws(s, "ref-dev")["grants get catalog dev --max-results 0"].privilege_assignments.push({ principal: "Databricks - Dev", privileges: ["SELECT", "TELEPORT_DATA"] });
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: false, kind: "grant", securable: "catalog dev", principal: "Databricks - Dev" }]);
    expect(r.findings[0].summary).toMatch(/\+TELEPORT_DATA; .*\(TELEPORT_DATA: not a catalog privilege lib\/permissions.ts knows\)$/);
    expect(normalizeLivePrivilege(" use catalog ")).toBe("USE_CATALOG");
  });

  it("reports a principal whose name has spaces, quotes, backticks and a pipe, quoted safely", async () => {
    const name = 'Data "Ops" team\'s `x` | y';
    const s = cleanState("full");
    ws(s, "ref-prod")["grants get catalog prod --max-results 0"].privilege_assignments.push({ principal: name, privileges: ["SELECT"] });
    const r = await audit(s);
    expect(r.findings.map(brief)).toEqual([{ direction: "risk", prod: true, kind: "grant", securable: "catalog prod", principal: name }]);
    expect(r.findings[0].fix).toContain("FROM `Data \"Ops\" team's ``x`` | y`");
    const row = renderAuditMarkdown(r, "full.yaml").split("\n").find((l) => l.includes("Ops"))!;
    expect(row).toContain('| Data "Ops" team\'s `x` \\| y (group) |'); // the pipe cannot break the table
    expect(row.split(/(?<!\\)\|/)).toHaveLength(9); // 7 cells, no more
  });

  it("never lets a look-alike service principal pass for a deploying one", async () => {
    const impostor = "0badc0de-0000-4000-8000-00000000beef";
    const s = cleanState("full");
    ws(s, "ref-dev")["service-principals list"].push({ active: true, applicationId: impostor, displayName: "ml-pipelines-prod-service-principal", id: "999" });
    ws(s, "ref-prod")[PROD_PAGE_2].privilege_assignments.push({ principal: impostor, privileges: ["ALL_PRIVILEGES"] });
    const r = await audit(s);
    const risks = r.findings.filter((f) => f.direction === "risk");
    expect(risks.map((f) => f.principal)).toEqual(
      expect.arrayContaining([`ml-pipelines-prod-service-principal (${impostor}; 2 principals share this name)`]),
    );
    expect(r.findings.find((f) => f.kind === "principal")).toMatchObject({ principal: "ml-pipelines-prod-service-principal", direction: "narrows" });
  });
});

describe("the expected state", () => {
  it("declares bindings and ISOLATED only with every workspace ID, and names the administrators", () => {
    const full = expectedState(model("full"));
    expect(full.catalogs.map((c) => [c.name, c.owner, c.isolationMode, c.bindings?.map((b) => `${b.workspaceId} ${b.bindingType}`)])).toEqual([
      ["dev", "ml-pipelines-dev-service-principal", "ISOLATED", ["1111111111111111 BINDING_TYPE_READ_WRITE", "2222222222222222 BINDING_TYPE_READ_ONLY"]],
      ["staging", "ml-pipelines-staging-service-principal", "ISOLATED", ["2222222222222222 BINDING_TYPE_READ_WRITE", "3333333333333333 BINDING_TYPE_READ_ONLY"]],
      ["prod", "ml-pipelines-prod-service-principal", "ISOLATED", ["3333333333333333 BINDING_TYPE_READ_WRITE"]],
    ]);
    expect(full.sandbox).toEqual({ pattern: "{user}_sandbox", admins: ["Databricks - Account Admin"] });
    const plain = expectedState(model("default"));
    expect(plain.catalogs.map((c) => [c.isolationMode, c.bindings])).toEqual([[undefined, undefined], [undefined, undefined], [undefined, undefined]]);
    expect(plain.grants.find((g) => g.securable === "dev.models")).toMatchObject({ principal: "ml-pipelines-staging-service-principal", stack: "ref-staging" });
  });

  it.each(["full", "default"] as const)("declares exactly the grants, owners, isolation and bindings the stacks render (%s model)", (which) => {
    // Against the synthesized output, not the desired state it is a view of.
    const m = model(which);
    const expected = expectedState(m);
    const output = synthOutput(m);
    const row = (type: string, securable: string, kind: string, principal: string, privileges: readonly string[], stack: string) =>
      `${stack} ${type} ${securable} ${kind} ${principal}: ${[...privileges].sort().join(",")}`;
    expect(expected.grants.map((g) => row(g.securableType, g.securable, g.principalKind, g.principal, g.privileges, g.stack)).sort()).toEqual(
      grantRows(output).map((r) => row(r.securableType, r.securable, r.principalKind, r.principal, r.privileges, r.stack)).sort(),
    );
    type Block = { [attr: string]: any };
    for (const s of output) {
      const resource = s.json.resource as { [type: string]: { [name: string]: Block } };
      for (const [id, block] of Object.entries(resource.databricks_catalog ?? {})) {
        const c = expected.catalogs.find((x) => x.stack === s.name)!;
        const owner = resource.databricks_service_principal[String(block.owner).split(".")[1]].display_name;
        const schemas = Object.values(resource.databricks_schema ?? {}).map((x) => x.name);
        expect({ name: c.name, owner: c.owner, isolation: c.isolationMode, schemas: [...c.schemas].sort() }).toEqual({ name: block.name ?? id, owner, isolation: block.isolation_mode, schemas: schemas.sort() });
        const readOnly = Object.values(resource.databricks_workspace_binding ?? {}).map((b) => b.workspace_id);
        // The stacks declare the read-only bindings; its own read-write one comes with ISOLATED.
        expect((c.bindings ?? []).filter((b) => b.bindingType === "BINDING_TYPE_READ_ONLY").map((b) => b.workspaceId)).toEqual(readOnly);
      }
    }
  });
});

describe("names from the workspace that are not the model's kind of name", () => {
  it("does not take a catalog named like a flag (`-h_sandbox`) for a sandbox, nor ever passes it as an argument", async () => {
    expect(sandboxUser("{user}_sandbox", "-h_sandbox")).toBeUndefined();
    expect(sandboxUser("{user}_sandbox", "Taylor_sandbox")).toBeUndefined();
    expect(sandboxUser("{user}_sandbox", "taylor_sandbox")).toBe("taylor");
    const calls: (readonly string[])[] = [];
    const cli = new DatabricksCli(async (args) => (calls.push(args), { code: 0, stdout: "{}", stderr: "" }), "databricks", {});
    await expect(cli.grants({ environment: "dev", host: "https://dbc-a72d6af9-df3d.cloud.databricks.com" }, "catalog", "-h_sandbox")).rejects.toThrow(CliFailure);
    expect(calls).toEqual([]);
  });
});
