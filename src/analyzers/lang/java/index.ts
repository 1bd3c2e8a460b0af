// Java archives (.jar, .war, .ear, .jpi, .hpi) anywhere in the image, including archives
// nested inside them. Identity per archive: its own META-INF/maven/<g>/<a>/pom.properties,
// else MANIFEST.MF, else the file name; other pom.properties are shaded dependencies.
import { PackageURL } from "packageurl-js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { walkJavaArchive } from "./archive.js";
import { isJavaArchiveName } from "./identity.js";

/**
 * pkg:maven/<group>/<artifact>@<version>. Without a known group there is no valid maven purl
 * (the namespace is required, and a guessed group would misname the package): purl stays "".
 */
export function mavenPurl(name: string, version: string): string {
  const i = name.indexOf(":");
  if (i <= 0) return "";
  try {
    return new PackageURL("maven", name.slice(0, i), name.slice(i + 1), version || undefined, undefined, undefined).toString();
  } catch {
    return "";
  }
}

export const javaAnalyzer: Analyzer = {
  id: "lang/java",
  version: 1,
  maxFileSize: 2 * 2 ** 30,
  input: "file",
  required: isJavaArchiveName,
  async analyze(file: AnalyzerFile): Promise<FileAnalysis | null> {
    if (!file.localPath) return { errors: [`${file.path}: no local file to read the archive from`] };
    const { packages, errors } = await walkJavaArchive(file.localPath, file.path);
    return { ...(packages.length ? { packages } : {}), ...(errors.length ? { errors } : {}) };
  },
  finalize(packages: Package[]): Package[] {
    for (const p of packages) p.purl = mavenPurl(p.name, p.version);
    const loc = (p: Package): string => p.locations[0]?.path ?? "";
    return packages.sort((a, b) => cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(loc(a), loc(b)));
  },
};

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
