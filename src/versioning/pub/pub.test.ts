import { describe, expect, it } from "vitest";
import { comparePub } from "./index.js";

describe("Pub versions", () => {
  it("orders build metadata, unlike SemVer", () => {
    expect(comparePub("1.0.0", "1.0.0+1")).toBe(-1);
    expect(comparePub("1.0.0+1", "1.0.0+2")).toBe(-1);
    expect(comparePub("1.0.0+9", "1.0.0+a")).toBe(-1);
    expect(comparePub("1.0.0-pre+1", "1.0.0")).toBe(-1);
  });
});
