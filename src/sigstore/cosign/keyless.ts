// Keyless image signatures: Sigstore bundles attached to an image (OCI 1.1 referrers) whose signer
// is a Fulcio certificate, verified by src/sigstore/core (certificate chain, SCT, transparency-log
// proofs, identity and issuer) against a trusted root. The artifact is the image's manifest
// digest, which the bundle's in-toto subject (DSSE) must name. Legacy `.sig` layers signed
// keylessly are converted to bundles (legacy-keyless.ts) whose artifact is the payload bytes.
import { isVerificationError } from "../core/errors.js";
import { verifyBundle as verifySigstoreBundle, type IdentityPolicy } from "../core/verify.js";
import type { TrustedRoot } from "../core/trusted-root.js";
import { checkLegacyKeyless, type BundleVerifier } from "./verify.js";

export function keylessBundleVerifier(identity: IdentityPolicy, opts: { trustedRoot?: TrustedRoot } = {}): BundleVerifier {
  return async (bundle, ctx) => {
    try {
      const r = await verifySigstoreBundle(bundle, ctx.artifact ?? { digest: ctx.digest }, identity, opts.trustedRoot ? { trustedRoot: opts.trustedRoot } : {});
      const env = (bundle as { dsseEnvelope?: { payload?: string } }).dsseEnvelope;
      const payload = typeof env?.payload === "string" ? Buffer.from(env.payload, "base64") : undefined;
      const who = r.signer.kind === "certificate" ? `${r.signer.identity}${r.signer.issuer ? ` (${r.signer.issuer})` : ""}` : undefined;
      return { valid: true, ...(payload ? { payload } : {}), ...(who ? { identity: who } : {}) };
    } catch (e) {
      if (isVerificationError(e)) return { valid: false, reason: e.message };
      throw e;
    }
  };
}

/**
 * Verifies one legacy keyless `.sig` layer (its descriptor's digest and annotations, and the
 * payload blob) for the image `digest`: certificate chain, SCT, Rekor SET, identity and issuer,
 * then the payload's docker-manifest-digest. `valid` with the signer, or the one reason it fails.
 */
export async function verifyLegacyKeylessSignature(
  layer: { digest?: string; annotations?: Record<string, string> },
  payload: Buffer,
  digest: string,
  identity: IdentityPolicy,
  opts: { trustedRoot?: TrustedRoot } = {},
): Promise<{ valid: true; identity?: string; payload?: unknown } | { valid: false; reason: string }> {
  const r = await checkLegacyKeyless(layer, payload, digest, keylessBundleVerifier(identity, opts));
  if (r.reason) return { valid: false, reason: r.reason };
  return { valid: true, ...(r.identity ? { identity: r.identity } : {}), ...(r.parsed !== undefined ? { payload: r.parsed } : {}) };
}
