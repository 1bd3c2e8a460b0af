import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundleLicenses, parseManifest } from "./manifest.js";
import { parseProperties } from "./properties.js";

const fixture = (p: string): string => readFileSync(new URL(`./testdata/${p}`, import.meta.url), "utf8");

describe("MANIFEST.MF", () => {
  it("joins continuation lines and lowercases names (syft's samples)", () => {
    expect(parseManifest(fixture("manifest/continuation")).get("plugin-scmurl")).toBe("https://github.com/jenkinsci/plugin-pom/example-jenkins-plugin");
    const std = parseManifest(fixture("manifest/standard-info"));
    expect(std.get("implementation-title")).toBe("the-impl-title");
    expect(std.get("implementation-version")).toBe("the-impl-version");
    expect(parseManifest(fixture("manifest/version-with-date")).get("implementation-version")).toBe("1.3 2244 October 5 2005");
  });

  it("reads the main section only", () => {
    const m = parseManifest(fixture("manifest/extra-info"));
    expect(m.get("created-by")).toBe("Apache Maven 3.6.3");
    expect(m.has("build-jdk")).toBe(false);
    const e = parseManifest(fixture("manifest/extra-empty-lines"));
    expect([...e.keys()]).toEqual(["manifest-version", "archiver-version", "created-by"]);
    expect(parseManifest("\r\n\r\nA: 1\r\n b\r\n").get("a")).toBe("1b");
    expect(parseManifest("garbage\0\xff\n: x\n").size).toBe(0);
  });

  it("splits Bundle-License lists", () => {
    expect(bundleLicenses('Apache-2.0;link="http://a,b", "MIT";description=x, Apache-2.0')).toEqual(["Apache-2.0", "MIT"]);
    expect(bundleLicenses(undefined)).toEqual([]);
  });
});

describe("pom.properties", () => {
  it("takes the first separator, as Java does (syft's samples)", () => {
    const small = parseProperties(fixture("pom-properties/small.pom.properties"));
    expect(Object.fromEntries(small)).toEqual({ groupId: "org.anchore", artifactId: "example-java-app-maven", version: "0.1.0" });
    expect(parseProperties(fixture("pom-properties/colon-delimited.pom.properties")).get("version")).toBe("0.1.0");
    expect(parseProperties(fixture("pom-properties/colon-delimited-with-equals.pom.properties")).get("artifactId")).toBe("example-java=app-maven");
    const eq = parseProperties(fixture("pom-properties/equals-delimited-with-colons.pom.properties"));
    expect([eq.get("artifactId"), eq.get("version")]).toEqual(["example-java:app-maven", "0.1.0:something"]);
    expect(parseProperties(fixture("pom-properties/extra.pom.properties")).get("name")).toBe("something-here");
  });

  it("handles continuations, escapes and spaces around separators", () => {
    const p = parseProperties("a = 1\nb\\:c=2\nlong=x\\\n   y\n! comment\nu=\\u0041\n");
    expect(Object.fromEntries(p)).toEqual({ a: "1", "b:c": "2", long: "xy", u: "A" });
  });
});
