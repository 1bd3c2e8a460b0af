// Maven pom.xml: the dependencies a project declares (direct ones only; no parent POM or
// repository look-ups). Scope test marks a development dependency.
import { finalizeMaven } from "../../shared/maven.js";
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { parsePom } from "./pom.js";

export const mavenPomAnalyzer: Analyzer = {
  id: "lang/maven-pom",
  evidence: "declared",
  version: 1,
  maxFileSize: 8 * 2 ** 20,
  required: (path: string): boolean => baseName(path) === "pom.xml" && lockfileDiscoverable(path),
  analyze(file: AnalyzerFile): FileAnalysis | null {
    let deps;
    try {
      deps = parsePom(file.content.toString("utf8"));
    } catch (e) {
      return { errors: [`${file.path}: ${(e as Error).message}`] };
    }
    const packages = deps.map((d): Package => {
      const metadata: Record<string, string> = {};
      if (d.scope) metadata.scope = d.scope;
      if (d.optional) metadata.optional = "true";
      if (d.declared !== undefined) metadata.declaredVersion = d.declared;
      return {
        type: "maven",
        name: `${d.groupId}:${d.artifactId}`,
        version: d.version,
        purl: "",
        source: null,
        licenses: [],
        locations: [{ path: "/" + file.path }],
        ...(d.scope === "test" ? { dev: true } : {}),
        ...(Object.keys(metadata).length ? { metadata } : {}),
      };
    });
    return packages.length ? { packages } : null;
  },
  finalize: finalizeMaven,
};
