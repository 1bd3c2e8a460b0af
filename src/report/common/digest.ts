import { createHash } from "node:crypto";
import type { Package, Report } from "../../model/index.js";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * A hash of what the report says about the image: identity, OS and the canonical package list.
 * Used where a format wants a unique id (SPDX namespace, CycloneDX serial number) but the
 * output must still be reproducible.
 */
export function contentHash(report: Report, packages: readonly Package[]): string {
  const a = report.artifact;
  const identity = {
    target: a.target,
    type: a.type,
    digest: a.digest ?? null,
    os: a.os ? { family: a.os.family, version: a.os.version } : null,
    layers: a.layers.map((l) => l.diffId),
  };
  return sha256Hex(JSON.stringify({ identity, packages }));
}
