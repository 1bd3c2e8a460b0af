// Gradle dependency locks: gradle.lockfile and buildscript-gradle.lockfile
// (`group:artifact:version=conf1,conf2`, `empty=…` lists configurations without
// dependencies), and the per-configuration files of Gradle < 6 under
// gradle/dependency-locks/<configuration>.lockfile (`group:artifact:version`).
import { finalizeMaven } from "../../shared/maven.js";
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";

const LOCKFILES = new Set(["gradle.lockfile", "buildscript-gradle.lockfile"]);
const LEGACY = /(^|\/)gradle\/dependency-locks\/[^/]+\.lockfile$/;

export interface LockedDependency {
  group: string;
  artifact: string;
  version: string;
  configurations: string[];
}

/** One coordinate per line; comments, blank lines, `empty=` and malformed lines are skipped. */
export function parseGradleLock(text: string, defaultConfiguration?: string): LockedDependency[] {
  const out: LockedDependency[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    const coord = eq === -1 ? line : line.slice(0, eq);
    const parts = coord.split(":");
    if (parts.length !== 3 || parts.some((p) => !/^[^\s=:]+$/.test(p))) continue;
    const configurations = eq === -1 ? (defaultConfiguration ? [defaultConfiguration] : []) : line.slice(eq + 1).split(",").map((c) => c.trim()).filter(Boolean);
    out.push({ group: parts[0]!, artifact: parts[1]!, version: parts[2]!, configurations });
  }
  return out;
}

// Configurations that only tests use. A dependency is dev-only when every configuration
// locking it is one of these (or it is on the build script classpath, never shipped).
const TEST_CONF = /^test|Test[A-Z]?\w*$|^developmentOnly$/;

export const gradleLockAnalyzer: Analyzer = {
  id: "lang/gradle-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 16 * 2 ** 20,
  required: (path: string): boolean => (LOCKFILES.has(baseName(path)) || (path.endsWith(".lockfile") && LEGACY.test(path))) && lockfileDiscoverable(path),
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const base = baseName(file.path);
    const legacyConf = LEGACY.test(file.path) ? base.replace(/\.lockfile$/, "") : undefined;
    const buildscript = base === "buildscript-gradle.lockfile" || legacyConf === "classpath";
    const deps = parseGradleLock(file.content.toString("utf8"), legacyConf);
    const packages = deps.map((d): Package => {
      const dev = buildscript || (d.configurations.length > 0 && d.configurations.every((c) => TEST_CONF.test(c)));
      return {
        type: "maven",
        name: `${d.group}:${d.artifact}`,
        version: d.version,
        purl: "",
        source: null,
        licenses: [],
        locations: [{ path: "/" + file.path }],
        ...(dev ? { dev: true } : {}),
        ...(d.configurations.length ? { metadata: { configurations: d.configurations.join(",") } } : {}),
      };
    });
    return packages.length ? { packages } : null;
  },
  finalize: finalizeMaven,
};
