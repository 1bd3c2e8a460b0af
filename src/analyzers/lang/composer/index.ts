// Installed PHP packages: vendor/composer/installed.json, Composer 1 (a JSON array) and
// Composer 2 ({ packages: [...], dev, dev-package-names }).
import { composerPackage, finalizeComposer } from "../../shared/composer-package.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { parseJsonFile } from "../../shared/json.js";

export function wantedPath(path: string): boolean {
  return path.endsWith("vendor/composer/installed.json") && /(^|\/)vendor\/composer\/installed\.json$/.test(path);
}

export const composerAnalyzer: Analyzer = {
  id: "lang/composer",
  evidence: "installed",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: wantedPath,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const parsed = parseJsonFile(file);
    if (!parsed.ok) return { errors: [parsed.error] };
    const doc = parsed.value;
    let entries: unknown[];
    let devNames = new Set<string>();
    if (Array.isArray(doc)) entries = doc;
    else if (typeof doc === "object" && doc !== null && Array.isArray((doc as { packages?: unknown }).packages)) {
      const d = doc as { packages: unknown[]; "dev-package-names"?: unknown };
      entries = d.packages;
      if (Array.isArray(d["dev-package-names"])) devNames = new Set(d["dev-package-names"].filter((n): n is string => typeof n === "string"));
    } else return { errors: [`${file.path}: neither a package array nor { packages: [...] }`] };
    const packages: Package[] = [];
    let skipped = 0;
    for (const e of entries) {
      const name = (e as { name?: unknown } | null)?.name;
      const pkg = composerPackage(e, file.path, typeof name === "string" && devNames.has(name));
      if (pkg) packages.push(pkg);
      else skipped++;
    }
    return { packages, ...(skipped ? { errors: [`${file.path}: ${skipped} entries without name/version skipped`] } : {}) };
  },
  finalize: finalizeComposer,
};
