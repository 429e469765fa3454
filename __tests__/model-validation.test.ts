import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { parseDocument, stringify } from "yaml";
import { ModelError } from "../lib/model/errors";
import { buildApp } from "../lib/app";
import { MAX_MODEL_BYTES, loadEnvironmentModel, parseEnvironmentModel } from "../lib/model/load";
import { synthToDirectory } from "../lib/synth";
import { MODEL_RULES } from "../lib/model/rules";
import { parseYaml } from "../lib/model/yaml";
import { promotionCycle } from "../lib/model/rules/environments";
import { DEFAULT_MODEL_TEXT, defaultModel, defaultModelData, modelFrom, previousOutput, strayEntries } from "./helpers";
import { BAD_MODEL_CASES, badModelFile, caseText } from "./fixtures/bad-models/cases";

/** The bad-model cases (fixtures/bad-models/cases.ts): the reference model with a few edits, or raw text. */
const fixtures = BAD_MODEL_CASES.map((c) => ({ ...c, file: c.name, text: caseText(c), expected: c.text }));

function errorOf(text: string, source = "bad.yaml"): ModelError {
  try {
    parseEnvironmentModel(text, source);
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error("the model was accepted");
}

describe("the default model", () => {
  it("is valid and describes the seed's organisation", () => {
    const model = defaultModel();
    expect(model.environments.map((e) => [e.key, e.stackName, e.workspace.host, e.workspace.profile])).toEqual([
      ["dev", "ref-dev", "https://dbc-a72d6af9-df3d.cloud.databricks.com", "ref-dev"],
      ["staging", "ref-staging", "https://dbc-fab2a42a-8d11.cloud.databricks.com", "ref-staging"],
      ["prod", "ref-prod", "https://dbc-028d9e53-7ce6.cloud.databricks.com", "ref-prod"],
    ]);
    expect(model.metastore.id).toBe("4c140405-61ff-4e4e-9684-07078639218e");
    expect(model.groups.map((g) => g.displayName).sort()).toEqual([
      "Databricks - Account Admin",
      "Databricks - Dev",
      "Databricks - Prod",
      "Databricks - Prod - ReadOnly",
      "Databricks - Staging",
    ]);
    expect(model.environments.map((e) => e.catalog.bucket)).toEqual([
      "ref-ml-core-dev-workspace-bucket",
      "ref-ml-core-staging-workspace-bucket",
      "ref-ml-core-prod-workspace-bucket",
    ]);
    expect(model.isolated).toBe(false);
  });

  it("warns once, naming every missing workspace ID field", () => {
    const isolation = defaultModel().warnings.filter((w) => w.includes("OPEN"));
    expect(isolation).toHaveLength(1);
    for (const env of ["dev", "staging", "prod"]) expect(isolation[0]).toContain(`environments.${env}.workspace.id`);
  });

  it("warns that the account stack is left out while account and github are unknown", () => {
    expect(defaultModel().warnings.filter((w) => w.includes("account stack"))).toEqual([
      expect.stringContaining("account and github not set"),
    ]);
  });

  it("accepts an explicit privilege list for a catalog", () => {
    const data = defaultModelData();
    data.access.prod_readonly.prod = ["USE_CATALOG", "USE_SCHEMA", "SELECT"];
    const access = modelFrom(data).access.find((a) => a.group.key === "prod_readonly")!;
    expect(access.privileges).toEqual(["SELECT", "USE_CATALOG", "USE_SCHEMA"]);
  });

  it("does not change when the file's mappings are reordered", () => {
    const data = defaultModelData();
    const reversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    const shuffled = { ...reversed(data), groups: reversed(data.groups), access: reversed(data.access) };
    const a = defaultModel();
    const b = modelFrom(shuffled);
    expect(b.groups).toEqual(a.groups);
    expect(b.access.map((x) => [x.group.key, x.environment.key, x.privileges])).toEqual(
      a.access.map((x) => [x.group.key, x.environment.key, x.privileges]),
    );
  });
});

describe("the account stack's host", () => {
  const withAccount = (hosts?: Record<string, string>, host?: string) => {
    const data = defaultModelData();
    if (hosts) for (const [env, h] of Object.entries(hosts)) data.environments[env].workspace.host = h;
    data.account = { id: "0d26daa6-5e44-4c97-a497-ef015f91254a", profile: "ref-account", ...(host ? { host } : {}) };
    data.github = { repository: "org/repo", planServicePrincipal: { name: "plan", applicationId: "7e1c3f1a-2b4d-4c6e-8f10-9a2b3c4d5e6f" } };
    return data;
  };
  const azure = { dev: "https://adb-1.1.azuredatabricks.net", staging: "https://adb-2.2.azuredatabricks.net", prod: "https://adb-3.3.azuredatabricks.net" };

  it("is derived from the workspaces' cloud: AWS", () => {
    expect(modelFrom(withAccount()).account!.host).toBe("https://accounts.cloud.databricks.com");
  });

  it("is derived from the workspaces' cloud: Azure", () => {
    expect(modelFrom(withAccount(azure)).account!.host).toBe("https://accounts.azuredatabricks.net");
  });

  it("is derived from the workspaces' cloud: GCP", () => {
    const gcp = { dev: "https://1.1.gcp.databricks.com", staging: "https://2.2.gcp.databricks.com", prod: "https://3.3.gcp.databricks.com" };
    expect(modelFrom(withAccount(gcp)).account!.host).toBe("https://accounts.gcp.databricks.com");
  });

  it("is the model's when it states one", () => {
    expect(modelFrom(withAccount(azure, "https://accounts.azuredatabricks.us")).account!.host).toBe("https://accounts.azuredatabricks.us");
  });

  it("rejects workspaces on two clouds without account.host, naming the field and the hosts to choose from", () => {
    const error = errorOf(stringify(withAccount({ ...azure, prod: "https://dbc-028d9e53-7ce6.cloud.databricks.com" })));
    expect(error.issues.map((i) => i.path)).toEqual(["account.host"]);
    expect(error.message).toContain("account.host: is required here: the workspace hosts are on more than one cloud (Azure, AWS)");
    expect(error.message).toContain("Fix: set it to your accounts console: https://accounts.cloud.databricks.com (AWS), https://accounts.azuredatabricks.net (Azure)");
  });

  it("rejects a workspace on a custom domain without account.host", () => {
    const error = errorOf(stringify(withAccount({ dev: "https://databricks.example.com" })));
    expect(error.message).toContain("account.host: is required here: a workspace host is on none of the known clouds' domains");
  });
});

describe("the plan principal written as a string (the old commented example)", () => {
  it("rejects it, listing the keys it needs", () => {
    const data = defaultModelData();
    data.account = { id: "0d26daa6-5e44-4c97-a497-ef015f91254a", profile: "ref-account" };
    data.github = { repository: "org/repo", planServicePrincipal: "uc-env-isolation-plan" };
    const error = errorOf(stringify(data));
    expect(error.message).toContain('github.planServicePrincipal: must be a mapping (planServicePrincipal) (got "uc-env-isolation-plan"). Fix: write it as `key: value` lines with `name`, `applicationId`');
  });
});

describe("rejects bad model files with the field, the value and the fix", () => {
  it("has at least 40 bad model cases, each named once", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    expect(new Set(fixtures.map((f) => f.name)).size).toBe(fixtures.length);
  });

  it("has, for every rule across fields, a case that breaks it and names the rule", () => {
    const broken = new Set(fixtures.map((f) => f.rule));
    expect(MODEL_RULES.map((r) => r.id).filter((id) => !broken.has(id))).toEqual([]);
  });

  it("has edit cases that each change the valid reference model", () => {
    expect(() => parseEnvironmentModel(DEFAULT_MODEL_TEXT, "environments.yaml")).not.toThrow();
    expect(fixtures.filter((f) => "edits" in f && f.text === DEFAULT_MODEL_TEXT).map((f) => f.name)).toEqual([]);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))("rejects %s", (_file, fixture) => {
    const error = errorOf(fixture.text, "bad.yaml");
    const message = error.message;
    // One fault, one error: no cascade of consequences.
    expect(error.issues).toHaveLength(1);
    const [issue] = error.issues;
    // The offending value is shown whenever there is one (a missing field has none).
    if (!/missing|is empty|without account|is required here/.test(issue.problem)) expect(message).toMatch(/\(got .+\)\. Fix: /);
    expect(message).toContain("nothing was synthesized");
    expect(message).toContain(fixture.expected);
    expect(message).toMatch(/Fix: /);
    if (fixture.path) {
      expect(error.issues.map((i) => i.path)).toContain(fixture.path);
      expect(message).toContain(`${fixture.path}: `);
    }
    // A rule across fields names itself; a field's own check names none.
    expect(issue.rule).toBe(fixture.rule);
    // Every issue points at a line of the file (except a file with nothing in it, which has none).
    if (fixture.text.replace(/#.*$/gm, "").trim() !== "") for (const issue of error.issues) expect(issue.line).toEqual(expect.any(Number));
    expect(message).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("writes nothing for any of them: the previous output stays as it was, no temporary directory is left", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-bad-"));
    const out = path.join(dir, "cdktf.out");
    const previous = previousOutput(out, "previous");
    for (const fixture of fixtures) {
      const file = badModelFile(fixture.name);
      const build = (staging: string) => {
        const model = loadEnvironmentModel(file);
        return { app: buildApp(model, staging, dir), model };
      };
      expect(() => synthToDirectory(build, out)).toThrow(ModelError);
      expect({ file: fixture.file, out: fs.readdirSync(out).sort(), dir: strayEntries(dir) }).toEqual({ file: fixture.file, out: previous, dir: [] });
    }
  });

  it("rejects prod aimed at dev's workspace, showing the value and the fix", () => {
    const text = DEFAULT_MODEL_TEXT.replace("https://dbc-028d9e53-7ce6.cloud.databricks.com", "https://dbc-a72d6af9-df3d.cloud.databricks.com");
    const message = errorOf(text, "environments.yaml").message;
    expect(message).toMatch(
      /environments\.yaml:\d+: environments\.prod\.workspace\.host: is the same workspace host as environments\.dev\.workspace\.host \(got "https:\/\/dbc-a72d6af9-df3d\.cloud\.databricks\.com"\)\. Fix: each environment needs its own workspace/,
    );
  });

  it("rejects a file larger than the limit before parsing it", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "uc-model-")), "huge.yaml");
    fs.writeFileSync(file, `# ${"x".repeat(MAX_MODEL_BYTES)}\n`);
    expect(() => loadEnvironmentModel(file)).toThrow(/at most 262144 are read/);
  });

  it("rejects a missing file with the way to point at the right one", () => {
    expect(() => loadEnvironmentModel("/nonexistent/environments.yaml")).toThrow(/ENVIRONMENTS_FILE/);
  });

  it("rejects an alias bomb instead of expanding it", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n");
    expect(() => parseEnvironmentModel(bomb, "bomb.yaml")).toThrow(ModelError);
  });
});

describe("YAML syntax errors", () => {
  it("rejects a `[` left open at the line where it opened, not where the parser gave up", () => {
    const text = DEFAULT_MODEL_TEXT.replace("  creators: [dev]", "  creators: [dev");
    const line = text.split("\n").findIndex((l) => l === "  creators: [dev") + 1;
    const error = errorOf(text);
    expect(error.issues).toEqual([expect.objectContaining({ line, path: "sandbox.creators" })]);
    expect(error.message).toMatch(new RegExp(`bad\\.yaml:${line}: sandbox\\.creators: is not valid YAML: the \`\\[\` opened here is never closed \\(the parser gave up at line \\d+\\) \\(got "creators: \\[dev"\\)\\. Fix: close it with \`\\]\` on the same line`));
  });

  it("does not take a bracket inside quotes or a comment for an open one", () => {
    const text = DEFAULT_MODEL_TEXT.replace("  creators: [dev]", '  creators: [dev]  # a [ in a comment\n  catalogName2: "[x"').replace("  creators: [dev]  # a [ in a comment", "  creators: [dev  # a [ in a comment");
    const error = errorOf(text);
    expect(error.message).toContain("the `[` opened here is never closed");
    expect(error.issues[0].value).toBe("creators: [dev  # a [ in a comment");
  });
});

describe("a key written twice in one mapping (found in one pass, told in yaml's words)", () => {
  /** What yaml itself says of a text with its own duplicate-key check: its first error (the line of a duplicate), or the data. */
  const yamlSays = (text: string) => {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
    const e = doc.errors[0];
    return e ? { error: e.code === "DUPLICATE_KEY" ? ["DUPLICATE_KEY", e.linePos?.[0].line] : ["other"] } : { data: doc.toJS() };
  };
  const weSay = (text: string) => {
    try {
      return { data: parseYaml(text, "t.yaml").data };
    } catch (e) {
      const issue = (e as ModelError).issues[0];
      return { error: issue.problem.startsWith("is not valid YAML: a key is written twice") ? ["DUPLICATE_KEY", issue.line] : ["other"] };
    }
  };

  it.each([
    ["in a block mapping", "a: 1\nb: 2\na: 3\n"],
    ["in a flow mapping (an access row)", "access:\n  dev: { dev: read, prod: read, dev: all }\n"],
    ["in a mapping inside a list", "x:\n  - { a: 1, a: 2 }\n"],
    ["before a syntax error further down (the duplicate is still the first error)", "a: 1\na: 2\nb: [1\nc: 3\n"],
    ["after a syntax error (the syntax error is the first)", "b: [1\na: 1\na: 2\n"],
    ["written differently, the same value (quoted and plain)", 'a: 1\n"a": 2\n'],
  ])("rejects one %s, as yaml's own check does", (_what, text) => {
    expect(weSay(text)).toEqual(yamlSays(text));
    expect(weSay(text)).toHaveProperty("error");
  });

  it.each([
    ["a number and a string of the same digits", 'x:\n  1: a\n  "1": b\n'],
    ["the same key in two mappings", "a: { k: 1 }\nb: { k: 2 }\n"],
    ["a key and a value alike", "k: k\n"],
  ])("accepts %s, as yaml's own check does", (_what, text) => {
    expect(weSay(text)).toEqual(yamlSays(text));
    expect(weSay(text)).toHaveProperty("data");
  });

  it("agrees with yaml's own check on generated mappings of repeated and distinct keys", () => {
    const key = fc.constantFrom("a", "b", "1", '"1"', "'a'", "null", "~", "true", "1.0", "0x1");
    const flat = fc.array(fc.tuple(key, fc.nat(9)), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}: ${v}`));
    const text = fc.tuple(flat, flat, fc.boolean()).map(([top, inner, flow]) => [...top, flow ? `z: { ${inner.join(", ")} }` : `z:\n${inner.map((l) => `  ${l}`).join("\n")}`].join("\n") + "\n");
    fc.assert(fc.property(text, (t) => expect(weSay(t)).toEqual(yamlSays(t))), { numRuns: 300 });
  });
});

describe("a promotion cycle (found walking each environment once)", () => {
  /** The search as it was: a walk from each environment, each step searching the walk so far. */
  const walkedFromEach = (environments: [string, { promotion?: { from?: string } } | undefined][]) => {
    const fromOf = new Map(environments.map(([k, env]) => [k, env?.promotion?.from]));
    for (const [start] of environments) {
      const chain: string[] = [];
      let cur: string | undefined = start;
      while (cur !== undefined && fromOf.get(cur) !== undefined) {
        if (chain.includes(cur)) return chain.slice(chain.indexOf(cur));
        chain.push(cur);
        const next: string = fromOf.get(cur)!;
        if (next === cur) return undefined;
        cur = fromOf.has(next) ? next : undefined;
      }
    }
    return undefined;
  };

  it("finds the cycle the walk from each environment found, where it found it", () => {
    const keys = ["a", "b", "c", "d", "e", "f"];
    const graph = fc.uniqueArray(fc.constantFrom(...keys), { minLength: 1 }).chain((envs) =>
      fc.tuple(...envs.map((k) => fc.tuple(fc.constant(k), fc.option(fc.constantFrom(...keys, "elsewhere"), { nil: undefined })))),
    );
    fc.assert(
      fc.property(graph, (pairs) => {
        const environments = pairs.map(([k, f]): [string, { promotion?: { from?: string } } | undefined] => [k, f === undefined ? {} : { promotion: { from: f } }]);
        expect(promotionCycle(environments as never)).toEqual(walkedFromEach(environments));
      }),
      { numRuns: 1000 },
    );
  });

  it("finds a cycle at the end of a chain of hundreds of promotions", () => {
    const environments: [string, { promotion?: { from?: string } }][] = Array.from({ length: 600 }, (_, i) => [`e${i}`, i === 0 ? { promotion: { from: "e599" } } : { promotion: { from: `e${i - 1}` } }]);
    expect(promotionCycle(environments as never)).toEqual(walkedFromEach(environments));
    environments[0] = ["e0", {}];
    expect(promotionCycle(environments as never)).toBeUndefined();
  });
});

describe("sandbox.storage: the developers' storage, never another environment's", () => {
  const LOCATION = "ref-ml-core-dev-sandboxes";
  const withUrl = (url: string, edit?: (d: any) => void) => {
    const d = defaultModelData();
    d.sandbox.storage = { externalLocation: LOCATION, url };
    edit?.(d);
    return stringify(d);
  };

  it("accepts a location in metastore.grantsFrom's bucket (dev's) or in a bucket of its own", () => {
    expect(parseEnvironmentModel(withUrl("s3://ref-ml-core-dev-workspace-bucket/sandboxes"), "m.yaml").sandbox.storage?.url).toBe("s3://ref-ml-core-dev-workspace-bucket/sandboxes");
    expect(parseEnvironmentModel(withUrl("s3://ref-ml-core-sandboxes"), "m.yaml").sandbox.storage?.url).toBe("s3://ref-ml-core-sandboxes");
  });

  it.each([
    ["in prod's bucket", "s3://ref-ml-core-prod-workspace-bucket/sandboxes", "lies in environments.prod.catalog.bucket (ref-ml-core-prod-workspace-bucket)"],
    ["prod's whole bucket", "s3://ref-ml-core-prod-workspace-bucket", "lies in environments.prod.catalog.bucket"],
    ["prod's bucket spelt in upper case", "s3://REF-ML-CORE-PROD-WORKSPACE-BUCKET/x", "lies in environments.prod.catalog.bucket"],
    ["prod's bucket under another scheme", "gs://ref-ml-core-prod-workspace-bucket/x", "lies in environments.prod.catalog.bucket"],
    ["in staging's bucket", "s3://ref-ml-core-staging-workspace-bucket/sandboxes", "lies in environments.staging.catalog.bucket"],
    ["a path that climbs out of dev's bucket", "s3://ref-ml-core-dev-workspace-bucket/../x", "is not a clean storage URL"],
    ["an encoded path", "s3://ref-ml-core-dev-workspace-bucket/%2e%2e/x", "is not a clean storage URL"],
    ["an empty path segment", "s3://ref-ml-core-dev-workspace-bucket//x", "is not a clean storage URL"],
  ])("rejects a location %s, naming the field, the value and the fix", (_what, url, problem) => {
    const error = errorOf(withUrl(url), "environments.yaml");
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0].path).toBe("sandbox.storage.url");
    expect(error.message).toContain(problem);
    expect(error.message).toContain(`(got "${url}")`);
    expect(error.message).toMatch(/Fix: /);
  });

  it("rejects a location over or inside any catalog's own storage root", () => {
    const root = (d: any) => (d.environments.prod.catalog.storageRoot = "s3://ref-ml-core-uc/prod");
    expect(errorOf(withUrl("s3://ref-ml-core-uc/prod/sandboxes", root)).message).toContain("overlaps environments.prod.catalog.storageRoot (s3://ref-ml-core-uc/prod)");
    expect(errorOf(withUrl("s3://ref-ml-core-uc", root)).message).toContain("overlaps environments.prod.catalog.storageRoot");
    expect(parseEnvironmentModel(withUrl("s3://ref-ml-core-uc/production-sandboxes", root), "m.yaml").sandbox.storage).toBeDefined(); // a sibling, not inside
  });
});

describe("codeOwners: who reviews changes to the code and the workflows", () => {
  const withOwners = (owners: unknown) => {
    const d = defaultModelData();
    d.codeOwners = owners;
    return stringify(d);
  };

  it("reads GitHub teams and users, and warns when there are none", () => {
    expect(parseEnvironmentModel(withOwners(["@refresh-os/platform", "@alice"]), "m.yaml").codeOwners).toEqual(["@refresh-os/platform", "@alice"]);
    const none = defaultModel();
    expect(none.codeOwners).toEqual([]);
    expect(none.warnings.filter((w) => w.includes("codeOwners is not set"))).toHaveLength(1);
  });

  it.each([
    ["a name without @", ["refresh-os/platform"], "codeOwners.0"],
    ["an e-mail address", ["alice@example.com"], "codeOwners.0"],
    ["an empty list", [], "codeOwners"],
    ["one owner twice", ["@alice", "@alice"], "codeOwners.1"],
    ["a string, not a list", "@alice", "codeOwners"],
  ])("rejects %s", (_what, owners, field) => {
    const error = errorOf(withOwners(owners));
    expect(error.issues.map((i) => i.path)).toEqual([field]);
  });
});

describe("approvals before apply (environments.<key>.approval)", () => {
  it("defaults to production and the environment before it (the one it promotes from)", () => {
    expect(defaultModel().environments.map((e) => [e.key, e.approval])).toEqual([["dev", "none"], ["staging", "required"], ["prod", "required"]]);
  });

  it("takes the model's word, and warns when production needs none", () => {
    const d = defaultModelData();
    d.environments.dev.approval = "required";
    d.environments.prod.approval = "none";
    const m = modelFrom(d);
    expect(m.environments.map((e) => e.approval)).toEqual(["required", "required", "none"]);
    expect(m.warnings).toContainEqual(expect.stringContaining("environments.prod.approval is none: production's stack is applied without anyone's approval"));
  });

  it("rejects anything but required or none, naming the field and the fix", () => {
    const d = defaultModelData();
    d.environments.prod.approval = true;
    const e = errorOf(stringify(d));
    expect(e.message).toMatch(/environments\.prod\.approval: must be `required` or `none` \(got true\)\. Fix: write `approval: required`/);
  });
});
