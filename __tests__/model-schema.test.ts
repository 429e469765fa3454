/**
 * The model stated once (lib/model/schema/model.ts, lib/model/rules/): what is generated from it is
 * fresh, editors that check environments.yaml with the generated JSON Schema agree with the loader,
 * and the schema and the rules describe themselves well enough for the docs.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { parseEnvironmentModel } from "../lib/model/load";
import { MODEL_RULES } from "../lib/model/rules";
import { fieldInfo } from "../lib/model/schema/fields";
import { modelSchema } from "../lib/model/schema/model";
import { DOCS_FILE, JSON_SCHEMA_FILE, renderJsonSchema, renderModelDocs, schemaLine } from "../scripts/lib/model-schema";
import { writeMissingRenames } from "../scripts/lib/generated";
import { DEFAULT_MODEL_TEXT, ROOT } from "./helpers";
import { editedModel, type Edit } from "./fixtures/bad-models/cases";

const MODELS = ["environments.yaml", ...["reference.yaml", "full.yaml", "other-org.yaml"].map((f) => path.join("__tests__", "fixtures", "models", f))];

describe("what `npm run model:schema` generates", () => {
  it(`${JSON_SCHEMA_FILE} is what the generator makes from lib/model/schema (run \`npm run model:schema\` after changing a field)`, () => {
    expect(fs.readFileSync(path.join(ROOT, JSON_SCHEMA_FILE), "utf8")).toBe(renderJsonSchema());
  });

  it(`${DOCS_FILE} is what the generator makes from lib/model/schema and lib/model/rules (run \`npm run model:schema\`)`, () => {
    expect(fs.readFileSync(path.join(ROOT, DOCS_FILE), "utf8")).toBe(renderModelDocs());
  });

  it.each(MODELS)("%s names the JSON Schema on its first line, by a path that reaches it", (file) => {
    const rel = path.relative(path.dirname(path.join(ROOT, file)), path.join(ROOT, JSON_SCHEMA_FILE));
    const first = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n")[0];
    expect(first).toBe(schemaLine(rel.startsWith(".") ? rel : `./${rel}`));
  });

  it("keeps that first line when `npm run update` writes renames into the model", () => {
    // A renamed group key: the manifest recorded its grants at the old addresses, so the update
    // writes `moved` entries into the model file (scripts/lib/generated.ts, writeMissingRenames).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uc-model-line-"));
    fs.copyFileSync(path.join(ROOT, "terraform-addresses.json"), path.join(dir, "terraform-addresses.json"));
    const text = fs.readFileSync(path.join(ROOT, "environments.yaml"), "utf8");
    const doc = parseDocument(text);
    const live = parse(text);
    const group = Object.keys(live.access)[0];
    const rename = (at: string[]) => {
      const node = doc.getIn(at, true) as { items: { key: { value: string } }[] } | undefined;
      for (const pair of node?.items ?? []) if (pair.key.value === group) pair.key.value = `${group}_renamed`;
    };
    rename(["groups"]);
    rename(["access"]);
    doc.setIn(["sandbox", "creators"], live.sandbox.creators.map((k: string) => (k === group ? `${group}_renamed` : k)));
    fs.writeFileSync(path.join(dir, "environments.yaml"), String(doc));
    expect(writeMissingRenames(path.join(dir, "environments.yaml")).length).toBeGreaterThan(0);
    const written = fs.readFileSync(path.join(dir, "environments.yaml"), "utf8");
    expect(written.split("\n")[0]).toBe(schemaLine());
    expect(parse(written).moved).toBeDefined();
  });
});

describe("an editor checking the model with environments.schema.json (ajv, draft-07, unicode patterns)", () => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  ajv.addVocabulary(["patternErrorMessage", "errorMessage"]);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, JSON_SCHEMA_FILE), "utf8")));

  it.each(MODELS)("accepts %s, which the loader accepts", (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    expect(() => parseEnvironmentModel(text, file)).not.toThrow();
    expect(validate(parse(text))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });

  // Edits the loader refuses field by field; the editor marks each as the user types it.
  const refused: [string, Edit[]][] = [
    ["an unknown key", [{ set: "environments.prod.catalog.owner", to: "x" }]],
    ["a missing required field", [{ remove: "environments.prod.workspace.host" }]],
    ["a host with a path", [{ set: "environments.dev.workspace.host", to: "https://dbc-a72d6af9-df3d.cloud.databricks.com/x" }]],
    ["an upper-case catalog name", [{ set: "environments.prod.catalog.name", to: "Prod" }]],
    ["a schema listed twice", [{ set: "environments.dev.catalog.schemas", to: ["bronze", "bronze"] }]],
    ["an empty schema list", [{ set: "environments.dev.catalog.schemas", to: [] }]],
    ["a group key that cannot be part of an address", [{ set: "groups.Dev-Team", to: "Databricks - Dev Team" }]],
    ["a workspace ID written as text", [{ set: "environments.dev.workspace.id", to: "123" }]],
    ["a negative workspace ID", [{ set: "environments.dev.workspace.id", to: -5 }]],
    ["an unknown access level", [{ set: "access.dev.staging", to: "raed" }]],
    ["a metastore privilege on a catalog", [{ set: "access.dev.staging", to: ["CREATE_CATALOG"] }]],
    ["approval as a boolean", [{ set: "environments.prod.approval", to: true }]],
    ["a state key without {stack}", [{ set: "state", to: { bucket: "ref-terraform-state", region: "us-east-1", key: "uc/terraform.tfstate" } }]],
    ["a list where a mapping belongs", [{ set: "metastore", to: ["x"] }]],
  ];
  it.each(refused)("rejects %s, as the loader does", (_what, edits) => {
    const text = editedModel(edits);
    expect(() => parseEnvironmentModel(text, "environments.yaml")).toThrow();
    expect(validate(parse(text))).toBe(false);
  });

  it("completes access values: the levels and the catalog privileges", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, JSON_SCHEMA_FILE), "utf8"));
    const access = schema.properties.access.additionalProperties.additionalProperties;
    expect(access.anyOf[0].enum).toEqual(expect.arrayContaining(["read", "use", "all", "browse", "SELECT", "USE_CATALOG"]));
    expect(validate(parse(DEFAULT_MODEL_TEXT))).toBe(true);
  });
});

type Node = { type: string; entries?: { [k: string]: Node }; value?: Node; item?: Node; wrapped?: Node; pipe?: { type: string; description?: string }[] };

/** Every field of the schema with its path (`*` for a key of a map or an item of a list). */
function fields(s: Node, at: string[] = [], out: [string, Node][] = []): [string, Node][] {
  const node = s.type === "optional" ? s.wrapped! : s;
  out.push([at.join("."), node]);
  if (node.type === "strict_object") for (const [k, e] of Object.entries(node.entries ?? {})) fields(e, [...at, k], out);
  if (node.type === "record") fields(node.value!, [...at, "*"], out);
  if (node.type === "array") out.push([[...at, "*"].join("."), node.item!]);
  return out;
}

describe("the model's schema and rules", () => {
  const all = fields(modelSchema as unknown as Node);

  it("describe every field, and say for every value what is valid and the fix", () => {
    const undescribed = all.filter(([p, n]) => p !== "" && !p.endsWith("*") && !(n.pipe ?? []).some((a) => a.type === "description")).map(([p]) => p);
    const noFix = all.filter(([, n]) => !["strict_object", "record"].includes(n.type)).filter(([, n]) => !fieldInfo(n as never).fix).map(([p]) => p);
    expect({ undescribed, noFix }).toEqual({ undescribed: [], noFix: [] });
  });

  it("give each rule a unique kebab-case id, a description, a fix, and paths that are fields of the schema", () => {
    const known = new Set(all.map(([p]) => p));
    for (const rule of MODEL_RULES) {
      expect(rule.id).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
      expect(rule.description).toMatch(/\.$/);
      expect(rule.fix).not.toBe("");
      expect(rule.paths.filter((p) => !known.has(p))).toEqual([]);
    }
    expect(new Set(MODEL_RULES.map((r) => r.id)).size).toBe(MODEL_RULES.length);
  });
});
