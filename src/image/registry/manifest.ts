// Manifest media types, parsing (image manifest vs index) and platform selection in an index.
import { UserError } from "../../errors.js";
import type { Platform } from "../types.js";
import { parseDigest } from "./digest.js";

export const MediaType = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
} as const;

export const MANIFEST_ACCEPT = [
  MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList,
].join(", ");

const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerManifestList]);
const IMAGE_TYPES = new Set<string>([MediaType.ociManifest, MediaType.dockerManifest]);
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

export const DEFAULT_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

const ARCH_ALIASES: Record<string, string> = { x86_64: "amd64", "x86-64": "amd64", aarch64: "arm64", i386: "386" };
/** Variant assumed when none is written: arm64 is v8; 32-bit arm most often v7. */
const DEFAULT_VARIANT: Record<string, string> = { arm64: "v8", arm: "v7" };

function normArch(arch: string | undefined): string {
  const a = (arch ?? "").toLowerCase();
  return ARCH_ALIASES[a] ?? a;
}

function normVariant(arch: string, variant: string | undefined): string {
  const v = (variant ?? "").toLowerCase();
  if (v === "") return DEFAULT_VARIANT[arch] ?? "";
  return /^\d+$/.test(v) ? `v${v}` : v;
}

export function formatPlatform(p: { os?: string; architecture?: string; variant?: string }): string {
  return [p.os ?? "unknown", p.architecture ?? "unknown", ...(p.variant ? [p.variant] : [])].join("/");
}

/** Picks the index entry for `want`; NOT_FOUND listing the available platforms when none fits. */
export function selectPlatform(manifests: Descriptor[], want: Platform, what: string): Descriptor {
  const arch = normArch(want.architecture);
  const candidates = manifests.filter((m) =>
    m.platform !== undefined && (m.platform.os ?? "").toLowerCase() === want.os.toLowerCase()
    && normArch(m.platform.architecture) === arch
    && (!m.mediaType || IMAGE_TYPES.has(m.mediaType)));
  const wantVariant = want.variant ? normVariant(arch, want.variant) : undefined;
  const preferred = wantVariant ?? DEFAULT_VARIANT[arch] ?? "";
  const exact = candidates.find((m) => normVariant(arch, m.platform?.variant) === preferred);
  const chosen = exact ?? (wantVariant === undefined ? candidates[0] : undefined);
  if (chosen) return chosen;
  const available = manifests
    .filter((m) => m.platform?.os && m.platform.os !== "unknown")
    .map((m) => formatPlatform(m.platform!));
  throw new UserError(
    "NOT_FOUND",
    `${what} has no image for platform ${formatPlatform(want)}; available: ${available.length ? [...new Set(available)].join(", ") : "none"}`,
  );
}

/** Whether an image config's platform matches an explicitly requested one. */
export function platformMatches(have: { os?: string; architecture?: string; variant?: string }, want: Platform): boolean {
  const arch = normArch(want.architecture);
  if ((have.os ?? "").toLowerCase() !== want.os.toLowerCase() || normArch(have.architecture) !== arch) return false;
  if (!want.variant || !have.variant) return true;
  return normVariant(arch, have.variant) === normVariant(arch, want.variant);
}
