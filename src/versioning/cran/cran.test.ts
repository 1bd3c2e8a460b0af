import { describe, expect, it } from "vitest";
import { compareHackage } from "../hackage/index.js";
import { compareCran } from "./index.js";

describe("CRAN and Hackage versions", () => {
  it("compares number lists, a longer list with an equal prefix being later", () => {
    expect(compareCran("0.01.0", "0.1-0")).toBe(0);
    expect(compareCran("0.1.0", "0.1.0.0")).toBe(-1);
    expect(compareCran("0.9", "0.75")).toBe(-1);
    expect(compareHackage("1.0", "1.0.0")).toBe(-1);
    expect(() => compareHackage("1.0-1", "1.0")).toThrow();
    expect(() => compareCran("1.0a", "1.0")).toThrow();
  });
});
