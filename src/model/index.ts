// Plain data types shared by every area. This module imports nothing.

/** A layer of an image, as reported. */
export interface LayerInfo {
  /** Digest of the blob as stored (compressed), e.g. sha256:… */
  digest: string;
  /** Digest of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
  /** The history `created_by` line that made this layer, when known. */
  createdBy?: string;
  size?: number;
  mediaType?: string;
}

/** Reference to the layer that introduced something. */
export interface LayerRef {
  digest: string;
  diffId: string;
  createdBy?: string;
}

export interface Location {
  /** Path inside the image or root filesystem, absolute (leading "/"). */
  path: string;
  layer?: LayerRef;
}

export interface SourcePackage {
  name: string;
  version: string;
}

/** purl type: deb, apk, rpm, npm, pypi, maven, golang, gem, cargo, composer, nuget. */
export type PackageType = string;

export interface Package {
  type: PackageType;
  name: string;
  /** Version exactly as the package manager writes it (dpkg with epoch, rpm [epoch:]version-release). */
  version: string;
  purl: string;
  arch?: string;
  source: SourcePackage | null;
  licenses: string[];
  locations: Location[];
  /** Files installed by the package, where its database lists them. */
  files?: string[];
  /** Extra facts for SBOM properties (maintainer, size, …). */
  metadata?: Record<string, string>;
}

export interface EolInfo {
  /** ISO date when standard support ends or ended. */
  date: string;
  /** True when `date` is before the scan date (or the reference date given). */
  eol: boolean;
}

export interface OSInfo {
  /** debian, ubuntu, alpine, rhel, centos, rocky, almalinux, amzn, fedora, ol, sles, opensuse-leap, wolfi, chainguard, … */
  family: string;
  version: string;
  name?: string;
  codename?: string;
  prettyName?: string;
  eol?: EolInfo;
}

export interface Artifact {
  target: string;
  /** docker-archive, oci, oci-archive, registry, dir, sbom */
  type: string;
  digest?: string;
  /** Repo tags or references the image is known by. */
  names?: string[];
  platform?: string;
  /** Image creation time from its config, when present (used where a format requires a date). */
  created?: string;
  os: OSInfo | null;
  layers: LayerInfo[];
}

export interface ReportError {
  /** Where it happened: analyzer id, path or stage. */
  source: string;
  message: string;
  path?: string;
  layer?: string;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: "bulwark"; version: string };
  artifact: Artifact;
  packages: Package[];
  vulnerabilities: unknown[];
  secrets: unknown[];
  misconfigurations: unknown[];
  errors: ReportError[];
}
