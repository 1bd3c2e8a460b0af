// One error base class with a literal code, as in sigstore-js.

export type ErrorCode =
  | "USAGE" // bad flags or target syntax
  | "INPUT" // unreadable, malformed or hostile input
  | "NOT_FOUND" // image, tag, file missing
  | "DIGEST_MISMATCH"
  | "AUTH" // registry refused our credentials
  | "NETWORK"
  | "LIMIT" // a safety limit was hit (size, count, depth)
  | "UNSUPPORTED"
  | "INTERNAL";

export class BulwarkError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "BulwarkError";
  }
}

/** An error caused by the user's input: reported as one line, exit code 2. */
export class UserError extends BulwarkError {
  constructor(code: Exclude<ErrorCode, "INTERNAL">, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "UserError";
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
