// Installed npm packages: the package.json at the root of each package in node_modules (at any
// depth, pnpm's .pnpm store and bundled dependencies included) and Debian's OS-bundled modules
// under usr/share/nodejs, usr/lib/nodejs and usr/lib/<triplet>/nodejs.
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { finalizeNpm, npmLicenses, npmPackage } from "../../shared/npm-package.js";
import { parseJsonFile } from "../../shared/json.js";

const DEBIAN_ROOT = /^usr\/(share\/nodejs|lib\/nodejs|lib\/[^/]+\/nodejs)\//;

/**
 * True for `…/node_modules/<name>/package.json` and `…/node_modules/@scope/<name>/package.json`
 * where every step after the first node_modules is again a package folder. That excludes
 * package.json files deeper inside a package (dist/cjs/package.json) and the fake node_modules
 * trees of a package's test fixtures, which npm never installed.
 */
export function wantedPath(path: string): boolean {
  if (!path.endsWith("/package.json")) return false;
  const segs = path.split("/");
  segs.pop();
  let i: number;
  const debian = DEBIAN_ROOT.exec(path);
  if (debian) {
    i = debian[1]!.split("/").length + 1;
  } else {
    i = segs.indexOf("node_modules");
    if (i === -1) return false;
  }
  let first = !!debian;
  while (i < segs.length) {
    if (!first) {
      if (segs[i] !== "node_modules") return false;
      i++;
      // pnpm's virtual store: node_modules/.pnpm/<name@version>/node_modules/<name>
      if (segs[i] === ".pnpm" && segs[i + 2] === "node_modules") i += 3;
    }
    first = false;
    const seg = segs[i];
    if (seg === undefined || seg === "" || seg.startsWith(".")) return false;
    if (seg.startsWith("@")) {
      const name = segs[i + 1];
      if (name === undefined || name === "" || name.startsWith(".")) return false;
      i += 2;
    } else {
      i += 1;
    }
  }
  return i === segs.length;
}

export const npmAnalyzer: Analyzer = {
  id: "lang/npm",
  evidence: "installed",
  version: 1,
  maxFileSize: 4 * 2 ** 20,
  required: (path) => wantedPath(path),
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const parsed = parseJsonFile(file);
    if (!parsed.ok) return { errors: [parsed.error] };
    const json = parsed.value;
    if (!json || typeof json !== "object" || Array.isArray(json)) return { errors: [`${file.path} is not a JSON object`] };
    const m = json as Record<string, unknown>;
    // Folders with a package.json but no name/version are not published packages.
    if (typeof m.name !== "string" || typeof m.version !== "string") return null;
    const name = m.name.trim();
    const version = m.version.trim();
    if (!name || !version || name.length > 214 || version.length > 256) return null;
    const pkg: Package = npmPackage(name, version, file.path, { licenses: npmLicenses(m.license, m.licenses) });
    if (m.private === true) pkg.metadata = { private: "true" };
    return { packages: [pkg] };
  },
  finalize: (packages: Package[]) => finalizeNpm(packages),
};
