import { describe, expect, it } from "vitest";
import { cyclonedxErrors, spdxErrors } from "./schemas.js";

// The validators must be able to fail, or "zero errors" in the writer tests means nothing.
// Each case is a mistake an SBOM writer can easily make.
describe("schema validators", () => {
  const bom = (extra: object) => ({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1, ...extra });
  const library = (extra: object) => bom({ components: [{ type: "library", name: "x", "bom-ref": "x", ...extra }] });

  it("accept a minimal CycloneDX BOM", () => {
    expect(cyclonedxErrors(bom({ components: [] }))).toEqual([]);
  });

  it.each([
    ["a license id not on the SPDX list", library({ licenses: [{ license: { id: "GPL-2+" } }] })],
    ["an expression mixed with licenses", library({ licenses: [{ expression: "MIT" }, { license: { id: "MIT" } }] })],
    ["a serial number that is not a UUID URN", bom({ serialNumber: "urn:uuid:not-a-uuid" })],
    ["an unknown component type", bom({ components: [{ type: "package", name: "x" }] })],
    ["a malformed timestamp", bom({ metadata: { timestamp: "2024-07-01 12:00" } })],
    ["a malformed IRI", library({ externalReferences: [{ type: "website", url: "http://exa mple.com/" }] })],
  ])("reject CycloneDX with %s", (_, doc) => {
    expect(cyclonedxErrors(doc).length).toBeGreaterThan(0);
  });

  const spdx = (pkg: object) => ({
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: "x",
    documentNamespace: "https://example.com/x",
    creationInfo: { created: "2024-01-01T00:00:00Z", creators: ["Tool: x-1"] },
    packages: [{ SPDXID: "SPDXRef-P", name: "p", downloadLocation: "NOASSERTION", ...pkg }],
  });

  it("accept a minimal SPDX document", () => {
    expect(spdxErrors(spdx({}))).toEqual([]);
  });

  it.each([
    ["OPERATING-SYSTEM with a hyphen", { primaryPackagePurpose: "OPERATING-SYSTEM" }],
    ["PACKAGE_MANAGER with an underscore", { externalRefs: [{ referenceCategory: "PACKAGE_MANAGER", referenceType: "purl", referenceLocator: "pkg:npm/x@1" }] }],
    ["an unknown package field", { layer: "sha256:00" }],
    ["filesAnalyzed as a string", { filesAnalyzed: "false" }],
  ])("reject SPDX with %s", (_, pkg) => {
    expect(spdxErrors(spdx(pkg)).length).toBeGreaterThan(0);
  });
});
