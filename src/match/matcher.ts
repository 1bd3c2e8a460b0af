// Installed packages × advisories → vulnerabilities, one per (vulnerability, package).
import type { LayerRef, OSInfo, OsvAffected, OsvRecord, OsvSeverity, Package, Severity, Vulnerability } from "../model/index.js";
import { compareVersions, evaluateAffected } from "../versioning/index.js";
import { cvesMap, dateOf, descriptionOf, isWithdrawn, referencesOf, saysWillNotFix, titleOf } from "./advisory.js";
import { osEcosystem } from "./ecosystems.js";
import { compareCves, cveOf, IdGroups, isCve } from "./ids.js";
import { lookupsFor, type Lookup } from "./lookups.js";
import { assess, maxSeverity, severityRank } from "./severity.js";
import type { AdvisorySource, MatchOptions } from "./types.js";

/** One affected entry of one record that says the package is affected. */
interface Hit {
  record: OsvRecord;
  entry: OsvAffected;
  ecosystem: string;
  fixed: string[];
  /** Ids that name this vulnerability; hits sharing one are the same vulnerability. */
  nodes: string[];
  /** Ids of a multi-CVE notice this hit was split from: reported as aliases, never joined on. */
  notice: string[];
  /** Severities narrower than the record's (Ubuntu's per-CVE map). */
  severity: OsvSeverity[];
  matchedBy?: { name: string; version: string };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const unique = (values: Iterable<string>) => [...new Set(values)];

/**
 * The ids a hit stands for. Records name their vulnerability three ways:
 * - the id and `aliases` (GHSA ↔ CVE ↔ PYSEC): all the same vulnerability;
 * - a CVE inside a distribution id (`DEBIAN-CVE-2022-1292`);
 * - `upstream` (DSA/DLA/USN/RHSA → the CVEs they fix). A notice fixing one CVE is that CVE;
 *   a notice fixing several is split into one hit per CVE (per Ubuntu release, the CVEs of its
 *   `cves_map`), so each CVE is reported once and the notice id becomes an alias.
 */
function splitIds(record: OsvRecord, entry: OsvAffected): { nodes: string[]; severity: OsvSeverity[]; notice: string[] }[] {
  const own = unique([record.id, ...(record.aliases ?? [])]);
  const ownCves = unique(own.map(cveOf).filter((c): c is string => c !== null));
  const upstream = record.upstream ?? [];
  const map = cvesMap(entry);
  const upstreamCves = map ? unique(map.map((c) => c.id).filter(isCve)) : unique(upstream.map(cveOf).filter((c): c is string => c !== null));
  const sameCve = (cve: string) => upstream.filter((u) => cveOf(u) === cve);
  const severityOf = (cve: string) => map?.find((c) => c.id === cve)?.severity ?? [];

  if (ownCves.length === 0 && upstreamCves.length > 1) {
    return upstreamCves.map((cve) => ({ nodes: [cve, ...sameCve(cve)], severity: severityOf(cve), notice: own }));
  }
  const nodes = [...own, ...ownCves];
  if (ownCves.length === 0 && upstreamCves.length === 1) {
    const cve = upstreamCves[0] as string;
    nodes.push(cve, ...sameCve(cve));
    return [{ nodes: unique(nodes), severity: severityOf(cve), notice: [] }];
  }
  for (const cve of ownCves) nodes.push(...sameCve(cve));
  return [{ nodes: unique(nodes), severity: ownCves.length === 1 ? severityOf(ownCves[0] as string) : [], notice: [] }];
}

function evaluate(version: string, entry: OsvAffected): { affected: boolean; fixed: string[] } {
  try {
    return evaluateAffected(version, entry);
  } catch {
    // One malformed range (or an ecosystem without a comparator) must not fail the scan.
    return { affected: false, fixed: [] };
  }
}

function hitsFor(lookups: Lookup[], query: (base: string, name: string) => OsvRecord[], now: Date): Hit[] {
  const hits: Hit[] = [];
  for (const lookup of lookups) {
    for (const record of query(lookup.base, lookup.queryName)) {
      if (isWithdrawn(record, now)) continue;
      for (const entry of record.affected ?? []) {
        if (!entry.package || !lookup.accepts(entry)) continue;
        const result = evaluate(lookup.version, entry);
        if (!result.affected) continue;
        for (const ids of splitIds(record, entry)) {
          hits.push({
            record,
            entry,
            ecosystem: entry.package.ecosystem,
            fixed: result.fixed,
            ...ids,
            ...(lookup.matchedBy ? { matchedBy: lookup.matchedBy } : {}),
          });
        }
      }
    }
  }
  return hits;
}

/** Which hit speaks for a group: a record about this one vulnerability, matched on the binary, with a summary. */
function comparePrimary(a: Hit, b: Hit): number {
  return (
    Number(a.notice.length > 0) - Number(b.notice.length > 0) ||
    Number(a.matchedBy !== undefined) - Number(b.matchedBy !== undefined) ||
    Number(!a.record.summary) - Number(!b.record.summary) ||
    compareText(a.record.id, b.record.id)
  );
}

function sortVersions(ecosystem: string, versions: string[]): string[] {
  const list = unique(versions);
  try {
    return list.sort((a, b) => compareVersions(ecosystem, a, b) || compareText(a, b));
  } catch {
    return list.sort(compareText);
  }
}

function layerOf(pkg: Package): LayerRef | undefined {
  const layer = pkg.locations[0]?.layer;
  if (!layer) return undefined;
  return { digest: layer.digest, diffId: layer.diffId, ...(layer.createdBy !== undefined ? { createdBy: layer.createdBy } : {}) };
}

function toVulnerability(pkg: Package, group: Hit[]): Vulnerability {
  const hits = [...group].sort(comparePrimary);
  const primary = hits[0] as Hit;
  const nodes = unique(hits.flatMap((h) => h.nodes));
  const cves = nodes.filter(isCve).sort(compareCves);
  const id = cves[0] ?? primary.record.id;
  const aliases = unique([...nodes, ...hits.flatMap((h) => h.notice)])
    .filter((x) => x !== id)
    .sort(compareText);

  const fixedVersions = sortVersions(primary.ecosystem, hits.flatMap((h) => h.fixed));
  const status = fixedVersions.length > 0 ? "fixed" : hits.some((h) => saysWillNotFix(h.entry)) ? "will_not_fix" : "affected";

  let severity: Severity = "UNKNOWN";
  let malicious = false;
  const cvss: Vulnerability["cvss"] = [];
  for (const h of hits) {
    const a = assess(h.record, h.entry, h.severity);
    severity = maxSeverity(severity, a.severity);
    malicious ||= a.malicious;
    for (const s of a.cvss) if (!cvss.some((c) => c.vector === s.vector)) cvss.push(s);
  }

  const title = hits.map((h) => titleOf(h.record)).find((t) => t !== undefined);
  const description = hits.map((h) => descriptionOf(h.record)).find((d) => d !== undefined);
  const published = hits.map((h) => dateOf(h.record.published)).filter((d): d is string => !!d).sort(compareText)[0];
  const modified = hits.map((h) => dateOf(h.record.modified)).filter((d): d is string => !!d).sort(compareText).at(-1);
  const layer = layerOf(pkg);

  return {
    id,
    aliases,
    package: { type: pkg.type, name: pkg.name, version: pkg.version, purl: pkg.purl, ...(layer ? { layer } : {}) },
    installedVersion: pkg.version,
    fixedVersions,
    status,
    severity,
    cvss,
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
    references: unique(hits.flatMap((h) => referencesOf(h.record))).sort(compareText),
    ...(published ? { publishedAt: published } : {}),
    ...(modified ? { modifiedAt: modified } : {}),
    source: { id: primary.record.id, ecosystem: primary.ecosystem },
    ...(primary.matchedBy ? { matchedBy: { ...primary.matchedBy } } : {}),
    ...(malicious ? { malicious: true } : {}),
  };
}

function groupHits(hits: Hit[]): Hit[][] {
  const ids = new IdGroups();
  for (const h of hits) ids.join(h.nodes);
  const groups = new Map<string, Hit[]>();
  for (const h of hits) {
    const key = ids.key(h.nodes[0] as string);
    const list = groups.get(key);
    if (list) list.push(h);
    else groups.set(key, [h]);
  }
  return [...groups.values()];
}

/** Severity (most severe first), then id, package name, version; the rest only breaks ties. */
export function compareVulnerabilities(a: Vulnerability, b: Vulnerability): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compareText(a.id, b.id) ||
    compareText(a.package.name, b.package.name) ||
    compareText(a.package.version, b.package.version) ||
    compareText(a.package.purl, b.package.purl) ||
    compareText(a.package.layer?.diffId ?? "", b.package.layer?.diffId ?? "") ||
    compareText(a.source.id, b.source.id)
  );
}

/**
 * Matches packages against advisories. One vulnerability per (vulnerability, package): records
 * that alias each other are merged (id = the CVE when any id is one). See docs/report-format.md.
 */
export function matchPackages(
  packages: readonly Package[],
  os: OSInfo | null,
  source: AdvisorySource,
  opts: MatchOptions = {},
): Vulnerability[] {
  const now = opts.now ?? new Date();
  // Many binaries share a source package: ask the source once per (ecosystem, name).
  const cache = new Map<string, OsvRecord[]>();
  const query = (base: string, name: string) => {
    const key = `${base}\u0000${name}`;
    let records = cache.get(key);
    if (!records) cache.set(key, (records = source.query(base, name)));
    return records;
  };
  const osEco = osEcosystem(os, opts);
  const out: Vulnerability[] = [];
  for (const pkg of packages) {
    const lookups = lookupsFor(pkg, osEco, opts);
    if (lookups.length === 0) continue;
    const hits = hitsFor(lookups, query, now);
    for (const group of groupHits(hits)) out.push(toVulnerability(pkg, group));
  }
  return out.sort(compareVulnerabilities);
}
