// Runs the analyzers over the entries of one layer (or a root filesystem), buffering only the
// files some analyzer asked for. The result is plain JSON: it is what the layer cache stores.
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type { Analyzer, FileAnalysis } from "../analyzers/types.js";
import { normalizeEntryPath, whiteoutOf } from "../layers/paths.js";
import type { TarEntryType } from "../layers/tar.js";
import type { ReportError } from "../model/index.js";
import { ContentsCollector, type LayerContents } from "../misconfig/image-contents/index.js";

export interface EntryLike {
  path: string;
  type: TarEntryType;
  size: number;
  mode: number;
  linkname: string;
  read(): Promise<Buffer>;
  stream(): AsyncIterable<Buffer>;
  /** A real file with this content, when there is one (root filesystems). */
  localPath?: string;
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
  /** Notable entries from the tar headers (image layers only): for the image-contents checks. */
  contents?: LayerContents;
}

const MAX_ERRORS = 100;
const DEFAULT_CAP = 64 * 2 ** 20;

export async function analyzeEntries(entries: AsyncIterable<EntryLike>, analyzers: Analyzer[], where: string, opts: { contents?: boolean } = {}): Promise<LayerAnalysis> {
  const out: LayerAnalysis = { files: [], whiteouts: [], opaqueDirs: [], shadowed: [], errors: [], entries: 0 };
  const contents = opts.contents ? new ContentsCollector() : undefined;
  const addError = (e: ReportError): void => {
    if (out.errors.length < MAX_ERRORS) out.errors.push(e);
  };
  // Bodies of wanted files in this layer, so hard links to them can be analysed too.
  const captured = new Map<string, Buffer>();
  let spoolDir: string | undefined;
  let spoolN = 0;
  let escapes = 0;
  const run = async (a: Analyzer, path: string, file: { content: Buffer; mode: number; size: number; localPath?: string }): Promise<void> => {
    try {
      const result = await a.analyze({ path, ...file });
      if (result) out.files.push({ path, analyzer: a.id, result });
    } catch (e) {
      addError({ source: a.id, message: (e as Error).message ?? String(e), path: "/" + path, layer: where });
    }
  };
  try {
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
      contents?.add({ path, type: entry.type, mode: entry.mode, size: entry.size, linkname: entry.linkname });
      const info = { mode: entry.mode, size: entry.size };
      const wanted = analyzers.filter((a) => a.required(path, info));
      if (wanted.length === 0) continue;
      const inMemory = wanted.filter((a) => a.input !== "file");
      const onDisk = wanted.filter((a) => a.input === "file");
      if (entry.type !== "file" && entry.type !== "hardlink") {
        out.shadowed.push(path);
        continue;
      }
      // Large-input analyzers get a file: the real one, or a spool of the entry.
      if (onDisk.length) {
        const cap = Math.max(...onDisk.map((a) => a.maxFileSize ?? DEFAULT_CAP));
        if (entry.type === "file" && entry.size <= cap) {
          let local = entry.localPath;
          if (!local) {
            spoolDir ??= mkdtempSync(join(tmpdir(), "bulwark-spool-"));
            local = join(spoolDir, String(spoolN++));
            await pipeline(Readable.from(entry.stream()), createWriteStream(local, { mode: 0o600 }));
          }
          for (const a of onDisk) if (entry.size <= (a.maxFileSize ?? DEFAULT_CAP)) await run(a, path, { content: Buffer.alloc(0), mode: entry.mode, size: entry.size, localPath: local });
          if (!entry.localPath) rmSync(local, { force: true });
        }
        // The body is consumed now; in-memory analyzers of the same path are not supported.
        continue;
      }
      let content: Buffer | undefined;
      if (entry.type === "file") {
        const cap = Math.max(...inMemory.map((a) => a.maxFileSize ?? DEFAULT_CAP));
        if (entry.size > cap) {
          addError({ source: inMemory[0]!.id, message: `file too large to analyse (${entry.size} bytes)`, path: "/" + path, layer: where });
          out.shadowed.push(path);
          continue;
        }
        content = await entry.read();
        captured.set(path, content);
      } else {
        content = captured.get(normalizeEntryPath(entry.linkname).path);
      }
      if (!content) {
        out.shadowed.push(path);
        continue;
      }
      for (const a of inMemory) {
        if (content.length > (a.maxFileSize ?? DEFAULT_CAP)) continue;
        await run(a, path, { content, mode: entry.mode, size: content.length });
      }
    }
  } finally {
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  }
  if (contents) out.contents = contents.result();
  return out;
}
