import { describe, expect, it } from "vitest";
import { canonicalParts, comparePackagist, validPackagist } from "./index.js";

describe("Packagist (Composer) versions", () => {
  it("orders stabilities dev < alpha < beta < RC < stable < patch", () => {
    const ordered = ["1.0-dev", "1.0-alpha1", "1.0-beta1", "1.0-RC1", "1.0", "1.0-patch1"];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) expect(comparePackagist(ordered[i]!, ordered[j]!)).toBe(Math.sign(i - j) || 0);
    }
  });

  it("normalises like version_compare after Composer drops the v", () => {
    expect(canonicalParts("v1.0.0-beta2.1")).toEqual(["1", "0", "0", "beta", "2", "1"]);
    expect(comparePackagist("1.25.0beta2.1", "1.25.0-b2.1")).toBe(0);
    expect(comparePackagist("V1.0.0", "1.0.0")).toBe(0);
    expect(comparePackagist("dev-main", "1.0.0")).toBe(-1);
    expect(validPackagist("dev-main")).toBe(true);
    expect(validPackagist("not a version")).toBe(false);
  });
});
