import type { Package, SourcePackage } from "../../../model/index.js";
import type { RpmHeaderInfo } from "./header.js";

/**
 * `[epoch:]version-release`. The epoch is written whenever the header has an EPOCH tag, even
 * when it is 0: that is what rpm itself prints for %{EVR} (`0:2021a-1.el8`) and what Syft
 * reports, so the version reads exactly as the package manager writes it. A missing EPOCH and
 * an explicit 0 compare equal under rpm's version ordering, so matching is unaffected.
 */
export function evr(epoch: number | undefined, version: string, release: string): string {
  return `${epoch === undefined ? "" : `${epoch}:`}${version}-${release}`;
}

/** Splits our `[epoch:]version-release` back up (rpm forbids ':' and '-' inside version and release). */
export function splitEvr(v: string): { epoch?: string; versionRelease: string } {
  const m = /^(\d+):(.*)$/.exec(v);
  return m ? { epoch: m[1], versionRelease: m[2] ?? "" } : { versionRelease: v };
}

/**
 * `openssl-1.1.1k-6.el8.src.rpm` -> openssl / 1.1.1k-6.el8. Source rpm names carry no epoch,
 * so the binary's epoch (when present) is prefixed: a source package shares its binaries' epoch.
 */
export function parseSourceRpm(sourceRpm: string | undefined, epoch: number | undefined): SourcePackage | null {
  if (!sourceRpm) return null;
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  if (!m || !m[1] || !m[2] || !m[3]) return null;
  return { name: m[1], version: evr(epoch, m[2], m[3]) };
}

export function toPackage(h: RpmHeaderInfo, path: string): Package {
  const metadata: Record<string, string> = {};
  if (h.vendor) metadata.vendor = h.vendor;
  if (h.size !== undefined) metadata.size = h.size;
  if (h.summary) metadata.summary = h.summary;
  if (h.modularityLabel) metadata.modularityLabel = h.modularityLabel;
  const pkg: Package = {
    type: "rpm",
    name: h.name,
    version: evr(h.epoch, h.version, h.release),
    purl: "",
    source: parseSourceRpm(h.sourceRpm, h.epoch),
    licenses: h.license ? [h.license] : [],
    locations: [{ path: "/" + path }],
    files: h.files,
  };
  if (h.arch) pkg.arch = h.arch;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}
