import { PackageURL } from "packageurl-js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseSpdxExpression } from "../license/spdx-expression.js";
import { alpineReport, debianReport, emptyReport, shuffled } from "../test-support/sample-report.js";
import { spdxErrors } from "../test-support/schemas.js";
import type { SpdxDocument, SpdxPackage } from "./document.js";
import { spdxWriter } from "./spdx-writer.js";

const fixtures = { debian: debianReport, alpine: alpineReport, empty: emptyReport };
const parse = (text: string) => JSON.parse(text) as SpdxDocument;
const timestamp = new Date("2024-07-01T12:34:56.789Z");
const byName = (doc: SpdxDocument, name: string) => doc.packages.filter((p) => p.name === name);

/**
 * Rules from the SPDX 2.3 specification that its JSON schema does not encode (the schema has
 * no patterns at all), checked here so "valid" means more than "well-typed".
 */
function specViolations(doc: SpdxDocument): string[] {
  const problems: string[] = [];
  const ids = new Set<string>(["SPDXRef-DOCUMENT"]);
  for (const p of doc.packages) {
    if (!/^SPDXRef-[A-Za-z0-9.-]+$/.test(p.SPDXID)) problems.push(`bad SPDXID ${p.SPDXID}`);
    if (ids.has(p.SPDXID)) problems.push(`duplicate SPDXID ${p.SPDXID}`);
    ids.add(p.SPDXID);
  }
  const dateRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
  if (!dateRe.test(doc.creationInfo.created)) problems.push(`bad created ${doc.creationInfo.created}`);
  for (const p of doc.packages) {
    for (const d of [p.builtDate, p.validUntilDate]) if (d !== undefined && !dateRe.test(d)) problems.push(`bad date ${d}`);
  }
  if (!/^[a-z]+:\/\/[^#\s]+$/.test(doc.documentNamespace)) problems.push(`bad namespace ${doc.documentNamespace}`);
  if (!doc.creationInfo.creators.every((c) => /^(Tool|Person|Organization): \S/.test(c))) problems.push("bad creator");
  const defined = new Set((doc.hasExtractedLicensingInfos ?? []).map((l) => l.licenseId));
  for (const l of doc.hasExtractedLicensingInfos ?? []) {
    if (!/^LicenseRef-[A-Za-z0-9.-]+$/.test(l.licenseId)) problems.push(`bad LicenseRef ${l.licenseId}`);
  }
  for (const p of doc.packages) {
    for (const value of [p.licenseDeclared, p.licenseConcluded]) {
      if (value === "NOASSERTION" || value === "NONE") continue;
      const parsed = parseSpdxExpression(value);
      if (!parsed) problems.push(`bad license expression ${value}`);
      for (const ref of parsed?.licenseRefs ?? []) if (!defined.has(ref)) problems.push(`undefined ${ref}`);
    }
  }
  for (const r of doc.relationships) {
    for (const id of [r.spdxElementId, r.relatedSpdxElement]) if (!ids.has(id)) problems.push(`dangling ${id}`);
  }
  return problems;
}

describe("spdx writer", () => {
  beforeEach(() => vi.stubEnv("SOURCE_DATE_EPOCH", ""));
  afterEach(() => vi.unstubAllEnvs());

  it.each(Object.entries(fixtures))("%s: valid against the SPDX 2.3 schema and spec rules", (_, make) => {
    for (const options of [{}, { timestamp }]) {
      const doc = parse(spdxWriter.write(make(), options));
      expect(spdxErrors(doc)).toEqual([]);
      expect(specViolations(doc)).toEqual([]);
    }
  });

  it.each(Object.entries(fixtures))("%s: deterministic, whatever the input order", (_, make) => {
    const first = spdxWriter.write(make(), { timestamp });
    expect(spdxWriter.write(make(), { timestamp })).toBe(first);
    expect(spdxWriter.write(shuffled(make()), { timestamp })).toBe(first);
  });

  it("is deterministic without a timestamp when the image has a creation date", () => {
    expect(spdxWriter.write(shuffled(debianReport()))).toBe(spdxWriter.write(debianReport()));
  });

  it("writes the document header", () => {
    const doc = parse(spdxWriter.write(debianReport()));
    expect(doc).toMatchObject({
      spdxVersion: "SPDX-2.3",
      dataLicense: "CC0-1.0",
      SPDXID: "SPDXRef-DOCUMENT",
      name: "registry.example.com/team/web-app:1.4.2",
      creationInfo: { creators: ["Tool: bulwark-0.1.0"] },
    });
    expect(doc.documentNamespace).toMatch(/^https:\/\/bulwark\.dev\/spdxdocs\/registry\.example\.com-team-web-app-1\.4\.2-[0-9a-f]{64}$/);
    expect(parse(spdxWriter.write(alpineReport())).documentNamespace).not.toBe(doc.documentNamespace);
  });

  describe("created", () => {
    it("uses the timestamp option, without fractional seconds", () => {
      vi.stubEnv("SOURCE_DATE_EPOCH", "1700000000");
      expect(parse(spdxWriter.write(debianReport(), { timestamp })).creationInfo.created).toBe("2024-07-01T12:34:56Z");
    });

    it("then SOURCE_DATE_EPOCH", () => {
      vi.stubEnv("SOURCE_DATE_EPOCH", "1700000000");
      expect(parse(spdxWriter.write(debianReport())).creationInfo.created).toBe("2023-11-14T22:13:20Z");
    });

    it("then the image creation time (nanoseconds dropped)", () => {
      expect(parse(spdxWriter.write(debianReport())).creationInfo.created).toBe("2024-06-11T19:20:31Z");
    });

    it("then the current time", () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const created = parse(spdxWriter.write(emptyReport())).creationInfo.created;
      expect(created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(Date.parse(created)).toBeGreaterThanOrEqual(before);
    });

    it("refuses a malformed SOURCE_DATE_EPOCH", () => {
      vi.stubEnv("SOURCE_DATE_EPOCH", "yesterday");
      expect(() => spdxWriter.write(debianReport())).toThrow(/SOURCE_DATE_EPOCH/);
    });
  });

  it("describes the image as a container containing the OS and every package", () => {
    const report = debianReport();
    const doc = parse(spdxWriter.write(report));
    const [image, os] = doc.packages;
    expect(image).toMatchObject({ SPDXID: "SPDXRef-Image", primaryPackagePurpose: "CONTAINER", versionInfo: report.artifact.digest });
    expect(image!.externalRefs![0]!.referenceLocator).toMatch(/^pkg:oci\/web-app@sha256:/);
    expect(os).toMatchObject({ name: "debian", versionInfo: "12", primaryPackagePurpose: "OPERATING_SYSTEM", validUntilDate: "2026-06-10T00:00:00Z" });
    expect(doc.relationships[0]).toEqual({ spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: "SPDXRef-Image" });
    const contained = doc.relationships.filter((r) => r.relationshipType === "CONTAINS").map((r) => r.relatedSpdxElement);
    expect(contained.sort()).toEqual(doc.packages.slice(1).map((p) => p.SPDXID).sort());
    expect(doc.packages).toHaveLength(2 + report.packages.length);
  });

  it("writes an empty image as just the container", () => {
    const doc = parse(spdxWriter.write(emptyReport(), { timestamp }));
    expect(doc.packages.map((p) => p.SPDXID)).toEqual(["SPDXRef-Image"]);
    expect(doc.packages[0]!.externalRefs).toBeUndefined();
    expect(doc.hasExtractedLicensingInfos).toBeUndefined();
  });

  it("gives packages unique, readable SPDXIDs, also when they share a purl", () => {
    const doc = parse(spdxWriter.write(debianReport()));
    const lodash = byName(doc, "lodash").map((p) => p.SPDXID);
    expect(lodash).toHaveLength(2);
    expect(new Set(lodash).size).toBe(2);
    for (const id of lodash) expect(id).toMatch(/^SPDXRef-Package-npm-lodash-[0-9a-f]{8}$/);
    expect(byName(doc, "@babel/core")[0]!.SPDXID).toMatch(/^SPDXRef-Package-npm-babel-core-[0-9a-f]{8}$/);
  });

  it("fills the required package fields", () => {
    const doc = parse(spdxWriter.write(debianReport()));
    const zlib = byName(doc, "zlib1g")[0] as SpdxPackage;
    expect(zlib).toMatchObject({
      versionInfo: "1:1.2.13.dfsg-1",
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "Zlib",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "LIBRARY",
    });
    expect(zlib.sourceInfo).toContain("source package zlib 1:1.2.13.dfsg-1");
  });

  it("keeps purls exactly and they round-trip through packageurl-js", () => {
    const report = debianReport();
    const doc = parse(spdxWriter.write(report));
    const purls = doc.packages.slice(2).map((p) => p.externalRefs![0]!);
    for (const ref of purls) {
      expect(ref).toMatchObject({ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl" });
      expect(PackageURL.fromString(ref.referenceLocator).toString()).toBe(ref.referenceLocator);
    }
    expect(purls.map((r) => r.referenceLocator).sort()).toEqual(report.packages.map((p) => p.purl).sort());
  });

  it("keeps the layer: location and diffID in sourceInfo, digest in the comment", () => {
    const report = debianReport();
    const app = report.artifact.layers[2]!;
    const doc = parse(spdxWriter.write(report));
    const babel = byName(doc, "@babel/core")[0]!;
    expect(babel.sourceInfo).toBe(`found at /app/node_modules/@babel/core/package.json in layer ${app.diffId}`);
    expect(babel.comment).toContain(`layer: digest ${app.digest}, diffID ${app.diffId}`);
  });

  it("declares licenses as expressions, with LicenseRefs for the rest", () => {
    const doc = parse(spdxWriter.write(debianReport()));
    const declared = (name: string) => byName(doc, name)[0]!.licenseDeclared;
    expect(declared("base-files")).toBe("NOASSERTION");
    expect(declared("libc6")).toBe("GPL-2.0-or-later AND LGPL-2.1-or-later");
    expect(declared("libgcc-s1")).toBe("GPL-3.0-or-later WITH GCC-exception-3.1");
    expect(declared("type-fest")).toBe("MIT OR CC0-1.0");
    expect(declared("perl-base")).toBe("LicenseRef-Artistic AND LicenseRef-GPL-1plus");
    expect(declared("nodejs")).toBe("LicenseRef-Expat AND MIT");
    expect(doc.hasExtractedLicensingInfos).toContainEqual(
      expect.objectContaining({ licenseId: "LicenseRef-GPL-1plus", extractedText: "GPL-1+", name: "GPL-1+" }),
    );
    expect(doc.hasExtractedLicensingInfos!.map((l) => l.licenseId)).toEqual([
      "LicenseRef-Artistic",
      "LicenseRef-Expat",
      "LicenseRef-GPL-1plus",
      "LicenseRef-public-domain",
    ]);
  });

  it("keeps LicenseRefs unique when different strings sanitise alike", () => {
    const report = emptyReport();
    const base = debianReport().packages[0]!;
    report.packages = [
      { ...base, name: "a", licenses: ["public domain"] },
      { ...base, name: "b", licenses: ["public/domain"] },
      { ...base, name: "c", licenses: ["LicenseRef-undefined-elsewhere"] },
    ];
    const doc = parse(spdxWriter.write(report, { timestamp }));
    expect(specViolations(doc)).toEqual([]);
    const ids = doc.hasExtractedLicensingInfos!.map((l) => l.licenseId);
    expect(new Set(ids).size).toBe(3);
  });
});
