// SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer): one run, one rule per
// vulnerability id, one result per finding. Suppressed findings are included with a SARIF
// `suppressions` entry so viewers show them as dismissed rather than losing them.
import { createHash } from "node:crypto";
import type { Package, Report, Severity, SuppressedVulnerability, Vulnerability } from "../../model/index.js";
import { compareText } from "../common/compare.js";
import type { ReportWriter } from "../types.js";
import { findingsPart } from "./findings.js";
import { jsonPieces } from "../common/json-pieces.js";

const SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI = "https://bulwark.dev/";
/** Key of our fingerprint in `partialFingerprints`; bump the suffix if its recipe ever changes. */
const FINGERPRINT = "bulwarkFinding/v1";

type Finding = Vulnerability | SuppressedVulnerability;
type Json = Record<string, unknown>;

const RANK: Record<Severity, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };

function level(severity: Severity): "error" | "warning" | "note" {
  return severity === "CRITICAL" || severity === "HIGH" ? "error" : severity === "MEDIUM" ? "warning" : "note";
}

// GitHub buckets `security-severity` as critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0.
// Without a CVSS score that agrees with the severity, the middle of the severity's band.
const BAND_SCORE: Record<Severity, string | undefined> = { CRITICAL: "9.5", HIGH: "8.0", MEDIUM: "5.5", LOW: "2.0", UNKNOWN: undefined };

function bandOf(score: number): Severity {
  return score >= 9 ? "CRITICAL" : score >= 7 ? "HIGH" : score >= 4 ? "MEDIUM" : score > 0 ? "LOW" : "UNKNOWN";
}

/** The CVSS score behind the severity (v3.x, then v4, then v2, as the matcher prefers). */
function securitySeverity(v: Finding): string | undefined {
  for (const version of ["3.1", "3.0", "4.0", "2.0"]) {
    const s = v.cvss.find((c) => c.version === version);
    if (s && bandOf(s.score) === v.severity) return s.score.toFixed(1);
  }
  return BAND_SCORE[v.severity];
}

/** A path or name as a relative URI reference: no leading `/`, each segment percent-encoded. */
function relativeUri(path: string): string {
  return path
    .replace(/^\/+/, "")
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

/** The installed package a finding is about: same purl, and the same layer when two share it. */
function packageOf(v: Finding, byPurl: Map<string, Package[]>): Package | undefined {
  const candidates = byPurl.get(v.package.purl) ?? [];
  return candidates.find((p) => p.locations.some((l) => l.layer?.diffId === v.package.layer?.diffId)) ?? candidates[0];
}

function fixText(v: Finding): string {
  if (v.fixedVersions.length > 0) return `Fixed in ${v.fixedVersions.join(", ")}.`;
  return v.status === "will_not_fix" ? "The distribution will not fix it." : "No fix is available yet.";
}

function message(v: Finding): string {
  const fixed = v.fixedVersions.length > 0 ? ` → ${v.fixedVersions.join(", ")}` : "";
  return `${v.package.name} ${v.installedVersion}${fixed}: ${v.id} (${v.severity})${v.title ? ` ${v.title}` : ""}. ${fixText(v)}`;
}

function markdownCell(text: string): string {
  return text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`).replace(/\s+/g, " ");
}

function rule(id: string, findings: Finding[]): Json {
  // Findings of one id can differ per package (a distribution and a language advisory):
  // the rule carries the most severe reading.
  const worst = [...findings].sort((a, b) => RANK[b.severity] - RANK[a.severity] || compareText(a.package.purl, b.package.purl))[0] as Finding;
  const title = findings.map((f) => f.title).find(Boolean) ?? id;
  const description = findings.map((f) => f.description).find(Boolean) ?? title;
  const helpUri = `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
  const rows = findings.map(
    (f) => `| ${markdownCell(f.package.name)} | ${markdownCell(f.installedVersion)} | ${markdownCell(f.fixedVersions.join(", ") || "none")} | ${f.severity} |`,
  );
  const references = [...new Set(findings.flatMap((f) => f.references))].sort(compareText).slice(0, 10);
  const markdown = [
    `**${markdownCell(title)}**`,
    "",
    description,
    "",
    "| Package | Installed | Fixed | Severity |",
    "| --- | --- | --- | --- |",
    ...[...new Set(rows)],
    ...(references.length > 0 ? ["", ...references.map((r) => `- <${r}>`)] : []),
  ].join("\n");
  const severityScore = securitySeverity(worst);
  return {
    id,
    shortDescription: { text: title },
    fullDescription: { text: description },
    helpUri,
    help: { text: `${description}\n\nSee ${helpUri}`, markdown },
    properties: {
      ...(severityScore ? { "security-severity": severityScore } : {}),
      tags: ["security", "vulnerability", worst.severity],
      precision: "very-high",
    },
  };
}

function result(v: Finding, ruleIndex: number, target: string, byPurl: Map<string, Package[]>): Json {
  const pkg = packageOf(v, byPurl);
  const path = pkg ? [...pkg.locations].map((l) => l.path).sort(compareText)[0] : undefined;
  const suppression = "suppression" in v ? v.suppression : undefined;
  return {
    ruleId: v.id,
    ruleIndex,
    level: level(v.severity),
    message: { text: message(v) },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: relativeUri(path ?? target) }, region: { startLine: 1 } },
        logicalLocations: [{ name: v.package.name, fullyQualifiedName: v.package.purl || v.package.name, kind: "package" }],
      },
    ],
    partialFingerprints: { [FINGERPRINT]: createHash("sha256").update(`${v.id}\u0000${v.package.purl}`).digest("hex") },
    ...(suppression
      ? { suppressions: [{ kind: "external", status: "accepted", justification: `${suppression.by}: ${suppression.reason}` }] }
      : {}),
    properties: {
      packageType: v.package.type,
      packageName: v.package.name,
      installedVersion: v.installedVersion,
      fixedVersions: v.fixedVersions,
      status: v.status,
      severity: v.severity,
      purl: v.package.purl,
      ...(v.package.layer ? { layer: v.package.layer.diffId } : {}),
      ...(v.aliases.length > 0 ? { aliases: v.aliases } : {}),
    },
  };
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.id, b.id) ||
    compareText(a.package.purl, b.package.purl) ||
    compareText(a.package.layer?.diffId ?? "", b.package.layer?.diffId ?? "") ||
    compareText(a.package.name, b.package.name) ||
    compareText(a.package.version, b.package.version) ||
    Number("suppression" in a) - Number("suppression" in b)
  );
}

export function sarifDocument(report: Report): Json {
  const findings: Finding[] = [...report.vulnerabilities, ...(report.suppressed ?? [])].sort(compareFindings);
  const byId = new Map<string, Finding[]>();
  for (const f of findings) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  const ids = [...byId.keys()].sort(compareText);
  const index = new Map(ids.map((id, i) => [id, i]));
  const byPurl = new Map<string, Package[]>();
  for (const p of report.packages) byPurl.set(p.purl, [...(byPurl.get(p.purl) ?? []), p]);
  const extra = findingsPart(report);
  // A config scan can have 100,000 results: look rule positions up instead of searching.
  const extraIndex = new Map<unknown, number>();
  extra.rules.forEach((r, i) => {
    if (!extraIndex.has(r.id)) extraIndex.set(r.id, i);
  });
  return {
    $schema: SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            informationUri: INFORMATION_URI,
            rules: [...ids.map((id) => rule(id, byId.get(id) as Finding[])), ...extra.rules],
          },
        },
        results: [
          ...findings.map((f) => result(f, index.get(f.id) as number, report.artifact.target, byPurl)),
          ...extra.results((id) => ids.length + (extraIndex.get(id) ?? -1)),
        ],
        columnKind: "utf16CodeUnits",
        properties: {
          target: report.artifact.target,
          ...(report.artifact.digest ? { digest: report.artifact.digest } : {}),
          ...(report.artifact.os ? { os: `${report.artifact.os.family} ${report.artifact.os.version}` } : {}),
        },
      },
    ],
  };
}

/** SARIF 2.1.0 JSON. */
export const sarifWriter: ReportWriter = {
  format: "sarif",
  write(report: Report): string {
    return `${JSON.stringify(sarifDocument(report), null, 2)}\n`;
  },
  *writeChunks(report: Report) {
    yield* jsonPieces(sarifDocument(report));
    yield "\n";
  },
};
