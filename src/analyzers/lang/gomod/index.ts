// Go projects: go.mod (the build list since Go 1.17 lists every module, indirect ones
// marked `// indirect` → metadata.indirect) and go.sum, used only where no go.mod sits
// beside it.
//
// Choices:
// - `replace` directives are applied: a module replaced by another module is reported as
//   the replacement (metadata.replaces = original path@version); one replaced by a local
//   directory keeps its path with version `(devel)` (metadata.replacedBy, requiredVersion),
//   as lang/gobinary reports the same case. Replacements of modules not required are ignored.
// - No `stdlib` package: the `go` directive is the minimum language version, not the
//   toolchain that builds the project, so it would produce false matches.
// - The module itself (`module` line) is the project, not a dependency, and is not reported.
// - go.sum vs go.mod: analyze sees one file, so finalize drops go.sum packages from any
//   directory where a go.mod produced packages (a go.mod with no requirements has no go.sum
//   worth reading anyway).
import { finalizeGolang } from "../../shared/golang.js";
import { baseName, lockfileDiscoverable } from "../../shared/paths.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { isLocalPath, parseGoMod, parseGoSum, replacementFor } from "./parse.js";

export function wanted(path: string): boolean {
  const b = baseName(path);
  return (b === "go.mod" || b === "go.sum") && lockfileDiscoverable(path);
}

export const gomodAnalyzer: Analyzer = {
  id: "lang/gomod",
  evidence: "declared",
  version: 1,
  maxFileSize: 16 * 2 ** 20,
  required: wanted,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const text = file.content.toString("utf8");
    const location = "/" + file.path;
    return baseName(file.path) === "go.sum" ? fromGoSum(text, location) : fromGoMod(text, location);
  },
  finalize(packages: Package[]): Package[] {
    const modDirs = new Set(packages.filter((p) => !isFromSum(p)).map((p) => dirOf(p.locations[0]?.path ?? "")));
    return finalizeGolang(packages.filter((p) => !isFromSum(p) || !modDirs.has(dirOf(p.locations[0]?.path ?? ""))));
  },
};

const isFromSum = (p: Package): boolean => (p.locations[0]?.path ?? "").endsWith("/go.sum");
const dirOf = (path: string): string => path.slice(0, path.lastIndexOf("/") + 1);

function pkg(name: string, version: string, location: string, metadata: Record<string, string>): Package {
  return { type: "golang", name, version, purl: "", source: null, licenses: [], locations: [{ path: location }], ...(Object.keys(metadata).length ? { metadata } : {}) };
}

function fromGoMod(text: string, location: string): FileAnalysis {
  const mod = parseGoMod(text);
  const packages = mod.requires.map((req) => {
    const meta: Record<string, string> = req.indirect ? { indirect: "true" } : {};
    const r = replacementFor(req, mod.replaces);
    if (!r) return pkg(req.path, req.version, location, meta);
    if (isLocalPath(r.newPath)) return pkg(req.path, r.newVersion || "(devel)", location, { ...meta, replacedBy: r.newPath, requiredVersion: req.version });
    return pkg(r.newPath, r.newVersion || req.version, location, { ...meta, replaces: `${req.path}@${req.version}` });
  });
  return { packages, ...(mod.errors.length ? { errors: mod.errors.map((e) => `${location.slice(1)}: ${e}`) } : {}) };
}

function fromGoSum(text: string, location: string): FileAnalysis {
  const sum = parseGoSum(text);
  const packages = sum.modules.map((m) => pkg(m.path, m.version, location, {}));
  return { packages, ...(sum.errors.length ? { errors: sum.errors.map((e) => `${location.slice(1)}: ${e}`) } : {}) };
}
