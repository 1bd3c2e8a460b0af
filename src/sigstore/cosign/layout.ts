// cosign's storage layouts, with the exact strings of its specifications (specs/SIGNATURE_SPEC.md,
// specs/ATTESTATION_SPEC.md, the OCI 1.1 referrers layout of Sigstore bundles). Tests compare these
// strings with the specification text; change none of them.
import { createHash } from "node:crypto";
import { UserError } from "../../errors.js";

export const COSIGN = {
  /** Layer media type of a simple-signing payload in a `.sig` manifest. */
  simpleSigning: "application/vnd.dev.cosign.simplesigning.v1+json",
  /** Layer media type of a DSSE envelope in a `.att` manifest. */
  dsseEnvelope: "application/vnd.dsse.envelope.v1+json",
  /** Annotation holding the base64 signature on a `.sig` layer (empty on `.att` layers). */
  signatureAnnotation: "dev.cosignproject.cosign/signature",
  certificateAnnotation: "dev.sigstore.cosign/certificate",
  chainAnnotation: "dev.sigstore.cosign/chain",
  /** Optional Rekor bundle (SET) annotation on a `.sig` layer. */
  bundleAnnotation: "dev.sigstore.cosign/bundle",
  /** Annotation naming an attestation layer's predicate type. */
  predicateTypeAnnotation: "predicateType",
  /** `critical.type` of a cosign simple-signing payload. */
  signatureType: "cosign container image signature",
  /** DSSE payload type of an in-toto statement. */
  inTotoPayloadType: "application/vnd.in-toto+json",
  /** The statement type cosign writes. */
  inTotoStatementV01: "https://in-toto.io/Statement/v0.1",
  inTotoStatementV1: "https://in-toto.io/Statement/v1",
  /** Sigstore bundle v0.3 media type (artifactType and layer type of an OCI 1.1 referrer). */
  bundleV03: "application/vnd.dev.sigstore.bundle.v0.3+json",
  /** cosign's OCI 1.1 artifact type for a legacy signature stored as a referrer. */
  sigArtifact: "application/vnd.dev.cosign.artifact.sig.v1+json",
  /** Annotations cosign puts on a bundle referrer manifest. */
  bundleContentAnnotation: "dev.sigstore.bundle.content",
  bundlePredicateTypeAnnotation: "dev.sigstore.bundle.predicateType",
  /** The predicate type of an image signature made as a DSSE bundle (cosign 3). */
  cosignSignPredicate: "https://sigstore.dev/cosign/sign/v1",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociEmpty: "application/vnd.oci.empty.v1+json",
} as const;

/** cosign's `--type` short names and the predicate type URIs they stand for. */
export const PREDICATE_TYPES: Record<string, string> = {
  custom: "https://cosign.sigstore.dev/attestation/v1",
  slsaprovenance: "https://slsa.dev/provenance/v0.2",
  slsaprovenance02: "https://slsa.dev/provenance/v0.2",
  slsaprovenance1: "https://slsa.dev/provenance/v1",
  spdx: "https://spdx.dev/Document",
  spdxjson: "https://spdx.dev/Document",
  cyclonedx: "https://cyclonedx.org/bom",
  link: "https://in-toto.io/Link/v1",
  vuln: "https://cosign.sigstore.dev/attestation/vuln/v1",
  openvex: "https://openvex.dev/ns",
};

/** A `--type` value as a predicate type URI: a short name, or an absolute URI taken as it is. */
export function predicateTypeUri(type: string): string {
  const known = PREDICATE_TYPES[type.toLowerCase()];
  if (known) return known;
  if (/^[a-z][a-z0-9+.-]*:\S+$/i.test(type)) {
    try {
      new URL(type);
      return type;
    } catch {
      // fall through
    }
  }
  throw new UserError("USAGE", `invalid predicate type "${type}": use ${Object.keys(PREDICATE_TYPES).join(", ")} or a URI`);
}

/** `sha256:abc…` → `sha256-abc…` plus the suffix: where cosign's tag-based discovery looks. */
export function digestTag(digest: string, suffix: "sig" | "att" | "sbom" | ""): string {
  const tag = digest.replace(":", "-");
  return suffix ? `${tag}.${suffix}` : tag;
}

/**
 * The simple-signing payload cosign signs, with Go's field order and encoding
 * (`{"critical":{"identity":{…},"image":{…},"type":…},"optional":…}`).
 */
export function simpleSigningPayload(dockerReference: string, digest: string, optional?: Record<string, string>): Buffer {
  const doc = {
    critical: { identity: { "docker-reference": dockerReference }, image: { "docker-manifest-digest": digest }, type: COSIGN.signatureType },
    optional: optional && Object.keys(optional).length ? Object.fromEntries(Object.entries(optional).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : null,
  };
  return Buffer.from(goJson(doc));
}

/** JSON as Go's encoding/json writes it: <, > and & escaped (HTML-safe), no spaces. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** DSSE pre-authentication encoding: "DSSEv1 <len> <type> <len> <body>". */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export interface InTotoStatement {
  _type: string;
  predicateType: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicate: unknown;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: { keyid?: string; sig: string }[];
}
