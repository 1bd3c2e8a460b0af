import { describe, expect, it } from "vitest";
import { alpineReport, debianReport, emptyReport, shuffled } from "../test-support/sample-report.js";
import { sarifWriter } from "./sarif-writer.js";
import { sarifErrors } from "./test-support/sarif-schema.js";
import { incompleteReport, vulnerableReport } from "./test-support/vulnerable-report.js";

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: { fullyQualifiedName: string; kind: string }[] }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status: string; justification: string }[];
  properties: Record<string, unknown>;
}
interface Rule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string; markdown: string };
  properties: { "security-severity"?: string; tags: string[] };
}
interface Sarif {
  version: string;
  runs: { tool: { driver: { name: string; version: string; informationUri: string; rules: Rule[] } }; results: Result[] }[];
}

const parse = (text: string) => JSON.parse(text) as Sarif;
const run = (text: string) => parse(text).runs[0]!;

describe("sarif writer", () => {
  it.each([
    ["vulnerable", vulnerableReport],
    ["debian", debianReport],
    ["alpine", alpineReport],
    ["empty", emptyReport],
  ])("%s: valid SARIF 2.1.0", (_, make) => {
    expect(sarifErrors(parse(sarifWriter.write(make())))).toEqual([]);
  });

  it("the schema check can fail", () => {
    const doc = parse(sarifWriter.write(vulnerableReport())) as unknown as { runs: { results: { level: string }[] }[] };
    doc.runs[0]!.results[0]!.level = "fatal";
    expect(sarifErrors(doc).length).toBeGreaterThan(0);
  });

  it("names the tool and writes one run", () => {
    const sarif = parse(sarifWriter.write(vulnerableReport()));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.tool.driver).toMatchObject({ name: "bulwark", version: "0.1.0", informationUri: "https://bulwark.dev/" });
  });

  it("writes one rule per vulnerability id, with GitHub's security-severity and tags", () => {
    const { tool } = run(sarifWriter.write(vulnerableReport()));
    const rules = tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(["CVE-2020-8203", "CVE-2023-31484", "CVE-2023-45853", "CVE-2024-0727", "CVE-2025-4802", "DLA-3051-1"]);
    const zlib = rules.find((r) => r.id === "CVE-2023-45853")!;
    expect(zlib).toMatchObject({
      shortDescription: { text: "MiniZip integer overflow in zipOpenNewFileInZip4_64" },
      helpUri: "https://osv.dev/vulnerability/CVE-2023-45853",
      properties: { "security-severity": "9.8", tags: ["security", "vulnerability", "CRITICAL"] },
    });
    expect(zlib.help.markdown).toContain("| zlib1g | 1:1.2.13.dfsg-1 | none | CRITICAL |");
    // The v3.1 score, not the v4 one, as for severity.
    expect(rules.find((r) => r.id === "CVE-2024-0727")!.properties["security-severity"]).toBe("5.5");
    // No score and no severity: GitHub falls back to the level.
    expect(rules.find((r) => r.id === "DLA-3051-1")!.properties["security-severity"]).toBeUndefined();
  });

  it("writes one result per finding, pointing at the package database and the purl", () => {
    const report = vulnerableReport();
    const { results, tool } = run(sarifWriter.write(report));
    expect(results).toHaveLength(7);
    for (const r of results) expect(tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    const libc = results.find((r) => r.ruleId === "CVE-2025-4802")!;
    expect(libc.level).toBe("error");
    expect(libc.message.text).toBe(
      "libc6 2.36-9+deb12u7 → 2.36-9+deb12u11: CVE-2025-4802 (HIGH) Static setuid binary dlopen may search LD_LIBRARY_PATH. Fixed in 2.36-9+deb12u11.",
    );
    expect(libc.locations[0]!.physicalLocation.artifactLocation.uri).toBe("var/lib/dpkg/status");
    const purl = report.packages.find((p) => p.name === "libc6")!.purl;
    expect(libc.locations[0]!.logicalLocations[0]).toMatchObject({ fullyQualifiedName: purl, kind: "package" });
    expect(results.find((r) => r.ruleId === "CVE-2024-0727")!.level).toBe("warning");
    expect(results.find((r) => r.ruleId === "CVE-2023-45853")!.message.text).toContain("The distribution will not fix it.");
    // Each lodash copy points at its own package.json.
    expect(results.filter((r) => r.ruleId === "CVE-2020-8203").map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri).sort()).toEqual([
      "app/node_modules/lodash/package.json",
      "usr/share/nodejs/npm/node_modules/lodash/package.json",
    ]);
  });

  it("uses the target when the package is not in the report, percent-encoding it", () => {
    const report = vulnerableReport();
    report.packages = [];
    const uris = run(sarifWriter.write(report)).results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(new Set(uris)).toEqual(new Set(["registry.example.com/team/web-app%3A1.4.2"]));
  });

  it("keeps suppressed findings, marked as suppressed", () => {
    const { results } = run(sarifWriter.write(vulnerableReport()));
    const perl = results.find((r) => r.ruleId === "CVE-2023-31484")!;
    expect(perl.suppressions).toEqual([
      { kind: "external", status: "accepted", justification: "vex: vulnerable_code_not_in_execute_path: CPAN is never run in the image" },
    ]);
    expect(results.filter((r) => r.suppressions).length).toBe(2);
  });

  it("fingerprints are stable per (id, purl) and differ otherwise", () => {
    const fingerprints = (text: string) => run(text).results.map((r) => `${r.ruleId} ${r.partialFingerprints["bulwarkFinding/v1"]}`);
    const first = fingerprints(sarifWriter.write(vulnerableReport()));
    expect(first.every((f) => /^\S+ [0-9a-f]{64}$/.test(f))).toBe(true);
    const report = vulnerableReport();
    report.vulnerabilities.reverse();
    report.vulnerabilities[0]!.title = "a retitled advisory";
    expect(fingerprints(sarifWriter.write(report))).toEqual(first);
    const zlib = first.filter((f) => f.startsWith("CVE-2023-45853"));
    const libc = first.filter((f) => f.startsWith("CVE-2025-4802"));
    expect(zlib[0]!.split(" ")[1]).not.toBe(libc[0]!.split(" ")[1]);
  });

  it("is deterministic whatever the input order", () => {
    const first = sarifWriter.write(vulnerableReport());
    const report = shuffled(vulnerableReport());
    report.vulnerabilities.reverse();
    report.suppressed!.reverse();
    expect(sarifWriter.write(report)).toBe(first);
  });

  it("appends misconfiguration and secret rules after the vulnerability rules, with matching rule indices", () => {
    const report = vulnerableReport();
    const misconfig = { title: "T", severity: "HIGH", remediation: "R", references: { cis: "1.2" } } as const;
    report.misconfigurations = [
      { ...misconfig, ruleId: "BW-K8S-002", message: "b", path: "b.yaml", line: 2 },
      { ...misconfig, ruleId: "BW-K8S-001", message: "a", path: "a.yaml", line: 1 },
      { ...misconfig, ruleId: "BW-K8S-002", message: "c", path: "c.yaml", line: 3 },
    ];
    report.secrets = [{ ruleId: "BW-SECRET-AWS", severity: "CRITICAL", title: "AWS key", path: "/app/.env", line: 4, match: "KEY=*****" }];
    const text = sarifWriter.write(report);
    expect(sarifErrors(parse(text))).toEqual([]);
    const { tool, results } = run(text);
    expect(tool.driver.rules.map((r) => r.id).slice(-3)).toEqual(["BW-K8S-001", "BW-K8S-002", "BW-SECRET-AWS"]);
    expect(results).toHaveLength(7 + 4);
    for (const r of results) expect(tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(results.slice(-4).map((r) => [r.ruleId, r.level])).toEqual([
      ["BW-K8S-001", "error"],
      ["BW-K8S-002", "error"],
      ["BW-K8S-002", "error"],
      ["BW-SECRET-AWS", "error"],
    ]);
  });

  it("writes an empty run for a report without findings", () => {
    const { tool, results } = run(sarifWriter.write(debianReport()));
    expect(tool.driver.rules).toEqual([]);
    expect(results).toEqual([]);
  });
  it("reports unchecked ecosystems as warnings of a successful invocation", () => {
    const report = incompleteReport(true);
    report.unchecked!.push({ ecosystem: "generic", packages: 1, reason: "no advisory source for generic packages (node)", cause: "no-advisory-source" });
    const doc = JSON.parse(sarifWriter.write(report));
    expect(sarifErrors(doc)).toEqual([]);
    expect(doc.runs[0].invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: "warning",
            message: { text: expect.stringMatching(/^9 packages were not checked for vulnerabilities: no Debian:12 advisories in the database: download failed: GET /) },
            descriptor: { id: "bulwark/unchecked" },
            properties: { ecosystem: "Debian:12", packages: 9 },
          },
          {
            level: "warning",
            message: { text: "1 package was not checked for vulnerabilities: no advisory source for generic packages (node)" },
            descriptor: { id: "bulwark/unchecked" },
            properties: { ecosystem: "generic", packages: 1 },
          },
        ],
      },
    ]);
    // The findings of the packages that were checked are still results.
    expect(doc.runs[0].results).toHaveLength(2);
    report.unchecked = [];
    expect(JSON.parse(sarifWriter.write(report)).runs[0].invocations).toEqual([{ executionSuccessful: true }]);
    expect(JSON.parse(sarifWriter.write(debianReport())).runs[0].invocations).toBeUndefined();
  });
});
