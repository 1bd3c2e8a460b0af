// NuGet lockfiles: packages.lock.json, `dependencies` per target framework (and runtime),
// each package with the version NuGet resolved. Project references are skipped.
import { finalizeNuget } from "../../shared/finalize.js";
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { parseJsonFile } from "../../shared/json.js";

export function wantedPath(path: string): boolean {
  return baseName(path) === "packages.lock.json" && lockfileDiscoverable(path);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export const nugetLockAnalyzer: Analyzer = {
  id: "lang/nuget-lock",
  evidence: "declared",
  version: 1,
  maxFileSize: 32 * 2 ** 20,
  required: wantedPath,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const parsed = parseJsonFile(file);
    if (!parsed.ok) return { errors: [parsed.error] };
    const doc = parsed.value;
    if (!isObject(doc) || !isObject(doc["dependencies"])) return { errors: [`${file.path}: no "dependencies" object`] };
    // The same package under several frameworks is one package, listing its frameworks.
    const byKey = new Map<string, { pkg: Package; frameworks: string[] }>();
    for (const [framework, deps] of Object.entries(doc["dependencies"])) {
      if (!isObject(deps)) continue;
      for (const [name, dep] of Object.entries(deps)) {
        if (!isObject(dep) || dep["type"] === "Project") continue;
        const version = dep["resolved"];
        if (typeof version !== "string" || !version) continue;
        const key = `${name.toLowerCase()}@${version}`;
        let entry = byKey.get(key);
        if (!entry) {
          const pkg: Package = { type: "nuget", name, version, purl: "", source: null, licenses: [], locations: [{ path: "/" + file.path }] };
          byKey.set(key, (entry = { pkg, frameworks: [] }));
        }
        if (!entry.frameworks.includes(framework)) entry.frameworks.push(framework);
      }
    }
    const packages = [...byKey.values()].map(({ pkg, frameworks }) => ({ ...pkg, metadata: { frameworks: frameworks.join(",") } }));
    return { packages };
  },
  finalize: finalizeNuget,
};
