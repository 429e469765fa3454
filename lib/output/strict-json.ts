/**
 * JSON as Terraform reads it, strictly. `JSON.parse` keeps only the last of a repeated key, while
 * Terraform's JSON reader merges a repeated block type or label, so a grant hidden in the first
 * copy would be applied and never seen. This parser returns the same value as `JSON.parse` and also
 * every repeated key with its path, so the gate can refuse it. One pass, linear in the text.
 */

export interface DuplicateKey {
  /** The path of the object holding the key, e.g. `["resource", "databricks_grant"]`. */
  readonly path: readonly string[];
  readonly key: string;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

export function parseStrictJson(text: string): { value: unknown; duplicates: DuplicateKey[] } {
  let i = 0;
  const duplicates: DuplicateKey[] = [];
  // Keys and array positions down to the current value; turned into text only for a duplicate.
  const path: (string | number)[] = [];
  const has = Object.prototype.hasOwnProperty;
  const n = text.length;

  const fail = (what: string): never => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    const column = i - before.lastIndexOf("\n");
    throw new JsonSyntaxError(`${what} at line ${line}, column ${column}`, i);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const string = (): string => {
    // i is at the opening quote
    const start = ++i;
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 32) fail("control character in a string");
      i++;
    }
    if (i >= n) fail("unterminated string");
    const raw = text.slice(start, i);
    i++;
    if (!escaped) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return fail("invalid escape in a string");
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): unknown => {
    ws();
    if (i >= n) fail("unexpected end of input");
    const c = text.charCodeAt(i);
    if (c === 123) return object();
    if (c === 91) return array();
    if (c === 34) return string();
    if (text.startsWith("true", i)) return (i += 4), true;
    if (text.startsWith("false", i)) return (i += 5), false;
    if (text.startsWith("null", i)) return (i += 4), null;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail(`unexpected character ${JSON.stringify(text[i])}`);
    i += m[0].length;
    return Number(m[0]);
  };
  const object = (): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    ws();
    if (text.charCodeAt(i) === 125) return i++, out;
    for (;;) {
      ws();
      if (text.charCodeAt(i) !== 34) fail("expected a key (a string)");
      const key = string();
      ws();
      if (text.charCodeAt(i) !== 58) fail("expected ':'");
      i++;
      if (has.call(out, key)) duplicates.push({ path: path.map((p) => (typeof p === "number" ? `[${p}]` : p)), key });
      path.push(key);
      const v = value();
      path.pop();
      // A key named "__proto__" is data, as in JSON.parse, not the object's prototype.
      if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      ws();
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 125) {
        i++;
        break;
      }
      fail("expected ',' or '}'");
    }
    return out;
  };
  const array = (): unknown[] => {
    i++;
    const out: unknown[] = [];
    ws();
    if (text.charCodeAt(i) === 93) return i++, out;
    for (;;) {
      path.push(out.length);
      out.push(value());
      path.pop();
      ws();
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 93) {
        i++;
        break;
      }
      fail("expected ',' or ']'");
    }
    return out;
  };

  const result = value();
  ws();
  if (i < n) fail("unexpected text after the JSON value");
  return { value: result, duplicates };
}
