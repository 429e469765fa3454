/**
 * Terraform values as the plugin protocol carries them (`DynamicValue.msgpack`): msgpack of exactly
 * the schema's implied type. Null is msgpack nil, sets and lists are arrays, objects and maps are
 * maps, numbers are integers or floats. An unknown value is msgpack extension type 0; terraform
 * may also send a refined unknown (extension type 12, carrying what is known of it, e.g. "not
 * null"), which the stand-in reads as plain unknown.
 */
import { decode, encode, ExtData, ExtensionCodec } from "@msgpack/msgpack";
import type { CtyType } from "../schema/json-schema";

/** A value that is not known until apply. */
export const UNKNOWN = Object.freeze({ unknown: true as const });
export type Unknown = typeof UNKNOWN;

export type Value = null | string | number | boolean | Unknown | Value[] | ObjectValue;
export interface ObjectValue {
  [name: string]: Value;
}

export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN;
}

const UNKNOWN_EXT = 0;
const REFINED_UNKNOWN_EXT = 12;

const codec = new ExtensionCodec();
codec.register({
  type: UNKNOWN_EXT,
  encode: (input: unknown) => (input === UNKNOWN ? new Uint8Array(0) : null),
  decode: () => UNKNOWN,
});
codec.register({ type: REFINED_UNKNOWN_EXT, encode: () => null, decode: () => UNKNOWN });

/** Decodes a msgpack DynamicValue and shapes it to `type` (missing object attributes become null). */
export function decodeValue(bytes: Uint8Array | undefined, type: CtyType): Value {
  if (!bytes || bytes.length === 0) return null;
  return conform(decode(bytes, { extensionCodec: codec }) as unknown, type, "");
}

/** Encodes a value of `type` for terraform. */
export function encodeValue(value: Value, type: CtyType): Uint8Array {
  return encode(conform(value, type, ""), { extensionCodec: codec, ignoreUndefined: false });
}

/** Reads the JSON state terraform stored (UpgradeResourceState's raw_state.json) as a value of `type`. */
export function valueFromJson(json: unknown, type: CtyType): Value {
  return conform(json, type, "");
}

/**
 * Shapes a decoded value to a type: objects get exactly the type's attributes (absent ones null,
 * extra ones dropped), numbers stay numbers, anything else that does not fit is an error naming the
 * path (a stand-in bug or a schema mismatch, never silently repaired).
 */
export function conform(v: unknown, type: CtyType, path: string): Value {
  if (v === null || v === undefined) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (v instanceof ExtData) throw new Error(`${path || "value"}: unexpected msgpack extension ${v.type}`);
  if (type === "string") {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    throw new Error(`${path || "value"}: expected a string, got ${JSON.stringify(v)}`);
  }
  if (type === "number") {
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
    throw new Error(`${path || "value"}: expected a number, got ${JSON.stringify(v)}`);
  }
  if (type === "bool") {
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    throw new Error(`${path || "value"}: expected a bool, got ${JSON.stringify(v)}`);
  }
  if (type === "dynamic") throw new Error(`${path || "value"}: dynamic values are not used by the stand-in's schema`);
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(v)) throw new Error(`${path || "value"}: expected a ${kind}, got ${JSON.stringify(v)}`);
    return v.map((e, i) => conform(e, inner as CtyType, `${path}[${i}]`));
  }
  if (typeof v !== "object" || Array.isArray(v)) throw new Error(`${path || "value"}: expected an ${kind}, got ${JSON.stringify(v)}`);
  const o = v as { [k: string]: unknown };
  if (kind === "map") return Object.fromEntries(Object.entries(o).map(([k, e]) => [k, conform(e, inner as CtyType, `${path}.${k}`)]));
  const attrs = inner as { [name: string]: CtyType };
  const out: ObjectValue = {};
  for (const [name, t] of Object.entries(attrs)) out[name] = conform(o[name], t, path ? `${path}.${name}` : name);
  return out;
}

/** Deep equality of two values (sets compared as unordered). */
export function sameValue(a: Value, b: Value, type?: CtyType): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === UNKNOWN || b === UNKNOWN) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    const inner = Array.isArray(type) ? (type[1] as CtyType) : undefined;
    if (Array.isArray(type) && type[0] === "set") return a.every((x) => b.some((y) => sameValue(x, y, inner)));
    return a.every((x, i) => sameValue(x, b[i], inner));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const attrs = Array.isArray(type) && type[0] === "object" ? (type[1] as { [k: string]: CtyType }) : undefined;
  const mapInner = Array.isArray(type) && type[0] === "map" ? (type[1] as CtyType) : undefined;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as ObjectValue)[k], (b as ObjectValue)[k], attrs?.[k] ?? mapInner));
}

/** True when the value contains no unknown anywhere. */
export function whollyKnown(v: Value): boolean {
  if (v === UNKNOWN) return false;
  if (v === null || typeof v !== "object") return true;
  return Array.isArray(v) ? v.every(whollyKnown) : Object.values(v).every(whollyKnown);
}
