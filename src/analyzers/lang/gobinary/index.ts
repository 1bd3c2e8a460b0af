// Go binaries: the modules compiled in (from the embedded build info that `go version -m`
// prints) and the Go toolchain itself as the module `stdlib`.
//
// Choices:
// - stdlib's version is the toolchain version in module-version form, `v1.22.3` for go1.22.3
//   (purl pkg:golang/stdlib@v1.22.3); the raw string is kept as metadata.goVersion. The Go
//   OSV records write `1.22.3`; the matcher strips the `v` (and `go`) before comparing.
// - The main module keeps its version as written, `(devel)` included (metadata.devel =
//   "true"); a `(devel)` version is left out of the purl since it names no release.
// - A dependency replaced by another module is reported as the replacement (the code that
//   was compiled), with metadata.replaces = original path@version. One replaced by a local
//   directory keeps its module path, gets version `(devel)` and metadata.replacedBy = dir.
import { openSource } from "../../shared/elf.js";
import { finalizeGolang } from "../../shared/golang.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, FileInfo, Package } from "../../types.js";
import { MAGIC, readBuildInfo } from "./buildinfo.js";
import { parseModInfo, toolchainSemver, type Module } from "./modinfo.js";

const MIN_SIZE = 1024;
const MAX_SIZE = 512 * 2 ** 20;
const NOT_BINARY = /\.(sh|bash|py|pl|rb|js|mjs|cjs|php|lua|txt|md|json|ya?ml|conf|cfg|h|c|go|html?|css)$/i;
const MAX_SETTINGS = 40;

export function wanted(path: string, info?: FileInfo): boolean {
  if (!info || !(info.mode & 0o111)) return false;
  if (info.size < MIN_SIZE || info.size > MAX_SIZE) return false;
  return !NOT_BINARY.test(path);
}

const GO_MARKERS = [MAGIC];

export const gobinaryAnalyzer: Analyzer = {
  id: "lang/gobinary",
  evidence: "installed",
  version: 1,
  input: "file",
  maxFileSize: MAX_SIZE,
  required: wanted,
  // Every build info blob starts with the magic; a binary without it has nothing to report.
  markers: () => GO_MARKERS,
  async analyze(file: AnalyzerFile): Promise<FileAnalysis | null> {
    const src = await openSource(file);
    try {
      let raw;
      try {
        raw = await readBuildInfo(src);
      } catch (e) {
        return { errors: [`${file.path}: Go build info: ${(e as Error).message}`] };
      }
      if (!raw) return null;
      return { packages: packagesOf(raw.goVersion, raw.modinfo, "/" + file.path) };
    } finally {
      await src.close();
    }
  },
  finalize: finalizeGolang,
};

export function packagesOf(goVersion: string, modinfo: string, location: string): Package[] {
  const info = parseModInfo(modinfo);
  const pkg = (name: string, version: string, metadata: Record<string, string>): Package => ({
    type: "golang",
    name,
    version,
    purl: "",
    source: null,
    licenses: [],
    locations: [{ path: location }],
    ...(Object.keys(metadata).length ? { metadata } : {}),
  });
  const out: Package[] = [];
  if (info.main) {
    const meta: Record<string, string> = { mainModule: "true", goVersion };
    if (info.main.version === "(devel)") meta.devel = "true";
    for (const [k, v] of info.settings.slice(0, MAX_SETTINGS)) meta[`build:${k}`] = v.slice(0, 256);
    const m = resolve(info.main);
    out.push(pkg(m.name, m.version, { ...meta, ...m.meta }));
  }
  for (const d of info.deps) {
    const m = resolve(d);
    out.push(pkg(m.name, m.version, m.meta));
  }
  if (goVersion) out.push(pkg("stdlib", toolchainSemver(goVersion), { goVersion }));
  return out;
}

function resolve(m: Module): { name: string; version: string; meta: Record<string, string> } {
  const r = m.replace;
  if (!r) return { name: m.path, version: m.version, meta: {} };
  if (isLocalPath(r.path)) return { name: m.path, version: r.version || "(devel)", meta: { replacedBy: r.path, requiredVersion: m.version } };
  return { name: r.path, version: r.version, meta: { replaces: `${m.path}@${m.version}` } };
}

function isLocalPath(p: string): boolean {
  return p.startsWith(".") || p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p);
}
