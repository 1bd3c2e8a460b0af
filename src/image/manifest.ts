// Manifest → Image, shared by every transport that serves OCI or Docker v2 manifests.
import type { Readable } from "node:stream";
import { UserError } from "../errors.js";
import { diffIds, layerCreatedBy } from "./history.js";
import { formatPlatform } from "./platform.js";
import type { Image, ImageConfig, ImageLayer } from "./types.js";

export interface Descriptor {
  mediaType?: string | undefined;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface IndexJson {
  schemaVersion?: number;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
}

export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
};

export function isIndex(doc: Record<string, unknown>, declared?: string): boolean {
  const mt = (doc.mediaType as string | undefined) ?? declared;
  if (mt === MEDIA.ociIndex || mt === MEDIA.dockerList) return true;
  return mt === undefined && Array.isArray(doc.manifests) && !("layers" in doc);
}

export const MAX_CONFIG = 16 * 2 ** 20;

export interface ManifestSource {
  doc: Record<string, unknown>;
  digest?: string;
  target: string;
  type: string;
  names: string[];
  /** For error messages. */
  what: string;
  readBlob(digest: string, max: number): Promise<Buffer>;
  openBlob(digest: string): Promise<Readable>;
  close(): Promise<void>;
}

export async function imageFromManifest(src: ManifestSource): Promise<Image> {
  const m = src.doc as ManifestJson;
  if (m.schemaVersion === 1) throw new UserError("UNSUPPORTED", `${src.what}: Docker schema 1 manifests are not supported`);
  if (!m.config?.digest || !Array.isArray(m.layers)) throw new UserError("INPUT", `${src.what}: manifest has no config or layers`);
  const configBytes = await src.readBlob(m.config.digest, MAX_CONFIG);
  const config = parseConfig(configBytes, src.what);
  return buildImage(src, config, m.config.digest, m.layers);
}

export function parseConfig(bytes: Buffer, what: string): ImageConfig {
  let config: unknown;
  try {
    config = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new UserError("INPUT", `${what}: image config is not valid JSON (${(e as Error).message})`);
  }
  if (!config || typeof config !== "object" || Array.isArray(config)) throw new UserError("INPUT", `${what}: image config is not an object`);
  return config as ImageConfig;
}

export function buildImage(
  src: Omit<ManifestSource, "doc" | "readBlob">,
  config: ImageConfig,
  configDigest: string | undefined,
  layerDescs: { digest?: string; mediaType?: string | undefined; size?: number; path?: string }[],
  openLayer?: (i: number) => Promise<Readable>,
): Image {
  const ids = diffIds(config);
  if (ids.length !== layerDescs.length) {
    throw new UserError("INPUT", `${src.what}: image has ${layerDescs.length} layers but its config lists ${ids.length} diff_ids`);
  }
  const createdBy = layerCreatedBy(config);
  const layers: ImageLayer[] = layerDescs.map((d, i) => {
    const layer: ImageLayer = {
      digest: d.digest ?? ids[i]!,
      diffId: ids[i]!,
      open: openLayer ? () => openLayer(i) : () => src.openBlob(d.digest!),
    };
    if (createdBy[i] !== undefined) layer.createdBy = createdBy[i]!;
    if (d.size !== undefined) layer.size = d.size;
    if (d.mediaType !== undefined) layer.mediaType = d.mediaType;
    return layer;
  });
  const image: Image = {
    target: src.target,
    type: src.type,
    names: src.names,
    config,
    layers,
    close: src.close,
  };
  if (src.digest) image.digest = src.digest;
  if (configDigest) image.configDigest = configDigest;
  if (config.os || config.architecture) image.platform = formatPlatform(config);
  return image;
}
