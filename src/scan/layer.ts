// Runs the analyzers over the entries of one layer (or a root filesystem), buffering only the
// files some analyzer asked for. The result is plain JSON: it is what the layer cache stores.
import type { Analyzer, FileAnalysis } from "../analyzers/types.js";
import { normalizeEntryPath, whiteoutOf } from "../layers/paths.js";
import type { TarEntryType } from "../layers/tar.js";
import type { ReportError } from "../model/index.js";

export interface EntryLike {
  path: string;
  type: TarEntryType;
  size: number;
  mode: number;
  linkname: string;
  read(): Promise<Buffer>;
}

export interface FileResult {
  path: string;
  analyzer: string;
  result: FileAnalysis;
}

export interface LayerAnalysis {
  files: FileResult[];
  /** Paths removed from lower layers by `.wh.NAME` entries. */
  whiteouts: string[];
  /** Directories emptied of lower-layer content by `.wh..wh..opq`. */
  opaqueDirs: string[];
  /** Wanted paths that this layer replaced with something no analyzer reads (symlink, dir, …). */
  shadowed: string[];
  errors: ReportError[];
  entries: number;
}

const MAX_ERRORS = 100;

export async function analyzeEntries(entries: AsyncIterable<EntryLike>, analyzers: Analyzer[], where: string): Promise<LayerAnalysis> {
  const out: LayerAnalysis = { files: [], whiteouts: [], opaqueDirs: [], shadowed: [], errors: [], entries: 0 };
  const addError = (e: ReportError): void => {
    if (out.errors.length < MAX_ERRORS) out.errors.push(e);
  };
  // Bodies of wanted files in this layer, so hard links to them can be analysed too.
  const captured = new Map<string, Buffer>();
  let escapes = 0;
  for await (const entry of entries) {
    out.entries++;
    const { path, escaped } = normalizeEntryPath(entry.path);
    if (escaped && ++escapes <= 5) addError({ source: "layer", message: `entry name leaves the image root: ${JSON.stringify(entry.path)}`, path: entry.path, layer: where });
    if (path === "") continue;
    const wh = whiteoutOf(path);
    if (wh) {
      if (wh.kind === "opaque") out.opaqueDirs.push(wh.dir);
      else out.whiteouts.push(wh.path);
      continue;
    }
    const wanted = analyzers.filter((a) => a.required(path));
    if (wanted.length === 0) continue;
    let content: Buffer | undefined;
    if (entry.type === "file") {
      const cap = Math.max(...wanted.map((a) => a.maxFileSize ?? 64 * 2 ** 20));
      if (entry.size > cap) {
        addError({ source: wanted[0]!.id, message: `file too large to analyse (${entry.size} bytes)`, path: "/" + path, layer: where });
        out.shadowed.push(path);
        continue;
      }
      content = await entry.read();
      captured.set(path, content);
    } else if (entry.type === "hardlink") {
      content = captured.get(normalizeEntryPath(entry.linkname).path);
    }
    if (!content) {
      out.shadowed.push(path);
      continue;
    }
    for (const a of wanted) {
      if (content.length > (a.maxFileSize ?? 64 * 2 ** 20)) continue;
      try {
        const result = await a.analyze({ path, content, mode: entry.mode });
        if (result) out.files.push({ path, analyzer: a.id, result });
      } catch (e) {
        addError({ source: a.id, message: (e as Error).message ?? String(e), path: "/" + path, layer: where });
      }
    }
  }
  return out;
}
