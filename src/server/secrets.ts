// Token hashing and the encryption of stored registry credentials (node:crypto only).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { UserError } from "../errors.js";

export const TOKEN_PREFIX = "bwk_";

/** A new API token: 32 random bytes, base64url, with a recognisable prefix (secret scanners). */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/**
 * Tokens carry 256 random bits, so a fast hash is enough (no password stretching needed); the
 * database holds only this hash.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * The key for stored registry credentials: BULWARK_SECRET_KEY, 32 bytes as 64 hex characters or
 * base64. Undefined when unset (then credentials cannot be stored).
 */
export function secretKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const raw = env.BULWARK_SECRET_KEY?.trim();
  if (!raw) return undefined;
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (key.length !== 32) throw new UserError("USAGE", "BULWARK_SECRET_KEY must be 32 bytes, as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)");
  return key;
}

/** AES-256-GCM; `aad` binds the ciphertext to its row (say, the registry name). */
export function encryptSecret(key: Buffer, plaintext: string, aad = ""): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString("base64");
}

export function decryptSecret(key: Buffer, sealed: string, aad = ""): string {
  const buf = Buffer.from(sealed, "base64");
  if (buf.length < 28) throw new UserError("INPUT", "stored secret is malformed");
  const d = createDecipheriv("aes-256-gcm", key, buf.subarray(0, 12));
  d.setAAD(Buffer.from(aad, "utf8"));
  d.setAuthTag(buf.subarray(12, 28));
  try {
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString("utf8");
  } catch (e) {
    throw new UserError("INPUT", "stored secret cannot be decrypted: wrong BULWARK_SECRET_KEY?", { cause: e });
  }
}
