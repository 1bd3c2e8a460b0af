import { describe, expect, it } from "vitest";
import type { Package, Report } from "../../model/index.js";
import { alpineReport, debianReport, emptyReport, shuffled } from "../test-support/sample-report.js";
import { incompleteReport } from "../sarif/test-support/vulnerable-report.js";
import { canonicalReport, jsonWriter } from "./json-writer.js";

const parse = (text: string) => JSON.parse(text) as Report;
const fixtures = { debian: debianReport, alpine: alpineReport, empty: emptyReport };

describe("json writer", () => {
  it.each(Object.entries(fixtures))("%s: same bytes for the same report, whatever the input order", (_, make) => {
    const first = jsonWriter.write(make());
    expect(jsonWriter.write(make())).toBe(first);
    expect(jsonWriter.write(shuffled(make()))).toBe(first);
    expect(first.endsWith("}\n")).toBe(true);
  });

  it("keeps the Report shape: schemaVersion 1 and every top-level field", () => {
    const out = parse(jsonWriter.write(debianReport()));
    expect(Object.keys(out)).toEqual([
      "schemaVersion",
      "tool",
      "artifact",
      "packages",
      "vulnerabilities",
      "secrets",
      "misconfigurations",
      "errors",
    ]);
    expect(out.schemaVersion).toBe(1);
    expect(out.vulnerabilities).toEqual([]);
    expect(out.secrets).toEqual([]);
    expect(out.misconfigurations).toEqual([]);
  });

  it("writes unchecked ecosystems after the findings, sorted, when the vulnerability scan ran", () => {
    const report = incompleteReport();
    report.unchecked!.unshift({ reason: "no advisory source for generic packages (node)", packages: 1, ecosystem: "generic", cause: "no-advisory-source" } as never);
    const out = parse(jsonWriter.write(report));
    expect(Object.keys(out)).toEqual(["schemaVersion", "tool", "artifact", "packages", "vulnerabilities", "suppressed", "unchecked", "secrets", "misconfigurations", "errors"]);
    expect(out.unchecked).toEqual([
      { ecosystem: "Debian:12", packages: 9, reason: expect.stringMatching(/^no Debian:12 advisories in the database: download failed: /), cause: "advisories-missing" },
      { ecosystem: "generic", packages: 1, reason: "no advisory source for generic packages (node)", cause: "no-advisory-source" },
    ]);
    expect(Object.keys(out.unchecked![1]!)).toEqual(["ecosystem", "packages", "reason", "cause"]);
    // Present and empty when every package was checked; absent when no vulnerability scan ran.
    report.unchecked = [];
    expect(parse(jsonWriter.write(report)).unchecked).toEqual([]);
    expect("unchecked" in parse(jsonWriter.write(debianReport()))).toBe(false);
  });

  it("loses nothing: the output is the report, reordered", () => {
    const report = debianReport();
    const out = parse(jsonWriter.write(report));
    expect(out.artifact).toEqual(report.artifact);
    const key = (p: Package) => JSON.stringify([p.purl, p.locations.map((l) => l.path)]);
    expect(out.packages.map(key).sort()).toEqual(report.packages.map(key).sort());
    expect(out.errors).toEqual(report.errors);
  });

  it("sorts packages by type, name, version, purl", () => {
    const out = parse(jsonWriter.write(shuffled(debianReport(), 3)));
    const keys = out.packages.map((p) => [p.type, p.name, p.version, p.purl]);
    const sorted = [...keys].sort((a, b) => {
      for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return (a[i] as string) < (b[i] as string) ? -1 : 1;
      return 0;
    });
    expect(keys).toEqual(sorted);
    expect(out.packages[0]?.name).toBe("base-files");
    expect(out.packages.at(-1)?.name).toBe("type-fest");
  });

  it("sorts locations and files, keeps layer order", () => {
    const report = debianReport();
    const libc = report.packages.find((p) => p.name === "libc6")!;
    libc.locations = [
      { path: "/var/lib/dpkg/status.d/libc6" },
      { path: "/var/lib/dpkg/status", layer: libc.locations[0]!.layer! },
    ];
    const out = parse(jsonWriter.write(report));
    const written = out.packages.find((p) => p.name === "libc6")!;
    expect(written.locations.map((l) => l.path)).toEqual(["/var/lib/dpkg/status", "/var/lib/dpkg/status.d/libc6"]);
    expect(written.files).toEqual([...libc.files!].sort());
    expect(out.artifact.layers.map((l) => l.diffId)).toEqual(report.artifact.layers.map((l) => l.diffId));
  });

  it("writes keys in model order whatever order the producer used", () => {
    const report = debianReport();
    const p = report.packages[0]!;
    report.packages[0] = {
      locations: p.locations,
      licenses: p.licenses,
      source: p.source,
      arch: p.arch!,
      purl: p.purl,
      version: p.version,
      name: p.name,
      type: p.type,
    };
    expect(jsonWriter.write(report)).toBe(jsonWriter.write(debianReport()));
    const text = jsonWriter.write(report);
    expect(text.indexOf('"type": "deb"')).toBeLessThan(text.indexOf('"name": "base-files"'));
  });

  it("sorts the keys of findings from later scanners but keeps their order", () => {
    const report = emptyReport();
    report.vulnerabilities = [{ z: 1, a: { y: 2, b: 3 } }, { id: "CVE-2024-0001" }] as unknown as typeof report.vulnerabilities;
    const text = jsonWriter.write(report);
    expect(parse(text).vulnerabilities).toEqual(report.vulnerabilities);
    expect(text.indexOf('"a"')).toBeLessThan(text.indexOf('"z"'));
    expect(text.indexOf('"b"')).toBeLessThan(text.indexOf('"y"'));
  });

  it("sorts the keys of misconfigurations, shared parts and fields outside the model alike", () => {
    const report = emptyReport();
    const references = { urls: ["https://example.com"], cis: "CIS 1.2", avd: "KSV001" };
    const resource = { namespace: "shop", name: "web", kind: "Pod" };
    const base = { title: "T", severity: "HIGH", ruleId: "BW-K8S-001", remediation: "R", path: "a.yaml", references };
    report.misconfigurations = [
      { ...base, message: "one", line: 3, resource },
      { ...base, message: "two", resource, line: 9, endLine: 11 },
      { ...base, message: "three", extra: { z: 1, a: [{ y: 2, b: 3 }] } },
    ] as unknown as typeof report.misconfigurations;
    const text = jsonWriter.write(report);
    const out = parse(text).misconfigurations as unknown as Record<string, Record<string, unknown>>[];
    expect(out).toEqual(report.misconfigurations);
    const sorted = (o: object) => expect(Object.keys(o)).toEqual(Object.keys(o).sort());
    for (const m of out) {
      sorted(m);
      sorted(m.references!);
      if (m.resource) sorted(m.resource);
    }
    sorted(out[2]!.extra!);
    expect(text.indexOf('"b": 3')).toBeLessThan(text.indexOf('"y": 2'));
  });

  it("writes in pieces exactly what JSON.stringify writes whole, for empty, small and long arrays", () => {
    const big: Report = { ...debianReport(), misconfigurations: [], attackSurface: { service: true, reason: "exposes 80/tcp", totalSize: 3, tools: [] } };
    for (let i = 0; i < 1234; i++) {
      big.misconfigurations.push({ ruleId: `BW-T-${i % 7}`, severity: "LOW", title: "t…", message: `m ${i} "quoted" \u2028`, path: `f${i}.yaml`, line: i, remediation: "r", references: { cis: "x" }, resource: { kind: "Pod", name: `p${i}` } });
    }
    for (const report of [emptyReport(), debianReport(), alpineReport(), big]) {
      const pieces = [...jsonWriter.writeChunks!(report)];
      const whole = `${JSON.stringify(canonicalReport(report), null, 2)}\n`;
      expect(pieces.join("")).toBe(whole);
      expect(jsonWriter.write(report)).toBe(whole);
    }
    // Long arrays really are split: no piece holds the whole findings list.
    expect(Math.max(...[...jsonWriter.writeChunks!(big)].map((p) => p.length))).toBeLessThan(JSON.stringify(big.misconfigurations, null, 2).length / 2);
  });
});
