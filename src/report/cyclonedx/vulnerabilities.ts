// The CycloneDX 1.6 `vulnerabilities` section, in VEX form: one entry per finding (a CVE in two
// packages is two entries, so each keeps its own severity, fix and analysis), pointing at the
// component's bom-ref. Suppressed findings carry an `analysis` saying why.
import type { Enums, Models } from "@cyclonedx/cyclonedx-library";
import { cdx } from "../common/cyclonedx-lib.js";
import type { Package, Severity, Suppression } from "../../model/index.js";
import { compareText } from "../common/compare.js";
import { type Finding, installedCopy, severityOfScore } from "../common/findings.js";
import { groupBy } from "../common/group.js";
import type { UniqueIds } from "../common/unique.js";

/** Where an id is published: NVD for CVEs, GitHub for GHSAs, osv.dev for everything else. */
function sourceOf(id: string): Models.Vulnerability.Source {
  const { Source } = cdx().Models.Vulnerability;
  if (/^CVE-\d{4}-\d+$/.test(id)) return new Source({ name: "NVD", url: `https://nvd.nist.gov/vuln/detail/${id}` });
  if (id.startsWith("GHSA-")) return new Source({ name: "GitHub", url: `https://github.com/advisories/${id}` });
  return new Source({ name: "OSV", url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` });
}

/** Bulwark's words in the library's enums, built on first use (the library loads lazily). */
function buildLookups() {
  const V = cdx().Enums.Vulnerability;
  return {
    methods: {
      "2.0": V.RatingMethod.CVSSv2,
      "3.0": V.RatingMethod.CVSSv3,
      "3.1": V.RatingMethod.CVSSv31,
      "4.0": V.RatingMethod.CVSSv4,
    } as Record<string, Enums.Vulnerability.RatingMethod>,
    severities: {
      CRITICAL: V.Severity.Critical,
      HIGH: V.Severity.High,
      MEDIUM: V.Severity.Medium,
      LOW: V.Severity.Low,
      UNKNOWN: V.Severity.Unknown,
    } as Record<Severity, Enums.Vulnerability.Severity>,
    // OpenVEX justifications in CycloneDX terms, where one fits.
    justifications: {
      component_not_present: V.AnalysisJustification.CodeNotPresent,
      vulnerable_code_not_present: V.AnalysisJustification.CodeNotPresent,
      vulnerable_code_not_in_execute_path: V.AnalysisJustification.CodeNotReachable,
      inline_mitigations_already_exist: V.AnalysisJustification.ProtectedByMitigatingControl,
      ...Object.fromEntries(Object.values(V.AnalysisJustification).map((j) => [j, j])),
    } as Record<string, Enums.Vulnerability.AnalysisJustification>,
    states: {
      fixed: V.AnalysisState.Resolved,
      ...Object.fromEntries(Object.values(V.AnalysisState).map((s) => [s, s])),
    } as Record<string, Enums.Vulnerability.AnalysisState>,
  };
}

let lookupTables: ReturnType<typeof buildLookups> | undefined;
const lookups = (): ReturnType<typeof buildLookups> => (lookupTables ??= buildLookups());

function ratings(v: Finding): Models.Vulnerability.Rating[] {
  const { Models, Enums } = cdx();
  const { methods, severities } = lookups();
  const out = v.cvss.map(
    (c) =>
      new Models.Vulnerability.Rating({
        ...(c.source ? { source: new Models.Vulnerability.Source({ name: c.source }) } : {}),
        score: c.score,
        severity: severities[severityOfScore(c.score)],
        method: methods[c.version] ?? Enums.Vulnerability.RatingMethod.Other,
        vector: c.vector,
      }),
  );
  // Bulwark's severity can come from the source's own rating (no vector) or differ from a
  // vector's band (malicious packages): say it as a rating of its own then.
  if (!v.cvss.some((c) => severityOfScore(c.score) === v.severity)) {
    out.push(new Models.Vulnerability.Rating({ source: new Models.Vulnerability.Source({ name: v.source.id }), severity: severities[v.severity], method: Enums.Vulnerability.RatingMethod.Other }));
  }
  return out;
}

/**
 * A suppression as a CycloneDX analysis. VEX statuses map to their CycloneDX state. An ignore
 * rule is the user declaring the finding does not apply to this image: `not_affected`, with
 * the rule's reason as detail (CycloneDX has no state for "accepted risk").
 */
function analysis(s: Suppression): Models.Vulnerability.Analysis {
  const { Models, Enums } = cdx();
  const { states, justifications } = lookups();
  const notAffected = Enums.Vulnerability.AnalysisState.NotAffected;
  const state = s.by === "vex" ? (states[s.vexStatus ?? ""] ?? notAffected) : notAffected;
  const justification = s.by === "vex" ? justifications[s.reason.split(":")[0]!.trim()] : undefined;
  const where = s.file ? ` (${s.file})` : "";
  const detail = s.by === "vex" ? `${s.reason}${where}` : `Ignored${where}: ${s.reason}${s.expires ? ` (until ${s.expires})` : ""}`;
  return new Models.Vulnerability.Analysis({ state, ...(justification ? { justification } : {}), detail });
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
  const { Models } = cdx();
  const repo = new Models.PropertyRepository();
  const add = (name: string, value: string | undefined) => value && repo.add(new Models.Property(name, value));
  add("bulwark:status", v.status);
  for (const f of v.fixedVersions) add("bulwark:fixedVersion", f);
  add("bulwark:advisory", v.source.id);
  add("bulwark:ecosystem", v.source.ecosystem);
  if (v.matchedBy) add("bulwark:matchedBy", `${v.matchedBy.name} ${v.matchedBy.version}`);
  if (v.malicious) add("bulwark:malicious", "true");
  if ("suppression" in v) add("bulwark:suppressedBy", v.suppression.by);
  return repo;
}

// Not SARIF's order (which also compares versions): this one decides which of two findings of
// an id gets the `|2` bom-ref, so changing it would change documents.
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
  bomRef: Models.BomRef;
}

/** Adds report findings (kept and suppressed) to the BOM. */
export function addVulnerabilities(bom: Models.Bom, findings: readonly Finding[], components: readonly PackageComponent[], refs: UniqueIds): void {
  const { Models, Enums } = cdx();
  const V = Models.Vulnerability;
  const byPurl = groupBy(components, (c) => c.pkg.purl);
  for (const v of [...findings].sort(compareFindings)) {
    const component = installedCopy(v, byPurl.get(v.package.purl), (c) => c.pkg);
    const suppressed = "suppression" in v;
    const published = date(v.publishedAt);
    const updated = date(v.modifiedAt);
    // CycloneDX: `description` as the source gives it, `detail` the in-depth text.
    const description = v.title ?? v.description;
    const detail = v.title && v.description && v.description !== v.title ? v.description : undefined;
    const advice = recommendation(v);
    const status = suppressed ? Enums.Vulnerability.AffectStatus.Unaffected : Enums.Vulnerability.AffectStatus.Affected;
    const version = new V.AffectedSingleVersion(v.installedVersion || v.package.version, { status });
    const affects = component ? [new V.Affect(component.bomRef, { versions: new V.AffectedVersionRepository([version]) })] : [];
    bom.vulnerabilities.add(
      new V.Vulnerability({
        bomRef: refs.take(`vulnerability:${v.id}`),
        id: v.id,
        source: sourceOf(v.id),
        references: new V.ReferenceRepository(v.aliases.map((a) => new V.Reference(a, sourceOf(a)))),
        ratings: new V.RatingRepository(ratings(v)),
        ...(description ? { description } : {}),
        ...(detail ? { detail } : {}),
        ...(advice ? { recommendation: advice } : {}),
        advisories: new V.AdvisoryRepository(advisoryUrls(v.references).map((u) => new V.Advisory(u))),
        ...(published ? { published } : {}),
        ...(updated ? { updated } : {}),
        ...(suppressed ? { analysis: analysis(v.suppression) } : {}),
        affects: new V.AffectRepository(affects),
        properties: properties(v),
      }),
    );
  }
}
