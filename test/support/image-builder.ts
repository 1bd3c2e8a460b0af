// Builds real OCI layouts, OCI archives and docker archives from layer specs, for tests and the
// benchmark. Layers are real tars (tar-stream), compressed with Node's zlib or the zstd CLI.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";

export interface EntrySpec {
  path: string;
  type?: "file" | "dir" | "symlink" | "link";
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
}

export interface LayerSpec {
  entries: EntrySpec[];
  compression?: "gzip" | "zstd" | "none";
  createdBy?: string;
}

export interface ImageSpec {
  layers: LayerSpec[];
  os?: string;
  architecture?: string;
  variant?: string;
  user?: string;
  env?: string[];
  created?: string;
  /** For docker archives: RepoTags; for OCI layouts: org.opencontainers.image.ref.name. */
  tags?: string[];
  /** Extra history entries with empty_layer (e.g. ENV lines). */
  emptyHistory?: string[];
  /** More fields of the config's `config` object (ExposedPorts, Cmd, Entrypoint, …). */
  config?: Record<string, unknown>;
}

export interface BuiltBlob {
  digest: string;
  bytes: Buffer;
  mediaType: string;
}

export interface BuiltLayer extends BuiltBlob {
  diffId: string;
  tarBytes: Buffer;
}

export interface BuiltImage {
  spec: ImageSpec;
  layers: BuiltLayer[];
  config: BuiltBlob;
  manifest: BuiltBlob;
  platform: { os: string; architecture: string; variant?: string };
}

export const sha256 = (b: Buffer | string): string => "sha256:" + createHash("sha256").update(b).digest("hex");

/** Builds an uncompressed tar from entries, in the given order. */
export async function buildTar(entries: EntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on("data", (c: unknown) => { chunks.push(c as Buffer); });
    pack.on("end", () => resolve());
    pack.on("error", reject);
  });
  for (const e of entries) {
    const type = e.type ?? (e.path.endsWith("/") ? "dir" : "file");
    const name = e.path;
    const common = { name, mode: e.mode ?? (type === "dir" ? 0o755 : 0o644), mtime: new Date(0), uid: 0, gid: 0 };
    if (type === "file") {
      const body = typeof e.content === "string" ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0));
      await new Promise<void>((resolve, reject) =>
        pack.entry({ ...common, type: "file", size: body.length }, body, (err) => (err ? reject(err) : resolve())),
      );
    } else if (type === "dir") {
      pack.entry({ ...common, type: "directory" });
    } else if (type === "symlink") {
      pack.entry({ ...common, type: "symlink", linkname: e.linkname ?? "" });
    } else {
      pack.entry({ ...common, type: "link", linkname: e.linkname ?? "" });
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function compress(tarBytes: Buffer, compression: LayerSpec["compression"] = "gzip"): Buffer {
  if (compression === "none") return tarBytes;
  // The zstd tool: tests that build zstd layers skip first with missingTool(…, "zstd").
  if (compression === "zstd") return execFileSync("zstd", ["-q", "-c", "-3"], { input: tarBytes, maxBuffer: 1 << 30 });
  return gzipSync(tarBytes, { level: 1 });
}

const LAYER_MEDIA = {
  gzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  zstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  none: "application/vnd.oci.image.layer.v1.tar",
};

export async function buildLayer(spec: LayerSpec): Promise<BuiltLayer> {
  const tarBytes = await buildTar(spec.entries);
  const compression = spec.compression ?? "gzip";
  const bytes = compress(tarBytes, compression);
  return { digest: sha256(bytes), diffId: sha256(tarBytes), bytes, tarBytes, mediaType: LAYER_MEDIA[compression] };
}

export async function buildImage(spec: ImageSpec, format: "oci" | "docker" = "oci"): Promise<BuiltImage> {
  const layers: BuiltLayer[] = [];
  for (const l of spec.layers) layers.push(await buildLayer(l));
  const platform = { os: spec.os ?? "linux", architecture: spec.architecture ?? "amd64", ...(spec.variant ? { variant: spec.variant } : {}) };
  const history = [
    ...(spec.emptyHistory ?? []).map((c) => ({ created: spec.created ?? "2024-01-01T00:00:00Z", created_by: c, empty_layer: true })),
    ...spec.layers.map((l, i) => ({ created: spec.created ?? "2024-01-01T00:00:00Z", created_by: l.createdBy ?? `layer ${i}` })),
  ];
  const configJson = {
    ...platform,
    created: spec.created ?? "2024-01-01T00:00:00Z",
    config: { User: spec.user ?? "", Env: spec.env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ...spec.config },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history,
  };
  const configBytes = Buffer.from(JSON.stringify(configJson));
  const docker = format === "docker";
  const config: BuiltBlob = {
    digest: sha256(configBytes),
    bytes: configBytes,
    mediaType: docker ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json",
  };
  const manifestJson = {
    schemaVersion: 2,
    mediaType: docker ? "application/vnd.docker.distribution.manifest.v2+json" : "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: config.mediaType, digest: config.digest, size: configBytes.length },
    layers: layers.map((l) => ({
      mediaType: docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip" : l.mediaType,
      digest: l.digest,
      size: l.bytes.length,
    })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifestJson));
  const manifest: BuiltBlob = { digest: sha256(manifestBytes), bytes: manifestBytes, mediaType: manifestJson.mediaType };
  return { spec, layers, config, manifest, platform };
}

function writeBlob(dir: string, blob: { digest: string; bytes: Buffer }): void {
  const [alg, hex] = blob.digest.split(":") as [string, string];
  mkdirSync(join(dir, "blobs", alg), { recursive: true });
  writeFileSync(join(dir, "blobs", alg, hex), blob.bytes);
}

/**
 * Writes an OCI image layout. With `asIndex`, the images are put in one nested image index
 * (a multi-platform image) referenced from index.json under `asIndex` as its ref name.
 */
export function writeOciLayout(dir: string, images: BuiltImage[], opts: { asIndex?: string } = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const descriptors = [];
  for (const img of images) {
    for (const l of img.layers) writeBlob(dir, l);
    writeBlob(dir, img.config);
    writeBlob(dir, img.manifest);
    const tag = img.spec.tags?.[0];
    descriptors.push({
      mediaType: img.manifest.mediaType,
      digest: img.manifest.digest,
      size: img.manifest.bytes.length,
      platform: img.platform,
      ...(tag && !opts.asIndex ? { annotations: { "org.opencontainers.image.ref.name": tag } } : {}),
    });
  }
  let top = descriptors;
  if (opts.asIndex) {
    const nested = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: descriptors }));
    const blob = { digest: sha256(nested), bytes: nested };
    writeBlob(dir, blob);
    top = [{
      mediaType: "application/vnd.oci.image.index.v1+json",
      digest: blob.digest,
      size: nested.length,
      annotations: { "org.opencontainers.image.ref.name": opts.asIndex },
    } as (typeof descriptors)[number]];
  }
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: top }));
}

/** Writes a tar file from path → bytes members (uncompressed). */
export async function writeTarFile(file: string, members: { path: string; bytes: Buffer }[]): Promise<void> {
  writeFileSync(file, await buildTar(members.map((m) => ({ path: m.path, content: m.bytes }))));
}

/** Writes a `docker save`-style archive (manifest.json, <config>.json, <layer>/layer.tar). */
export async function writeDockerArchive(file: string, images: BuiltImage[], opts: { compressedLayers?: boolean } = {}): Promise<void> {
  const members: { path: string; bytes: Buffer }[] = [];
  const seen = new Set<string>();
  const manifest = [];
  for (const img of images) {
    const hex = img.config.digest.slice(7);
    members.push({ path: `${hex}.json`, bytes: img.config.bytes });
    const layerPaths = [];
    for (const l of img.layers) {
      const lhex = l.diffId.slice(7);
      const p = `${lhex}/layer.tar`;
      if (!seen.has(p)) {
        seen.add(p);
        members.push({ path: p, bytes: opts.compressedLayers ? l.bytes : l.tarBytes });
      }
      layerPaths.push(p);
    }
    manifest.push({ Config: `${hex}.json`, RepoTags: img.spec.tags ?? null, Layers: layerPaths });
  }
  members.unshift({ path: "manifest.json", bytes: Buffer.from(JSON.stringify(manifest)) });
  await writeTarFile(file, members);
}

/** Writes an OCI layout as a tar (oci-archive). */
export async function writeOciArchive(file: string, images: BuiltImage[], opts: { asIndex?: string } = {}): Promise<void> {
  const { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "bw-oci-"));
  try {
    writeOciLayout(dir, images, opts);
    const members: { path: string; bytes: Buffer }[] = [];
    const walk = (rel: string): void => {
      for (const name of readdirSync(join(dir, rel))) {
        const r = rel ? `${rel}/${name}` : name;
        if (statSync(join(dir, r)).isDirectory()) walk(r);
        else members.push({ path: r, bytes: readFileSync(join(dir, r)) });
      }
    };
    walk("");
    await writeTarFile(file, members);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
