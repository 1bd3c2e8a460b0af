import { describe, expect, it } from "vitest";
import { isUserError } from "../errors.js";
import { getWriter, reportFormats } from "./registry.js";
import { debianReport } from "./test-support/sample-report.js";

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
});
