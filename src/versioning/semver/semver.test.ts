import { describe, expect, it } from "vitest";
import { compareVersions } from "../index.js";
import { compareSemver, parseSemver, validSemver } from "./index.js";

describe("SemVer precedence", () => {
  it("follows semver.org §11", () => {
    const ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) expect(compareSemver(ordered[i]!, ordered[j]!)).toBe(Math.sign(i - j) || 0);
    }
  });

  it("ignores build metadata and a leading v", () => {
    expect(compareSemver("1.0.0+build.1", "1.0.0+other")).toBe(0);
    expect(compareSemver("v1.2.3", "1.2.3")).toBe(0);
    expect(compareSemver("1.2", "1.2.0")).toBe(0);
  });

  it("is strict in valid() and lenient in compare()", () => {
    expect(validSemver("1.2.3-rc.1+b5")).toBe(true);
    expect(validSemver("v1.2.3")).toBe(true);
    expect(validSemver("1.2")).toBe(false);
    expect(validSemver("01.2.3")).toBe(false);
    expect(parseSemver("1.2.3.4")).toEqual({ major: "1", minor: "2", patch: "3", pre: [], build: ["4"] });
    expect(() => compareSemver("latest", "1.0.0")).toThrow(/not a semantic version/);
  });

  it("serves npm, crates.io and Hex", () => {
    for (const eco of ["npm", "crates.io", "Hex"]) expect(compareVersions(eco, "4.17.21", "4.17.3")).toBe(1);
  });
});
