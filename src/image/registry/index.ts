// Opens an image straight from a registry over the OCI distribution API (no Docker daemon).
import { UserError } from "../../errors.js";
import { buildImage, parseConfig } from "../manifest.js";
import { formatPlatform, platformMatches, selectPlatform } from "../platform.js";
import type { Image, ImageConfig, OpenOptions } from "../types.js";
import { getBlob, openBlob } from "./blob.js";
import { RegistryClient, type RegistryClientOptions } from "./client.js";
import { digestOf, parseDigest, verifyBytes } from "./digest.js";
import { IMAGE_TYPES, MANIFEST_ACCEPT, parseManifest, type Descriptor, type Manifest } from "./manifest.js";
import { formatReference, manifestReference, parseReference, type ImageReference } from "./reference.js";

export { parseReference, formatReference, type ImageReference } from "./reference.js";
export { RegistryClient, type RegistryClientOptions } from "./client.js";
export { pushImage, pushIndex, type PushableImage, type PushOptions } from "./push.js";

export const MANIFEST_CAP = 4 << 20;
export const CONFIG_CAP = 16 << 20;
/** How often (in bytes) layer-bytes progress is reported. */
const PROGRESS_STEP = 1 << 20;

export type RegistryOpenOptions = OpenOptions & Omit<RegistryClientOptions, keyof OpenOptions>;

interface FetchedManifest {
  manifest: Manifest;
  digest: string;
}

/** GET a manifest by tag or digest; verified against the digest we asked for or were told. */
export async function fetchManifest(client: RegistryClient, repository: string, reference: string, what: string): Promise<FetchedManifest> {
  const res = await client.request({
    method: "GET",
    target: `/v2/${repository}/manifests/${reference}`,
    repository,
    headers: { accept: MANIFEST_ACCEPT },
  });
  if (res.statusCode === 404) {
    await client.failure(res, what); // drains the body
    throw new UserError("NOT_FOUND", `manifest unknown: ${what}`);
  }
  if (res.statusCode !== 200) throw await client.failure(res, `fetching manifest ${what}`);
  const bytes = await client.readBody(res, MANIFEST_CAP, `manifest ${what}`);
  // Parse first: schema 1 manifests are refused before their (signature-stripped) digest is checked.
  const manifest = parseManifest(bytes, res.headers["content-type"], what);
  if (parseDigest(reference)) {
    verifyBytes(bytes, reference, `manifest ${what}`);
    return { manifest, digest: reference };
  }
  const told = res.headers["docker-content-digest"];
  const algorithm = typeof told === "string" ? parseDigest(told)?.algorithm : undefined;
  const digest = digestOf(bytes, algorithm ?? "sha256");
  if (algorithm && told !== digest) {
    throw new UserError("DIGEST_MISMATCH", `manifest ${what}: the registry says its digest is ${told}, but the content hashes to ${digest}`);
  }
  return { manifest, digest };
}

export async function openRegistryImage(target: string, opts: RegistryOpenOptions = {}): Promise<Image> {
  const ref = parseReference(target);
  const client = new RegistryClient(ref.registry, opts);
  try {
    return await open(client, target, ref, opts);
  } catch (e) {
    client.close();
    throw e;
  }
}

async function open(client: RegistryClient, target: string, ref: ImageReference, opts: RegistryOpenOptions): Promise<Image> {
  const name = formatReference(ref);
  const progress = opts.onProgress;
  progress?.({ kind: "resolve", message: `fetching manifest for ${name}` });
  const top = await fetchManifest(client, ref.repository, manifestReference(ref), name);

  let image = top.manifest;
  let chosen: Descriptor | undefined;
  if (image.kind === "index") {
    // Nested indexes are not offered as choices: only image manifests can be pulled here.
    const pullable = image.manifests.filter((m) => !m.mediaType || IMAGE_TYPES.has(m.mediaType));
    chosen = selectPlatform(pullable, opts.platform, name);
    progress?.({ kind: "resolve", message: `selected ${formatPlatform(chosen.platform ?? {})} manifest ${chosen.digest}` });
    image = (await fetchManifest(client, ref.repository, chosen.digest, `${name} (${chosen.digest})`)).manifest;
    if (image.kind !== "image") throw new UserError("UNSUPPORTED", `${name}: nested image indexes are not supported`);
  }
  const layers = image.layers;

  const config = await fetchConfig(client, ref.repository, image.config, name);
  if (opts.platform && !chosen && (config.os || config.architecture) && !platformMatches(opts.platform, config)) {
    throw new UserError("NOT_FOUND", `${name} is a single-platform image for ${formatPlatform(config)}, not ${formatPlatform(opts.platform)}`);
  }

  const built = buildImage(
    {
      target,
      type: "registry",
      names: [name],
      what: name,
      digest: top.digest,
      openBlob: (digest) => openLayer(client, ref.repository, layers.find((l) => l.digest === digest) ?? { digest }, opts),
      close: async () => client.close(),
    },
    config,
    image.config.digest,
    layers,
    (i) => openLayer(client, ref.repository, layers[i]!, opts),
  );
  // A config without os/architecture: fall back to what the index said.
  if (!built.platform && chosen?.platform) built.platform = formatPlatform(chosen.platform);
  return built;
}

async function fetchConfig(client: RegistryClient, repository: string, d: Descriptor, name: string): Promise<ImageConfig> {
  if (d.size > CONFIG_CAP) throw new UserError("INPUT", `${name}: the image config is ${d.size} bytes; the limit is ${CONFIG_CAP}`);
  const res = await getBlob(client, { repository, digest: d.digest, size: d.size, kind: "config" });
  const bytes = await client.readBody(res, CONFIG_CAP, `config of ${name}`);
  verifyBytes(bytes, d.digest, `config of ${name}`);
  return parseConfig(bytes, name);
}

async function openLayer(client: RegistryClient, repository: string, d: { digest: string; size?: number }, opts: RegistryOpenOptions) {
  const progress = opts.onProgress;
  progress?.({ kind: "layer-start", digest: d.digest, size: d.size });
  let reported = 0;
  return openBlob(client, { repository, digest: d.digest, ...(d.size !== undefined ? { size: d.size } : {}), kind: "layer" }, progress ? {
    // `bytes` is the running total for the layer.
    onBytes: (total) => {
      if (total - reported >= PROGRESS_STEP || total === d.size) {
        reported = total;
        progress({ kind: "layer-bytes", digest: d.digest, bytes: total });
      }
    },
    onDone: () => progress({ kind: "layer-done", digest: d.digest, cached: false }),
  } : {});
}
