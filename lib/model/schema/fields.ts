/**
 * The few kinds of field the environment model is made of, as valibot schemas that carry what the
 * messages, the JSON Schema and the docs say about them: the field's description, what a valid
 * value is (`rule`), the fix shown when it is wrong and, where one pattern cannot say it, a finer
 * check. ./model.ts states every field of the model once with these.
 *
 * Valibot rather than zod 4: the model is read on every synth, and valibot is one module that
 * loads in a few milliseconds where zod 4 takes tens (measured with node 20 on these machines);
 * both would need the same wording layer (../issues.ts) for the model's messages.
 */
import * as v from "valibot";

export type Path = readonly (string | number)[];

/** A problem found in one value: where below it (relative path), what is wrong, the fix. */
export interface ValueProblem {
  readonly at?: Path;
  readonly problem: string;
  readonly fix: string;
  /** The value shown with the message; when absent, the value checked. */
  readonly value?: unknown;
}

/** What a field says about itself; read back with `fieldInfo(schema)`. */
export type FieldInfo = {
  /** What a valid value is, as a noun phrase: "a stack name (letters, digits, - and _)". */
  readonly rule?: string;
  /** The fix shown when the value is wrong. */
  readonly fix?: string;
  /** The problem when the value has the wrong type or form, instead of "is not <rule>" (keys: `{key}` is the key). */
  readonly problem?: string;
  /** A finer diagnosis of a value that fails the pattern (the workspace host says which part is wrong). */
  readonly diagnose?: (value: string) => ValueProblem;
  /** Checks a value of the right type and form must also pass. */
  readonly check?: (value: never) => readonly ValueProblem[];
  /** Mappings: what the mapping is called in messages; `{key}` stands for its key in a keyed map. */
  readonly what?: string;
  /** Maps: `keyed` (keys become Terraform addresses: KEY) or `named` (free-form names). */
  readonly map?: "keyed" | "named";
  /** Keyed maps: an example entry, for the fix of a value that is not a mapping. */
  readonly example?: string;
  /** Maps that must not be empty: the problem when they are. */
  readonly whenEmpty?: ValueProblem;
  /** Optional fields: what happens without it (docs). */
  readonly default?: string;
  /** Lists: no entry twice. */
  readonly unique?: boolean;
  /** Maps: what a key stands for, in the docs' paths (`environments.<environment>`). */
  readonly keyName?: string;
  /** More JSON Schema for editors, where the checks say more than one pattern (environments.schema.json). */
  readonly json?: { readonly [keyword: string]: unknown };
};

type Described = { readonly description: string };

/** The FieldInfo a schema carries (merged from its pipe). */
export function fieldInfo(schema: v.GenericSchema): FieldInfo {
  const s = schema as v.GenericSchema & { type: string; wrapped?: v.GenericSchema };
  if (s.type === "optional" && s.wrapped) return fieldInfo(s.wrapped);
  return v.getMetadata(schema as Parameters<typeof v.getMetadata>[0]) as FieldInfo;
}

/** Runs a field's extra checks; a value of the wrong type never reaches them. */
function passes<T>(info: FieldInfo) {
  return (value: T) => !info.check || info.check(value as never).length === 0;
}

/** A string of the given pattern. */
export function text(pattern: RegExp, info: FieldInfo & Described): v.GenericSchema<string> {
  return v.pipe(v.string(), v.regex(pattern), v.check(passes<string>(info)), v.description(info.description), v.metadata(info));
}

/** A positive whole number. */
export function positiveInteger(info: FieldInfo & Described): v.GenericSchema<number> {
  return v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.description(info.description), v.metadata(info));
}

/** true or false. */
export function flag(info: FieldInfo & Described): v.GenericSchema<boolean> {
  return v.pipe(v.boolean(), v.description(info.description), v.metadata(info));
}

/** One of a few words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, info: FieldInfo & Described): v.GenericSchema<T[number]> {
  return v.pipe(v.picklist(values), v.description(info.description), v.metadata(info));
}

/** A non-empty list without repeats; the items' messages use the list's rule and fix. */
export function list(pattern: RegExp, info: FieldInfo & Described): v.GenericSchema<string[]> {
  const item = v.pipe(v.string(), v.regex(pattern), v.metadata({ rule: info.rule, fix: info.fix }));
  const unique: FieldInfo = {
    ...info,
    unique: true,
    check: (items: readonly string[]) => {
      const problems: ValueProblem[] = [];
      const first = new Map<string, number>();
      items.forEach((s, i) => {
        if (!first.has(s)) first.set(s, i);
        if (first.get(s) !== i) problems.push({ at: [i], problem: `lists \`${s}\` twice`, fix: "list each entry once", value: s });
      });
      return [...problems, ...(info.check ? info.check(items as never) : [])];
    },
  };
  return v.pipe(v.array(item), v.nonEmpty(), v.check(passes<string[]>(unique)), v.description(info.description), v.metadata(unique));
}

/** A mapping with exactly these fields (an unknown key is an error, with a "did you mean"). */
export function section<const E extends v.ObjectEntries>(what: string, entries: E, info: FieldInfo & Described): v.GenericSchema<v.InferOutput<v.StrictObjectSchema<E, undefined>>> {
  return v.pipe(v.strictObject(entries), v.description(info.description), v.metadata({ ...info, what }));
}

/** A field that may be left out. */
export function optional<S extends v.GenericSchema>(schema: S): v.OptionalSchema<S, undefined> {
  return v.optional(schema);
}

/** Keys of keyed maps: they become parts of Terraform addresses. */
export const addressKey = (pattern: RegExp) =>
  v.pipe(
    v.string(),
    v.regex(pattern),
    v.metadata({
      problem: "key `{key}` is not a valid key (it becomes part of Terraform addresses)",
      fix: "use lower-case letters, digits and single underscores, starting with a letter",
    } satisfies FieldInfo),
  );

/** A mapping from keys (KEY: lower case, they become Terraform addresses) to values. */
export function keyed<S extends v.GenericSchema>(key: RegExp, value: S, info: FieldInfo & Described & { what: string; example: string }): v.GenericSchema<{ [key: string]: v.InferOutput<S> }> {
  return v.pipe(
    v.record(addressKey(key), value),
    v.minEntries(info.whenEmpty ? 1 : 0),
    v.description(info.description),
    v.metadata({ ...info, map: "keyed" }),
  );
}

/** A mapping from free-form names (or names of the given pattern) to values. */
export function named<S extends v.GenericSchema>(value: S, info: FieldInfo & Described, key: FieldInfo & { pattern?: RegExp } = {}): v.GenericSchema<{ [key: string]: v.InferOutput<S> }> {
  const { pattern, ...keyInfo } = key;
  const keySchema: v.GenericSchema<string> = pattern ? v.pipe(v.string(), v.regex(pattern), v.metadata(keyInfo)) : v.pipe(v.string(), v.metadata(keyInfo));
  return v.pipe(
    v.record(keySchema, value),
    v.description(info.description),
    v.metadata({ ...info, map: "named" }),
  );
}

/** A value of several shapes, checked by its own function (an access level or a privilege list). */
export function custom<S extends v.GenericSchema>(shape: S, info: FieldInfo & Described): v.GenericSchema<v.InferOutput<S>> {
  return v.pipe(shape, v.check(passes<v.InferOutput<S>>(info)), v.description(info.description), v.metadata(info));
}
