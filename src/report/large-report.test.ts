import { describe, expect, it } from "vitest";
import { cyclonedxWriter } from "./cyclonedx/cyclonedx-writer.js";
import { spdxWriter } from "./spdx/spdx-writer.js";
import { largeReport } from "./test-support/sample-report.js";

// A sanity check that nothing is quadratic, not a benchmark: the bound is generous. (Schema
// validity is covered by the fixture tests; validating 5,000 components takes ajv seconds.)
describe("5,000 packages", () => {
  const report = largeReport(5000);
  const timestamp = new Date("2024-07-01T00:00:00Z");

  it("CycloneDX is written in well under a second", () => {
    const start = performance.now();
    const text = cyclonedxWriter.write(report, { timestamp });
    expect(performance.now() - start).toBeLessThan(3000);
    expect((JSON.parse(text) as { components: unknown[] }).components).toHaveLength(report.packages.length + 1);
  });

  it("SPDX is written in well under a second", () => {
    const start = performance.now();
    const text = spdxWriter.write(report, { timestamp });
    expect(performance.now() - start).toBeLessThan(3000);
    expect((JSON.parse(text) as { packages: unknown[] }).packages).toHaveLength(report.packages.length + 2);
  });
});
