import { describe, expect, it } from "vitest";
import { incompleteReport, vulnerableReport } from "../sarif/test-support/vulnerable-report.js";
import { debianReport, shuffled } from "../test-support/sample-report.js";
import { cyclonedxErrors } from "../test-support/schemas.js";
import { cyclonedxWriter } from "./cyclonedx-writer.js";

interface Rating {
  source?: { name?: string };
  score?: number;
  severity?: string;
  method?: string;
  vector?: string;
}
interface CdxVulnerability {
  "bom-ref": string;
  id: string;
  source: { name: string; url: string };
  references?: { id: string; source: { name: string; url: string } }[];
  ratings: Rating[];
  description?: string;
  detail?: string;
  recommendation?: string;
  advisories?: { url: string }[];
  published?: string;
  analysis?: { state: string; justification?: string; detail?: string };
  affects: { ref: string; versions: { version: string; status: string }[] }[];
  properties?: { name: string; value: string }[];
}
interface Bom {
  components: { name: string; "bom-ref": string; purl?: string; properties?: { name: string; value: string }[] }[];
  vulnerabilities?: CdxVulnerability[];
}

const parse = (text: string) => JSON.parse(text) as Bom;
const timestamp = new Date("2024-07-01T12:00:00.000Z");

describe("cyclonedx writer, vulnerabilities", () => {
  it("stays valid CycloneDX 1.6 with findings", () => {
    for (const options of [{}, { timestamp }]) {
      expect(cyclonedxErrors(parse(cyclonedxWriter.write(vulnerableReport(), options)))).toEqual([]);
    }
  });

  it("writes no vulnerabilities section without findings", () => {
    expect(parse(cyclonedxWriter.write(debianReport())).vulnerabilities).toBeUndefined();
  });

  it("writes one entry per finding, affecting the component's bom-ref", () => {
    const bom = parse(cyclonedxWriter.write(vulnerableReport()));
    const vulns = bom.vulnerabilities!;
    expect(vulns.map((v) => v.id)).toEqual([
      "CVE-2020-8203",
      "CVE-2020-8203",
      "CVE-2023-31484",
      "CVE-2023-45853",
      "CVE-2024-0727",
      "CVE-2025-4802",
      "DLA-3051-1",
    ]);
    const refs = new Set([...bom.components.map((c) => c["bom-ref"]), ...vulns.map((v) => v["bom-ref"])]);
    expect(refs.size).toBe(bom.components.length + vulns.length);
    for (const v of vulns) {
      expect(v.affects).toHaveLength(1);
      expect(bom.components.some((c) => c["bom-ref"] === v.affects[0]!.ref)).toBe(true);
    }
    // The two lodash copies: each finding points at its own component.
    expect(vulns.filter((v) => v.id === "CVE-2020-8203").map((v) => v.affects[0]!.ref)).toEqual(["pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.21|2"]);
    const zlib = vulns.find((v) => v.id === "CVE-2023-45853")!;
    const zlibComponent = bom.components.find((c) => c.name === "zlib1g")!;
    expect(zlib).toMatchObject({
      "bom-ref": "vulnerability:CVE-2023-45853",
      source: { name: "NVD", url: "https://nvd.nist.gov/vuln/detail/CVE-2023-45853" },
      references: [{ id: "DEBIAN-CVE-2023-45853", source: { name: "OSV", url: "https://osv.dev/vulnerability/DEBIAN-CVE-2023-45853" } }],
      ratings: [{ score: 9.8, severity: "critical", method: "CVSSv31", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
      description: "MiniZip integer overflow in zipOpenNewFileInZip4_64",
      recommendation: "The distribution will not fix this; no upgrade is available.",
      published: "2024-01-02T03:04:05.000Z",
      affects: [{ ref: zlibComponent["bom-ref"], versions: [{ version: "1:1.2.13.dfsg-1", status: "affected" }] }],
    });
    expect(zlib.analysis).toBeUndefined();
    expect(zlib.properties).toEqual(
      expect.arrayContaining([
        { name: "bulwark:status", value: "will_not_fix" },
        { name: "bulwark:matchedBy", value: "zlib 1:1.2.13.dfsg-1" },
      ]),
    );
  });

  it("writes every CVSS version as a rating, and the severity when no vector gives it", () => {
    const vulns = parse(cyclonedxWriter.write(vulnerableReport())).vulnerabilities!;
    const ssl = vulns.find((v) => v.id === "CVE-2024-0727")!;
    expect(ssl.ratings.map((r) => [r.method, r.score, r.severity])).toEqual([
      ["CVSSv31", 5.5, "medium"],
      ["CVSSv4", 6.9, "medium"],
    ]);
    expect(ssl.recommendation).toBe("Upgrade libssl3 to 3.0.13-1~deb12u2 or 3.0.14-1~deb12u1.");
    const tz = vulns.find((v) => v.id === "DLA-3051-1")!;
    expect(tz.ratings).toEqual([{ source: { name: "DLA-3051-1" }, severity: "unknown", method: "other" }]);
  });

  it("writes suppressed findings with an analysis (VEX)", () => {
    const vulns = parse(cyclonedxWriter.write(vulnerableReport())).vulnerabilities!;
    const perl = vulns.find((v) => v.id === "CVE-2023-31484")!;
    expect(perl.analysis).toEqual({
      state: "not_affected",
      justification: "code_not_reachable",
      detail: "vulnerable_code_not_in_execute_path: CPAN is never run in the image (vex.json)",
    });
    expect(perl.affects[0]!.versions).toEqual([{ version: "5.36.0-7+deb12u1", status: "unaffected" }]);
    const tz = vulns.find((v) => v.id === "DLA-3051-1")!;
    expect(tz.analysis).toEqual({ state: "not_affected", detail: "Ignored (.bulwarkignore): timezone data, not a security issue (until 2099-12-31)" });
  });

  it("is deterministic whatever the input order", () => {
    const first = cyclonedxWriter.write(vulnerableReport(), { timestamp });
    const report = shuffled(vulnerableReport());
    report.vulnerabilities.reverse();
    report.suppressed!.reverse();
    expect(cyclonedxWriter.write(report, { timestamp })).toBe(first);
  });
  it("names the unchecked ecosystems on the metadata, and stays valid", () => {
    const report = incompleteReport(true);
    report.unchecked!.unshift({ ecosystem: "generic", packages: 1, reason: "no advisory source for generic packages (node)", cause: "no-advisory-source" });
    for (const options of [{}, { timestamp }]) {
      const doc = JSON.parse(cyclonedxWriter.write(report, options));
      expect(cyclonedxErrors(doc)).toEqual([]);
      expect(doc.metadata.properties).toEqual([
        { name: "bulwark:unchecked", value: expect.stringMatching(/^Debian:12 \(9 packages\): no Debian:12 advisories in the database: download failed: GET /) },
        { name: "bulwark:unchecked", value: "generic (1 package): no advisory source for generic packages (node)" },
        { name: "bulwark:unchecked:packages", value: "10" },
      ]);
      expect(doc.vulnerabilities).toHaveLength(2);
    }
    report.unchecked = [];
    expect(JSON.parse(cyclonedxWriter.write(report)).metadata.properties).toBeUndefined();
  });
});
