// Installed Python distributions: *.dist-info/METADATA, *.egg-info/PKG-INFO (directory) and
// *.egg-info files, in site-packages or dist-packages of any interpreter.
import { PackageURL } from "packageurl-js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";
import { parseMetadata } from "./metadata.js";

const PKG_DIR = /(^|\/)(site|dist)-packages\//;
const WANTED = /\.(dist-info\/METADATA|egg-info\/PKG-INFO|egg-info)$/;

export function wantedPath(path: string): boolean {
  return PKG_DIR.test(path) && WANTED.test(path);
}

/** PEP 503: lowercase, runs of -, _ and . become one -. */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export const pythonAnalyzer: Analyzer = {
  id: "lang/python",
  version: 1,
  maxFileSize: 4 * 2 ** 20,
  required: wantedPath,
  analyze(file: AnalyzerFile): FileAnalysis | null {
    const meta = parseMetadata(file.content.toString("utf8"));
    if (!meta.name || !meta.version) {
      return { errors: [`no Name/Version in ${file.path}`] };
    }
    const pkg: Package = {
      type: "pypi",
      name: meta.name,
      version: meta.version,
      purl: "",
      source: null,
      licenses: meta.licenses,
      locations: [{ path: "/" + file.path }],
    };
    return { packages: [pkg] };
  },
  finalize(packages: Package[]): Package[] {
    for (const p of packages) {
      try {
        p.purl = new PackageURL("pypi", undefined, pep503(p.name), p.version, undefined, undefined).toString();
      } catch {
        p.purl = "";
      }
    }
    return packages.sort((a, b) => cmp(pep503(a.name), pep503(b.name)) || cmp(a.version, b.version) || cmp(a.locations[0]?.path ?? "", b.locations[0]?.path ?? ""));
  },
};

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
