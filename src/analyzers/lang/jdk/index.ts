// Java runtimes: the `release` file at the root of a JDK/JRE (KEY="value" lines).
//
// Reported as type `generic`, name `openjdk` (or `oracle-jdk` for Oracle's commercial builds),
// version JAVA_VERSION, purl pkg:generic/openjdk@17.0.15. There is no purl type for a Java
// runtime; `maven` would send it to Maven advisories, which do not cover the JDK, and distro
// builds are matched through their OS package (deb openjdk-17-jre-headless …) anyway. This
// package is for runtime visibility (SBOMs, "which Java is in this image"), not for language
// matching; the vendor and exact build stay in metadata.
import { finalizeWithPurl } from "../../shared/finalize.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";

// usr/lib/jvm/<jdk>/release, opt/<jdk>/release and opt/java/openjdk/release (Temurin images),
// usr/local/openjdk-17/release (Docker's openjdk images), and any <jdk>/jre/release.
const RELEASE = /^(?:(?:.*\/)?usr\/lib\/jvm\/[^/]+|opt\/[^/]+(?:\/[^/]+)?|usr\/local\/[^/]+|(?:.*\/)?jre)\/release$/;

/** KEY="value" lines of a release file. */
export function parseRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!.trim().replace(/^"(.*)"$/, "$1"));
  }
  return out;
}

const META: [string, string][] = [
  ["IMPLEMENTOR", "implementor"],
  ["IMPLEMENTOR_VERSION", "implementorVersion"],
  ["JAVA_RUNTIME_VERSION", "runtimeVersion"],
  ["JAVA_VERSION_DATE", "versionDate"],
  ["IMAGE_TYPE", "imageType"],
  ["JVM_VARIANT", "jvmVariant"],
  ["OS_ARCH", "arch"],
  ["BUILD_TYPE", "buildType"],
];

export const jdkAnalyzer: Analyzer = {
  id: "lang/jdk",
  evidence: "installed",
  version: 1,
  maxFileSize: 256 * 1024,
  required: (path: string): boolean => path.endsWith("/release") && RELEASE.test(path),
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const r = parseRelease(file.content.toString("utf8"));
    const version = r.get("JAVA_VERSION");
    // Other software ships files named `release` too: without JAVA_VERSION it is not a JDK.
    if (!version || !/^[0-9][\w.+-]*$/.test(version)) return null;
    const oracle = r.get("BUILD_TYPE") === "commercial";
    const metadata: Record<string, string> = {};
    for (const [key, name] of META) {
      const v = r.get(key);
      if (v) metadata[name] = v;
    }
    const dir = file.path.slice(0, -"/release".length);
    metadata.home = "/" + dir;
    const pkg: Package = {
      type: "generic",
      name: oracle ? "oracle-jdk" : "openjdk",
      version,
      purl: "",
      source: null,
      licenses: [],
      locations: [{ path: "/" + file.path }],
      metadata,
    };
    return { packages: [pkg] };
  },
  finalize: finalizeWithPurl("generic"),
};
