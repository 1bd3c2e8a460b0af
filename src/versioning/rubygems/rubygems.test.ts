import { describe, expect, it } from "vitest";
import { canonicalSegments, compareRubygems } from "./index.js";

describe("RubyGems versions", () => {
  it("treats any letter as a pre-release", () => {
    expect(compareRubygems("1.2.4.beta", "1.2.4")).toBe(-1);
    expect(compareRubygems("1.0.0.rc1", "1.0.0.beta9")).toBe(1);
    expect(compareRubygems("1.0.a10", "1.0.a.9")).toBe(1);
  });

  it("reads '-' as '.pre.' and drops trailing zeros", () => {
    expect(compareRubygems("1.0-rc1", "1.0.pre.rc1")).toBe(0);
    expect(compareRubygems("1.0.0", "1")).toBe(0);
    expect(canonicalSegments("1.0.0.a.0")).toEqual(["1", "a"]);
  });

  it("refuses what is not a version", () => {
    expect(() => compareRubygems("junk", "1.0")).toThrow(/malformed/);
  });
});
