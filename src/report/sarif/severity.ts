// SARIF levels and GitHub's security-severity, shared by vulnerability and rule findings.
import type { Severity } from "../../model/index.js";

export function level(severity: Severity): "error" | "warning" | "note" {
  return severity === "CRITICAL" || severity === "HIGH" ? "error" : severity === "MEDIUM" ? "warning" : "note";
}

// GitHub buckets `security-severity` as critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0.
/** The middle of a severity's band: for findings without a CVSS score that agrees with the severity. */
export const BAND_SCORE: Readonly<Record<Severity, string | undefined>> = { CRITICAL: "9.5", HIGH: "8.0", MEDIUM: "5.5", LOW: "2.0", UNKNOWN: undefined };
