// verifyBundle: one Sigstore bundle (v0.1-v0.3) against an artifact, a trusted root and a policy
// (a public key, or a certificate identity and issuer). The cryptography, Merkle proofs,
// checkpoints, SETs, SCTs and RFC 3161 timestamps are @sigstore/verify's; this file picks the
// thresholds, binds the artifact (message digest or in-toto subject), matches identities the way
// cosign does (exact, or an unanchored regular expression) and turns failures into one-line reasons.
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from "node:crypto";
import {
  assertBundleLatest, assertBundleV01, assertBundleV02, bundleFromJSON, ValidationError,
  BUNDLE_V01_MEDIA_TYPE, BUNDLE_V02_MEDIA_TYPE, BUNDLE_V03_LEGACY_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE,
  type Bundle,
} from "@sigstore/bundle";
import {
  PolicyError, toSignedEntity, toTrustMaterial, Verifier, VerificationError as SigstoreVerificationError,
  type SignedEntity, type Signer, type TrustMaterial,
} from "@sigstore/verify";
import { dsse as sigstoreDsse } from "@sigstore/core";
import { UserError } from "../../errors.js";
import { VerificationError, type VerificationCode } from "./errors.js";
import { verifyPrehashed } from "./prehashed.js";
import { loadTrustedRoot, type TrustedRoot } from "./trusted-root.js";

/** The artifact: its bytes, or only its digest ("sha256:<hex>"; sha384/sha512 also accepted). */
export type Artifact = Buffer | { digest: string };

export interface KeyPolicy {
  /** The signer's public key: a KeyObject or PEM text (ECDSA, RSA, Ed25519). */
  key: KeyObject | string | Buffer;
}

export interface IdentityPolicy {
  /** Exact subject alternative name (e-mail, URI) of the Fulcio certificate. */
  certificateIdentity?: string;
  /** Regular expression, unanchored as in cosign: use ^...$ to match the whole identity. */
  certificateIdentityRegExp?: string;
  /** Exact OIDC issuer recorded in the certificate (Fulcio extension 1.3.6.1.4.1.57264.1.8 or .1.1). */
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegExp?: string;
}

export type VerifyPolicy = KeyPolicy | IdentityPolicy;

export interface VerifyOptions {
  /** Default: `loadTrustedRoot()` (the bundled public-good root, or the last TUF refresh). */
  trustedRoot?: TrustedRoot;
  /** Key-based only: accept a bundle without transparency-log entry or timestamp (cosign's --insecure-ignore-tlog). */
  ignoreTlog?: boolean;
}

export interface VerifyResult {
  ok: true;
  mediaType: string;
  bundleVersion: "0.1" | "0.2" | "0.3";
  content: "messageSignature" | "dsseEnvelope";
  signer:
    | { kind: "key"; keyType: string }
    | { kind: "certificate"; identity: string; issuer: string | undefined };
  /** Each transparency-log entry verified: kind/version of its body and how inclusion was shown. */
  tlogEntries: { logIndex: string; kind: string; version: string; integratedTime?: string; inclusionProof: boolean; inclusionPromise: boolean }[];
  /** Verified signing times (from the log's integrated time or an RFC 3161 timestamp). */
  timestamps: { source: "tlog" | "tsa"; time: string }[];
  /** DSSE only: the payload type and, for in-toto, the statement's predicate type. */
  payloadType?: string;
  predicateType?: string;
  /** DSSE in-toto only: the parsed statement. */
  statement?: unknown;
}

const VERSIONS: Record<string, "0.1" | "0.2" | "0.3"> = {
  [BUNDLE_V01_MEDIA_TYPE]: "0.1",
  [BUNDLE_V02_MEDIA_TYPE]: "0.2",
  [BUNDLE_V03_LEGACY_MEDIA_TYPE]: "0.3",
  [BUNDLE_V03_MEDIA_TYPE]: "0.3",
};
const IN_TOTO_PAYLOAD = "application/vnd.in-toto+json";
const IN_TOTO_STATEMENTS = new Set(["https://in-toto.io/Statement/v0.1", "https://in-toto.io/Statement/v1"]);
const HASH_NAMES: Record<number, string> = { 0: "sha256", 1: "sha256", 2: "sha384", 3: "sha512", 4: "sha3-256", 5: "sha3-384" };
/** Bundles are a few KB; a DSSE payload (an SBOM attestation) can be large but not unbounded. */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/**
 * Verifies `bundle` (parsed JSON, or its text) for `artifact` under `policy`. Returns what was
 * verified; throws `VerificationError` (code + one-line reason) when it does not verify and
 * `UserError` for unusable arguments (no policy, both a key and an identity, a bad regexp).
 */
export async function verifyBundle(bundle: unknown, artifact: Artifact, policy: VerifyPolicy, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const mode = checkPolicy(policy);
  const parsed = parseBundle(bundle);
  const { version, b } = parsed;
  const trustedRoot = opts.trustedRoot ?? (await loadTrustedRoot()).root;

  // Signer material must fit the policy.
  const material = b.verificationMaterial.content;
  let userKey: KeyObject | undefined;
  if (mode === "key") {
    if (material.$case !== "publicKey") {
      throw new VerificationError("KEY", "bundle is signed with a certificate (keyless), but a public key was given: use --certificate-identity and --certificate-oidc-issuer");
    }
    userKey = toKeyObject((policy as KeyPolicy).key);
  } else if (material.$case === "publicKey") {
    throw new VerificationError("KEY", "bundle is signed with a public key, not a certificate: verify it with --key");
  }

  // Bind the artifact to the signed content.
  const entity: SignedEntity = buildEntity(b, artifact);
  const extra = bindArtifact(b, artifact);

  let trust: TrustMaterial;
  try {
    trust = trustMaterial(trustedRoot);
  } catch (e) {
    throw new VerificationError("TRUST_ROOT", `trusted root unusable: ${(e as Error).message}`, { cause: e });
  }
  if (userKey) {
    const key = userKey;
    trust = { ...trust, publicKey: () => ({ publicKey: key, validFor: () => true }) };
  }
  const relaxed = mode === "key" && opts.ignoreTlog === true;
  // Key-based: the key is the trust anchor, so no signing time is needed (cosign, sigstore-python);
  // the log entry still is, unless ignoreTlog. Keyless: a log entry, a time and an SCT.
  const verifier = new Verifier(trust, mode === "key" ? { tlogThreshold: relaxed ? 0 : 1, timestampThreshold: 0, ctlogThreshold: 0 } : { tlogThreshold: 1, timestampThreshold: 1, ctlogThreshold: 1 });
  let signer: Signer;
  try {
    signer = verifier.verify(entity);
  } catch (e) {
    throw explainCertificateTime(translate(e), entity);
  }

  let signerInfo: VerifyResult["signer"];
  if (mode === "key") {
    signerInfo = { kind: "key", keyType: describeKey(userKey as KeyObject) };
  } else {
    const san = signer.identity?.subjectAlternativeName;
    const issuer = signer.identity?.extensions?.issuer;
    checkIdentity(policy as IdentityPolicy, san, issuer);
    signerInfo = { kind: "certificate", identity: san ?? "", issuer };
  }

  const result: VerifyResult = {
    ok: true,
    mediaType: b.mediaType,
    bundleVersion: version,
    content: b.content.$case,
    signer: signerInfo,
    tlogEntries: b.verificationMaterial.tlogEntries.map((t) => ({
      logIndex: t.logIndex,
      kind: t.kindVersion?.kind ?? "",
      version: t.kindVersion?.version ?? "",
      ...(t.integratedTime && t.integratedTime !== "0" ? { integratedTime: new Date(Number(t.integratedTime) * 1000).toISOString() } : {}),
      inclusionProof: t.inclusionProof !== undefined,
      inclusionPromise: t.inclusionPromise !== undefined,
    })),
    timestamps: entity.timestamps.map((t) =>
      t.$case === "timestamp-authority"
        ? { source: "tsa" as const, time: t.timestamp.signingTime.toISOString() }
        : { source: "tlog" as const, time: new Date(Number(t.tlogEntry.integratedTime) * 1000).toISOString() },
    ),
    ...extra,
  };
  return result;
}

// Parsing a root's certificates and keys costs more than a whole key-based verification: keep
// the parsed form per TrustedRoot object (a root is not mutated once loaded).
const trustCache = new WeakMap<TrustedRoot, TrustMaterial>();
function trustMaterial(root: TrustedRoot): TrustMaterial {
  let t = trustCache.get(root);
  if (!t) {
    t = toTrustMaterial(root);
    trustCache.set(root, t);
  }
  return t;
}

function checkPolicy(policy: VerifyPolicy): "key" | "identity" {
  if (typeof policy !== "object" || policy === null) throw new UserError("USAGE", "a verification policy is required: a public key, or a certificate identity and OIDC issuer");
  const hasKey = "key" in policy && policy.key !== undefined;
  const p = policy as IdentityPolicy;
  const hasIdentity = p.certificateIdentity !== undefined || p.certificateIdentityRegExp !== undefined;
  const hasIssuer = p.certificateOidcIssuer !== undefined || p.certificateOidcIssuerRegExp !== undefined;
  if (hasKey && (hasIdentity || hasIssuer)) throw new UserError("USAGE", "give either a public key or a certificate identity, not both");
  if (hasKey) return "key";
  if (!hasIdentity) throw new UserError("USAGE", "keyless verification needs --certificate-identity or --certificate-identity-regexp (or give --key)");
  if (!hasIssuer) throw new UserError("USAGE", "keyless verification needs --certificate-oidc-issuer (or --certificate-oidc-issuer-regexp)");
  for (const re of [p.certificateIdentityRegExp, p.certificateOidcIssuerRegExp]) {
    if (re === undefined) continue;
    try {
      new RegExp(re);
    } catch (e) {
      throw new UserError("USAGE", `invalid regular expression ${JSON.stringify(re)}: ${(e as Error).message}`);
    }
  }
  return "identity";
}

function parseBundle(input: unknown): { version: "0.1" | "0.2" | "0.3"; b: Bundle } {
  let json = input;
  if (typeof input === "string" || Buffer.isBuffer(input)) {
    if (input.length > MAX_BUNDLE_BYTES) throw new VerificationError("BUNDLE", `bundle larger than ${MAX_BUNDLE_BYTES} bytes`);
    try {
      json = JSON.parse(input.toString());
    } catch (e) {
      throw new VerificationError("BUNDLE", `bundle is not JSON: ${(e as Error).message}`);
    }
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new VerificationError("BUNDLE", "bundle is not a JSON object");
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== "string") throw new VerificationError("BUNDLE", "bundle has no mediaType: not a Sigstore bundle");
  const version = VERSIONS[mediaType];
  if (!version) throw new VerificationError("BUNDLE", `unsupported bundle media type ${JSON.stringify(mediaType)} (known: Sigstore bundle v0.1, v0.2, v0.3)`);
  checkCounts(json as Record<string, unknown>);
  let b: Bundle;
  try {
    b = bundleFromJSON(json);
    if (version === "0.1") assertBundleV01(b);
    else if (version === "0.2") assertBundleV02(b);
    else assertBundleLatest(b);
    normaliseProofs(b);
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    if (e instanceof ValidationError) throw new VerificationError("BUNDLE", `invalid v${version} bundle: missing or bad ${(e.fields ?? []).join(", ") || "fields"}`);
    throw new VerificationError("BUNDLE", `malformed bundle: ${(e as Error).message}`);
  }
  return { version, b };
}

/** Hostile bundles: each entry costs signature checks, so the lists a bundle carries are capped. */
export const BUNDLE_LIMITS = { tlogEntries: 16, timestamps: 16, certificates: 16, proofHashes: 64, dsseSignatures: 16 };

function checkCounts(json: Record<string, unknown>): void {
  const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), o);
  const over = (list: unknown, max: number, what: string) => {
    if (Array.isArray(list) && list.length > max) throw new VerificationError("BUNDLE", `bundle has ${list.length} ${what} (at most ${max} accepted)`);
  };
  const vm = json.verificationMaterial;
  const entries = get(vm, "tlogEntries");
  over(entries, BUNDLE_LIMITS.tlogEntries, "transparency log entries");
  if (Array.isArray(entries)) for (const e of entries) over(get(e, "inclusionProof", "hashes"), BUNDLE_LIMITS.proofHashes, "inclusion proof hashes");
  over(get(vm, "timestampVerificationData", "rfc3161Timestamps"), BUNDLE_LIMITS.timestamps, "RFC 3161 timestamps");
  over(get(vm, "x509CertificateChain", "certificates"), BUNDLE_LIMITS.certificates, "certificates");
  over(get(json, "dsseEnvelope", "signatures"), BUNDLE_LIMITS.dsseSignatures, "DSSE signatures");
}

/**
 * v0.1 bundles carry an inclusion proof without a checkpoint: its root hash is signed by nobody,
 * so the proof shows nothing; the signed entry timestamp (SET) is what v0.1 relies on. Such a
 * proof is dropped (the SET is still required and verified); without a SET the entry is refused.
 * (v0.2 and later must carry the checkpoint: @sigstore/bundle's assertions refuse them before.)
 */
function normaliseProofs(b: Bundle): void {
  for (const t of b.verificationMaterial.tlogEntries) {
    const proof = t.inclusionProof;
    const note = proof?.checkpoint?.envelope;
    if (proof && note) {
      // @sigstore/verify checks the proof against the signed checkpoint only; a bundle whose own
      // tree size or root hash says something else is inconsistent, and refused.
      const [, size, root] = note.split("\n");
      if (size !== proof.treeSize || root !== Buffer.from(proof.rootHash).toString("base64")) {
        throw new VerificationError("TLOG", `transparency log entry ${t.logIndex}: inclusion proof tree size or root hash differs from its checkpoint`);
      }
    }
    if (t.inclusionProof && !t.inclusionProof.checkpoint?.envelope) {
      if (!t.inclusionPromise) throw new VerificationError("TLOG", `transparency log entry ${t.logIndex}: inclusion proof has no signed checkpoint and there is no signed entry timestamp`);
      t.inclusionProof = undefined;
    }
  }
}

function toKeyObject(key: KeyObject | string | Buffer): KeyObject {
  if (typeof key === "object" && !Buffer.isBuffer(key)) return key;
  try {
    return createPublicKey(key);
  } catch (e) {
    throw new UserError("INPUT", `not a PEM public key: ${(e as Error).message}`);
  }
}

function describeKey(key: KeyObject): string {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === "ec") return `ecdsa-${d?.namedCurve ?? "?"}`;
  if (key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "rsa-pss") return `${key.asymmetricKeyType}-${d?.modulusLength ?? "?"}`;
  return key.asymmetricKeyType ?? "unknown";
}

function parseDigest(s: string): { alg: string; hex: string } {
  const m = /^(sha256|sha384|sha512):([0-9a-f]+)$/.exec(s.trim().toLowerCase());
  const lengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
  if (!m || m[2]!.length !== lengths[m[1]!]) throw new UserError("INPUT", `bad artifact digest ${JSON.stringify(s)}: expected sha256:<64 hex digits>`);
  return { alg: m[1]!, hex: m[2]! };
}

/** The entity with some of its signature checks replaced (where @sigstore/verify falls short). */
function overrideSignature(entity: SignedEntity, checks: Partial<Pick<SignedEntity["signature"], "compareDigest" | "verifySignature">>): SignedEntity {
  const inner = entity.signature;
  return {
    ...entity,
    signature: {
      signature: inner.signature,
      compareSignature: (s) => inner.compareSignature(s),
      compareDigest: checks.compareDigest ?? ((d) => inner.compareDigest(d)),
      verifySignature: checks.verifySignature ?? ((key) => inner.verifySignature(key)),
    },
  };
}

function buildEntity(b: Bundle, artifact: Artifact): SignedEntity {
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(b, Buffer.isBuffer(artifact) ? artifact : undefined);
  } catch (e) {
    throw new VerificationError("BUNDLE", `malformed bundle: ${(e as Error).message}`, { cause: e });
  }
  const entries = b.verificationMaterial.tlogEntries;
  if (b.content.$case === "dsseEnvelope" && entries.length > 0 && entries.every((t) => t.kindVersion?.kind === "hashedrekord")) {
    // A DSSE envelope logged as a hashedrekord entry (allowed by the client spec, "Bundle content
    // vs. Rekor entry kind"): the entry's digest commits to SHA-256 of the pre-authentication
    // encoding, the bytes the signature covers. @sigstore/verify 3.1.1 compares it with the
    // payload hash instead; compare it with the PAE hash.
    const env = b.content.dsseEnvelope;
    const paeDigest = createHash("sha256").update(sigstoreDsse.preAuthEncoding(env.payloadType, env.payload)).digest();
    entity = overrideSignature(entity, { compareDigest: (d) => d.length === paeDigest.length && d.equals(paeDigest) });
  }
  if (b.content.$case === "messageSignature" && Buffer.isBuffer(artifact)) {
    // @sigstore/verify always passes a hash name to crypto.verify, which Ed25519 (a pure
    // signature over the message) refuses; verify those with no hash, the rest as before.
    const inner = entity.signature;
    entity = overrideSignature(entity, { verifySignature: (key) => (key.asymmetricKeyType === "ed25519" ? cryptoVerify(null, artifact, key, inner.signature) : inner.verifySignature(key)) });
  }
  if (b.content.$case === "messageSignature" && !Buffer.isBuffer(artifact)) {
    // Digest only: same checks, but the signature is verified over the digest.
    const ms = b.content.messageSignature;
    const alg = HASH_NAMES[ms.messageDigest?.algorithm ?? 0] ?? "sha256";
    const digest = Buffer.from(parseDigest(artifact.digest).hex, "hex");
    const signature = entity.signature.signature;
    entity = overrideSignature(entity, { verifySignature: (key) => verifyPrehashed(key, alg, digest, signature) });
  }
  return entity;
}

/** Checks that the bundle signs this artifact; returns the DSSE details for the result. */
function bindArtifact(b: Bundle, artifact: Artifact): Partial<VerifyResult> {
  if (b.content.$case === "messageSignature") {
    const md = b.content.messageSignature.messageDigest;
    const alg = HASH_NAMES[md?.algorithm ?? 0] ?? "sha256";
    let actual: string;
    if (Buffer.isBuffer(artifact)) actual = createHash(alg).update(artifact).digest("hex");
    else {
      const d = parseDigest(artifact.digest);
      if (d.alg !== alg) throw new VerificationError("ARTIFACT", `the bundle signs a ${alg} digest, but a ${d.alg} digest was given`);
      actual = d.hex;
    }
    const expected = Buffer.from(md?.digest ?? []).toString("hex");
    if (actual !== expected) throw new VerificationError("ARTIFACT", `artifact ${alg}:${actual} differs from the digest the bundle signs (${alg}:${expected})`);
    return {};
  }
  const env = b.content.dsseEnvelope;
  const out: Partial<VerifyResult> = { payloadType: env.payloadType };
  if (env.payloadType !== IN_TOTO_PAYLOAD) {
    throw new VerificationError("UNSUPPORTED", `DSSE payload type ${JSON.stringify(env.payloadType)} is not an in-toto statement, so it names no artifact to check`);
  }
  let st: { _type?: unknown; subject?: unknown; predicateType?: unknown };
  try {
    st = JSON.parse(Buffer.from(env.payload).toString("utf8"));
  } catch {
    throw new VerificationError("BUNDLE", "DSSE payload is not JSON");
  }
  if (typeof st !== "object" || st === null) throw new VerificationError("BUNDLE", "DSSE payload is not an in-toto statement");
  if (typeof st._type !== "string" || !IN_TOTO_STATEMENTS.has(st._type)) {
    throw new VerificationError("BUNDLE", `DSSE payload has ${st._type === undefined ? "no in-toto _type" : `unknown in-toto _type ${JSON.stringify(st._type)}`}`);
  }
  if (!Array.isArray(st.subject) || st.subject.length === 0) throw new VerificationError("BUNDLE", "in-toto statement has no subject");
  const wanted: Record<string, string> = {};
  if (Buffer.isBuffer(artifact)) {
    for (const alg of ["sha256", "sha384", "sha512"]) wanted[alg] = createHash(alg).update(artifact).digest("hex");
  } else {
    const d = parseDigest(artifact.digest);
    wanted[d.alg] = d.hex;
  }
  const match = st.subject.some((s: unknown) => {
    const digest = (s as { digest?: Record<string, unknown> } | null)?.digest;
    if (typeof digest !== "object" || digest === null) return false;
    return Object.entries(wanted).some(([alg, hex]) => typeof digest[alg] === "string" && (digest[alg] as string).toLowerCase() === hex);
  });
  if (!match) {
    const shown = Object.entries(wanted).slice(0, 1).map(([a, h]) => `${a}:${h}`)[0];
    throw new VerificationError("ARTIFACT", `artifact ${shown} is not a subject of the in-toto statement`);
  }
  out.statement = st;
  if (typeof st.predicateType === "string") out.predicateType = st.predicateType;
  return out;
}

function checkIdentity(p: IdentityPolicy, san: string | undefined, issuer: string | undefined): void {
  if (p.certificateIdentity !== undefined && san !== p.certificateIdentity) {
    throw new VerificationError("IDENTITY", `certificate identity ${JSON.stringify(san ?? null)} is not the expected ${JSON.stringify(p.certificateIdentity)}`);
  }
  if (p.certificateIdentityRegExp !== undefined && (san === undefined || !new RegExp(p.certificateIdentityRegExp).test(san))) {
    throw new VerificationError("IDENTITY", `certificate identity ${JSON.stringify(san ?? null)} does not match /${p.certificateIdentityRegExp}/`);
  }
  if (p.certificateOidcIssuer !== undefined && issuer !== p.certificateOidcIssuer) {
    throw new VerificationError("IDENTITY", `certificate OIDC issuer ${JSON.stringify(issuer ?? null)} is not the expected ${JSON.stringify(p.certificateOidcIssuer)}`);
  }
  if (p.certificateOidcIssuerRegExp !== undefined && (issuer === undefined || !new RegExp(p.certificateOidcIssuerRegExp).test(issuer))) {
    throw new VerificationError("IDENTITY", `certificate OIDC issuer ${JSON.stringify(issuer ?? null)} does not match /${p.certificateOidcIssuerRegExp}/`);
  }
}

const PREFIX: Record<string, [VerificationCode, string]> = {
  TLOG_ERROR: ["TLOG", "transparency log"],
  TLOG_BODY_ERROR: ["TLOG", "transparency log entry does not match the bundle"],
  TLOG_INCLUSION_PROOF_ERROR: ["TLOG", "bad transparency log inclusion proof or checkpoint"],
  TLOG_INCLUSION_PROMISE_ERROR: ["TLOG", "bad signed entry timestamp (SET)"],
  TLOG_MISSING_INCLUSION_ERROR: ["TLOG", "transparency log entry has neither an inclusion proof nor a signed entry timestamp"],
  CERTIFICATE_ERROR: ["CERTIFICATE", "certificate"],
  PUBLIC_KEY_ERROR: ["KEY", "public key"],
  SIGNATURE_ERROR: ["SIGNATURE", "signature does not verify with the signer's key (tampered artifact, payload or signature, or the wrong key)"],
  TIMESTAMP_ERROR: ["TIMESTAMP", "timestamp"],
  NOT_IMPLEMENTED_ERROR: ["UNSUPPORTED", "not supported"],
  UNTRUSTED_SIGNER_ERROR: ["IDENTITY", "signer"],
};

/** A chain failure because a signing time falls outside the leaf's validity says so. */
function explainCertificateTime(e: Error, entity: SignedEntity): Error {
  if (!(e instanceof VerificationError) || e.code !== "CERTIFICATE" || entity.key.$case !== "certificate") return e;
  const cert = entity.key.certificate;
  for (const t of entity.timestamps) {
    const when = t.$case === "timestamp-authority" ? t.timestamp.signingTime : new Date(Number(t.tlogEntry.integratedTime) * 1000);
    if (!cert.validForDate(when)) {
      return new VerificationError("CERTIFICATE", `certificate was not valid at signing time ${when.toISOString()} (${t.$case === "timestamp-authority" ? "RFC 3161 timestamp" : "log integration time"}; valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`, { cause: e, detail: e.detail ?? "CERTIFICATE_ERROR" });
    }
  }
  return e;
}

function translate(e: unknown): Error {
  if (e instanceof VerificationError || e instanceof UserError) return e;
  if (e instanceof SigstoreVerificationError || e instanceof PolicyError) {
    const [code, prefix] = PREFIX[e.code] ?? ["SIGNATURE", "verification failed"];
    const msg = e.code === "SIGNATURE_ERROR" ? prefix : e.code === "TLOG_ERROR" && /expected \d+ tlog entries, got 0/.test(e.message) ? "bundle has no transparency log entry" : `${prefix}: ${e.message}`;
    return new VerificationError(code, msg, { cause: e, detail: e.code });
  }
  // Malformed structures deep inside (bad DER, bad base64 lengths) surface as plain errors.
  return new VerificationError("BUNDLE", `bundle could not be verified: ${(e as Error).message ?? String(e)}`, { cause: e });
}
