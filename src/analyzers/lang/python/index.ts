// Installed Python distributions: *.dist-info/METADATA, *.egg-info/PKG-INFO (directory),
// *.egg-info files and unzipped eggs (*.egg/EGG-INFO/PKG-INFO), in site-packages or
// dist-packages of any interpreter. Zipped .egg files are lang/python-egg's (file input).
import { finalizePypi, parseMetadata, pep503 } from "../../shared/python-metadata.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, Package } from "../../types.js";

export { pep503 };

const PKG_DIR = /(^|\/)(site|dist)-packages\//;
// Suffixes are matched case-insensitively: setuptools on case-insensitive file systems
// has written EGG-INFO / DIST-INFO spellings.
const WANTED = /\.(dist-info\/METADATA|egg-info\/PKG-INFO|egg-info|egg\/EGG-INFO\/PKG-INFO)$/i;

export function wantedPath(path: string): boolean {
  return path.includes("-packages/") && WANTED.test(path) && PKG_DIR.test(path);
}

export const pythonAnalyzer: Analyzer = {
  id: "lang/python",
  evidence: "installed",
  version: 2,
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
  finalize: finalizePypi,
};
