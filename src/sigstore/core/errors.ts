// A bundle that does not verify. Not a UserError: the input was well-formed enough to check, and
// the answer is "no" (the CLI exits 1, as cosign does, rather than 2 for bad usage).

/** Why a bundle failed: a short, stable code plus a one-line reason. */
export type VerificationCode =
  | "BUNDLE" // not a Sigstore bundle, unknown media type, missing fields
  | "ARTIFACT" // the artifact (or its digest) is not what the bundle signed
  | "SIGNATURE" // the signature does not verify with the signer's key
  | "KEY" // wrong key / key-based bundle expected
  | "CERTIFICATE" // Fulcio chain, validity period or SCT problems
  | "IDENTITY" // certificate identity or issuer differs from the policy
  | "TLOG" // transparency log entry missing, bad inclusion proof, checkpoint or SET
  | "TIMESTAMP" // no trusted time, RFC3161 timestamp does not verify
  | "TRUST_ROOT" // trusted root unusable
  | "UNSUPPORTED";

export class VerificationError extends Error {
  readonly code: VerificationCode;
  /** The sigstore-js error code, when the failure came from @sigstore/verify. */
  readonly detail: string | undefined;
  constructor(code: VerificationCode, message: string, options?: { cause?: unknown; detail?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options?.detail;
    this.name = "VerificationError";
  }
}

export function isVerificationError(e: unknown): e is VerificationError {
  return e instanceof VerificationError;
}
