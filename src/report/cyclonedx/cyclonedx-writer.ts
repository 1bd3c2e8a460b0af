import type { Models, Serialize } from "@cyclonedx/cyclonedx-library";
import { cdx } from "../common/cyclonedx-lib.js";
import type { Artifact, OSInfo, Package, Report } from "../../model/index.js";
import { contentHash } from "../common/digest.js";
import { imagePurl } from "../common/image-purl.js";
import { canonicalPackages } from "../common/packages.js";
import { UniqueIds } from "../common/unique.js";
import { uuidV5 } from "../common/uuid.js";
import type { ReportWriter, WriteOptions } from "../types.js";
import { collate } from "./collate.js";
import { cyclonedxLicenses, normalizedLicenses } from "./licenses.js";
import { addVulnerabilities, type PackageComponent } from "./vulnerabilities.js";

let serializer: Serialize.JsonSerializer | undefined;

/** The library's JSON serialiser, with list order made independent of the locale. */
function collatedSerializer(): Serialize.JsonSerializer {
  if (serializer) return serializer;
  const { Serialize: S, Spec } = cdx();
  class CollatedJsonSerializer extends S.JsonSerializer {
    protected override _serialize(bom: Serialize.JSON.Types.Normalized.Bom, options?: Serialize.Types.SerializerOptions): string {
      return super._serialize(collate(bom), options);
    }
  }
  serializer = new CollatedJsonSerializer(new S.JSON.Normalize.Factory(Spec.Spec1dot6));
  return serializer;
}

function properties(entries: [string, string | undefined][]): Models.PropertyRepository {
  const { Models } = cdx();
  const repo = new Models.PropertyRepository();
  for (const [name, value] of entries) if (value) repo.add(new Models.Property(name, value));
  return repo;
}

function imageComponent(artifact: Artifact, refs: UniqueIds): Models.Component {
  const { Models, Enums } = cdx();
  const purl = imagePurl(artifact);
  return new Models.Component(Enums.ComponentType.Container, artifact.target, {
    bomRef: refs.take(purl ?? `image:${artifact.target}`),
    ...(artifact.digest ? { version: artifact.digest } : {}),
    ...(purl ? { purl } : {}),
    properties: properties([
      ["bulwark:artifact:type", artifact.type],
      ["bulwark:image:platform", artifact.platform],
      ["bulwark:image:created", artifact.created],
      ...(artifact.names ?? []).map((n): [string, string] => ["bulwark:image:name", n]),
    ]),
  });
}

function osComponent(os: OSInfo, refs: UniqueIds): Models.Component {
  const { Models, Enums } = cdx();
  return new Models.Component(Enums.ComponentType.OperatingSystem, os.family, {
    bomRef: refs.take(`os:${os.family}@${os.version}`),
    version: os.version,
    ...(os.prettyName ? { description: os.prettyName } : {}),
    properties: properties([
      ["bulwark:os:codename", os.codename],
      ["bulwark:os:eol:date", os.eol?.date],
      ["bulwark:os:eol", os.eol ? String(os.eol.eol) : undefined],
    ]),
  });
}

/** The properties of a package's component, as [name, value] pairs (empty values left out). */
function packageProperties(pkg: Package): [string, string][] {
  const layers = pkg.locations.flatMap((l) => (l.layer ? [l.layer] : []));
  const entries: [string, string | undefined][] = [
    ["bulwark:package:type", pkg.type],
    ["bulwark:package:arch", pkg.arch],
    ["bulwark:evidence", pkg.evidence],
    ["bulwark:source:name", pkg.source?.name],
    ["bulwark:source:version", pkg.source?.version],
    ["bulwark:ownedBy", pkg.ownedBy],
    ["bulwark:dev", pkg.dev ? "true" : undefined],
    ...[...new Set(layers.map((l) => l.digest))].map((d): [string, string] => ["bulwark:layer:digest", d]),
    ...[...new Set(layers.map((l) => l.diffId))].map((d): [string, string] => ["bulwark:layer:diffId", d]),
    ...pkg.locations.map((l): [string, string] => ["bulwark:location:path", l.path]),
    ...Object.entries(pkg.metadata ?? {}).map(([k, v]): [string, string] => [`bulwark:metadata:${k}`, v]),
  ];
  return entries.filter((e): e is [string, string] => !!e[1]);
}

/**
 * The bom-ref of a package's component. It is the purl; a second package with the same purl
 * (e.g. one npm module vendored twice) gets "|2": "|" cannot appear unencoded in a purl, so the
 * suffix is never mistaken for part of it. Without this the library would invent random refs
 * for the duplicates.
 */
const packageRef = (pkg: Package, refs: UniqueIds): string => refs.take(pkg.purl || `${pkg.type}:${pkg.name}@${pkg.version}`);

function packageComponent(pkg: Package, bomRef: string): Models.Component {
  const { Models, Enums } = cdx();
  return new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef,
    ...(pkg.version ? { version: pkg.version } : {}),
    ...(pkg.purl ? { purl: pkg.purl } : {}),
    licenses: new Models.LicenseRepository(cyclonedxLicenses(pkg.licenses)),
    properties: properties(packageProperties(pkg)),
  });
}

/**
 * The BOM through the library's object model, every package a library Component. The writer
 * takes the direct path below; this one is the reference it is tested against.
 */
export function buildBom(report: Report, packages: Package[]): Models.Bom {
  const refs = new UniqueIds("|");
  const { bom, image, parts } = skeleton(report, refs);
  const components: (PackageComponent & { component: Models.Component })[] = packages.map((pkg) => {
    const component = packageComponent(pkg, packageRef(pkg, refs));
    return { pkg, bomRef: component.bomRef, component };
  });
  parts.push(...components.map((c) => c.component));
  for (const part of parts) {
    bom.components.add(part);
    image.dependencies.add(part.bomRef);
  }
  // An OS package that installed a language package (python3-yaml → PyYAML) depends on it.
  const byPurl = new Map(components.filter((c) => c.pkg.purl).map((c) => [c.pkg.purl, c.component]));
  for (const c of components) {
    const owner = c.pkg.ownedBy ? byPurl.get(c.pkg.ownedBy) : undefined;
    if (owner && owner !== c.component) owner.dependencies.add(c.component.bomRef);
  }
  finish(bom, report, components, refs);
  return bom;
}

/** Everything but the package components: the image, the tool, the OS. */
function skeleton(report: Report, refs: UniqueIds): { bom: Models.Bom; image: Models.Component; parts: Models.Component[] } {
  const { Models, Enums } = cdx();
  const bom = new Models.Bom();
  const image = imageComponent(report.artifact, refs);
  bom.metadata.component = image;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, report.tool.name, { version: report.tool.version }),
  );
  const parts: Models.Component[] = [];
  if (report.artifact.os) parts.push(osComponent(report.artifact.os, refs));
  return { bom, image, parts };
}

/** Vulnerabilities and the unchecked-packages note (after the package refs are taken). */
function finish(bom: Models.Bom, report: Report, components: readonly PackageComponent[], refs: UniqueIds): void {
  const { Models } = cdx();
  // Findings of a vulnerability scan, suppressed ones included with their analysis (VEX).
  addVulnerabilities(bom, [...report.vulnerabilities, ...(report.suppressed ?? [])], components, refs);
  // Packages the scan could not check: without this, no vulnerabilities would read as none.
  const unchecked = report.unchecked ?? [];
  if (unchecked.length > 0) {
    const total = unchecked.reduce((n, u) => n + u.packages, 0);
    bom.metadata.properties.add(new Models.Property("bulwark:unchecked:packages", String(total)));
    for (const u of unchecked) {
      bom.metadata.properties.add(new Models.Property("bulwark:unchecked", `${u.ecosystem} (${u.packages} package${u.packages === 1 ? "" : "s"}): ${u.reason}`));
    }
  }
}

type NormalizedBom = Serialize.JSON.Types.Normalized.Bom;
type NormalizedComponent = Serialize.JSON.Types.Normalized.Component;

/**
 * The normalised BOM (the library's JSON shape before text), with the package components made
 * directly as plain objects in the library's key order instead of as library models: on 2,700
 * packages that is most of the writer's time and garbage. The library still normalises the
 * rest (image, OS, vulnerabilities). A test requires the same bytes as serializeBom(buildBom()).
 */
export function normalizedBom(report: Report, packages: Package[]): NormalizedBom {
  const { Models, Serialize: S, Spec } = cdx();
  const refs = new UniqueIds("|");
  const { bom, image, parts } = skeleton(report, refs);
  for (const part of parts) bom.components.add(part);
  const pkgRefs = packages.map((pkg) => packageRef(pkg, refs));
  const components: PackageComponent[] = packages.map((pkg, i) => ({ pkg, bomRef: new Models.BomRef(pkgRefs[i]) }));
  finish(bom, report, components, refs);
  const normalized = new S.JSON.Normalize.Factory(Spec.Spec1dot6).makeForBom().normalize(bom, { sortLists: false });
  normalized.components = [...(normalized.components ?? []), ...packages.map((pkg, i) => packageJson(pkg, pkgRefs[i]!))];
  // The dependency graph as the library makes it: the image depends on every part, an owning
  // OS package on what it installed; every component is listed.
  const owned = new Map<string, string[]>();
  const byPurl = new Map<string, string>();
  // The last package of a purl owns, as with `new Map(entries)` in buildBom.
  packages.forEach((pkg, i) => {
    if (pkg.purl) byPurl.set(pkg.purl, pkgRefs[i]!);
  });
  packages.forEach((pkg, i) => {
    const owner = pkg.ownedBy ? byPurl.get(pkg.ownedBy) : undefined;
    if (owner && owner !== pkgRefs[i]) owned.set(owner, [...(owned.get(owner) ?? []), pkgRefs[i]!]);
  });
  const imageRef = image.bomRef.toString();
  const partRefs = [...parts.map((p) => p.bomRef.toString()), ...pkgRefs];
  normalized.dependencies = [
    { ref: imageRef, ...(partRefs.length > 0 ? { dependsOn: partRefs } : {}) },
    ...partRefs.map((ref) => {
      const deps = [...new Set(owned.get(ref) ?? [])];
      return deps.length > 0 ? { ref, dependsOn: deps } : { ref };
    }),
  ];
  return normalized;
}

/** One package's component in the library's normalised form (see ComponentNormalizer). */
function packageJson(pkg: Package, bomRef: string): NormalizedComponent {
  const licenses = normalizedLicenses(pkg.licenses);
  const props = packageProperties(pkg);
  // Key order is the library's: type, name, version, bom-ref, licenses, purl, properties.
  const out: NormalizedComponent = { type: cdx().Enums.ComponentType.Library, name: pkg.name };
  if (pkg.version) out.version = pkg.version;
  out["bom-ref"] = bomRef;
  if (licenses.length > 0) out.licenses = licenses;
  if (pkg.purl) out.purl = pkg.purl;
  if (props.length > 0) out.properties = props.map(([name, value]) => ({ name, value }));
  return out;
}

/**
 * The JSON text. The library's own list sorting (`sortLists`) uses String#localeCompare, which
 * is slow (ICU collation: a third of the writer's time on 2,700 components) and locale-dependent;
 * collate() sorts every list Bulwark writes by code point instead. A test requires the same
 * bytes as with `sortLists` on.
 */
export function serializeBom(bom: Models.Bom, sortLists = false): string {
  return collatedSerializer().serialize(bom, { sortLists, space: 2 });
}

/** CycloneDX 1.6 JSON. */
export const cyclonedxWriter: ReportWriter = {
  format: "cyclonedx-json",
  write(report: Report, options: WriteOptions = {}): string {
    const packages = canonicalPackages(report.packages);
    const bom = normalizedBom(report, packages);
    // Serial number and timestamp only on request: both would otherwise make every run differ.
    if (options.timestamp) {
      bom.serialNumber = `urn:uuid:${uuidV5(`${contentHash(report, packages)} ${options.timestamp.toISOString()}`)}`;
      bom.metadata!.timestamp = options.timestamp.toISOString();
    }
    return `${JSON.stringify(collate(bom), null, 2)}\n`;
  },
};
