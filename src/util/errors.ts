/**
 * Base class of every expected failure netkube reports. Callers branch on
 * `code` or `instanceof`, never on the message text (undici `lib/core/errors.js`).
 * Messages are capitalised, with no trailing period.
 */
export class NetkubeError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A mistake in what the user gave us (flags, files, arguments): exit code 1. */
export class UserError extends NetkubeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_USER', message, options);
  }
}

/** Wrong command-line usage: exit code 2. */
export class UsageError extends NetkubeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_USAGE', message, options);
  }
}

/** Formats any thrown value as one line for a user. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
