// Uploads images to a registry: blobs (skipping ones already there), then the manifest, or for a
// multi-platform image each platform manifest by digest and then the index under the tag.
import { UserError } from "../../errors.js";
import type { Platform } from "../types.js";
import { RegistryClient, type RegistryClientOptions } from "./client.js";
import { digestOf, verifyBytes } from "./digest.js";
import { MediaType } from "./manifest.js";
import { formatReference, manifestReference, parseReference } from "./reference.js";
import { discard } from "./transport.js";

export interface PushBlob {
  digest: string;
  bytes: Buffer;
}

/** Structurally what test/support/image-builder's BuiltImage holds. */
export interface PushableImage {
  manifest: { bytes: Buffer; mediaType: string };
  config: PushBlob;
  layers: PushBlob[];
}

export interface PushOptions extends RegistryClientOptions {
  /** Reuse a client (and its tokens); it must be for the reference's registry. */
  client?: RegistryClient;
}

export interface PushResult {
  /** The digest of the manifest (or index) pushed. */
  digest: string;
  reference: string;
}

async function withClient<T>(registry: string, opts: PushOptions, fn: (c: RegistryClient) => Promise<T>): Promise<T> {
  if (opts.client) {
    if (opts.client.registry !== registry) {
      throw new UserError("USAGE", `the client is for ${opts.client.registry}, not ${registry}`);
    }
    return fn(opts.client);
  }
  const client = new RegistryClient(registry, opts);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Uploads a blob unless the registry has it: HEAD, then POST an upload and PUT it whole. */
export async function pushBlob(client: RegistryClient, repository: string, blob: PushBlob): Promise<"exists" | "uploaded"> {
  verifyBytes(blob.bytes, blob.digest, `blob to push`);
  const where = `${client.registry}/${repository}`;
  const head = await client.request({ method: "HEAD", target: `/v2/${repository}/blobs/${blob.digest}`, repository, actions: "pull,push" });
  discard(head);
  if (head.statusCode === 200) return "exists";
  if (head.statusCode !== 404) throw await client.failure(head, `checking blob ${blob.digest} in ${where}`);

  const start = await client.request({ method: "POST", target: `/v2/${repository}/blobs/uploads/`, repository, actions: "pull,push" });
  const location = start.headers.location;
  if (start.statusCode !== 202 || !location) {
    throw await client.failure(start, `starting an upload to ${where}`);
  }
  discard(start);
  // Location may be relative or absolute and may carry upload state in its query: append to it
  // rather than re-encode it.
  const url = new URL(location, await client.baseUrl()).href;
  const target = `${url}${url.includes("?") ? "&" : "?"}digest=${encodeURIComponent(blob.digest)}`;
  const put = await client.request({
    method: "PUT",
    target,
    repository,
    actions: "pull,push",
    headers: { "content-type": "application/octet-stream" },
    body: blob.bytes,
  });
  if (put.statusCode !== 201) throw await client.failure(put, `uploading blob ${blob.digest} to ${where}`);
  discard(put);
  return "uploaded";
}

/** PUT a manifest under a tag or digest; returns its digest. */
export async function pushManifest(client: RegistryClient, repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
  const digest = digestOf(bytes);
  const res = await client.request({
    method: "PUT",
    target: `/v2/${repository}/manifests/${reference}`,
    repository,
    actions: "pull,push",
    headers: { "content-type": mediaType },
    body: bytes,
  });
  if (res.statusCode !== 201 && res.statusCode !== 200) {
    throw await client.failure(res, `pushing manifest ${client.registry}/${repository}:${reference}`);
  }
  const told = res.headers["docker-content-digest"];
  discard(res);
  if (typeof told === "string" && told.startsWith("sha256:") && told !== digest) {
    throw new UserError("DIGEST_MISMATCH", `the registry stored manifest ${reference} as ${told}, not ${digest}`);
  }
  return digest;
}

async function pushImageData(client: RegistryClient, repository: string, image: PushableImage, reference: string): Promise<string> {
  for (const layer of image.layers) await pushBlob(client, repository, layer);
  await pushBlob(client, repository, image.config);
  return pushManifest(client, repository, reference, image.manifest.bytes, image.manifest.mediaType);
}

/** Pushes one image under the reference's tag (or digest). */
export async function pushImage(ref: string, image: PushableImage, opts: PushOptions = {}): Promise<PushResult> {
  const r = parseReference(ref);
  return withClient(r.registry, opts, async (client) => {
    const digest = await pushImageData(client, r.repository, image, manifestReference(r));
    return { digest, reference: formatReference(r) };
  });
}

/**
 * Pushes a multi-platform image: each manifest by digest, then an index (a Docker manifest list
 * when every manifest is Docker's, else an OCI index) under the reference's tag.
 */
export async function pushIndex(
  ref: string,
  images: (PushableImage & { platform: Platform })[],
  opts: PushOptions = {},
): Promise<PushResult & { manifests: string[] }> {
  const r = parseReference(ref);
  return withClient(r.registry, opts, async (client) => {
    const entries = [];
    for (const image of images) {
      const digest = await pushImageData(client, r.repository, image, digestOf(image.manifest.bytes));
      entries.push({
        mediaType: image.manifest.mediaType,
        digest,
        size: image.manifest.bytes.length,
        platform: { os: image.platform.os, architecture: image.platform.architecture, ...(image.platform.variant ? { variant: image.platform.variant } : {}) },
      });
    }
    const allDocker = entries.every((e) => e.mediaType === MediaType.dockerManifest);
    const mediaType = allDocker ? MediaType.dockerManifestList : MediaType.ociIndex;
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries }));
    const digest = await pushManifest(client, r.repository, manifestReference(r), bytes, mediaType);
    return { digest, reference: formatReference(r), manifests: entries.map((e) => e.digest) };
  });
}
