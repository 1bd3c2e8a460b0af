// cosign's legacy keyless signature (a `.sig` layer whose annotations carry the signature, the
// Fulcio certificate, its chain and the Rekor SET of a hashedrekord entry) rewritten as the
// Sigstore bundle v0.1 it is equivalent to, so that src/sigstore/core verifies it like any other
// bundle: certificate chain and SCT, SET, the entry body against signature, certificate and the
// payload's digest, identity and issuer. The artifact is the payload bytes.
import { createHash, X509Certificate } from "node:crypto";
import { COSIGN } from "./layout.js";

/** Media type of the bundle a legacy layer becomes (v0.1: SET, no checkpoint). */
export const LEGACY_BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle+json;version=0.1";
/** Each annotation (signature, certificate, chain, Rekor bundle) is read up to this size. */
export const MAX_LEGACY_ANNOTATION = 64 * 1024;
/** Certificates taken from the chain annotation (Fulcio's is intermediate + root). */
const MAX_CHAIN = 8;

export type LegacyConversion = { bundle: Record<string, unknown> } | { reason: string };

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** True when the layer carries a Fulcio certificate: cosign's keyless layout. */
export function isKeylessLegacyLayer(annotations: Record<string, string> | undefined): boolean {
  return typeof annotations?.[COSIGN.certificateAnnotation] === "string" && annotations[COSIGN.certificateAnnotation]!.length > 0;
}

function pemCertificates(pem: string, what: string, max: number): Buffer[] | string {
  const out: Buffer[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    if (out.length >= max) return `the ${what} holds more than ${max} certificates`;
    const der = Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
    try {
      new X509Certificate(der);
    } catch {
      return `the ${what} holds a certificate that cannot be parsed`;
    }
    out.push(der);
  }
  if (out.length === 0) return `the ${what} is not a PEM certificate`;
  return out;
}

/**
 * Converts a legacy layer (its annotations) and its payload into a Sigstore bundle v0.1 with a
 * message signature over sha256(payload), or gives the one reason it cannot be.
 */
export function legacyKeylessBundle(annotations: Record<string, string> | undefined, payload: Buffer): LegacyConversion {
  const a = annotations ?? {};
  for (const [key, name] of [[COSIGN.signatureAnnotation, "signature"], [COSIGN.certificateAnnotation, "certificate"], [COSIGN.chainAnnotation, "chain"], [COSIGN.bundleAnnotation, "Rekor bundle"]] as const) {
    const v = a[key];
    if (v !== undefined && (typeof v !== "string" || v.length > MAX_LEGACY_ANNOTATION)) return { reason: `the ${name} annotation (${key}) is larger than ${MAX_LEGACY_ANNOTATION} bytes` };
  }
  const sig = a[COSIGN.signatureAnnotation]?.trim();
  if (!sig) return { reason: "keyless signature without a signature annotation" };
  if (!BASE64.test(sig)) return { reason: "the signature annotation is not base64" };

  const leaf = pemCertificates(a[COSIGN.certificateAnnotation] ?? "", "certificate annotation", 1);
  if (typeof leaf === "string") return { reason: leaf };
  let chain: Buffer[] = [];
  if (a[COSIGN.chainAnnotation]) {
    const c = pemCertificates(a[COSIGN.chainAnnotation]!, "chain annotation", MAX_CHAIN);
    if (typeof c === "string") return { reason: c };
    chain = c;
  }

  const rekor = a[COSIGN.bundleAnnotation];
  if (!rekor) return { reason: "keyless signature without a Rekor bundle annotation (dev.sigstore.cosign/bundle): no transparency-log entry and no signing time to verify the certificate at" };
  let parsed: { SignedEntryTimestamp?: unknown; Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown } };
  try {
    parsed = JSON.parse(rekor) as typeof parsed;
  } catch {
    return { reason: "the Rekor bundle annotation is not JSON" };
  }
  const p = parsed?.Payload;
  const set = parsed?.SignedEntryTimestamp;
  if (typeof set !== "string" || !BASE64.test(set)) return { reason: "the Rekor bundle annotation has no SignedEntryTimestamp" };
  if (!p || typeof p !== "object") return { reason: "the Rekor bundle annotation has no Payload" };
  if (typeof p.body !== "string" || !BASE64.test(p.body)) return { reason: "the Rekor bundle annotation has no entry body" };
  if (!Number.isSafeInteger(p.integratedTime) || (p.integratedTime as number) <= 0) return { reason: "the Rekor bundle annotation has no integratedTime" };
  if (!Number.isSafeInteger(p.logIndex) || (p.logIndex as number) < 0) return { reason: "the Rekor bundle annotation has no logIndex" };
  if (typeof p.logID !== "string" || !/^[0-9a-f]{64}$/i.test(p.logID)) return { reason: "the Rekor bundle annotation has no logID (64 hex digits)" };
  let entry: { kind?: unknown; apiVersion?: unknown };
  try {
    entry = JSON.parse(Buffer.from(p.body, "base64").toString("utf8")) as typeof entry;
  } catch {
    return { reason: "the Rekor entry body is not JSON" };
  }
  if (entry?.kind !== "hashedrekord" || entry.apiVersion !== "0.0.1") {
    return { reason: `the Rekor entry is ${JSON.stringify(entry?.kind)} ${JSON.stringify(entry?.apiVersion)}; only hashedrekord 0.0.1 (cosign 1.13 and later) is verified` };
  }

  return {
    bundle: {
      mediaType: LEGACY_BUNDLE_MEDIA_TYPE,
      verificationMaterial: {
        x509CertificateChain: { certificates: [...leaf, ...chain].map((der) => ({ rawBytes: der.toString("base64") })) },
        tlogEntries: [{
          logIndex: String(p.logIndex),
          logId: { keyId: Buffer.from(p.logID, "hex").toString("base64") },
          kindVersion: { kind: "hashedrekord", version: "0.0.1" },
          integratedTime: String(p.integratedTime),
          inclusionPromise: { signedEntryTimestamp: set },
          canonicalizedBody: p.body,
        }],
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
      messageSignature: {
        messageDigest: { algorithm: "SHA2_256", digest: createHash("sha256").update(payload).digest("base64") },
        signature: sig,
      },
    },
  };
}
