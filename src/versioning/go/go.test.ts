import { describe, expect, it } from "vitest";
import { compareGo, validGo } from "./index.js";

describe("Go module versions", () => {
  it("orders pseudo-versions as pre-releases", () => {
    const ordered = [
      "v0.0.0-20191109021931-daa7c04131f5",
      "v0.0.0-20210817142637-7d9622a276b7",
      "v0.1.0",
      "v0.1.1-0.20220101000000-abcdefabcdef", // pseudo-version after v0.1.0, before v0.1.1
      "v0.1.1",
      "v0.2.0-rc.1.0.20230101000000-abcdefabcdef", // pseudo-version on top of a pre-release
      "v0.2.0",
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) expect(compareGo(ordered[i]!, ordered[j]!)).toBe(Math.sign(i - j) || 0);
    }
  });

  it("accepts OSV's spelling without v and ignores +incompatible", () => {
    expect(compareGo("1.6.0", "v1.6.0")).toBe(0);
    expect(compareGo("v2.0.0+incompatible", "2.0.0")).toBe(0);
    expect(compareGo("v2.0.0+incompatible", "v2.0.1")).toBe(-1);
  });

  it("knows what the go command accepts", () => {
    expect(validGo("v1.2.3")).toBe(true);
    expect(validGo("1.2.3")).toBe(true);
    expect(validGo("v1.2")).toBe(true);
    expect(validGo("(devel)")).toBe(false);
    expect(() => compareGo("(devel)", "v1.0.0")).toThrow();
  });
});
