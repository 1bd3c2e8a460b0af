// The registry side of signatures: raw manifests (signature manifests are not container images,
// so the image transport's strict parser is not used), small blobs, pushes, and OCI 1.1 referrers
// with the tag-schema fallback. Every read is capped.
import { UserError } from "../../errors.js";
import { RegistryClient, type RegistryClientOptions } from "../../image/registry/client.js";
import { digestOf, parseDigest, verifyBytes as verifyDigest } from "../../image/registry/digest.js";
import { MANIFEST_ACCEPT } from "../../image/registry/manifest.js";
import { pushBlob, pushManifest } from "../../image/registry/push.js";
import { formatReference, manifestReference, parseReference, type ImageReference } from "../../image/registry/reference.js";
import { COSIGN, digestTag } from "./layout.js";

/** A signature or attestation manifest is small; cosign's grow by one layer per signature. */
export const SIG_MANIFEST_CAP = 4 << 20;
/** A payload, envelope or bundle layer. */
export const SIG_BLOB_CAP = 4 << 20;
/** Layers looked at in one signature manifest, and referrers per image. */
export const MAX_SIG_LAYERS = 1000;
export const MAX_REFERRERS = 1000;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface RawManifest {
  digest: string;
  bytes: Buffer;
  mediaType: string;
  json: {
    schemaVersion?: number;
    mediaType?: string;
    artifactType?: string;
    config?: Descriptor;
    layers?: Descriptor[];
    manifests?: Descriptor[];
    subject?: Descriptor;
    annotations?: Record<string, string>;
  };
}

const ACCEPT = `${MANIFEST_ACCEPT}, ${COSIGN.ociManifest}`;

/** Registry options, plus a client to reuse (keep-alive connections, tokens) across images. */
export interface TargetOptions extends RegistryClientOptions {
  /** Used when it is for the image's registry; the caller closes it. */
  client?: RegistryClient;
}

export interface Target {
  ref: ImageReference;
  client: RegistryClient;
  /** Close the client when done (false when the caller lent it). */
  owned: boolean;
  /** The digest the reference resolves to (the one signed). */
  digest: string;
  /** The manifest's media type and size: what a referrer's `subject` names. */
  mediaType: string;
  size: number;
}

export function openClient(ref: ImageReference, opts: RegistryClientOptions): RegistryClient {
  return new RegistryClient(ref.registry, opts);
}

function descriptorOk(d: unknown): d is Descriptor {
  const x = d as Descriptor | null;
  return typeof x === "object" && x !== null && typeof x.digest === "string" && !!parseDigest(x.digest) && typeof x.size === "number" && Number.isSafeInteger(x.size) && x.size >= 0;
}

/** GET a manifest (tag or digest); undefined on 404. The bytes are checked against the digest. */
export async function getManifest(client: RegistryClient, repository: string, reference: string, what: string, accept = ACCEPT): Promise<RawManifest | undefined> {
  const res = await client.request({ method: "GET", target: `/v2/${repository}/manifests/${reference}`, repository, headers: { accept } });
  if (res.statusCode === 404) {
    await client.failure(res, what);
    return undefined;
  }
  if (res.statusCode !== 200) throw await client.failure(res, `fetching ${what}`);
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > SIG_MANIFEST_CAP) {
    res.destroy();
    throw new UserError("LIMIT", `${what}: the manifest is ${declared} bytes; the limit is ${SIG_MANIFEST_CAP}`);
  }
  const bytes = await client.readBody(res, SIG_MANIFEST_CAP, what);
  let digest: string;
  if (parseDigest(reference)) {
    verifyDigest(bytes, reference, what);
    digest = reference;
  } else {
    digest = digestOf(bytes);
    const told = res.headers["docker-content-digest"];
    if (typeof told === "string" && told.startsWith("sha256:") && told !== digest) {
      throw new UserError("DIGEST_MISMATCH", `${what}: the registry says its digest is ${told}, but the content hashes to ${digest}`);
    }
  }
  let json: RawManifest["json"];
  try {
    json = JSON.parse(bytes.toString("utf8")) as RawManifest["json"];
  } catch {
    throw new UserError("INPUT", `${what}: the manifest is not valid JSON`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new UserError("INPUT", `${what}: the manifest is not a JSON object`);
  for (const list of [json.layers, json.manifests]) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every(descriptorOk)) throw new UserError("INPUT", `${what}: malformed descriptor list`);
  }
  if (json.config !== undefined && !descriptorOk(json.config)) throw new UserError("INPUT", `${what}: malformed config descriptor`);
  const header = String(res.headers["content-type"] ?? "").split(";")[0]!.trim();
  return { digest, bytes, mediaType: typeof json.mediaType === "string" ? json.mediaType : header, json };
}

/** Resolves an image reference to the digest to sign or verify. */
export async function resolveTarget(reference: string, opts: TargetOptions): Promise<Target> {
  const ref = parseReference(reference.replace(/^registry:/, ""));
  const owned = !(opts.client && opts.client.registry === ref.registry);
  const client = owned ? openClient(ref, opts) : opts.client!;
  try {
    const name = formatReference(ref);
    const m = await getManifest(client, ref.repository, manifestReference(ref), `manifest of ${name}`);
    if (!m) throw new UserError("NOT_FOUND", `manifest unknown: ${name}`);
    return { ref, client, owned, digest: m.digest, mediaType: m.mediaType || COSIGN.ociManifest, size: m.bytes.length };
  } catch (e) {
    if (owned) client.close();
    throw e;
  }
}

/** Closes the target's client unless it was lent by the caller. */
export function release(t: Target): void {
  if (t.owned) t.client.close();
}

/** GET a small blob, verified against its digest. */
export async function getSmallBlob(client: RegistryClient, repository: string, d: Descriptor, what: string, cap = SIG_BLOB_CAP): Promise<Buffer> {
  if (d.size > cap) throw new UserError("LIMIT", `${what}: ${d.size} bytes; the limit is ${cap}`);
  const res = await client.request({ method: "GET", target: `/v2/${repository}/blobs/${d.digest}`, repository });
  if (res.statusCode !== 200) throw await client.failure(res, `fetching ${what}`);
  const bytes = await client.readBody(res, cap, what);
  verifyDigest(bytes, d.digest, what);
  return bytes;
}

export async function putBlob(client: RegistryClient, repository: string, bytes: Buffer): Promise<Descriptor & { bytes: Buffer }> {
  const digest = digestOf(bytes);
  await pushBlob(client, repository, { digest, bytes });
  return { mediaType: "", digest, size: bytes.length, bytes };
}

export async function putManifest(client: RegistryClient, repository: string, reference: string, manifest: object, mediaType: string): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await pushManifest(client, repository, reference, bytes, mediaType);
  return { digest, size: bytes.length };
}

export type ReferrersSource = "referrers-api" | "tag-schema";

/**
 * The referrers of a digest: the Referrers API when the registry has it, else the index under the
 * `sha256-<hex>` tag (the OCI 1.1 fallback). Optionally filtered by artifact type.
 */
export async function listReferrers(client: RegistryClient, repository: string, digest: string, artifactTypes?: Set<string>): Promise<{ source: ReferrersSource; descriptors: Descriptor[]; index?: RawManifest }> {
  const what = `referrers of ${repository}@${digest}`;
  const res = await client.request({ method: "GET", target: `/v2/${repository}/referrers/${digest}`, repository, headers: { accept: COSIGN.ociIndex } });
  let source: ReferrersSource;
  let list: unknown;
  let index: RawManifest | undefined;
  const type = String(res.headers["content-type"] ?? "").split(";")[0]!.trim();
  if (res.statusCode === 200 && type === COSIGN.ociIndex) {
    const bytes = await client.readBody(res, SIG_MANIFEST_CAP, what);
    try {
      list = (JSON.parse(bytes.toString("utf8")) as { manifests?: unknown }).manifests;
    } catch {
      throw new UserError("INPUT", `${what}: the referrers response is not valid JSON`);
    }
    source = "referrers-api";
  } else if (res.statusCode === 404 || res.statusCode === 200 || res.statusCode === 400 || res.statusCode === 405) {
    // 404: no Referrers API (or the registry names the route unknown); 200 with another content
    // type is a registry answering something else (an HTML page): both mean the tag schema.
    await client.failure(res, what);
    source = "tag-schema";
    index = await getManifest(client, repository, digestTag(digest, ""), `${what} (tag ${digestTag(digest, "")})`, `${COSIGN.ociIndex}, ${ACCEPT}`);
    list = index?.json.manifests ?? [];
  } else {
    throw await client.failure(res, what);
  }
  if (!Array.isArray(list) || !list.every(descriptorOk)) throw new UserError("INPUT", `${what}: malformed referrers list`);
  if (list.length > MAX_REFERRERS) throw new UserError("LIMIT", `${what}: ${list.length} referrers; the limit is ${MAX_REFERRERS}`);
  const descriptors = (list as Descriptor[]).filter((d) => !artifactTypes || (d.artifactType !== undefined && artifactTypes.has(d.artifactType)));
  return { source, descriptors, ...(index ? { index } : {}) };
}
