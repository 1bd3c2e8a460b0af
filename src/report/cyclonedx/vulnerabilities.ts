// The CycloneDX 1.6 `vulnerabilities` section, in VEX form: one entry per finding (a CVE in two
// packages is two entries, so each keeps its own severity, fix and analysis), pointing at the
// component's bom-ref. Suppressed findings carry an `analysis` saying why.
import type { Enums, Models } from "@cyclonedx/cyclonedx-library";
import { cdx } from "../common/cyclonedx-lib.js";
import type { CvssScore, Package, Severity, SuppressedVulnerability, Suppression, Vulnerability } from "../../model/index.js";
import { compareText } from "../common/compare.js";
import type { UniqueIds } from "../common/unique.js";

type Finding = Vulnerability | SuppressedVulnerability;

/** Where an id is published: NVD for CVEs, GitHub for GHSAs, osv.dev for everything else. */
function sourceOf(id: string): Models.Vulnerability.Source {
  if (/^CVE-\d{4}-\d+$/.test(id)) return new (cdx().Models).Vulnerability.Source({ name: "NVD", url: `https://nvd.nist.gov/vuln/detail/${id}` });
  if (id.startsWith("GHSA-")) return new (cdx().Models).Vulnerability.Source({ name: "GitHub", url: `https://github.com/advisories/${id}` });
  return new (cdx().Models).Vulnerability.Source({ name: "OSV", url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` });
}

let methodsTable: Record<string, Enums.Vulnerability.RatingMethod> | undefined;
const METHODS = (): Record<string, Enums.Vulnerability.RatingMethod> => {
  const V = cdx().Enums.Vulnerability;
  return (methodsTable ??= {
    "2.0": V.RatingMethod.CVSSv2,
    "3.0": V.RatingMethod.CVSSv3,
    "3.1": V.RatingMethod.CVSSv31,
    "4.0": V.RatingMethod.CVSSv4,
  });
};

let severitiesTable: Record<Severity, Enums.Vulnerability.Severity> | undefined;
const SEVERITIES = (): Record<Severity, Enums.Vulnerability.Severity> => {
  const V = cdx().Enums.Vulnerability;
  return (severitiesTable ??= {
    CRITICAL: V.Severity.Critical,
    HIGH: V.Severity.High,
    MEDIUM: V.Severity.Medium,
    LOW: V.Severity.Low,
    UNKNOWN: V.Severity.Unknown,
  });
};

function bandOf(score: number): Severity {
  return score >= 9 ? "CRITICAL" : score >= 7 ? "HIGH" : score >= 4 ? "MEDIUM" : score > 0 ? "LOW" : "UNKNOWN";
}

function ratings(v: Finding): Models.Vulnerability.Rating[] {
  const out = v.cvss.map(
    (c: CvssScore) =>
      new (cdx().Models).Vulnerability.Rating({
        ...(c.source ? { source: new (cdx().Models).Vulnerability.Source({ name: c.source }) } : {}),
        score: c.score,
        severity: SEVERITIES()[bandOf(c.score)],
        method: METHODS()[c.version] ?? cdx().Enums.Vulnerability.RatingMethod.Other,
        vector: c.vector,
      }),
  );
  // Bulwark's severity can come from the source's own rating (no vector) or differ from a
  // vector's band (malicious packages): say it as a rating of its own then.
  if (!v.cvss.some((c) => bandOf(c.score) === v.severity)) {
    out.push(new (cdx().Models).Vulnerability.Rating({ source: new (cdx().Models).Vulnerability.Source({ name: v.source.id }), severity: SEVERITIES()[v.severity], method: cdx().Enums.Vulnerability.RatingMethod.Other }));
  }
  return out;
}

// OpenVEX justifications in CycloneDX terms, where one fits.
let justificationsTable: Record<string, Enums.Vulnerability.AnalysisJustification> | undefined;
const JUSTIFICATIONS = (): Record<string, Enums.Vulnerability.AnalysisJustification> => {
  const V = cdx().Enums.Vulnerability;
  return (justificationsTable ??= {
    component_not_present: V.AnalysisJustification.CodeNotPresent,
    vulnerable_code_not_present: V.AnalysisJustification.CodeNotPresent,
    vulnerable_code_not_in_execute_path: V.AnalysisJustification.CodeNotReachable,
    inline_mitigations_already_exist: V.AnalysisJustification.ProtectedByMitigatingControl,
    ...Object.fromEntries(Object.values(V.AnalysisJustification).map((j) => [j, j])),
  });
};

let statesTable: Record<string, Enums.Vulnerability.AnalysisState> | undefined;
const STATES = (): Record<string, Enums.Vulnerability.AnalysisState> => {
  const V = cdx().Enums.Vulnerability;
  return (statesTable ??= {
    fixed: V.AnalysisState.Resolved,
    ...Object.fromEntries(Object.values(V.AnalysisState).map((s) => [s, s])),
  });
};

/**
 * A suppression as a CycloneDX analysis. VEX statuses map to their CycloneDX state. An ignore
 * rule is the user declaring the finding does not apply to this image: `not_affected`, with
 * the rule's reason as detail (CycloneDX has no state for "accepted risk").
 */
function analysis(s: Suppression): Models.Vulnerability.Analysis {
  const state = s.by === "vex" ? (STATES()[s.vexStatus ?? ""] ?? cdx().Enums.Vulnerability.AnalysisState.NotAffected) : cdx().Enums.Vulnerability.AnalysisState.NotAffected;
  const justification = s.by === "vex" ? JUSTIFICATIONS()[s.reason.split(":")[0]!.trim()] : undefined;
  const where = s.file ? ` (${s.file})` : "";
  const detail = s.by === "vex" ? `${s.reason}${where}` : `Ignored${where}: ${s.reason}${s.expires ? ` (until ${s.expires})` : ""}`;
  return new (cdx().Models).Vulnerability.Analysis({ state, ...(justification ? { justification } : {}), detail });
}

function date(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Absolute http(s) URLs only: the schema wants IRIs, and advisory text is not trusted. */
function advisoryUrls(urls: readonly string[]): string[] {
  return [...new Set(urls)]
    .filter((u) => {
      try {
        return /^https?:$/.test(new URL(u).protocol) && !/\s/.test(u);
      } catch {
        return false;
      }
    })
    .sort(compareText);
}

function recommendation(v: Finding): string | undefined {
  if (v.fixedVersions.length > 0) return `Upgrade ${v.package.name} to ${v.fixedVersions.join(" or ")}.`;
  return v.status === "will_not_fix" ? "The distribution will not fix this; no upgrade is available." : undefined;
}

function properties(v: Finding): Models.PropertyRepository {
  const repo = new (cdx().Models).PropertyRepository();
  const add = (name: string, value: string | undefined) => value && repo.add(new (cdx().Models).Property(name, value));
  add("bulwark:status", v.status);
  for (const f of v.fixedVersions) add("bulwark:fixedVersion", f);
  add("bulwark:advisory", v.source.id);
  add("bulwark:ecosystem", v.source.ecosystem);
  if (v.matchedBy) add("bulwark:matchedBy", `${v.matchedBy.name} ${v.matchedBy.version}`);
  if (v.malicious) add("bulwark:malicious", "true");
  if ("suppression" in v) add("bulwark:suppressedBy", v.suppression.by);
  return repo;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.id, b.id) ||
    compareText(a.package.purl, b.package.purl) ||
    compareText(a.package.layer?.diffId ?? "", b.package.layer?.diffId ?? "") ||
    compareText(a.package.name, b.package.name) ||
    Number("suppression" in a) - Number("suppression" in b)
  );
}

export interface PackageComponent {
  pkg: Package;
  component: Models.Component;
}

/** The component of the package a finding is about: same purl, and the same layer when two share it. */
function componentOf(v: Finding, byPurl: Map<string, PackageComponent[]>): Models.Component | undefined {
  const candidates = byPurl.get(v.package.purl) ?? [];
  const sameLayer = candidates.find((c) => c.pkg.locations.some((l) => l.layer?.diffId === v.package.layer?.diffId));
  return (sameLayer ?? candidates[0])?.component;
}

/** Adds report findings (kept and suppressed) to the BOM. */
export function addVulnerabilities(bom: Models.Bom, findings: readonly Finding[], components: readonly PackageComponent[], refs: UniqueIds): void {
  const byPurl = new Map<string, PackageComponent[]>();
  for (const c of components) byPurl.set(c.pkg.purl, [...(byPurl.get(c.pkg.purl) ?? []), c]);
  for (const v of [...findings].sort(compareFindings)) {
    const component = componentOf(v, byPurl);
    const suppressed = "suppression" in v;
    const published = date(v.publishedAt);
    const updated = date(v.modifiedAt);
    // CycloneDX: `description` as the source gives it, `detail` the in-depth text.
    const description = v.title ?? v.description;
    const detail = v.title && v.description && v.description !== v.title ? v.description : undefined;
    const advice = recommendation(v);
    bom.vulnerabilities.add(
      new (cdx().Models).Vulnerability.Vulnerability({
        bomRef: refs.take(`vulnerability:${v.id}`),
        id: v.id,
        source: sourceOf(v.id),
        references: new (cdx().Models).Vulnerability.ReferenceRepository(v.aliases.map((a) => new (cdx().Models).Vulnerability.Reference(a, sourceOf(a)))),
        ratings: new (cdx().Models).Vulnerability.RatingRepository(ratings(v)),
        ...(description ? { description } : {}),
        ...(detail ? { detail } : {}),
        ...(advice ? { recommendation: advice } : {}),
        advisories: new (cdx().Models).Vulnerability.AdvisoryRepository(advisoryUrls(v.references).map((u) => new (cdx().Models).Vulnerability.Advisory(u))),
        ...(published ? { published } : {}),
        ...(updated ? { updated } : {}),
        ...(suppressed ? { analysis: analysis(v.suppression) } : {}),
        affects: new (cdx().Models).Vulnerability.AffectRepository(
          component
            ? [
                new (cdx().Models).Vulnerability.Affect(component.bomRef, {
                  versions: new (cdx().Models).Vulnerability.AffectedVersionRepository([
                    new (cdx().Models).Vulnerability.AffectedSingleVersion(v.installedVersion || v.package.version, {
                      status: suppressed ? cdx().Enums.Vulnerability.AffectStatus.Unaffected : cdx().Enums.Vulnerability.AffectStatus.Affected,
                    }),
                  ]),
                }),
              ]
            : [],
        ),
        properties: properties(v),
      }),
    );
  }
}
