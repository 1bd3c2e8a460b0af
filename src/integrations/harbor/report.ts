// Harbor Pluggable Scanner API v1.2: Bulwark's report turned into Harbor's documents. Pure
// functions; the HTTP routes (routes.ts) only pick one by the Accept header.
import type { Report, Severity, Vulnerability } from "../../model/index.js";

export const HARBOR_MIME = {
  metadata: "application/vnd.scanner.adapter.metadata+json; version=1.1",
  scanRequest: "application/vnd.scanner.adapter.scan.request+json; version=1.1",
  scanResponse: "application/vnd.scanner.adapter.scan.response+json; version=1.0",
  error: "application/vnd.scanner.adapter.error+json; version=1.0",
  /** Harbor's vulnerability report, both names it accepts. */
  vulnReport11: "application/vnd.security.vulnerability.report; version=1.1",
  vulnReport10: "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0",
  sbomReport: "application/vnd.security.sbom.report+json; version=1.0",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  cyclonedx: "application/vnd.cyclonedx+json",
  spdx: "application/spdx+json",
} as const;

export type HarborSeverity = "Unknown" | "Negligible" | "Low" | "Medium" | "High" | "Critical";

const SEVERITY: Record<Severity, HarborSeverity> = { CRITICAL: "Critical", HIGH: "High", MEDIUM: "Medium", LOW: "Low", UNKNOWN: "Unknown" };
const RANK: Record<HarborSeverity, number> = { Unknown: 0, Negligible: 1, Low: 2, Medium: 3, High: 4, Critical: 5 };

export interface HarborArtifact {
  repository?: string;
  digest?: string;
  tag?: string;
  mime_type?: string;
}

export interface HarborScanner {
  name: string;
  vendor: string;
  version: string;
}

export interface HarborCvss {
  score_v3?: number;
  vector_v3?: string;
  score_v2?: number;
  vector_v2?: string;
}

export interface HarborVulnerabilityItem {
  id: string;
  package: string;
  version: string;
  fix_version?: string;
  severity: HarborSeverity;
  description?: string;
  links: string[];
  preferred_cvss?: HarborCvss;
  cwe_ids?: string[];
  vendor_attributes?: Record<string, unknown>;
}

export interface HarborVulnerabilityReport {
  generated_at: string;
  artifact: HarborArtifact;
  scanner: HarborScanner;
  severity: HarborSeverity;
  vulnerabilities: HarborVulnerabilityItem[];
}

export interface HarborSbomReport {
  generated_at: string;
  artifact: HarborArtifact;
  scanner: HarborScanner;
  vendor_attributes?: Record<string, unknown>;
  media_type: typeof HARBOR_MIME.cyclonedx | typeof HARBOR_MIME.spdx;
  sbom: Record<string, unknown>;
}

export function harborScanner(version: string): HarborScanner {
  return { name: "Bulwark", vendor: "Bulwark", version };
}

/** GET /api/v1/metadata. `dbUpdatedAt`: when the advisory database was last refreshed. */
export function harborMetadata(version: string, dbUpdatedAt?: string): Record<string, unknown> {
  const consumes = [HARBOR_MIME.ociManifest, HARBOR_MIME.dockerManifest];
  const properties: Record<string, string> = {
    "harbor.scanner-adapter/scanner-type": "os-package-vulnerability",
    "harbor.scanner-adapter/vulnerability-database-source": "OSV",
  };
  if (dbUpdatedAt) properties["harbor.scanner-adapter/vulnerability-database-updated-at"] = dbUpdatedAt;
  return {
    scanner: harborScanner(version),
    capabilities: [
      { type: "vulnerability", consumes_mime_types: consumes, produces_mime_types: [HARBOR_MIME.vulnReport11, HARBOR_MIME.vulnReport10] },
      {
        type: "sbom",
        consumes_mime_types: consumes,
        produces_mime_types: [HARBOR_MIME.sbomReport],
        additional_attributes: { sbom_media_types: [HARBOR_MIME.spdx, HARBOR_MIME.cyclonedx] },
      },
    ],
    properties,
  };
}

function preferredCvss(v: Vulnerability): HarborCvss | undefined {
  const out: HarborCvss = {};
  // The advisory's own score first (no source, or the record itself), then any alias's.
  const ordered = [...v.cvss].sort((a, b) => Number(a.source !== undefined && a.source !== v.source.id) - Number(b.source !== undefined && b.source !== v.source.id));
  for (const c of ordered) {
    if ((c.version === "3.0" || c.version === "3.1") && out.score_v3 === undefined) {
      out.score_v3 = c.score;
      out.vector_v3 = c.vector;
    } else if (c.version === "2.0" && out.score_v2 === undefined) {
      out.score_v2 = c.score;
      out.vector_v2 = c.vector;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function description(v: Vulnerability): string | undefined {
  if (v.title && v.description && !v.description.startsWith(v.title)) return `${v.title}\n\n${v.description}`;
  return v.description ?? v.title;
}

const LINK = /^https?:\/\/\S+$/;

export function harborVulnerability(v: Vulnerability): HarborVulnerabilityItem {
  const item: HarborVulnerabilityItem = {
    id: v.id,
    package: v.package.name,
    version: v.installedVersion,
    severity: SEVERITY[v.severity] ?? "Unknown",
    // Harbor's UI shows links as they are: keep only absolute http(s) URLs.
    links: v.references.filter((r) => LINK.test(r)),
  };
  if (v.fixedVersions.length) item.fix_version = v.fixedVersions.join(", ");
  const text = description(v);
  if (text) item.description = text;
  const cvss = preferredCvss(v);
  if (cvss) item.preferred_cvss = cvss;
  const vendor: Record<string, unknown> = { purl: v.package.purl, status: v.status, source: v.source };
  if (v.aliases.length) vendor["aliases"] = v.aliases;
  if (v.package.layer) vendor["layer"] = v.package.layer;
  if (v.cvss.length) vendor["CVSS"] = v.cvss;
  if (v.malicious) vendor["malicious"] = true;
  item.vendor_attributes = vendor;
  return item;
}

/** The highest severity of a list, "Unknown" when empty. */
export function harborMaxSeverity(items: { severity: HarborSeverity }[]): HarborSeverity {
  let best: HarborSeverity = "Unknown";
  for (const i of items) if (RANK[i.severity] > RANK[best]) best = i.severity;
  return best;
}

/** Bulwark report → Harbor vulnerability report (application/vnd.security.vulnerability.report; version=1.1). */
export function toHarborReport(report: Report, artifact: HarborArtifact, scanner: HarborScanner, generatedAt: Date): HarborVulnerabilityReport {
  const vulnerabilities = report.vulnerabilities.map(harborVulnerability);
  return { generated_at: generatedAt.toISOString(), artifact, scanner, severity: harborMaxSeverity(vulnerabilities), vulnerabilities };
}

/** A written SBOM (CycloneDX or SPDX JSON text) wrapped in Harbor's SBOM report. */
export function toHarborSbomReport(sbomJson: string, mediaType: HarborSbomReport["media_type"], artifact: HarborArtifact, scanner: HarborScanner, generatedAt: Date): HarborSbomReport {
  return { generated_at: generatedAt.toISOString(), artifact, scanner, media_type: mediaType, sbom: JSON.parse(sbomJson) as Record<string, unknown> };
}

/** Which document an Accept header asks for; undefined when none Bulwark makes (501). */
export function harborReportKind(accept: string | undefined): "vulnerability" | "sbom" | undefined {
  const wanted = (accept ?? "").split(",").map((s) => s.trim().toLowerCase().replace(/\s*;\s*/g, "; "));
  for (const w of wanted) {
    if (w === HARBOR_MIME.vulnReport11 || w === HARBOR_MIME.vulnReport10) return "vulnerability";
    if (w === HARBOR_MIME.sbomReport) return "sbom";
  }
  // No Accept or */* means the default report, as the Trivy adapter does.
  if (wanted.some((w) => w === "" || w === "*/*" || w.startsWith("*/*;"))) return "vulnerability";
  return undefined;
}
