// composer.lock: `packages` (production) and `packages-dev` (development only).
import { composerPackage, finalizeComposer } from "../../shared/composer-package.js";
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { parseJsonFile } from "../../shared/json.js";

export function wantedPath(path: string): boolean {
  return baseName(path) === "composer.lock" && lockfileDiscoverable(path);
}

export const composerLockAnalyzer: Analyzer = {
  id: "lang/composer-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 64 * 2 ** 20,
  required: wantedPath,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const parsed = parseJsonFile(file);
    if (!parsed.ok) return { errors: [parsed.error] };
    const doc = parsed.value;
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { errors: [`${file.path}: not a JSON object`] };
    const packages: Package[] = [];
    let skipped = 0;
    for (const [key, dev] of [["packages", false], ["packages-dev", true]] as const) {
      const list = (doc as Record<string, unknown>)[key];
      if (!Array.isArray(list)) continue;
      for (const e of list) {
        const pkg = composerPackage(e, file.path, dev);
        if (pkg) packages.push(pkg);
        else skipped++;
      }
    }
    return { packages, ...(skipped ? { errors: [`${file.path}: ${skipped} entries without name/version skipped`] } : {}) };
  },
  finalize: finalizeComposer,
};
