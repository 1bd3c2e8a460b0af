import { describe, expect, it } from "vitest";
import { isUnder } from "../common/paths.js";
import { normalizeEntryPath, whiteoutOf } from "./paths.js";

describe("normalizeEntryPath", () => {
  it.each([
    ["./etc/passwd", "etc/passwd", false],
    ["etc//x/", "etc/x", false],
    ["/etc/shadow", "etc/shadow", true],
    ["../../etc/passwd", "etc/passwd", true],
    ["a/../../b", "b", true],
    ["a/b/../c", "a/c", false],
    ["./", "", false],
    ["/", "", false],
    ["/..", "", true],
    ["/./", "", false],
  ])("%s → %s (escaped %s)", (raw, path, escaped) => {
    expect(normalizeEntryPath(raw)).toEqual({ path, escaped });
  });
});

describe("whiteoutOf", () => {
  it("matches the basename only", () => {
    expect(whiteoutOf("usr/lib/node_modules/whatwg-url/package.json")).toBeNull();
    expect(whiteoutOf("etc/a.wh.b")).toBeNull();
    expect(whiteoutOf("etc/.wh.passwd")).toEqual({ kind: "delete", path: "etc/passwd" });
    expect(whiteoutOf(".wh.etc")).toEqual({ kind: "delete", path: "etc" });
    expect(whiteoutOf("var/cache/.wh..wh..opq")).toEqual({ kind: "opaque", dir: "var/cache" });
    expect(whiteoutOf("x/.wh..wh.plnk")).toBeNull();
  });
});

describe("isUnder", () => {
  it("respects path boundaries", () => {
    expect(isUnder("var/lib/dpkg/status", "var/lib/dpkg")).toBe(true);
    expect(isUnder("var/lib/dpkg", "var/lib/dpkg")).toBe(true);
    expect(isUnder("var/lib/dpkg-old/status", "var/lib/dpkg")).toBe(false);
    expect(isUnder("anything", "")).toBe(true);
  });
});
