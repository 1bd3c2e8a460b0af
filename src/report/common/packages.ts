import type { Location, Package } from "../../model/index.js";
import { compareText, sortedText } from "./compare.js";

// Every writer starts from the same canonical package list so that input order (which can
// depend on layer or analyzer scheduling) never shows in the output.

function canonicalLocation(location: Location): Location {
  const out: Location = { path: location.path };
  if (location.layer) {
    out.layer = { digest: location.layer.digest, diffId: location.layer.diffId };
    if (location.layer.createdBy !== undefined) out.layer.createdBy = location.layer.createdBy;
  }
  return out;
}

function compareLocations(a: Location, b: Location): number {
  return (
    compareText(a.path, b.path) ||
    compareText(a.layer?.diffId ?? "", b.layer?.diffId ?? "") ||
    compareText(a.layer?.digest ?? "", b.layer?.digest ?? "") ||
    compareText(a.layer?.createdBy ?? "", b.layer?.createdBy ?? "")
  );
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of sortedText(Object.keys(record))) out[key] = record[key] as string;
  return out;
}

/** A copy with keys in model order and every inner list sorted. */
export function canonicalPackage(pkg: Package): Package {
  const out: Package = {
    type: pkg.type,
    name: pkg.name,
    version: pkg.version,
    purl: pkg.purl,
    ...(pkg.arch !== undefined ? { arch: pkg.arch } : {}),
    ...(pkg.evidence !== undefined ? { evidence: pkg.evidence } : {}),
    source: pkg.source ? { name: pkg.source.name, version: pkg.source.version } : null,
    licenses: sortedText(pkg.licenses),
    locations: pkg.locations.map(canonicalLocation).sort(compareLocations),
  };
  if (pkg.ownedBy !== undefined) out.ownedBy = pkg.ownedBy;
  if (pkg.dev !== undefined) out.dev = pkg.dev;
  if (pkg.files !== undefined) out.files = sortedText(pkg.files);
  if (pkg.metadata !== undefined) out.metadata = sortedRecord(pkg.metadata);
  return out;
}

/**
 * Packages sorted by type, name, version, purl; ties (the same package found twice) are broken
 * by the whole canonical record so the order is total and shuffling the input changes nothing.
 */
export function canonicalPackages(packages: readonly Package[]): Package[] {
  // The whole-record key is made only for ties: serialising every record (dpkg file lists
  // included) cost more than the rest of a writer.
  const keyed = packages.map((p) => ({ pkg: canonicalPackage(p), key: undefined as string | undefined }));
  const key = (k: (typeof keyed)[number]): string => (k.key ??= JSON.stringify(k.pkg));
  keyed.sort(
    (a, b) =>
      compareText(a.pkg.type, b.pkg.type) ||
      compareText(a.pkg.name, b.pkg.name) ||
      compareText(a.pkg.version, b.pkg.version) ||
      compareText(a.pkg.purl, b.pkg.purl) ||
      compareText(key(a), key(b)),
  );
  return keyed.map((k) => k.pkg);
}
