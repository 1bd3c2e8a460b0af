// Finding and verifying an image's signatures and attestations: the legacy `.sig`/`.att` tags and
// OCI 1.1 referrers holding Sigstore bundles (Referrers API, else the `sha256-<hex>` tag schema).
// Key-based checks are done here with node:crypto; keyless bundles go to an injected
// `bundleVerifier` (the seam for src/sigstore/core, which verifies certificates and log proofs).
import { createHash, type KeyObject } from "node:crypto";
import { UserError, errorMessage } from "../../errors.js";
import { formatReference } from "../../image/registry/reference.js";
import { keyHint, verifyBytes } from "./keys.js";
import { COSIGN, digestTag, pae, type DsseEnvelope, type InTotoStatement } from "./layout.js";
import { isKeylessLegacyLayer, legacyKeylessBundle } from "./legacy-keyless.js";
import { getManifest, getSmallBlob, listReferrers, MAX_SIG_LAYERS, resolveTarget, release, type Descriptor, type ReferrersSource, type Target, type TargetOptions } from "./oci.js";

export interface VerifyPolicy {
  /** Public keys; a signature is valid when one of them verifies it. */
  keys?: KeyObject[];
}

/** What a keyless (or any) bundle verifier is told; the image digest is what the bundle must name. */
export interface BundleContext {
  image: string;
  digest: string;
  /**
   * The signed bytes, when the bundle signs them directly (a legacy keyless `.sig` layer turned
   * into a message-signature bundle: its payload). Absent: the image digest is the artifact.
   */
  artifact?: Buffer;
}

/**
 * Verifies a Sigstore bundle that key-based checks cannot (certificates, transparency-log proofs).
 * Returns the verified DSSE payload bytes (or the message) when valid.
 */
export type BundleVerifier = (bundle: unknown, ctx: BundleContext) => Promise<{ valid: true; payload?: Buffer; identity?: string } | { valid: false; reason: string }>;

export interface VerifyOptions extends TargetOptions {
  bundleVerifier?: BundleVerifier;
  /** Look for legacy tags, referrers, or both (default both). */
  sources?: ("tag" | "referrers")[];
}

export interface SignatureCheck {
  /** Where it was found: the legacy tag or a referrer (and how referrers were listed). */
  source: "tag" | ReferrersSource;
  /** The manifest holding it. */
  manifest: string;
  /** The payload, envelope or bundle blob. */
  layer: string;
  kind: "simple-signing" | "bundle";
  valid: boolean;
  reason?: string;
  /** The signed payload (parsed), when it could be read. */
  payload?: unknown;
  identity?: string;
}

export interface ImageVerification {
  image: string;
  digest: string;
  verified: boolean;
  /** Why not verified (when verified is false). */
  reason?: string;
  signatures: SignatureCheck[];
}

/** Attestations carry whole SBOMs: their layers may be larger than a signature payload. */
const ATTESTATION_CAP = 64 << 20;
const simpleSigningTypes = new Set<string>([COSIGN.simpleSigning]);

function reasonFor(e: unknown): string {
  return errorMessage(e).replace(/\p{Cc}/gu, "?");
}

/** Checks a simple-signing payload against the image digest. Returns a failure reason or undefined. */
export function checkSimpleSigning(payload: Buffer, digest: string): { reason?: string; parsed?: unknown } {
  let doc: { critical?: { image?: Record<string, unknown>; type?: unknown } };
  try {
    doc = JSON.parse(payload.toString("utf8")) as typeof doc;
  } catch {
    return { reason: "the payload is not JSON" };
  }
  const image = doc?.critical?.image;
  // Go's encoding/json matches field names case-insensitively: cosign accepts "Docker-manifest-digest".
  const named = image && typeof image === "object" ? Object.entries(image).find(([k]) => k.toLowerCase() === "docker-manifest-digest")?.[1] : undefined;
  if (typeof named !== "string") return { reason: "the payload names no docker-manifest-digest", parsed: doc };
  if (doc.critical?.type !== COSIGN.signatureType) return { reason: `the payload type is ${JSON.stringify(doc.critical?.type)}, not "${COSIGN.signatureType}"`, parsed: doc };
  if (named !== digest) return { reason: `payload digest differs from the image: the payload names ${named}, the image is ${digest}`, parsed: doc };
  return { parsed: doc };
}

/**
 * A legacy keyless `.sig` layer: its annotations become a Sigstore bundle v0.1 that the verifier
 * checks over the payload bytes (certificate, SCT, SET, identity), then the payload must name the
 * image digest. `layer.digest`, when given, must be the payload's sha256 (as in a manifest).
 * Returns the one reason it fails, or the signer's identity.
 */
export async function checkLegacyKeyless(
  layer: { digest?: string; annotations?: Record<string, string> },
  payload: Buffer,
  digest: string,
  verifier: BundleVerifier,
  image = "",
): Promise<{ reason?: string; identity?: string; parsed?: unknown }> {
  if (layer.digest !== undefined && layer.digest !== `sha256:${createHash("sha256").update(payload).digest("hex")}`) {
    return { reason: `the payload does not hash to the layer digest ${layer.digest}` };
  }
  const conv = legacyKeylessBundle(layer.annotations, payload);
  if ("reason" in conv) return { reason: conv.reason };
  const r = await verifier(conv.bundle, { image, digest, artifact: payload });
  if (!r.valid) return { reason: r.reason };
  const content = checkSimpleSigning(payload, digest);
  return { ...(r.identity ? { identity: r.identity } : {}), ...(content.reason ? { reason: content.reason } : {}), ...(content.parsed !== undefined ? { parsed: content.parsed } : {}) };
}

function keyFor(keys: KeyObject[], data: Buffer, signature: Buffer): KeyObject | undefined {
  return keys.find((k) => verifyBytes(k, data, signature));
}

const BAD_SIGNATURE = "signature does not verify with the given key: it was made over other bytes or by another key";

/** Verifies a DSSE envelope with the keys; returns the payload or a reason. */
export function verifyDsse(envelope: DsseEnvelope, keys: KeyObject[]): { payload?: Buffer; reason?: string } {
  if (typeof envelope?.payload !== "string" || typeof envelope.payloadType !== "string" || !Array.isArray(envelope.signatures)) {
    return { reason: "not a DSSE envelope (needs payloadType, payload, signatures)" };
  }
  const payload = Buffer.from(envelope.payload, "base64");
  const signed = pae(envelope.payloadType, payload);
  if (envelope.signatures.length === 0) return { reason: "the DSSE envelope has no signatures" };
  for (const s of envelope.signatures.slice(0, 16)) {
    if (typeof s?.sig === "string" && keyFor(keys, signed, Buffer.from(s.sig, "base64"))) return { payload };
  }
  return { reason: BAD_SIGNATURE };
}

/** Parses an in-toto statement and checks it names the image digest. */
export function checkStatement(payload: Buffer, payloadType: string, digest: string): { statement?: InTotoStatement; reason?: string } {
  if (payloadType !== COSIGN.inTotoPayloadType) return { reason: `payload type ${payloadType} is not ${COSIGN.inTotoPayloadType}` };
  let st: InTotoStatement;
  try {
    st = JSON.parse(payload.toString("utf8")) as InTotoStatement;
  } catch {
    return { reason: "the in-toto statement is not JSON" };
  }
  if (typeof st?.predicateType !== "string" || !Array.isArray(st.subject)) return { reason: "not an in-toto statement (needs subject and predicateType)" };
  const [alg, hex] = [digest.slice(0, digest.indexOf(":")), digest.slice(digest.indexOf(":") + 1)];
  if (!st.subject.some((s) => s?.digest?.[alg] === hex)) {
    const named = st.subject.map((s) => Object.entries(s?.digest ?? {}).map(([a, h]) => `${a}:${h}`).join(",")).join(" ");
    return { reason: `statement subject differs from the image: it names ${named || "nothing"}, the image is ${digest}`, statement: st };
  }
  return { statement: st };
}

interface BundleOutcome {
  valid: boolean;
  reason?: string;
  payload?: Buffer;
  payloadType?: string;
  identity?: string;
}

/** Key-based verification of a Sigstore bundle (v0.1-v0.3); keyless ones go to the verifier. */
export async function verifyBundle(bundle: unknown, keys: KeyObject[], ctx: BundleContext, bundleVerifier?: BundleVerifier): Promise<BundleOutcome> {
  const b = bundle as {
    mediaType?: string;
    verificationMaterial?: { publicKey?: { hint?: string }; certificate?: unknown; x509CertificateChain?: unknown };
    dsseEnvelope?: DsseEnvelope;
    messageSignature?: unknown;
  };
  if (typeof b?.mediaType !== "string" || !b.mediaType.startsWith("application/vnd.dev.sigstore.bundle")) return { valid: false, reason: "not a Sigstore bundle (mediaType)" };
  const vm = b.verificationMaterial;
  const keyless = vm?.certificate !== undefined || vm?.x509CertificateChain !== undefined;
  if (keyless || keys.length === 0) {
    if (!bundleVerifier) return { valid: false, reason: keyless ? "keyless bundle: certificate verification is not available here (give --key for key-based bundles)" : "no key to verify the bundle with" };
    const r = await bundleVerifier(bundle, ctx);
    if (!r.valid) return { valid: false, reason: r.reason };
    const env = b.dsseEnvelope;
    return { valid: true, ...(r.payload ? { payload: r.payload } : {}), ...(env?.payloadType ? { payloadType: env.payloadType } : {}), ...(r.identity ? { identity: r.identity } : {}) };
  }
  const hint = vm?.publicKey?.hint;
  if (hint && !keys.some((k) => keyHint(k) === hint)) {
    return { valid: false, reason: `signed by another key: the bundle's key hint ${hint} matches none of the given keys` };
  }
  if (b.dsseEnvelope) {
    const r = verifyDsse(b.dsseEnvelope, keys);
    if (!r.payload) return { valid: false, reason: r.reason };
    return { valid: true, payload: r.payload, payloadType: b.dsseEnvelope.payloadType };
  }
  if (b.messageSignature) return { valid: false, reason: "a message-signature bundle does not carry the signed bytes of an image; only DSSE bundles are verified for images" };
  return { valid: false, reason: "the bundle has neither a DSSE envelope nor a message signature" };
}

async function legacyLayers(t: Target, suffix: "sig" | "att"): Promise<{ manifest: string; layers: Descriptor[] } | undefined> {
  const tag = digestTag(t.digest, suffix);
  const where = formatReference({ registry: t.ref.registry, repository: t.ref.repository, tag });
  const m = await getManifest(t.client, t.ref.repository, tag, where);
  if (!m) return undefined;
  const layers = m.json.layers ?? [];
  if (layers.length > MAX_SIG_LAYERS) throw new UserError("LIMIT", `${where}: ${layers.length} layers; the limit is ${MAX_SIG_LAYERS}`);
  return { manifest: `${where}@${m.digest}`, layers };
}

/**
 * The bundles attached as referrers: each with the manifest that holds it, its subject checked.
 * A referrers listing that cannot be read (hostile or broken) is one failed entry, so signatures
 * found under the legacy tag still count.
 */
async function referrerBundles(t: Target): Promise<{ source: ReferrersSource; manifest: string; layer?: Descriptor; reason?: string }[]> {
  let listed: Awaited<ReturnType<typeof listReferrers>>;
  try {
    listed = await listReferrers(t.client, t.ref.repository, t.digest);
  } catch (e) {
    if (!(e instanceof UserError) || e.code === "AUTH" || e.code === "NETWORK") throw e;
    return [{ source: "referrers-api", manifest: `${formatReference({ registry: t.ref.registry, repository: t.ref.repository })}@${t.digest} referrers`, reason: reasonFor(e) }];
  }
  const { source, descriptors } = listed;
  const out: { source: ReferrersSource; manifest: string; layer?: Descriptor; reason?: string }[] = [];
  for (const d of descriptors) {
    if (d.artifactType !== undefined && d.artifactType !== COSIGN.bundleV03 && !d.artifactType.startsWith("application/vnd.dev.sigstore.bundle")) continue;
    const name = `${formatReference({ registry: t.ref.registry, repository: t.ref.repository })}@${d.digest}`;
    if (d.digest === t.digest) {
      out.push({ source, manifest: name, reason: "the referrer is the image itself" });
      continue;
    }
    const m = await getManifest(t.client, t.ref.repository, d.digest, `referrer ${name}`);
    if (!m) {
      out.push({ source, manifest: name, reason: "the referrer manifest is missing" });
      continue;
    }
    const type = m.json.artifactType ?? m.json.config?.mediaType;
    if (type !== undefined && !String(type).startsWith("application/vnd.dev.sigstore.bundle")) continue;
    if (m.json.subject?.digest !== t.digest) {
      out.push({ source, manifest: name, reason: `the signature manifest's subject is ${m.json.subject?.digest ?? "missing"}, not the image ${t.digest}` });
      continue;
    }
    for (const l of (m.json.layers ?? []).slice(0, 16)) if (l.mediaType.startsWith("application/vnd.dev.sigstore.bundle")) out.push({ source, manifest: name, layer: l });
  }
  return out;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

async function withTarget<T>(image: string, opts: VerifyOptions, fn: (t: Target) => Promise<T>): Promise<T> {
  const t = await resolveTarget(image, opts);
  try {
    return await fn(t);
  } finally {
    release(t);
  }
}

/** Finds and verifies an image's signatures; `verified` when at least one is valid. */
export async function verifyImageSignatures(image: string, policy: VerifyPolicy, opts: VerifyOptions = {}): Promise<ImageVerification> {
  const keys = policy.keys ?? [];
  if (keys.length === 0 && !opts.bundleVerifier) throw new UserError("USAGE", "verifying needs a public key (--key)");
  const sources = opts.sources ?? ["tag", "referrers"];
  return withTarget(image, opts, async (t) => {
    const checks: SignatureCheck[] = [];
    if (sources.includes("tag")) {
      const found = await legacyLayers(t, "sig");
      for (const l of found?.layers ?? []) {
        if (!simpleSigningTypes.has(l.mediaType)) continue;
        const check: SignatureCheck = { source: "tag", manifest: found!.manifest, layer: l.digest, kind: "simple-signing", valid: false };
        checks.push(check);
        try {
          const payload = await getSmallBlob(t.client, t.ref.repository, l, `signature payload ${l.digest}`);
          const sig = l.annotations?.[COSIGN.signatureAnnotation];
          const content = checkSimpleSigning(payload, t.digest);
          if (content.parsed !== undefined) check.payload = content.parsed;
          if (opts.bundleVerifier && isKeylessLegacyLayer(l.annotations)) {
            const r = await checkLegacyKeyless(l, payload, t.digest, opts.bundleVerifier, image);
            if (r.identity) check.identity = r.identity;
            if (r.reason) check.reason = r.reason;
            else check.valid = true;
          } else if (!sig) check.reason = l.annotations?.[COSIGN.certificateAnnotation] ? "keyless signature without a signature annotation" : "the layer has no signature annotation";
          else if (keys.length === 0) check.reason = l.annotations?.[COSIGN.certificateAnnotation] ? "keyless (certificate) signature: give --certificate-identity and --certificate-oidc-issuer to verify it" : "the layer has no certificate and no key was given to verify it with";
          else if (!keyFor(keys, payload, Buffer.from(sig, "base64"))) check.reason = BAD_SIGNATURE;
          else if (content.reason) check.reason = content.reason;
          else check.valid = true;
        } catch (e) {
          check.reason = reasonFor(e);
        }
      }
    }
    if (sources.includes("referrers")) {
      for (const r of await referrerBundles(t)) {
        const check: SignatureCheck = { source: r.source, manifest: r.manifest, layer: r.layer?.digest ?? "", kind: "bundle", valid: false };
        checks.push(check);
        if (r.reason || !r.layer) {
          check.reason = r.reason ?? "no bundle layer";
          continue;
        }
        try {
          const bundle = parseJson(await getSmallBlob(t.client, t.ref.repository, r.layer, `bundle ${r.layer.digest}`));
          const out = await verifyBundle(bundle, keys, { image, digest: t.digest }, opts.bundleVerifier);
          if (out.identity) check.identity = out.identity;
          if (!out.valid) {
            check.reason = out.reason;
            continue;
          }
          const st = checkStatement(out.payload ?? Buffer.alloc(0), out.payloadType ?? "", t.digest);
          if (st.statement) check.payload = st.statement;
          if (st.reason) check.reason = st.reason;
          else if (st.statement!.predicateType !== COSIGN.cosignSignPredicate) continue; // an attestation: not a signature
          else check.valid = true;
        } catch (e) {
          check.reason = reasonFor(e);
        }
      }
    }
    const relevant = checks.filter((c) => c.kind === "simple-signing" || c.valid || c.reason !== undefined);
    const verified = relevant.some((c) => c.valid);
    return {
      image: formatReference(t.ref),
      digest: t.digest,
      verified,
      ...(verified ? {} : { reason: relevant.length === 0 ? "no signatures found" : `no valid signature (${relevant.length} checked)` }),
      signatures: relevant,
    };
  });
}

export interface AttestationCheck extends SignatureCheck {
  predicateType?: string;
  /** The verified predicate. */
  predicate?: unknown;
}

export interface AttestationVerification {
  image: string;
  digest: string;
  verified: boolean;
  reason?: string;
  /** The predicate type asked for (URI), if any. */
  predicateType?: string;
  attestations: AttestationCheck[];
}

export interface AttestationVerifyOptions extends VerifyOptions {
  /** Predicate type URI to require (see predicateTypeUri for short names). */
  predicateType?: string;
}

/** Finds and verifies the image's in-toto attestations (`.att` tag and bundle referrers). */
export async function verifyImageAttestations(image: string, policy: VerifyPolicy, opts: AttestationVerifyOptions = {}): Promise<AttestationVerification> {
  const keys = policy.keys ?? [];
  if (keys.length === 0 && !opts.bundleVerifier) throw new UserError("USAGE", "verifying needs a public key (--key)");
  const sources = opts.sources ?? ["tag", "referrers"];
  return withTarget(image, opts, async (t) => {
    const checks: AttestationCheck[] = [];
    const finish = (check: AttestationCheck, payload: Buffer, payloadType: string) => {
      const st = checkStatement(payload, payloadType, t.digest);
      if (st.statement) {
        check.predicateType = st.statement.predicateType;
        check.payload = st.statement;
      }
      if (st.reason) check.reason = st.reason;
      else {
        check.valid = true;
        check.predicate = st.statement!.predicate;
      }
    };
    if (sources.includes("tag")) {
      const found = await legacyLayers(t, "att");
      for (const l of found?.layers ?? []) {
        if (l.mediaType !== COSIGN.dsseEnvelope) continue;
        const check: AttestationCheck = { source: "tag", manifest: found!.manifest, layer: l.digest, kind: "simple-signing", valid: false };
        const annotated = l.annotations?.[COSIGN.predicateTypeAnnotation];
        if (annotated) check.predicateType = annotated;
        checks.push(check);
        try {
          const env = parseJson(await getSmallBlob(t.client, t.ref.repository, l, `attestation ${l.digest}`, ATTESTATION_CAP)) as DsseEnvelope;
          const r = verifyDsse(env, keys);
          if (!r.payload) check.reason = r.reason;
          else finish(check, r.payload, env.payloadType);
        } catch (e) {
          check.reason = reasonFor(e);
        }
      }
    }
    if (sources.includes("referrers")) {
      for (const r of await referrerBundles(t)) {
        const check: AttestationCheck = { source: r.source, manifest: r.manifest, layer: r.layer?.digest ?? "", kind: "bundle", valid: false };
        if (r.reason || !r.layer) {
          check.reason = r.reason ?? "no bundle layer";
          checks.push(check);
          continue;
        }
        try {
          const bundle = parseJson(await getSmallBlob(t.client, t.ref.repository, r.layer, `bundle ${r.layer.digest}`));
          const out = await verifyBundle(bundle, keys, { image, digest: t.digest }, opts.bundleVerifier);
          if (!out.valid) check.reason = out.reason;
          else finish(check, out.payload ?? Buffer.alloc(0), out.payloadType ?? "");
        } catch (e) {
          check.reason = reasonFor(e);
        }
        // A cosign image signature made as a bundle is not an attestation.
        if (check.predicateType === COSIGN.cosignSignPredicate) continue;
        checks.push(check);
      }
    }
    const wanted = opts.predicateType;
    const valid = checks.filter((c) => c.valid);
    const matching = wanted ? valid.filter((c) => c.predicateType === wanted) : valid;
    const attestations = wanted ? checks.filter((c) => c.predicateType === wanted || !c.valid) : checks;
    let reason: string | undefined;
    if (checks.length === 0) reason = "no attestations found";
    else if (matching.length === 0 && wanted && valid.length > 0) reason = `none of the attestations matched the predicate type ${wanted} (found: ${[...new Set(valid.map((c) => c.predicateType))].join(", ")})`;
    else if (matching.length === 0) reason = `no valid attestation${wanted ? ` of predicate type ${wanted}` : ""} (${checks.length} checked)`;
    return {
      image: formatReference(t.ref),
      digest: t.digest,
      verified: matching.length > 0,
      ...(reason ? { reason } : {}),
      ...(wanted ? { predicateType: wanted } : {}),
      attestations,
    };
  });
}
