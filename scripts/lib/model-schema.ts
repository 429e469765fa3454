/**
 * What `npm run model:schema` generates from the model's schema (lib/model/schema/model.ts) and
 * rules (lib/model/rules/), committed and checked fresh by __tests__/model-schema.test.ts:
 *   environments.schema.json  JSON Schema (draft-07) for editors: environments.yaml's first line
 *                             names it (`# yaml-language-server: $schema=...`), so the YAML
 *                             extension completes and checks the file as it is typed
 *   docs/model.md             the model's field reference and its rules across fields
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import type { GenericSchema } from "valibot";
import { fieldInfo, type FieldInfo } from "../../lib/model/schema/fields";
import { modelSchema } from "../../lib/model/schema/model";
import { MODEL_RULES } from "../../lib/model/rules";
import { MAX_MODEL_BYTES } from "../../lib/model/load";

export const JSON_SCHEMA_FILE = "environments.schema.json";
export const DOCS_FILE = "docs/model.md";
/** The first line of a model file: names the JSON Schema for editors (path relative to the file). */
export const schemaLine = (relativePath = `./${JSON_SCHEMA_FILE}`) => `# yaml-language-server: $schema=${relativePath}`;

/** FieldInfo keys that say things to the loader, not to JSON Schema. */
const LOADER_ONLY = ["rule", "fix", "problem", "diagnose", "check", "what", "map", "example", "whenEmpty", "default", "unique", "keyName", "json"];

/** A fix as an editor shows it: without the loader's placeholders. */
const plain = (fix: string) => fix.replace("{environments}", "the keys of `environments`");

function editorKeywords(info: FieldInfo, schema: { [k: string]: unknown }): { [k: string]: unknown } {
  const out: { [k: string]: unknown } = Object.fromEntries(Object.entries(schema).filter(([k]) => !LOADER_ONLY.includes(k)));
  if (out.minProperties === 0) delete out.minProperties;
  if (info.default !== undefined && typeof out.description === "string") out.description = `${out.description} Default: ${info.default}.`;
  if (info.unique) out.uniqueItems = true;
  // The message VS Code's YAML extension shows for a value that fails the pattern (or, for a field
  // with a problem of its own, any check), in the loader's words.
  if (info.fix !== undefined && typeof out.pattern === "string" && info.rule !== undefined) out.patternErrorMessage = `Expected ${info.rule}. Fix: ${plain(info.fix)}`;
  else if (info.fix !== undefined && info.problem !== undefined) {
    const problem = info.problem.replace("key `{key}` is", "the key is");
    out.errorMessage = `${problem[0].toUpperCase()}${problem.slice(1)}. Fix: ${plain(info.fix)}`;
  }
  if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  return { ...out, ...info.json };
}

/** environments.schema.json's text. */
export function renderJsonSchema(): string {
  const schema = toJsonSchema(modelSchema, {
    errorMode: "throw",
    overrideAction: ({ valibotAction, jsonSchema }) => {
      const action = valibotAction as { type: string; metadata?: FieldInfo };
      if (action.type === "check") return jsonSchema; // the loader's own checks: `json` says what editors can check
      if (action.type === "metadata") return editorKeywords(action.metadata ?? {}, jsonSchema as { [k: string]: unknown });
      return undefined;
    },
  });
  const root = { $schema: schema.$schema, $id: "environments.schema.json", title: "uc-env-isolation environment model (environments.yaml)", ...schema };
  return `${JSON.stringify(root, null, 2)}\n`;
}

type Node = GenericSchema & { type: string; entries?: { [k: string]: Node }; value?: Node; item?: Node; wrapped?: Node; pipe?: readonly { type: string; description?: string }[] };

const description = (s: Node) => (s.pipe ?? []).find((p) => p.type === "description")?.description ?? "";
/** Text for a Markdown table cell: pipes escaped, and `<` outside code spans (it would read as HTML). */
const cell = (text: string) =>
  text
    .replace(/\n/g, " ")
    .split("`")
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;")))
    .join("`")
    .replace(/\|/g, "\\|");

/** One row per field, in the schema's order, with `<key>` for the keys of maps. */
function rows(s: Node, path: string, required: boolean | undefined, out: string[][]): string[][] {
  const optional = s.type === "optional";
  const node = optional ? s.wrapped! : s;
  const info = fieldInfo(node);
  const value =
    node.type === "strict_object"
      ? "mapping"
      : node.type === "record"
        ? info.what !== undefined
          ? `mapping of ${info.what}`
          : `mapping, \`<${info.keyName ?? "name"}>: value\``
        : node.type === "array"
          ? `list of ${info.rule}, none twice`
          : info.rule ?? (node.type === "picklist" ? (node as unknown as { options: string[] }).options.map((o) => `\`${o}\``).join(" or ") : node.type === "boolean" ? "true or false" : node.type === "number" ? "a positive whole number" : node.type);
  if (path !== "") {
    const text = [description(node), info.default !== undefined ? `Default: ${info.default}.` : "", info.fix !== undefined ? `When wrong: ${plain(info.fix)}.` : ""].filter(Boolean).join(" ");
    out.push([`\`${path}\``, required === undefined ? "each" : required && !optional ? "yes" : "no", cell(value), cell(text)]);
  }
  const prefix = path === "" ? "" : `${path}.`;
  if (node.type === "strict_object") for (const [k, e] of Object.entries(node.entries ?? {})) rows(e, `${prefix}${k}`, true, out);
  if (node.type === "record") rows(node.value!, `${prefix}<${info.keyName ?? "key"}>`, undefined, out);
  return out;
}

/** The paths of the maps whose keys become parts of Terraform addresses. */
function keyedMaps(s: Node, path: string, out: string[] = []): string[] {
  const node = s.type === "optional" ? s.wrapped! : s;
  if (node.type === "record" && fieldInfo(node).map === "keyed") out.push(`\`${path}\``);
  const prefix = path === "" ? "" : `${path}.`;
  if (node.type === "strict_object") for (const [k, e] of Object.entries(node.entries ?? {})) keyedMaps(e, `${prefix}${k}`, out);
  if (node.type === "record") keyedMaps(node.value!, `${prefix}<${fieldInfo(node).keyName ?? "key"}>`, out);
  return out;
}

/** docs/model.md's text. */
export function renderModelDocs(): string {
  const fields = rows(modelSchema as unknown as Node, "", true, []);
  const keyed = keyedMaps(modelSchema as unknown as Node, "");
  const table = (head: string[], body: string[][]) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");
  return [
    "# The environment model: field reference",
    "",
    "<!-- Generated by `npm run model:schema` from lib/model/schema/model.ts and lib/model/rules/; do not edit. -->",
    "",
    "`environments.yaml` holds the organisation's facts. It is read and validated in full before any",
    "resource exists: every field below (its type and form), then the rules across fields. Every error",
    "names the field by its path and line, shows the value and says the fix; nothing is written.",
    "An editor with the YAML extension completes and checks the file as it is typed: its first line names",
    `the JSON Schema generated from the same schema (\`${schemaLine()}\`).`,
    "",
    "## Fields",
    "",
    `${description(modelSchema as unknown as Node)} \`<…>\` stands for a key you choose;`,
    `the keys of ${keyed.slice(0, -1).join(", ")} and ${keyed[keyed.length - 1]} become parts of Terraform addresses: lower-case`,
    "letters, digits and single underscores, starting with a letter. \"required: each\" marks the entries of a mapping.",
    "",
    table(["field", "required", "value", "meaning"], fields),
    "",
    "## Rules across fields",
    "",
    "Checked after the fields, over the values that passed (so one mistake gives one error).",
    "",
    table(
      ["rule", "requires", "fields", "fix"],
      MODEL_RULES.map((r) => [`\`${r.id}\``, cell(r.description), r.paths.map((p) => `\`${p}\``).join(", "), cell(r.fix)]),
    ),
    "",
    "## Plain YAML",
    "",
    "- One YAML document; spaces, not tabs; no key twice in one mapping.",
    "- No explicit tags (`!!omap`, `!!set`, `!!binary`) or `%YAML` directives: they turn values into something every check would read as empty.",
    "- Anchors and aliases expand to at most 50 aliases (an alias bomb is refused).",
    `- At most ${MAX_MODEL_BYTES} bytes.`,
    "- No string (keys too) contains `${` or `%{` (Terraform would evaluate it as a template) or a character a reviewer cannot see (zero-width, bidi controls, non-plain spaces).",
    "- A field written with nothing after it (`bucket:`) is not set.",
    "",
  ].join("\n");
}
