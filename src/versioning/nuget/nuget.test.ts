import { describe, expect, it } from "vitest";
import { compareNuget } from "./index.js";

describe("NuGet versions", () => {
  it("pads to four numbers and ignores leading zeros", () => {
    expect(compareNuget("1.0", "1.0.0.0")).toBe(0);
    expect(compareNuget("1.0.01", "1.0.1")).toBe(0);
    expect(compareNuget("1.0.0", "1.0.0.1")).toBe(-1);
  });

  it("compares pre-release labels case-insensitively, numbers before words", () => {
    expect(compareNuget("1.0.0-BETA", "1.0.0-beta")).toBe(0);
    expect(compareNuget("1.0.0-beta.2", "1.0.0-beta.10")).toBe(-1);
    expect(compareNuget("1.0.0-1", "1.0.0-a")).toBe(-1);
    expect(compareNuget("1.0.0-rc.1", "1.0.0")).toBe(-1);
    expect(compareNuget("1.0.0+abc", "1.0.0+def")).toBe(0);
  });
});
