// Helpers the SARIF, CycloneDX and table writers share for vulnerability findings.
import type { Package, Severity, SuppressedVulnerability, Vulnerability } from "../../model/index.js";

/** A finding of a vulnerability scan, kept or suppressed. */
export type Finding = Vulnerability | SuppressedVulnerability;

/** Higher is more severe. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };

/** The CVSS band of a score: critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0. */
export function severityOfScore(score: number): Severity {
  return score >= 9 ? "CRITICAL" : score >= 7 ? "HIGH" : score >= 4 ? "MEDIUM" : score > 0 ? "LOW" : "UNKNOWN";
}

/**
 * The installed copy a finding is about, among the copies with its purl: the one in the
 * finding's layer when two share the purl, else the first.
 */
export function installedCopy<T>(v: Finding, copies: readonly T[] | undefined, pkg: (copy: T) => Package): T | undefined {
  if (!copies) return undefined;
  return copies.find((c) => pkg(c).locations.some((l) => l.layer?.diffId === v.package.layer?.diffId)) ?? copies[0];
}
