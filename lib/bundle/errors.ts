/**
 * Bad input to `bundle` and `bundle:check` (exit 2): an unreadable or malformed file, a missing
 * stack output. The message names the file (and line), the value and the fix.
 */
import { InputError } from "../cli/errors";

export class BundleInputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = "BundleInputError";
  }
}
