import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Package } from "../../types.js";
import { jdkAnalyzer } from "./index.js";

const run = (root: string, path: string): Package[] => {
  const content = readFileSync(new URL(`./testdata/${root}/${path}`, import.meta.url));
  const r = jdkAnalyzer.analyze({ path, content, mode: 0o644 }) as { packages?: Package[] } | null;
  return jdkAnalyzer.finalize!(r?.packages ?? [], { os: null, owners: new Map() });
};

describe("jdk release analyzer", () => {
  it("wants release files of JDK homes only", () => {
    for (const p of ["usr/lib/jvm/java-17-openjdk-amd64/release", "opt/java/openjdk/release", "opt/jdk-21/release", "usr/local/openjdk-17/release", "usr/lib/jvm/jdk8/jre/release", "app/jre/release"])
      expect(jdkAnalyzer.required(p), p).toBe(true);
    for (const p of ["etc/release", "usr/share/doc/x/release", "opt/a/b/c/release", "usr/lib/jvm/release", "usr/lib/jvm/x/release.txt"]) expect(jdkAnalyzer.required(p), p).toBe(false);
  });

  it("reads Debian's OpenJDK 17", () => {
    const [p] = run("debian", "usr/lib/jvm/java-17-openjdk-amd64/release");
    expect(p).toMatchObject({ type: "generic", name: "openjdk", version: "17.0.15", purl: "pkg:generic/openjdk@17.0.15", locations: [{ path: "/usr/lib/jvm/java-17-openjdk-amd64/release" }] });
    expect(p!.metadata).toMatchObject({ implementor: "Debian", runtimeVersion: "17.0.15+6-Debian-1deb12u1", home: "/usr/lib/jvm/java-17-openjdk-amd64", arch: "x86_64" });
  });

  it("reads Temurin and Oracle 8 release files (syft's samples)", () => {
    expect(run("temurin", "opt/java/openjdk/release")[0]).toMatchObject({ name: "openjdk", version: "21.0.4", metadata: { implementor: "Eclipse Adoptium", imageType: "JDK", implementorVersion: "Temurin-21.0.4+7" } });
    expect(run("oracle8", "usr/lib/jvm/jdk-1.8-oracle-x64/jre/release")[0]).toMatchObject({ name: "oracle-jdk", version: "1.8.0_411", purl: "pkg:generic/oracle-jdk@1.8.0_411" });
  });

  it("ignores release files that are not a JDK's", () => {
    expect(jdkAnalyzer.analyze({ path: "opt/app/release", content: Buffer.from("VERSION=1\n"), mode: 0 })).toBeNull();
    expect(jdkAnalyzer.analyze({ path: "opt/app/release", content: Buffer.from('JAVA_VERSION="$(rm -rf /)"\n\0\xff'), mode: 0 })).toBeNull();
  });
});
