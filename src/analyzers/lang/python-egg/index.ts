// Zipped eggs (easy_install's *.egg files) in site-packages or dist-packages: the metadata is
// the archive member EGG-INFO/PKG-INFO. A separate analyzer from lang/python because archives
// arrive as files (random access with yauzl), while metadata files arrive as buffers.
import { finalizePypi, parseMetadata } from "../../shared/python-metadata.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, FileInfo, Package } from "../../types.js";
import { readZipMember } from "../../shared/zip.js";

const PKG_DIR = /(^|\/)(site|dist)-packages\//;
const MAX_PKG_INFO = 4 * 2 ** 20;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

export function wantedPath(path: string, info?: FileInfo): boolean {
  if (!path.endsWith(".egg") || !PKG_DIR.test(path)) return false;
  // Unzipped eggs are directories with the same name: lang/python reads those.
  return !info || (info.mode & S_IFMT) !== S_IFDIR;
}

export const pythonEggAnalyzer: Analyzer = {
  id: "lang/python-egg",
  evidence: "installed",
  version: 1,
  maxFileSize: 512 * 2 ** 20,
  input: "file",
  required: wantedPath,
  async analyze(file: AnalyzerFile): Promise<FileAnalysis | null> {
    let data: Buffer | null;
    try {
      data = await readZipMember(file, "EGG-INFO/PKG-INFO", MAX_PKG_INFO);
    } catch (e) {
      return { errors: [`${file.path}: ${(e as Error).message}`] };
    }
    if (!data) return { errors: [`${file.path}: no EGG-INFO/PKG-INFO in the egg`] };
    const meta = parseMetadata(data.toString("utf8"));
    if (!meta.name || !meta.version) return { errors: [`no Name/Version in ${file.path}!/EGG-INFO/PKG-INFO`] };
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
