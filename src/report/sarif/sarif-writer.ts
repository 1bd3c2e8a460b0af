// SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer): one run, one rule per
// vulnerability id, one result per finding. Suppressed findings are included with a SARIF
// `suppressions` entry so viewers show them as dismissed rather than losing them.
import type { Package, Report } from "../../model/index.js";
import { compareText } from "../common/compare.js";
import { sha256Hex } from "../common/digest.js";
import { type Finding, installedCopy, SEVERITY_RANK, severityOfScore } from "../common/findings.js";
import { groupBy } from "../common/group.js";
import { jsonDocumentWriter } from "../common/json-pieces.js";
import { findingsPart } from "./findings.js";
import { BAND_SCORE, level } from "./severity.js";

const SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI = "https://bulwark.dev/";
/** Key of our fingerprint in `partialFingerprints`; bump the suffix if its recipe ever changes. */
const FINGERPRINT = "bulwarkFinding/v1";

type Json = Record<string, unknown>;

/** The CVSS score behind the severity (v3.x, then v4, then v2, as the matcher prefers). */
function securitySeverity(v: Finding): string | undefined {
  for (const version of ["3.1", "3.0", "4.0", "2.0"]) {
    const s = v.cvss.find((c) => c.version === version);
    if (s && severityOfScore(s.score) === v.severity) return s.score.toFixed(1);
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
  const worst = [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || compareText(a.package.purl, b.package.purl))[0] as Finding;
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
  const pkg = installedCopy(v, byPurl.get(v.package.purl), (p) => p);
  const path = pkg?.locations.map((l) => l.path).sort(compareText)[0];
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
    partialFingerprints: { [FINGERPRINT]: sha256Hex(`${v.id}\u0000${v.package.purl}`) },
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

/**
 * One invocation when the vulnerability scanner ran: it completed, and each ecosystem whose
 * packages it could not check is a warning notification (shown by viewers beside the results,
 * so an empty result set is not read as a clean image).
 */
function invocations(report: Report): Json {
  if (!report.unchecked) return {};
  const notifications = [...report.unchecked]
    .sort((a, b) => compareText(a.ecosystem, b.ecosystem) || compareText(a.reason, b.reason))
    .map((u) => ({
      level: "warning",
      message: { text: `${u.packages} package${u.packages === 1 ? " was" : "s were"} not checked for vulnerabilities: ${u.reason}` },
      descriptor: { id: "bulwark/unchecked" },
      properties: { ecosystem: u.ecosystem, packages: u.packages },
    }));
  return { invocations: [{ executionSuccessful: true, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }] };
}

export function sarifDocument(report: Report): Json {
  const findings: Finding[] = [...report.vulnerabilities, ...(report.suppressed ?? [])].sort(compareFindings);
  // Findings are sorted by id first, so the ids come out sorted.
  const byId = groupBy(findings, (f) => f.id);
  const ids = [...byId.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const byPurl = groupBy(report.packages, (p) => p.purl);
  // Rules of misconfigurations and secrets follow the vulnerability rules.
  const extra = findingsPart(report, ids.length);
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
          ...extra.results,
        ],
        ...invocations(report),
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
export const sarifWriter = jsonDocumentWriter("sarif", sarifDocument);
