// Content digests ("algorithm:hex"), as used by the OCI distribution and image specs.
import { createHash, type Hash } from "node:crypto";
import { UserError } from "../../errors.js";

/** Hex length per supported algorithm. */
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: string;
  hex: string;
}

/** Returns a reason the digest is invalid, or undefined when it is fine. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(":");
  if (colon <= 0) return "a digest is written algorithm:hex";
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(algorithm)) return `invalid digest algorithm "${algorithm}"`;
  const want = HEX_LENGTH[algorithm];
  if (want === undefined) return `unsupported digest algorithm "${algorithm}" (sha256 and sha512 are supported)`;
  if (!/^[a-f0-9]*$/.test(hex)) return "the digest must be lowercase hexadecimal";
  if (hex.length !== want) return `a ${algorithm} digest has ${want} hex characters, not ${hex.length}`;
  return undefined;
}

export function parseDigest(digest: string): ParsedDigest | undefined {
  if (digestProblem(digest) !== undefined) return undefined;
  const colon = digest.indexOf(":");
  return { algorithm: digest.slice(0, colon), hex: digest.slice(colon + 1) };
}

/** A hash for the digest's algorithm; throws INPUT for a malformed digest (it came from a manifest). */
export function hasherFor(digest: string): Hash {
  const parsed = parseDigest(digest);
  if (!parsed) throw new UserError("INPUT", `malformed digest "${digest}" in manifest`);
  return createHash(parsed.algorithm);
}

export function digestOf(bytes: Buffer, algorithm = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/** Throws DIGEST_MISMATCH unless `bytes` hash to `digest`. */
export function verifyBytes(bytes: Buffer, digest: string, what: string): void {
  const algorithm = parseDigest(digest)?.algorithm;
  if (!algorithm) throw new UserError("INPUT", `malformed digest "${digest}" for ${what}`);
  const actual = digestOf(bytes, algorithm);
  if (actual !== digest) {
    throw new UserError("DIGEST_MISMATCH", `${what}: expected digest ${digest} but the content hashes to ${actual}`);
  }
}
