// Replaces the single layer of an OCI layout with other bytes, re-pointing manifest and config
// at it so that only the layer content itself is wrong (for hostile-layer tests).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256, type BuiltImage } from "./image-builder.js";

export function rewriteLayer(dir: string, img: BuiltImage, blob: Buffer, diffId: string): void {
  const blobs = join(dir, "blobs", "sha256");
  const digest = sha256(blob);
  writeFileSync(join(blobs, digest.slice(7)), blob);
  const config = JSON.parse(img.config.bytes.toString()) as { rootfs: { diff_ids: string[] } };
  config.rootfs.diff_ids = [diffId];
  const configBytes = Buffer.from(JSON.stringify(config));
  writeFileSync(join(blobs, sha256(configBytes).slice(7)), configBytes);
  const manifest = JSON.parse(img.manifest.bytes.toString()) as { config: { digest: string; size: number }; layers: { digest: string; size: number }[] };
  manifest.config = { ...manifest.config, digest: sha256(configBytes), size: configBytes.length };
  manifest.layers = [{ ...manifest.layers[0]!, digest, size: blob.length }];
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  writeFileSync(join(blobs, sha256(manifestBytes).slice(7)), manifestBytes);
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: sha256(manifestBytes), size: manifestBytes.length }] }));
}
