// .NET applications: *.deps.json written next to the app by the SDK. Its `libraries` map
// keys "Name/Version" to a type: NuGet packages are "package"; the app itself and its
// project references are "project", framework facades "referenceassembly" — not NuGet
// packages, so skipped.
import { finalizeNuget } from "../../shared/finalize.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { parseJsonFile } from "../../shared/json.js";

export function wantedPath(path: string): boolean {
  return path.endsWith(".deps.json");
}

export const dotnetAnalyzer: Analyzer = {
  id: "lang/dotnet",
  evidence: "installed",
  version: 1,
  maxFileSize: 32 * 2 ** 20,
  required: wantedPath,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const parsed = parseJsonFile(file);
    if (!parsed.ok) return { errors: [parsed.error] };
    const doc = parsed.value;
    const libraries = (doc as { libraries?: unknown } | null)?.libraries;
    if (typeof libraries !== "object" || libraries === null || Array.isArray(libraries)) {
      return { errors: [`${file.path}: no "libraries" object`] };
    }
    const packages: Package[] = [];
    for (const [key, lib] of Object.entries(libraries)) {
      if ((lib as { type?: unknown } | null)?.type !== "package") continue;
      const slash = key.lastIndexOf("/");
      const name = key.slice(0, slash);
      const version = key.slice(slash + 1);
      if (slash <= 0 || !version) continue;
      const pkg: Package = { type: "nuget", name, version, purl: "", source: null, licenses: [], locations: [{ path: "/" + file.path }] };
      const sha512 = (lib as { sha512?: unknown }).sha512;
      if (typeof sha512 === "string" && sha512) pkg.metadata = { sha512 };
      packages.push(pkg);
    }
    return { packages };
  },
  finalize: finalizeNuget,
};
