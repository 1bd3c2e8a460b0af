// Signature checks when only the artifact's digest is known (`verify-blob sha256:<hex>`). Node's
// crypto always hashes the message itself, so a message signature over an artifact we do not
// have is checked on its digest: RSA PKCS#1 v1.5 by recovering the DigestInfo with
// publicDecrypt, ECDSA with @noble/curves (prehash: false). Ed25519 signs the message, not a
// digest, so it cannot be checked from a digest at all.
import { publicDecrypt, constants, type KeyObject } from "node:crypto";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { VerificationError } from "./errors.js";

// DER prefixes of PKCS#1 v1.5 DigestInfo for each hash (RFC 8017 section 9.2, note 1).
const DIGEST_INFO: Record<string, string> = {
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
};

export function verifyPrehashed(key: KeyObject, hashAlgorithm: string, digest: Buffer, signature: Buffer): boolean {
  const type = key.asymmetricKeyType;
  if (type === "rsa") {
    const prefix = DIGEST_INFO[hashAlgorithm];
    if (!prefix) throw new VerificationError("UNSUPPORTED", `RSA signature over a ${hashAlgorithm} digest cannot be checked from the digest alone`);
    let recovered: Buffer;
    try {
      recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    } catch {
      return false;
    }
    return recovered.equals(Buffer.concat([Buffer.from(prefix, "hex"), digest]));
  }
  if (type === "ec") {
    const jwk = key.export({ format: "jwk" });
    const curve = jwk.crv === "P-256" ? p256 : jwk.crv === "P-384" ? p384 : jwk.crv === "P-521" ? p521 : undefined;
    if (!curve) throw new VerificationError("UNSUPPORTED", `ECDSA curve ${jwk.crv ?? "?"} is not supported for digest-only verification`);
    const point = key.export({ format: "der", type: "spki" });
    // The uncompressed point is the BIT STRING at the end of the SPKI: 0x04 || X || Y.
    const len = 1 + 2 * Buffer.from(jwk.x ?? "", "base64url").length;
    const raw = point.subarray(point.length - len);
    try {
      return curve.verify(signature, digest, raw, { prehash: false, lowS: false, format: "der" });
    } catch {
      return false;
    }
  }
  throw new VerificationError("UNSUPPORTED", `a ${type ?? "?"} signature over the artifact cannot be checked from its digest alone; give the artifact file instead`);
}
