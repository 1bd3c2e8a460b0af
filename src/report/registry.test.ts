import { describe, expect, it } from "vitest";
import { isUserError } from "../errors.js";
import { getWriter, reportFormats } from "./registry.js";
import { alpineReport, debianReport, emptyReport, largeReport } from "./test-support/sample-report.js";
import type { Report } from "../model/index.js";

describe("writer registry", () => {
  it("knows the five formats", () => {
    expect(reportFormats()).toEqual(["json", "cyclonedx-json", "spdx-json", "table", "sarif"]);
    for (const format of reportFormats()) {
      const writer = getWriter(format);
      expect(writer.format).toBe(format);
      expect(writer.write(debianReport(), { timestamp: new Date(0) }).length).toBeGreaterThan(0);
    }
  });

  it("rejects an unknown format, naming the valid ones", () => {
    let error: unknown;
    try {
      getWriter("spdx-xml");
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Unknown report format "spdx-xml". Valid formats: json, cyclonedx-json, spdx-json, table, sarif',
    );
  });

  it("writers that write in pieces give exactly the text of write()", () => {
    const findings: Report = { ...debianReport(), misconfigurations: [] };
    for (let i = 0; i < 1300; i++) {
      findings.misconfigurations.push({ ruleId: `BW-T-${i % 7}`, severity: "LOW", title: "t", message: `m ${i} …`, path: `f${i}.yaml`, line: i + 1, remediation: "r", references: { cis: "x" }, resource: { kind: "Pod", name: `p${i}` } });
    }
    const reports = [emptyReport(), debianReport(), alpineReport(), largeReport(1200), findings];
    let checked = 0;
    for (const format of reportFormats()) {
      const writer = getWriter(format);
      if (!writer.writeChunks) continue;
      for (const r of reports) {
        const options = { timestamp: new Date(0) };
        expect([...writer.writeChunks(r, options)].join(""), format).toBe(writer.write(r, options));
        checked++;
      }
    }
    expect(checked).toBe(3 * reports.length); // json, spdx-json, sarif
  });
});
