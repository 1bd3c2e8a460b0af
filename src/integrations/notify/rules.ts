// Which findings a rule wants, and the key that keeps a finding from being sent twice.
import type { Severity } from "../../model/index.js";
import { matchesAny, splitImageName } from "../common/glob.js";
import type { NotificationFinding, NotificationRule } from "./types.js";

export const SEVERITY_RANK: Record<Severity, number> = { UNKNOWN: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };
export const SEVERITIES: Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];

export function ruleMatches(rule: NotificationRule, f: NotificationFinding): boolean {
  if (!rule.enabled) return false;
  // Malicious packages are always worth telling, whatever their (often absent) severity.
  if (!f.malicious && SEVERITY_RANK[f.severity] < SEVERITY_RANK[rule.minSeverity]) return false;
  if (rule.fixableOnly && !f.fixedVersion) return false;
  if (rule.registries.length === 0 && rule.namespaces.length === 0) return true;
  // An image matches when one of its names passes both filters; an image with no name only
  // passes rules without filters.
  return f.imageNames.some((n) => {
    const { registry, repository } = splitImageName(n);
    return matchesAny(registry, rule.registries) && matchesAny(repository, rule.namespaces);
  });
}

/** Same finding of the same image for the same rule: sent once, ever. */
export function dedupeKey(ruleId: string, f: NotificationFinding): string {
  return [ruleId, f.imageDigest, f.id, f.package, f.version].join("\u0000");
}

/** Validates a rule body from the API; returns a message for the first problem. */
export function ruleProblem(r: Partial<NotificationRule>): string | undefined {
  if (typeof r.name !== "string" || !r.name.trim() || r.name.length > 200) return "name is required (at most 200 characters)";
  if (typeof r.url !== "string" || r.url.length > 2000) return "url is required";
  let u: URL;
  try {
    u = new URL(r.url);
  } catch {
    return "url is not a URL";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return "url must be http or https";
  if (r.format !== undefined && r.format !== "json" && r.format !== "slack") return "format must be json or slack";
  if (r.minSeverity !== undefined && !SEVERITIES.includes(r.minSeverity)) return `minSeverity must be one of ${SEVERITIES.join(", ")}`;
  for (const key of ["registries", "namespaces"] as const) {
    const v = r[key];
    if (v !== undefined && (!Array.isArray(v) || v.length > 100 || v.some((g) => typeof g !== "string" || !g || g.length > 255))) return `${key} must be a list of globs`;
  }
  return undefined;
}
