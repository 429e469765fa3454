/**
 * The vocabulary of the expected Terraform JSON each resource module writes (the gate's reference,
 * lib/gate/expected.ts assembles it per stack): literal values, references written out, and
 * matchers for the few values that are not one literal.
 */

/** Where the stack being checked was read from, for values that depend on it. */
export interface MatchContext {
  /** The stack's directory, when read from disk. */
  readonly stackDir?: string;
}

/** A value the output must match that is not one literal (the local state path). */
export class Matcher {
  constructor(
    readonly describe: string,
    readonly test: (value: unknown, context: MatchContext) => boolean,
  ) {}
}

export type Expected = string | number | boolean | null | Matcher | readonly Expected[] | { readonly [key: string]: Expected };

/** A block's expected body: attribute -> expected value. */
export type ExpectedBody = { readonly [attribute: string]: Expected };

/** `${<address>.<attribute>}`: a reference to a block of the same stack, as Terraform JSON writes it. */
export function ref(address: string, attribute: string): string {
  return `\${${address}.${attribute}}`;
}

/** A value in a message: a matcher by what it wants, anything else as JSON, cut at 160 characters. */
export function show(value: unknown): string {
  if (value instanceof Matcher) return value.describe;
  if (value === undefined) return "not set";
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 160 ? `${s.slice(0, 159)}…` : s;
}
