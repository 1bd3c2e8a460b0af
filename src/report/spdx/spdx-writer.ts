import type { Artifact, OSInfo, Package, Report } from "../../model/index.js";
import { formatUtcSeconds, parseDate } from "../common/dates.js";
import { contentHash } from "../common/digest.js";
import { imagePurl } from "../common/image-purl.js";
import { jsonDocumentWriter } from "../common/json-pieces.js";
import { canonicalPackages } from "../common/packages.js";
import { UniqueIds } from "../common/unique.js";
import type { WriteOptions } from "../types.js";
import { creationDate } from "./created.js";
import type { SpdxDocument, SpdxExternalRef, SpdxPackage, SpdxRelationship } from "./document.js";
import { idString, packageSpdxId } from "./ids.js";
import { LicenseCatalog } from "./licenses.js";

const IMAGE_ID = "SPDXRef-Image";
const OS_ID = "SPDXRef-OperatingSystem";

function purlRef(purl: string | undefined): { externalRefs?: SpdxExternalRef[] } {
  return purl ? { externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purl }] } : {};
}

/** Dates in SPDX packages use the same `YYYY-MM-DDThh:mm:ssZ` form as `created`. */
function spdxDate(text: string | undefined): string | undefined {
  const date = parseDate(text);
  return date ? formatUtcSeconds(date) : undefined;
}

function imagePackage(artifact: Artifact): SpdxPackage {
  const facts = [
    `type: ${artifact.type}`,
    artifact.platform ? `platform: ${artifact.platform}` : "",
    artifact.names?.length ? `names: ${artifact.names.join(", ")}` : "",
  ].filter(Boolean);
  const built = spdxDate(artifact.created);
  return {
    SPDXID: IMAGE_ID,
    name: artifact.target,
    ...(artifact.digest ? { versionInfo: artifact.digest } : {}),
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    comment: facts.join("; "),
    ...purlRef(imagePurl(artifact)),
    primaryPackagePurpose: "CONTAINER",
    ...(built ? { builtDate: built } : {}),
  };
}

function osPackage(os: OSInfo): SpdxPackage {
  // End of support is what validUntilDate means for an operating system release.
  const until = spdxDate(os.eol?.date);
  return {
    SPDXID: OS_ID,
    name: os.family,
    versionInfo: os.version,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    ...(os.prettyName ? { description: os.prettyName } : {}),
    primaryPackagePurpose: "OPERATING_SYSTEM",
    ...(until ? { validUntilDate: until } : {}),
  };
}

function sourceInfo(pkg: Package): string {
  const lines: string[] = [];
  if (pkg.evidence === "installed") lines.push("installed: found in a package database or its own files");
  else if (pkg.evidence === "declared") lines.push("declared: listed by a lockfile or manifest, not found installed");
  if (pkg.source) lines.push(`built from source package ${pkg.source.name} ${pkg.source.version}`);
  for (const l of pkg.locations) {
    lines.push(l.layer ? `found at ${l.path} in layer ${l.layer.diffId}` : `found at ${l.path}`);
  }
  return lines.join("; ");
}

/** Layer digests (and arch) kept in the comment: SPDX 2.3 has no field for them. */
function comment(pkg: Package): string {
  const facts: string[] = [];
  if (pkg.arch) facts.push(`arch: ${pkg.arch}`);
  const seen = new Set<string>();
  for (const { layer } of pkg.locations) {
    if (!layer || seen.has(layer.digest)) continue;
    seen.add(layer.digest);
    facts.push(`layer: digest ${layer.digest}, diffID ${layer.diffId}`);
  }
  return facts.join("; ");
}

function libraryPackage(pkg: Package, spdxId: string, licenses: LicenseCatalog): SpdxPackage {
  const info = sourceInfo(pkg);
  const note = comment(pkg);
  return {
    SPDXID: spdxId,
    name: pkg.name,
    ...(pkg.version ? { versionInfo: pkg.version } : {}),
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    ...(info ? { sourceInfo: info } : {}),
    licenseConcluded: "NOASSERTION",
    licenseDeclared: licenses.declared(pkg.licenses),
    copyrightText: "NOASSERTION",
    ...(note ? { comment: note } : {}),
    ...purlRef(pkg.purl),
    primaryPackagePurpose: "LIBRARY",
  };
}

/** `https://bulwark.dev/spdxdocs/<name>-<hash>`: unique per content, stable across runs. */
function documentNamespace(report: Report, packages: Package[]): string {
  const name = report.artifact.target.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "").slice(0, 64);
  return `https://bulwark.dev/spdxdocs/${name || "image"}-${contentHash(report, packages)}`;
}

export function spdxDocument(report: Report, options: WriteOptions = {}): SpdxDocument {
  const packages = canonicalPackages(report.packages);
  const licenses = new LicenseCatalog();
  const ids = new UniqueIds("-");
  const spdxPackages = [imagePackage(report.artifact)];
  const relationships: SpdxRelationship[] = [
    { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: IMAGE_ID },
  ];
  const contains = (id: string) =>
    relationships.push({ spdxElementId: IMAGE_ID, relationshipType: "CONTAINS", relatedSpdxElement: id });
  if (report.artifact.os) {
    spdxPackages.push(osPackage(report.artifact.os));
    contains(OS_ID);
  }
  const idByPurl = new Map<string, string>();
  const owned: [string, string][] = [];
  for (const pkg of packages) {
    const id = ids.take(packageSpdxId(pkg.type, pkg.name, JSON.stringify(pkg)));
    spdxPackages.push(libraryPackage(pkg, id, licenses));
    contains(id);
    if (pkg.purl && !idByPurl.has(pkg.purl)) idByPurl.set(pkg.purl, id);
    if (pkg.ownedBy) owned.push([pkg.ownedBy, id]);
  }
  // The OS package that installed a language package CONTAINS it.
  for (const [ownerPurl, id] of owned) {
    const ownerId = idByPurl.get(ownerPurl);
    if (ownerId && ownerId !== id) relationships.push({ spdxElementId: ownerId, relationshipType: "CONTAINS", relatedSpdxElement: id });
  }
  const extracted = licenses.extracted();
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: report.artifact.target,
    documentNamespace: documentNamespace(report, packages),
    creationInfo: {
      creators: [`Tool: ${idString(report.tool.name)}-${report.tool.version}`],
      created: creationDate(report.artifact, options.timestamp),
    },
    packages: spdxPackages,
    relationships,
    ...(extracted.length > 0 ? { hasExtractedLicensingInfos: extracted } : {}),
  };
}

/** SPDX 2.3 JSON, written by hand against the official schema. */
export const spdxWriter = jsonDocumentWriter("spdx-json", spdxDocument);
