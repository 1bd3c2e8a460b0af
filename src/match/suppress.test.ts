import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished, describe, expect, it } from "vitest";
import { isUserError } from "../errors.js";
import { applyFilters } from "./filter.js";
import { parseIgnoreFile } from "./ignore.js";
import { applySuppressions, purlCovers } from "./suppress.js";
import { finding } from "./test-support/vulns.js";
import { loadVexFile, parseVex } from "./vex.js";

const LIBC = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12";
const SSL = "pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12";
const ANSI = "pkg:npm/ansi-html@0.0.7";
const now = new Date("2024-06-01T12:00:00Z");

const looney = finding("CVE-2023-4911", LIBC, { aliases: ["DEBIAN-CVE-2023-4911", "DSA-5514-1"] });
const ssl = finding("CVE-2024-0727", SSL, { severity: "MEDIUM", status: "fixed", fixedVersions: ["3.0.13-1~deb12u2"] });
const ansi = finding("CVE-2021-23424", ANSI, { aliases: ["GHSA-whgm-jr23-g3j9"], severity: "LOW" });

describe("ignore rules", () => {
  const rules = parseIgnoreFile(
    [
      "- id: dsa-5514-1", // an alias, any case
      "  package: libc6",
      "  reason: no setuid binaries",
      "  expires: 2024-12-31",
      "- id: GHSA-whgm-jr23-g3j9",
      "  purl: pkg:npm/ansi-html",
      "  reason: build-time only",
      "- id: CVE-2024-0727",
      "  reason: old exception",
      "  expires: 2024-05-31",
    ].join("\n"),
    ".bulwarkignore",
  );

  it("suppress by id or alias, package name and purl prefix; expired rules warn and stop", () => {
    const result = applySuppressions([looney, ssl, ansi], rules, now);
    expect(result.kept).toEqual([ssl]);
    expect(result.suppressed).toEqual([
      { ...looney, suppression: { by: "ignore-file", reason: "no setuid binaries", file: ".bulwarkignore", expires: "2024-12-31" } },
      { ...ansi, suppression: { by: "ignore-file", reason: "build-time only", file: ".bulwarkignore" } },
    ]);
    expect(result.warnings).toEqual([".bulwarkignore:8: ignore rule for CVE-2024-0727 expired on 2024-05-31; it no longer suppresses"]);
  });

  it("stop suppressing the day after they expire", () => {
    const later = applySuppressions([looney], rules, new Date("2025-01-01T00:00:00Z"));
    expect(later.kept).toEqual([looney]);
    expect(later.warnings).toHaveLength(2);
    expect(applySuppressions([looney], rules, new Date("2024-12-31T23:00:00Z")).suppressed).toHaveLength(1);
  });

  it("need every field they give to match", () => {
    const other = finding("CVE-2023-4911", "pkg:deb/debian/libc-bin@2.36-9?arch=amd64", { aliases: ["DSA-5514-1"] });
    expect(applySuppressions([other], rules, now).kept).toEqual([other]);
  });

  it("match purl prefixes only at a purl boundary", () => {
    expect(purlCovers("pkg:npm/lodash", "pkg:npm/lodash@4.17.21")).toBe(true);
    expect(purlCovers("pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.21")).toBe(true);
    expect(purlCovers("pkg:npm/lodash", "pkg:npm/lodash.merge@4.6.2")).toBe(false);
    expect(purlCovers("pkg:npm/%40babel/", "pkg:npm/%40babel/core@7.24.7")).toBe(true);
    expect(purlCovers("pkg:deb/debian/libc6@2.36-9%2Bdeb12u7", LIBC)).toBe(true);
  });
});

describe("OpenVEX", () => {
  const openvex = (statements: object[], extra: object = {}) => ({
    "@context": "https://openvex.dev/ns/v0.2.0",
    "@id": "https://example.com/vex/1",
    author: "Example Security",
    timestamp: "2024-05-01T00:00:00Z",
    version: 1,
    statements,
    ...extra,
  });

  it("suppresses not_affected and fixed statements for the exact package (qualifiers optional)", () => {
    const rules = parseVex(
      openvex([
        {
          vulnerability: { name: "CVE-2023-4911" },
          products: [{ "@id": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7" }],
          status: "not_affected",
          justification: "vulnerable_code_not_in_execute_path",
          impact_statement: "ld.so runs no setuid programs here",
        },
        { vulnerability: { name: "CVE-2024-0727" }, products: [{ "@id": SSL }], status: "fixed" },
      ]),
      "vex.json",
    );
    const result = applySuppressions([looney, ssl, ansi], rules, now);
    expect(result.kept).toEqual([ansi]);
    expect(result.suppressed.map((s) => s.suppression)).toEqual([
      { by: "vex", reason: "vulnerable_code_not_in_execute_path: ld.so runs no setuid programs here", file: "vex.json", vexStatus: "not_affected" },
      { by: "vex", reason: "fixed", file: "vex.json", vexStatus: "fixed" },
    ]);
  });

  it("keeps findings for affected and under_investigation, and for other versions", () => {
    const rules = parseVex(
      openvex([
        { vulnerability: { name: "CVE-2023-4911" }, products: [{ "@id": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u6" }], status: "not_affected", justification: "component_not_present" },
        { vulnerability: { name: "CVE-2024-0727" }, products: [{ "@id": SSL }], status: "under_investigation" },
        { vulnerability: { name: "CVE-2021-23424" }, products: [{ "@id": ANSI }], status: "affected", action_statement: "upgrade" },
      ]),
    );
    expect(applySuppressions([looney, ssl, ansi], rules, now).kept).toEqual([looney, ssl, ansi]);
  });

  it("treats a version-less product purl as every version, and matches aliases and subcomponents", () => {
    const rules = parseVex(
      openvex([
        {
          vulnerability: { "@id": "https://nvd.nist.gov/vuln/detail/CVE-2021-23424", name: "GHSA-whgm-jr23-g3j9" },
          products: [{ "@id": "pkg:oci/web-app@sha256%3Aabc", subcomponents: [{ "@id": "pkg:npm/ansi-html" }] }],
          status: "not_affected",
          justification: "vulnerable_code_cannot_be_controlled_by_adversary",
        },
      ]),
    );
    expect(applySuppressions([ansi], rules, now).suppressed).toHaveLength(1);
    // The image purl alone does not stand for the packages in it.
    const imageOnly = parseVex(openvex([{ vulnerability: { name: "CVE-2021-23424" }, products: [{ "@id": "pkg:oci/web-app" }], status: "not_affected" }]));
    expect(applySuppressions([ansi], imageOnly, now).kept).toEqual([ansi]);
  });

  it("lets the latest statement decide", () => {
    const earlier = { vulnerability: { name: "CVE-2023-4911" }, products: [{ "@id": "pkg:deb/debian/libc6" }], status: "not_affected", justification: "component_not_present", timestamp: "2024-01-01T00:00:00Z" };
    const later = { vulnerability: { name: "CVE-2023-4911" }, products: [{ "@id": "pkg:deb/debian/libc6" }], status: "affected", timestamp: "2024-03-01T00:00:00Z" };
    expect(applySuppressions([looney], parseVex(openvex([later, earlier])), now).kept).toEqual([looney]);
    expect(applySuppressions([looney], parseVex(openvex([{ ...later, timestamp: "2023-01-01T00:00:00Z" }, earlier])), now).suppressed).toHaveLength(1);
  });

  it("reads the v0.0.x shape (strings for vulnerability and products)", () => {
    const rules = parseVex({
      "@context": "https://openvex.dev/ns",
      statements: [{ vulnerability: "CVE-2021-23424", products: ["pkg:npm/ansi-html@0.0.7"], status: "not_affected", justification: "inline_mitigations_already_exist" }],
    });
    expect(applySuppressions([ansi], rules, now).suppressed).toHaveLength(1);
  });
});

describe("CycloneDX VEX", () => {
  const bom = {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    version: 1,
    metadata: { timestamp: "2024-05-01T00:00:00Z" },
    vulnerabilities: [
      {
        id: "CVE-2023-4911",
        references: [{ id: "DSA-5514-1", source: { name: "Debian" } }],
        analysis: { state: "not_affected", justification: "code_not_reachable", detail: "no setuid" },
        affects: [{ ref: "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64" }],
      },
      { id: "CVE-2024-0727", analysis: { state: "false_positive" }, affects: [{ ref: `${SSL}|2` }] },
      { id: "CVE-2021-23424", analysis: { state: "exploitable" }, affects: [{ ref: ANSI }] },
    ],
  };

  it("suppresses not_affected, false_positive and resolved; keeps exploitable and in_triage", () => {
    const rules = parseVex(bom, "bom.vex.json");
    const result = applySuppressions([looney, ssl, ansi], rules, now);
    expect(result.kept).toEqual([ansi]);
    expect(result.suppressed.map((s) => [s.id, s.suppression])).toEqual([
      ["CVE-2023-4911", { by: "vex", reason: "code_not_reachable: no setuid", file: "bom.vex.json", vexStatus: "not_affected" }],
      ["CVE-2024-0727", { by: "vex", reason: "false_positive", file: "bom.vex.json", vexStatus: "false_positive" }],
    ]);
  });

  it("loads from a file and refuses what is not VEX", () => {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-vex-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "vex.json");
    writeFileSync(path, JSON.stringify(bom));
    expect(loadVexFile(path)).toHaveLength(3);
    writeFileSync(path, "{ not json");
    expect(() => loadVexFile(path)).toThrow(/not valid JSON/);
    writeFileSync(path, JSON.stringify({ spdxVersion: "SPDX-2.3" }));
    let error: unknown;
    try {
      loadVexFile(path);
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(`${path}: not an OpenVEX or CycloneDX VEX document`);
  });
});

describe("applyFilters", () => {
  const vulns = [looney, ssl, ansi];
  it("keeps the severities asked for", () => {
    expect(applyFilters(vulns, { severities: ["HIGH", "CRITICAL"] })).toEqual([looney]);
    expect(applyFilters(vulns, { severities: [] })).toEqual(vulns);
    expect(applyFilters(vulns)).toEqual(vulns);
  });
  it("drops findings without a fix on request", () => {
    expect(applyFilters(vulns, { ignoreUnfixed: true })).toEqual([ssl]);
    expect(applyFilters(vulns, { ignoreUnfixed: true, severities: ["HIGH"] })).toEqual([]);
  });
});
