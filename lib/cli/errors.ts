/**
 * How a command ends: its exit codes, and the two kinds of failure every command reports the same
 * way (lib/cli/command.ts): bad usage (the message and the usage, exit 2) and bad input (the message
 * names the file, the value and the fix, exit 2). Anything else is a bug (exit 2, with the stack).
 */

/** 0: done (a check passed); 1: the check found something; 2: bad usage, bad input, or a failure. */
export const EXIT = { ok: 0, violations: 1, badInput: 2 } as const;

/** Wrong arguments: the message and the usage go to stderr (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Bad input (a file, a model, an output): the message says what and how to fix it (exit 2). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
