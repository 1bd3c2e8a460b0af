import { describe, expect, it } from "vitest";
import { compareVersions } from "../index.js";
import { compareApk, parseApk, validApk } from "./index.js";

/** Asserts that each version sorts strictly before the next, in both directions. */
function expectAscending(versions: string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      expect([versions[i], versions[j], compareApk(versions[i]!, versions[j]!)]).toEqual([versions[i], versions[j], Math.sign(i - j) || 0]);
    }
  }
}

describe("apk ordering", () => {
  it("orders suffixes _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p", () => {
    expectAscending(["1.2_alpha", "1.2_beta", "1.2_pre", "1.2_rc", "1.2", "1.2_cvs", "1.2_svn", "1.2_git", "1.2_hg", "1.2_p"]);
  });

  it("orders numbers, letters, suffix numbers, revisions", () => {
    expectAscending(["1.2", "1.2a", "1.2b", "1.2.0", "1.2.1_rc1", "1.2.1_rc2", "1.2.1", "1.2.1-r1", "1.2.1-r10", "1.2.1_p1", "1.10"]);
  });

  it("compares leading-zero components as strings after the first, as apk does", () => {
    expect(compareApk("1.02", "1.1")).toBe(-1);
    expect(compareApk("1.002", "1.02")).toBe(-1);
    expect(compareApk("006", "1.06")).toBe(1); // the first component is numeric
  });

  it("places a ~hash after the plain version and before a bigger one", () => {
    expect(compareApk("1.0~abc123", "1.0")).toBe(1);
    expect(compareApk("1.0~abc123-r1", "1.0-r2")).toBe(1); // the hash is compared before the revision
    expect(compareApk("1.0~abc123", "1.0.1")).toBe(-1);
    expect(parseApk("1.0_git20240101~0a1b-r3")).toMatchObject({ numbers: ["1", "0"], hash: "0a1b", revision: "3", leftover: "" });
  });

  it("orders malformed versions deterministically (the vector rules)", () => {
    expect(compareApk("1.2", "1.2_blah")).toBe(1);
    expect(compareApk("0..1..0", "0..1..1")).toBe(-1);
    expect(compareApk("1-r", "1-r0")).toBe(0);
    expect(validApk("1.2_blah")).toBe(false);
    expect(validApk("1-r")).toBe(false);
    expect(validApk("1.2.3_rc1-r0")).toBe(true);
    expect(() => compareApk("", "1")).toThrow(/empty/);
  });

  it("serves Alpine, Wolfi and Chainguard", () => {
    for (const eco of ["Alpine:v3.20", "Wolfi", "Chainguard"]) expect(compareVersions(eco, "3.3.1-r0", "3.3.1-r10")).toBe(-1);
  });
});
