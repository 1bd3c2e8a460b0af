import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Package } from "../../types.js";
import { gradleLockAnalyzer } from "./index.js";

const run = (fixturePath: string, path = fixturePath): Package[] => {
  const content = readFileSync(new URL(`./testdata/${fixturePath}`, import.meta.url));
  const r = gradleLockAnalyzer.analyze({ path, content, mode: 0o644 }) as { packages?: Package[] } | null;
  return gradleLockAnalyzer.finalize!(r?.packages ?? [], { os: null, owners: new Map() });
};
const nv = (ps: Package[]): string[] => ps.map((p) => `${p.name}@${p.version}${p.dev ? " dev" : ""}`);

describe("gradle lockfile analyzer", () => {
  it("wants gradle.lockfile, buildscript-gradle.lockfile and Gradle 5 lock folders", () => {
    expect(gradleLockAnalyzer.required("app/gradle.lockfile")).toBe(true);
    expect(gradleLockAnalyzer.required("buildscript-gradle.lockfile")).toBe(true);
    expect(gradleLockAnalyzer.required("app/gradle/dependency-locks/compileClasspath.lockfile")).toBe(true);
    expect(gradleLockAnalyzer.required("app/node_modules/x/gradle.lockfile")).toBe(false);
    expect(gradleLockAnalyzer.required("app/other.lockfile")).toBe(false);
  });

  it("reads osv-scanner's fixtures, skipping comments, empty= and bad lines", () => {
    expect(nv(run("5-pkg/gradle.lockfile"))).toEqual([
      "org.springframework.boot:spring-boot-autoconfigure@2.7.4",
      "org.springframework.boot:spring-boot-configuration-processor@2.7.5",
      "org.springframework.boot:spring-boot-devtools@2.7.6",
      "org.springframework.boot:spring-boot-starter-aop@2.7.7",
      "org.springframework.boot:spring-boot-starter-data-jpa@2.7.8",
    ]);
    expect(nv(run("one-pkg/gradle.lockfile"))).toEqual(["org.springframework.security:spring-security-crypto@5.7.3"]);
    expect(run("only-comments/gradle.lockfile")).toEqual([]);
    expect(run("only-empty/gradle.lockfile")).toEqual([]);
    expect(nv(run("with-bad-pkg/gradle.lockfile"))).toEqual(["org.springframework.boot:spring-boot-autoconfigure@2.7.4", "org.springframework.boot:spring-boot-configuration-processor@2.7.5"]);
  });

  it("marks test-only and build-script dependencies as dev, with purls and configurations", () => {
    const ps = run("syft/gradle.lockfile", "app/gradle.lockfile");
    expect(nv(ps)).toEqual(["joda-time:joda-time@2.2", "junit:junit@4.12 dev", "org.apache.commons:commons-text@1.8", "org.hamcrest:hamcrest-core@1.3 dev"]);
    expect(ps[1]).toMatchObject({ purl: "pkg:maven/junit/junit@4.12", locations: [{ path: "/app/gradle.lockfile" }], metadata: { configurations: "testCompileClasspath,testRuntimeClasspath" } });
    expect(nv(run("buildscript/buildscript-gradle.lockfile"))).toEqual(["com.diffplug.spotless:spotless-lib@2.45.0 dev"]);
    expect(nv(run("legacy/gradle/dependency-locks/runtimeClasspath.lockfile"))).toEqual(["com.google.guava:guava@31.1-jre"]);
    expect(nv(run("legacy/gradle/dependency-locks/testRuntimeClasspath.lockfile"))).toEqual(["junit:junit@4.13.2 dev"]);
  });

  it("survives garbage", () => {
    const r = gradleLockAnalyzer.analyze({ path: "gradle.lockfile", content: Buffer.from("\0\xff:::=\n a:b:c:d=x\n=\n:::\n"), mode: 0 });
    expect(r).toBeNull();
  });
});
