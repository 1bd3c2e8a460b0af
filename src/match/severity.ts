// Severity of an advisory for one package.
//
// Order of preference, first that gives an answer wins:
//   1. a CVSS vector, scored with ae-cvss-calculator: v3.x first (what NVD, GHSA and the
//      distributions publish most and what users compare against), then v4.0, then v2;
//      vectors on the affected entry (or Ubuntu's per-CVE map) before the record's own;
//   2. the source's own rating: GHSA `database_specific.severity`, Ubuntu priority
//      (`severity[].type = "Ubuntu"`), Debian urgency (`ecosystem_specific.urgency`), Red Hat
//      style words (Important, Moderate);
//   3. UNKNOWN.
// Malicious-package advisories (MAL-…, or `malicious-packages-origins`) are always CRITICAL.
import { createRequire } from "node:module";
import type { CvssScore, OsvAffected, OsvRecord, OsvSeverity, Severity } from "../model/index.js";

export const SEVERITY_ORDER: readonly Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];

/** Higher is more severe: CRITICAL 4 … UNKNOWN 0. */
export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.length - 1 - SEVERITY_ORDER.indexOf(s);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** CVSS v3/v4 qualitative bands (v2 has no CRITICAL band, but scores map the same way here). */
export function severityFromScore(score: number): Severity {
  if (score >= 9.0) return "CRITICAL";
  if (score >= 7.0) return "HIGH";
  if (score >= 4.0) return "MEDIUM";
  if (score > 0) return "LOW";
  return "UNKNOWN";
}

interface Scorer {
  calculateScores(): { base?: number };
}
type ScorerClass = new (vector: string) => Scorer;

type Scorers = { Cvss2: ScorerClass; Cvss3P0: ScorerClass; Cvss3P1: ScorerClass; Cvss4P0: ScorerClass };
let loaded: Scorers | undefined;
// The package is a UMD bundle (its classes hang off module.exports), loaded on first use: it
// costs about 40 ms at start-up, and runs without vulnerability matching never need it.
const scorers = (): Scorers => (loaded ??= createRequire(import.meta.url)("ae-cvss-calculator") as Scorers);

function cvssVersion(vector: string, type: string): string | null {
  if (vector.startsWith("CVSS:3.1/")) return "3.1";
  if (vector.startsWith("CVSS:3.0/")) return "3.0";
  if (vector.startsWith("CVSS:4.0/")) return "4.0";
  if (type === "CVSS_V2" || /^\(?AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(vector)) return "2.0";
  return null;
}

// The same few thousand vectors recur across records and packages; scoring is the costly part.
const scored = new Map<string, { version: string; score: number } | null>();

/** Scores one CVSS vector; null when it is not a complete, valid base vector. */
export function scoreVector(vector: string, type = ""): { version: string; score: number } | null {
  const key = `${type}\u0000${vector}`;
  let hit = scored.get(key);
  if (hit === undefined) {
    if (scored.size > 50_000) scored.clear();
    scored.set(key, (hit = computeScore(vector, type)));
  }
  return hit;
}

function computeScore(vector: string, type: string): { version: string; score: number } | null {
  const text = vector.trim();
  const version = cvssVersion(text, type);
  if (!version) return null;
  const classes = scorers();
  const Scorer = { "2.0": classes.Cvss2, "3.0": classes.Cvss3P0, "3.1": classes.Cvss3P1, "4.0": classes.Cvss4P0 }[version];
  if (!Scorer) return null;
  try {
    const base = new Scorer(text.replace(/^\((.*)\)$/, "$1")).calculateScores().base;
    // An incomplete vector scores as undefined (missing metrics are "not defined").
    return typeof base === "number" && Number.isFinite(base) ? { version, score: base } : null;
  } catch {
    return null;
  }
}

/** Every CVSS vector in a severity list, scored; invalid ones are left out. */
export function cvssScores(list: readonly OsvSeverity[] | undefined, source?: string): CvssScore[] {
  const out: CvssScore[] = [];
  for (const s of list ?? []) {
    if (!s.type.startsWith("CVSS_") || typeof s.score !== "string") continue;
    const scored = scoreVector(s.score, s.type);
    if (scored) out.push({ version: scored.version, vector: s.score.trim(), score: scored.score, ...(source ? { source } : {}) });
  }
  return out;
}

const VERSION_PREFERENCE = ["3.1", "3.0", "4.0", "2.0"];

/** The score that decides severity: the first v3.x, else v4, else v2 (list order within a version). */
export function preferredScore(scores: readonly CvssScore[]): CvssScore | undefined {
  for (const version of VERSION_PREFERENCE) {
    const hit = scores.find((s) => s.version === version);
    if (hit) return hit;
  }
  return undefined;
}

const WORDS: Readonly<Record<string, Severity>> = {
  critical: "CRITICAL",
  important: "HIGH",
  high: "HIGH",
  moderate: "MEDIUM",
  medium: "MEDIUM",
  low: "LOW",
  negligible: "LOW",
  // Debian: "unimportant" is the tracker's lowest urgency (not treated as a security issue).
  unimportant: "LOW",
};

/** A source's own severity word (`MODERATE`, `medium`, `high**`, `Important`), or null. */
export function severityFromWord(word: unknown): Severity | null {
  if (typeof word !== "string") return null;
  const key = word.trim().toLowerCase().replace(/\*+$/, "");
  return WORDS[key] ?? null;
}

function ratingFrom(record: OsvRecord, entry: OsvAffected | undefined, extra: readonly OsvSeverity[]): Severity | null {
  for (const s of [...extra, ...(entry?.severity ?? []), ...(record.severity ?? [])]) {
    if (s.type === "Ubuntu") {
      const hit = severityFromWord(s.score);
      if (hit) return hit;
    }
  }
  return (
    severityFromWord(record.database_specific?.severity) ??
    severityFromWord(entry?.database_specific?.severity) ??
    severityFromWord(entry?.ecosystem_specific?.severity) ??
    severityFromWord(entry?.ecosystem_specific?.urgency) ??
    null
  );
}

export function isMalicious(record: OsvRecord): boolean {
  return record.id.startsWith("MAL-") || record.database_specific?.["malicious-packages-origins"] !== undefined;
}

export interface Assessment {
  severity: Severity;
  cvss: CvssScore[];
  malicious: boolean;
}

/**
 * Severity and CVSS scores of a record for one affected entry. `extra` holds severities that
 * apply more narrowly still (Ubuntu's per-CVE `cves_map` inside a notice).
 */
export function assess(record: OsvRecord, entry?: OsvAffected, extra: readonly OsvSeverity[] = []): Assessment {
  const cvss = [...cvssScores(extra, record.id), ...cvssScores(entry?.severity, record.id), ...cvssScores(record.severity, record.id)];
  const unique = cvss.filter((s, i) => cvss.findIndex((t) => t.vector === s.vector) === i);
  if (isMalicious(record)) return { severity: "CRITICAL", cvss: unique, malicious: true };
  const preferred = preferredScore(unique);
  const fromScore = preferred ? severityFromScore(preferred.score) : "UNKNOWN";
  const severity = fromScore !== "UNKNOWN" ? fromScore : (ratingFrom(record, entry, extra) ?? "UNKNOWN");
  return { severity, cvss: unique, malicious: false };
}
