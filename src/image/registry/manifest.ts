// Registry manifests: what we Accept, and strict parsing of what comes back (image manifest or
// index), since a registry is less trusted than a local layout. Platform choice is shared with the
// other transports (../platform.ts).
import { UserError } from "../../errors.js";
import { MEDIA } from "../manifest.js";
import { parseDigest } from "./digest.js";

export const MediaType = {
  ociManifest: MEDIA.ociManifest,
  ociIndex: MEDIA.ociIndex,
  dockerManifest: MEDIA.dockerManifest,
  dockerManifestList: MEDIA.dockerList,
  dockerSchema1: MEDIA.dockerSchema1,
  dockerSchema1Signed: MEDIA.dockerSchema1Signed,
  ociConfig: "application/vnd.oci.image.config.v1+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
} as const;

export const MANIFEST_ACCEPT = [
  MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList,
].join(", ");

export const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerManifestList]);
export const IMAGE_TYPES = new Set<string>([MediaType.ociManifest, MediaType.dockerManifest]);
const CONFIG_TYPES = new Set<string>([MediaType.ociConfig, MediaType.dockerConfig]);

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export type Manifest =
  | { kind: "index"; mediaType: string; manifests: Descriptor[] }
  | { kind: "image"; mediaType: string; config: Descriptor; layers: Descriptor[] };

function descriptor(value: unknown, what: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (typeof d !== "object" || d === null || typeof d.digest !== "string" || !parseDigest(d.digest)
    || typeof d.size !== "number" || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new UserError("INPUT", `${what}: malformed descriptor (needs a valid digest and size)`);
  }
  return { ...d, mediaType: typeof d.mediaType === "string" ? d.mediaType : "" } as Descriptor;
}

/** Parses manifest bytes; `contentType` is the response's Content-Type, used when the body has no mediaType. */
export function parseManifest(bytes: Buffer, contentType: string | undefined, what: string): Manifest {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new UserError("INPUT", `${what}: the manifest is not valid JSON`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UserError("INPUT", `${what}: the manifest is not a JSON object`);
  }
  const header = contentType?.split(";")[0]?.trim().toLowerCase();
  const mediaType = typeof json["mediaType"] === "string" ? json["mediaType"] : header ?? "";
  if (json["schemaVersion"] === 1 || mediaType === MediaType.dockerSchema1 || mediaType === MediaType.dockerSchema1Signed) {
    throw new UserError(
      "UNSUPPORTED",
      `${what} uses Docker image manifest schema 1, which is deprecated and not supported; rebuild and push the image with a current Docker`,
    );
  }
  if (INDEX_TYPES.has(mediaType) || (!IMAGE_TYPES.has(mediaType) && Array.isArray(json["manifests"]))) {
    if (!Array.isArray(json["manifests"])) throw new UserError("INPUT", `${what}: the index has no "manifests" list`);
    return { kind: "index", mediaType, manifests: json["manifests"].map((m) => descriptor(m, what)) };
  }
  if (IMAGE_TYPES.has(mediaType) || (json["config"] !== undefined && Array.isArray(json["layers"]))) {
    if (!Array.isArray(json["layers"])) throw new UserError("INPUT", `${what}: the manifest has no "layers" list`);
    const config = descriptor(json["config"], what);
    if (config.mediaType && !CONFIG_TYPES.has(config.mediaType)) {
      throw new UserError("UNSUPPORTED", `${what} is not a container image (its config media type is ${config.mediaType})`);
    }
    return { kind: "image", mediaType, config, layers: json["layers"].map((l) => descriptor(l, what)) };
  }
  throw new UserError("UNSUPPORTED", `${what}: unsupported manifest media type "${mediaType || "(none)"}"`);
}
