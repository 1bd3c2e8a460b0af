// Language runtimes installed outside any package manager (official node and python images
// build them into /usr/local), reported as `generic` packages named `node` and `python`,
// version without a leading "v" (pkg:generic/node@20.20.2, pkg:generic/python@3.12.4).
//
// Signals, the cheapest reliable ones found:
// - node: the executable `bin/node` (or `bin/nodejs`) embeds the inspector's
//   `"Browser": "node.js/v20.20.2"` string and, in release builds, the headers URL
//   `…/download/release/v20.20.2/…` of process.release. The file (~100 MB) is scanned in
//   bounded chunks until one of them is found.
// - python: `include/python3.X/patchlevel.h` (`#define PY_VERSION "3.11.2"`), installed by
//   every source build (`make install`) and by distributions' -dev packages. An interpreter
//   without its headers is not detected.
import { isElf, openSource, type ByteSource } from "../../shared/elf.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, FileInfo, Package } from "../../types.js";
import { finalizeWithPurl } from "../../shared/finalize.js";

const NODE_PATH = /(^|\/)bin\/(node|nodejs)$/;
const PATCHLEVEL = /(^|\/)include\/python\d+\.\d+[a-z]*\/patchlevel\.h$/;
const NODE_MIN = 1024 * 1024;
const MAX_SIZE = 512 * 2 ** 20;
const MAX_HEADER = 256 * 1024;
const CHUNK = 4 * 2 ** 20;
const NODE_MARKERS = [Buffer.from("node.js/v"), Buffer.from("/download/release/v")];
const VERSION = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/;

export function wanted(path: string, info?: FileInfo): boolean {
  // Runs for every file of every layer: a suffix test before either pattern.
  if (path.endsWith("/patchlevel.h")) return PATCHLEVEL.test(path);
  if (!path.endsWith("/node") && !path.endsWith("/nodejs")) return false;
  return NODE_PATH.test(path) && !!info && (info.mode & 0o111) !== 0 && info.size >= NODE_MIN && info.size <= MAX_SIZE;
}

export const runtimeAnalyzer: Analyzer = {
  id: "lang/runtime",
  evidence: "installed",
  version: 1,
  input: "file",
  maxFileSize: MAX_SIZE,
  required: wanted,
  // node is found by one of its strings; patchlevel.h is small text, read whole.
  markers: (path) => (path.endsWith("/patchlevel.h") ? undefined : NODE_MARKERS),
  async analyze(file: AnalyzerFile): Promise<FileAnalysis | null> {
    const src = await openSource(file);
    try {
      const found = PATCHLEVEL.test(file.path) ? await pythonVersion(src) : await nodeVersion(src);
      if (!found) return null;
      const pkg: Package = {
        type: "generic",
        name: found.name,
        version: found.version,
        purl: "",
        source: null,
        licenses: [],
        locations: [{ path: "/" + file.path }],
        metadata: { detectedBy: found.signal },
      };
      return { packages: [pkg] };
    } finally {
      await src.close();
    }
  },
  finalize: finalizeWithPurl("generic"),
};

interface Found {
  name: string;
  version: string;
  signal: string;
}

async function pythonVersion(src: ByteSource): Promise<Found | null> {
  const text = (await src.read(0, Math.min(src.size, MAX_HEADER))).toString("latin1");
  const m = /^\s*#\s*define\s+PY_VERSION\s+"([0-9][0-9A-Za-z.+]*)"/m.exec(text);
  return m ? { name: "python", version: m[1]!, signal: "patchlevel.h PY_VERSION" } : null;
}

/** Streams the executable in chunks (overlapping by a marker's reach) looking for a version marker. */
async function nodeVersion(src: ByteSource): Promise<Found | null> {
  if (!isElf(await src.read(0, 4))) return null;
  const reach = 64;
  for (let off = 0; off < src.size; off += CHUNK) {
    const buf = await src.read(off, CHUNK + reach);
    for (const marker of NODE_MARKERS) {
      for (let i = buf.indexOf(marker); i !== -1 && i < CHUNK; i = buf.indexOf(marker, i + 1)) {
        const m = VERSION.exec(buf.toString("latin1", i + marker.length - 1, i + reach));
        if (m) return { name: "node", version: m[1]!, signal: marker.toString().startsWith("node.js") ? "inspector version string" : "release headers URL" };
      }
    }
  }
  return null;
}

