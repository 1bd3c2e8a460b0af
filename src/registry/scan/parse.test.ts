import { describe, expect, it } from "vitest";
import { nextLink } from "../list.js";
import { globMatcher, globToRegExp } from "./glob.js";
import { parseDuration, parseRegistryTarget } from "./index.js";

describe("registry scan argument parsing", () => {
  it("globs: * stops at /, ** does not, ? and classes, the rest literal", () => {
    const m = (g: string, s: string) => globToRegExp(g).test(s);
    expect(m("team/*", "team/app")).toBe(true);
    expect(m("team/*", "team/a/b")).toBe(false);
    expect(m("team/**", "team/a/b")).toBe(true);
    expect(m("**/x", "multi/x")).toBe(true);
    expect(m("v?", "v1")).toBe(true);
    expect(m("v[1-3]", "v3")).toBe(true);
    expect(m("v[1-3]", "v4")).toBe(false);
    expect(m("v[!1]", "v1")).toBe(false);
    expect(m("1.0", "1x0")).toBe(false); // the dot is literal
    expect(m("a+(b)", "a+(b)")).toBe(true);
    expect(globMatcher(undefined)("anything")).toBe(true);
    expect(globMatcher(["a*", "b*"])("bee")).toBe(true);
    expect(() => globToRegExp("v[1")).toThrow(/unclosed/);
  });

  it("durations", () => {
    expect(parseDuration("24h")).toBe(24 * 3_600_000);
    expect(parseDuration("7d")).toBe(7 * 86_400_000);
    expect(parseDuration("1h30m")).toBe(90 * 60_000);
    expect(parseDuration("2w")).toBe(14 * 86_400_000);
    for (const bad of ["", "24", "h", "3 parsecs", "0h", "1h 2m", "-1d"]) expect(() => parseDuration(bad), bad).toThrow(/invalid duration/);
  });

  it("REGISTRY[/NAMESPACE]", () => {
    expect(parseRegistryTarget("registry.internal:5000")).toEqual({ registry: "registry.internal:5000" });
    expect(parseRegistryTarget("registry.internal:5000/team/sub/")).toEqual({ registry: "registry.internal:5000", namespace: "team/sub" });
    expect(parseRegistryTarget("https://127.0.0.1:5000")).toEqual({ registry: "127.0.0.1:5000" });
    expect(parseRegistryTarget("[::1]:5000")).toEqual({ registry: "[::1]:5000" });
    expect(() => parseRegistryTarget("not a host!")).toThrow(/not a registry host/);
    expect(() => parseRegistryTarget("host:5000/Bad Name")).toThrow(/namespace/);
  });

  it("Link headers: the next link among several, quoted or not", () => {
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"')).toBe("/v2/_catalog?last=b&n=2");
    expect(nextLink('<https://r/x?a=1>; rel="prev", </v2/t?last=c>; rel=next')).toBe("/v2/t?last=c");
    expect(nextLink('</v2/x>; rel="nextish"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});
