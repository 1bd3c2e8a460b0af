// Signing and attesting images in cosign's layouts: the legacy `sha256-<hex>.sig` / `.att` tags
// (one OCI manifest per image, one layer per signature, appended to as cosign does), and,
// optionally, a Sigstore bundle v0.3 pushed as an OCI 1.1 referrer (with the tag-schema index kept
// up to date for registries without the Referrers API).
import type { KeyObject } from "node:crypto";
import { UserError } from "../../errors.js";
import { digestOf } from "../../image/registry/digest.js";
import { formatReference } from "../../image/registry/reference.js";
import { keyHint, signBytes, verifyBytes } from "./keys.js";
import { COSIGN, digestTag, goJson, pae, simpleSigningPayload, type DsseEnvelope, type InTotoStatement } from "./layout.js";
import { getManifest, listReferrers, MAX_SIG_LAYERS, putBlob, putManifest, resolveTarget, release, type Descriptor, type Target, type TargetOptions } from "./oci.js";

export interface SignOptions extends TargetOptions {
  /** `-a key=value` claims for the payload's `optional` section. */
  annotations?: Record<string, string>;
  /** Also (or, with referrersOnly, only) push a Sigstore bundle as an OCI 1.1 referrer. */
  referrers?: boolean;
  referrersOnly?: boolean;
}

export interface SignResult {
  /** The signed image digest. */
  digest: string;
  /** `registry/repo:sha256-<hex>.sig` (legacy layout), unless referrersOnly. */
  signatureRef?: string;
  /** Digest of the signature manifest written. */
  manifestDigest?: string;
  /** A signature by the same key over the same payload was already there: nothing was pushed. */
  unchanged?: boolean;
  /** The referrer manifest digest, with referrers. */
  referrerDigest?: string;
}

/** The image config of a signature manifest: an empty image with one diff_id per layer, as cosign's. */
function sigConfig(layers: Descriptor[]): Buffer {
  return Buffer.from(goJson({
    architecture: "",
    created: "0001-01-01T00:00:00Z",
    history: layers.map(() => ({ created: "0001-01-01T00:00:00Z" })),
    os: "",
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
    config: {},
  }));
}

/** Appends a layer to the manifest at `tag` (creating it), cosign's `.sig`/`.att` layout. */
async function appendLayer(t: Target, tag: string, layerBytes: Buffer, layer: Omit<Descriptor, "digest" | "size">, keep: (d: Descriptor) => boolean): Promise<{ digest: string }> {
  const repo = t.ref.repository;
  const existing = await getManifest(t.client, repo, tag, formatReference({ registry: t.ref.registry, repository: repo, tag }));
  const layers = (existing?.json.layers ?? []).filter(keep);
  if (layers.length >= MAX_SIG_LAYERS) throw new UserError("LIMIT", `${tag} already holds ${layers.length} layers; the limit is ${MAX_SIG_LAYERS}`);
  const blob = await putBlob(t.client, repo, layerBytes);
  layers.push({ mediaType: layer.mediaType, size: blob.size, digest: blob.digest, ...(layer.annotations ? { annotations: layer.annotations } : {}) });
  const config = await putBlob(t.client, repo, sigConfig(layers));
  const manifest = {
    schemaVersion: 2,
    mediaType: COSIGN.ociManifest,
    config: { mediaType: COSIGN.ociConfig, size: config.size, digest: config.digest },
    layers,
  };
  return putManifest(t.client, repo, tag, manifest, COSIGN.ociManifest);
}

function dockerReference(t: Target): string {
  return formatReference({ registry: t.ref.registry, repository: t.ref.repository });
}

function statementFor(t: Target, predicateType: string, predicate: unknown): Buffer {
  const hex = t.digest.slice(t.digest.indexOf(":") + 1);
  const statement: InTotoStatement = {
    _type: COSIGN.inTotoStatementV01,
    predicateType,
    subject: [{ name: dockerReference(t), digest: { sha256: hex } }],
    predicate,
  };
  return Buffer.from(goJson(statement));
}

export function dsseSign(key: KeyObject, payloadType: string, payload: Buffer): DsseEnvelope {
  const sig = signBytes(key, pae(payloadType, payload));
  return { payloadType, payload: payload.toString("base64"), signatures: [{ keyid: "", sig: sig.toString("base64") }] };
}

/** Pushes a key-based Sigstore bundle v0.3 (DSSE) as a referrer of the image; keeps the tag-schema index. */
async function pushBundleReferrer(t: Target, key: KeyObject, envelope: DsseEnvelope, predicateType: string): Promise<string> {
  const repo = t.ref.repository;
  const bundle = {
    mediaType: COSIGN.bundleV03,
    verificationMaterial: { publicKey: { hint: keyHint(key) }, tlogEntries: [] },
    dsseEnvelope: envelope,
  };
  const layer = await putBlob(t.client, repo, Buffer.from(goJson(bundle)));
  const empty = await putBlob(t.client, repo, Buffer.from("{}"));
  const annotations = {
    [COSIGN.bundleContentAnnotation]: "dsse-envelope",
    [COSIGN.bundlePredicateTypeAnnotation]: predicateType,
    "org.opencontainers.image.created": new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: COSIGN.ociManifest,
    artifactType: COSIGN.bundleV03,
    config: { mediaType: COSIGN.ociEmpty, digest: empty.digest, size: empty.size },
    layers: [{ mediaType: COSIGN.bundleV03, digest: layer.digest, size: layer.size }],
    subject: { mediaType: t.mediaType, digest: t.digest, size: t.size },
    annotations,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const pushed = await putManifest(t.client, repo, digestOf(bytes), manifest, COSIGN.ociManifest);
  const found = await listReferrers(t.client, repo, t.digest);
  if (found.source === "tag-schema") {
    // No Referrers API: maintain the fallback index under `sha256-<hex>` (OCI distribution 1.1).
    const manifests = found.index?.json.manifests ?? [];
    if (!manifests.some((m) => m.digest === pushed.digest)) {
      manifests.push({ mediaType: COSIGN.ociManifest, digest: pushed.digest, size: pushed.size, artifactType: COSIGN.bundleV03, annotations });
      await putManifest(t.client, repo, digestTag(t.digest, ""), { schemaVersion: 2, mediaType: COSIGN.ociIndex, manifests }, COSIGN.ociIndex);
    }
  }
  return pushed.digest;
}

/** `cosign sign --key`: signs the digest `image` resolves to. */
export async function signImage(image: string, key: KeyObject, opts: SignOptions = {}): Promise<SignResult> {
  if (key.type !== "private") throw new UserError("USAGE", "signing needs a private key");
  const t = await resolveTarget(image, opts);
  try {
    const result: SignResult = { digest: t.digest };
    if (!opts.referrersOnly) {
      const payload = simpleSigningPayload(dockerReference(t), t.digest, opts.annotations);
      const signature = signBytes(key, payload).toString("base64");
      const tag = digestTag(t.digest, "sig");
      result.signatureRef = formatReference({ registry: t.ref.registry, repository: t.ref.repository, tag });
      // cosign's duplicate detection: the same payload already signed by this key is not added again.
      const existing = await getManifest(t.client, t.ref.repository, tag, result.signatureRef);
      const payloadDigest = digestOf(payload);
      for (const l of existing?.json.layers ?? []) {
        const sig = l.annotations?.[COSIGN.signatureAnnotation];
        if (l.digest !== payloadDigest || !sig) continue;
        if (verifyBytes(key, payload, Buffer.from(sig, "base64"))) {
          result.unchanged = true;
          result.manifestDigest = existing!.digest;
        }
      }
      if (!result.unchanged) {
        const pushed = await appendLayer(t, tag, payload, { mediaType: COSIGN.simpleSigning, annotations: { [COSIGN.signatureAnnotation]: signature } }, () => true);
        result.manifestDigest = pushed.digest;
      }
    }
    if (opts.referrers || opts.referrersOnly) {
      const statement = statementFor(t, COSIGN.cosignSignPredicate, {});
      result.referrerDigest = await pushBundleReferrer(t, key, dsseSign(key, COSIGN.inTotoPayloadType, statement), COSIGN.cosignSignPredicate);
    }
    return result;
  } finally {
    release(t);
  }
}

export interface AttestOptions extends TargetOptions {
  /** Replace attestations of the same predicate type (cosign's --replace). */
  replace?: boolean;
  referrers?: boolean;
  referrersOnly?: boolean;
}

export interface AttestResult {
  digest: string;
  predicateType: string;
  attestationRef?: string;
  manifestDigest?: string;
  referrerDigest?: string;
}

/** `cosign attest --key --type`: an in-toto statement about the image in a DSSE envelope. */
export async function attestImage(image: string, key: KeyObject, predicate: unknown, predicateType: string, opts: AttestOptions = {}): Promise<AttestResult> {
  if (key.type !== "private") throw new UserError("USAGE", "attesting needs a private key");
  const t = await resolveTarget(image, opts);
  try {
    const statement = statementFor(t, predicateType, predicate);
    const envelope = dsseSign(key, COSIGN.inTotoPayloadType, statement);
    const result: AttestResult = { digest: t.digest, predicateType };
    if (!opts.referrersOnly) {
      const tag = digestTag(t.digest, "att");
      result.attestationRef = formatReference({ registry: t.ref.registry, repository: t.ref.repository, tag });
      const keep = (d: Descriptor) => !opts.replace || d.annotations?.[COSIGN.predicateTypeAnnotation] !== predicateType;
      const pushed = await appendLayer(t, tag, Buffer.from(goJson(envelope)), {
        mediaType: COSIGN.dsseEnvelope,
        annotations: { [COSIGN.signatureAnnotation]: "", [COSIGN.predicateTypeAnnotation]: predicateType },
      }, keep);
      result.manifestDigest = pushed.digest;
    }
    if (opts.referrers || opts.referrersOnly) result.referrerDigest = await pushBundleReferrer(t, key, envelope, predicateType);
    return result;
  } finally {
    release(t);
  }
}
