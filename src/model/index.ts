// Plain data types shared by every area. This module imports nothing.
export type * from "./osv.js";

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

/**
 * How a package was found: "installed" (a package database or the package's own files on disk) or
 * "declared" (only a lockfile or manifest lists it; it may not be on disk at all).
 */
export type Evidence = "installed" | "declared";

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
  /** purl of the OS package whose files include this language package (Debian's python3-*, …). */
  ownedBy?: string;
  /** How it was found; "installed" wins when both kinds of evidence name the package. */
  evidence?: Evidence;
  /** Marked by lockfiles that know it: a development-only dependency. */
  dev?: boolean;
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
  vulnerabilities: Vulnerability[];
  /** Findings hidden by .bulwarkignore or VEX, with the reason. */
  suppressed?: SuppressedVulnerability[];
  /**
   * Packages the vulnerability scan could not check, per ecosystem. Present (maybe empty)
   * whenever the vulnerability scanner ran: an empty list means every package was checked.
   */
  unchecked?: UncheckedEcosystem[];
  secrets: SecretFinding[];
  misconfigurations: Misconfiguration[];
  /** Tools an attacker could use, present in the final image (image scans with `misconfig`). */
  attackSurface?: AttackSurface;
  errors: ReportError[];
}

/** Packages of one ecosystem that were not matched against any advisory. */
export interface UncheckedEcosystem {
  /**
   * The OSV ecosystem as advisories name it (`Debian:12`, `Alpine:v3.19`, `PyPI`), or the purl
   * type (`rpm`, `generic`) for packages Bulwark has no advisory source for.
   */
  ecosystem: string;
  /** How many packages of the report it covers. */
  packages: number;
  /** Why, one line for people: names the ecosystem and the cause. */
  reason: string;
  /**
   * "advisories-missing": advisories exist for this ecosystem but the database has none (download
   * failed, --offline, --skip-db-update); these fail an `--exit-code` gate unless
   * --allow-incomplete. "no-advisory-source": nothing publishes advisories Bulwark can match them
   * against (an OS release OSV does not cover, `generic` runtimes); reported, never a gate failure.
   */
  cause: "advisories-missing" | "no-advisory-source";
}

export type ToolCategory = "shell" | "package-manager" | "compiler" | "debugger" | "network";

/** One tool in the final image: a path in a bin directory, with the file it resolves to. */
export interface AttackTool {
  /** The command name, e.g. `curl`, `sh`. */
  name: string;
  category: ToolCategory;
  /** Absolute path in the image. */
  path: string;
  /** The regular file the path resolves to, when it is a link (busybox applets, alternatives). */
  resolved?: string;
  /** Bytes of the resolved file (0 when a link cannot be resolved inside the image). */
  size: number;
  /** The layer that added the file. */
  layer?: LayerRef;
  /** Purl of the OS package that owns the file, when a package file list names it. */
  package?: string;
}

export interface AttackSurface {
  /** Whether the image looks meant to run as a service (ports exposed or a server command). */
  service: boolean;
  /** Why `service` is what it is, for people. */
  reason: string;
  /** The highest severity over the categories present; absent when there are no tools. */
  severity?: RuleSeverity;
  /** Bytes of the distinct files behind the tools. */
  totalSize: number;
  tools: AttackTool[];
}

export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "UNKNOWN";

export interface CvssScore {
  /** "2.0", "3.0", "3.1", "4.0" */
  version: string;
  vector: string;
  score: number;
  /** Who scored it: the advisory's own severity or an alias's. */
  source?: string;
}

/** One vulnerability affecting one package. */
export interface Vulnerability {
  /** The CVE where the advisory has one, else the advisory id. */
  id: string;
  /** Every other identifier of the same vulnerability (GHSA, DSA, USN, …), sorted. */
  aliases: string[];
  package: { type: string; name: string; version: string; purl: string; layer?: LayerRef };
  installedVersion: string;
  /** Per affected range, the lowest fix above the installed version. */
  fixedVersions: string[];
  status: "fixed" | "affected" | "will_not_fix";
  severity: Severity;
  cvss: CvssScore[];
  title?: string;
  description?: string;
  references: string[];
  publishedAt?: string;
  modifiedAt?: string;
  /** The advisory record that matched (its OSV id) and the ecosystem it was matched in. */
  source: { id: string; ecosystem: string };
  /** What was compared: a binary package may match through its source package. */
  matchedBy?: { name: string; version: string };
  malicious?: boolean;
}

export interface Suppression {
  by: "ignore-file" | "vex";
  reason: string;
  /** File the rule came from. */
  file?: string;
  expires?: string;
  /** VEX status (not_affected, fixed, …) when by = vex. */
  vexStatus?: string;
}

export interface SuppressedVulnerability extends Vulnerability {
  suppression: Suppression;
}

export type RuleSeverity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";

/** Equivalent controls in well-known frameworks. */
export interface RuleReferences {
  /**
   * Pod Security Standards control name and level, e.g. { control: "Privileged Containers", level: "baseline" };
   * in findings also the policy version checked against, e.g. "v1.36" (never "latest").
   */
  pss?: { control: string; level: "baseline" | "restricted"; version?: string };
  /** CIS Docker / Kubernetes benchmark section, e.g. "CIS Docker 4.1". */
  cis?: string;
  /** NSA/CISA Kubernetes hardening guide section. */
  nsa?: string;
  /** Trivy/AVD check id, e.g. "KSV017", "DS002". */
  avd?: string;
  /** Kubescape control id, e.g. "C-0057". */
  kubescape?: string;
  /** Hadolint rule, e.g. "DL3002". */
  hadolint?: string;
  /** Dockle checkpoint, e.g. "CIS-DI-0008", "DKL-DI-0005". */
  dockle?: string;
  urls?: string[];
}

/** A misconfiguration finding (Dockerfile, Kubernetes, Compose, image config). */
export interface Misconfiguration {
  ruleId: string;
  severity: RuleSeverity;
  title: string;
  /** Specific to the resource: what is wrong here. */
  message: string;
  /** The file as scanned, relative to the scan root. */
  path: string;
  line?: number;
  endLine?: number;
  /** kind/namespace/name, and the container where relevant. */
  resource?: { kind: string; name: string; namespace?: string; container?: string };
  remediation: string;
  references: RuleReferences;
  layer?: LayerRef;
}

/** A secret found in a file, image config or history. The match is always redacted. */
export interface SecretFinding {
  ruleId: string;
  severity: RuleSeverity;
  title: string;
  path: string;
  line?: number;
  /** The matched line with the secret replaced by `*****`. */
  match: string;
  layer?: LayerRef;
  /** True when a later layer deletes the file (it still ships inside the image). */
  deleted?: boolean;
}
