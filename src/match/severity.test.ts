import { describe, expect, it } from "vitest";
import type { OsvRecord } from "../model/index.js";
import { assess, scoreVector, severityFromScore, severityFromWord } from "./severity.js";

const record = (extra: Partial<OsvRecord>): OsvRecord => ({ id: "GHSA-xxxx-xxxx-xxxx", modified: "2024-01-01T00:00:00Z", ...extra });

describe("CVSS scoring", () => {
  it.each([
    // Base scores as NVD's calculator gives them.
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3.1", 9.8],
    ["CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", "3.0", 6.5],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "3.1", 7.5],
    ["CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:H/I:N/A:N", "3.1", 4.4],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "4.0", 9.3],
    ["AV:N/AC:L/Au:N/C:P/I:P/A:P", "2.0", 7.5],
  ])("%s = %s", (vector, version, score) => {
    expect(scoreVector(vector)).toEqual({ version, score });
  });

  it("rejects incomplete and unknown vectors", () => {
    expect(scoreVector("CVSS:3.1/AV:N")).toBeNull();
    expect(scoreVector("garbage")).toBeNull();
    expect(scoreVector("CVSS:5.0/AV:N")).toBeNull();
  });

  it("maps scores to bands", () => {
    expect([9.8, 9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1, 0].map(severityFromScore)).toEqual([
      "CRITICAL",
      "CRITICAL",
      "HIGH",
      "HIGH",
      "MEDIUM",
      "MEDIUM",
      "LOW",
      "LOW",
      "UNKNOWN",
    ]);
  });
});

describe("assess", () => {
  it("prefers a v3 vector to v4 and v2, whatever the list order", () => {
    const a = assess(
      record({
        severity: [
          { type: "CVSS_V4", score: "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" },
          { type: "CVSS_V2", score: "AV:N/AC:L/Au:N/C:P/I:P/A:P" },
          { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
        ],
      }),
    );
    expect(a.severity).toBe("CRITICAL");
    expect(a.cvss.map((c) => c.version)).toEqual(["4.0", "2.0", "3.1"]);
  });

  it("falls back to v4, then v2", () => {
    expect(assess(record({ severity: [{ type: "CVSS_V4", score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" }] })).severity).toBe("CRITICAL");
    expect(assess(record({ severity: [{ type: "CVSS_V2", score: "AV:N/AC:L/Au:N/C:P/I:P/A:P" }] })).severity).toBe("HIGH");
  });

  it("uses the source's own rating without a vector", () => {
    expect(assess(record({ database_specific: { severity: "MODERATE" } })).severity).toBe("MEDIUM");
    expect(assess(record({ database_specific: { severity: "CRITICAL" } })).severity).toBe("CRITICAL");
    expect(assess(record({ severity: [{ type: "Ubuntu", score: "negligible" }] })).severity).toBe("LOW");
    expect(assess(record({ severity: [{ type: "Ubuntu", score: "high" }] })).severity).toBe("HIGH");
    const debian = record({ id: "DEBIAN-CVE-2024-1" });
    expect(assess(debian, { package: { ecosystem: "Debian:12", name: "x" }, ecosystem_specific: { urgency: "medium**" } }).severity).toBe("MEDIUM");
    expect(assess(debian, { package: { ecosystem: "Debian:12", name: "x" }, ecosystem_specific: { urgency: "not yet assigned" } }).severity).toBe("UNKNOWN");
    expect(assess(record({})).severity).toBe("UNKNOWN");
  });

  it("ignores a vector it cannot score and keeps the rating", () => {
    const a = assess(record({ severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N" }], database_specific: { severity: "LOW" } }));
    expect(a).toEqual({ severity: "LOW", cvss: [], malicious: false });
  });

  it("reads Red Hat style words", () => {
    expect(["Important", "Moderate", "Low", "Critical"].map(severityFromWord)).toEqual(["HIGH", "MEDIUM", "LOW", "CRITICAL"]);
    expect(severityFromWord("whatever")).toBeNull();
  });
});
