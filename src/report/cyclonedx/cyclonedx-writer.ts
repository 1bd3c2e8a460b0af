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
import { cyclonedxLicenses } from "./licenses.js";
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

function packageComponent(pkg: Package, refs: UniqueIds): Models.Component {
  // The bom-ref is the purl; a second package with the same purl (e.g. one npm module vendored
  // twice) gets "|2": "|" cannot appear unencoded in a purl, so the suffix is never mistaken
  // for part of it. Without this the library would invent random refs for the duplicates.
  const bomRef = refs.take(pkg.purl || `${pkg.type}:${pkg.name}@${pkg.version}`);
  const layers = pkg.locations.flatMap((l) => (l.layer ? [l.layer] : []));
  const { Models, Enums } = cdx();
  return new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef,
    ...(pkg.version ? { version: pkg.version } : {}),
    ...(pkg.purl ? { purl: pkg.purl } : {}),
    licenses: new Models.LicenseRepository(cyclonedxLicenses(pkg.licenses)),
    properties: properties([
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
    ]),
  });
}

export function buildBom(report: Report, packages: Package[]): Models.Bom {
  const { Models, Enums } = cdx();
  const refs = new UniqueIds("|");
  const bom = new Models.Bom();
  const image = imageComponent(report.artifact, refs);
  bom.metadata.component = image;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, report.tool.name, { version: report.tool.version }),
  );
  const parts: Models.Component[] = [];
  if (report.artifact.os) parts.push(osComponent(report.artifact.os, refs));
  const components: PackageComponent[] = packages.map((pkg) => ({ pkg, component: packageComponent(pkg, refs) }));
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
  return bom;
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
    const bom = buildBom(report, packages);
    // Serial number and timestamp only on request: both would otherwise make every run differ.
    if (options.timestamp) {
      bom.metadata.timestamp = options.timestamp;
      bom.serialNumber = `urn:uuid:${uuidV5(`${contentHash(report, packages)} ${options.timestamp.toISOString()}`)}`;
    }
    return `${serializeBom(bom)}\n`;
  },
};
