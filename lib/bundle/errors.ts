/**
 * Bad input to `bundle` and `bundle:check` (exit 2): an unreadable or malformed file, a missing
 * stack output. The message names the file (and line), the value and the fix.
 */
export class BundleInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleInputError";
  }
}
