import { describe, expect, it } from "vitest";
import { cyclonedxWriter } from "./cyclonedx/cyclonedx-writer.js";
import { spdxWriter } from "./spdx/spdx-writer.js";
import { largeReport } from "./test-support/sample-report.js";

// Large reports are written whole (writer speed is measured by `npm run bench` on the real
// image). Schema validity is covered by the fixture tests; validating 5,000 components takes
// ajv seconds.
describe("5,000 packages", () => {
  const report = largeReport(5000);
  const timestamp = new Date("2024-07-01T00:00:00Z");

  // Speed is measured in `npm run bench`, not by timers here (a loaded machine would fail them).
  it("CycloneDX lists every package", () => {
    const text = cyclonedxWriter.write(report, { timestamp });
    expect((JSON.parse(text) as { components: unknown[] }).components).toHaveLength(report.packages.length + 1);
  });

  it("SPDX lists every package", () => {
    const text = spdxWriter.write(report, { timestamp });
    expect((JSON.parse(text) as { packages: unknown[] }).packages).toHaveLength(report.packages.length + 2);
  });
});
