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
import { bodyBudget } from "./budget.js";
import { HardLinkBodies } from "./capture.js";
import { BatchPool } from "./pool.js";
import { runsInWorker } from "./worker-analyzers.js";

export interface EntryLike {
  path: string;
  type: TarEntryType;
  size: number;
  mode: number;
  linkname: string;
  read(): Promise<Buffer>;
  /** Like `read`, possibly a view into a larger buffer: for bodies copied at once and not kept. */
  readView?(): Promise<Buffer>;
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
/**
 * Bodies for "file" analyzers up to this size (and half the budget) are held in memory, larger
 * ones spooled to a temporary file.
 */
const IN_MEMORY_MAX = 48 * 2 ** 20;
/** Bodies kept for hard links to them, per layer (the most recent ones). */
const CAPTURE_BYTES = 8 * 2 ** 20;

export interface AnalyzeOptions {
  /** Collect the notable entries for the image-contents checks (image layers). */
  contents?: boolean;
}

/**
 * Runs the analyzers over a stream of entries. The walk never waits on one archive's or
 * executable's analysis: those run while the walk goes on (their reads and inflates are
 * asynchronous), their bodies held in memory under the thread's byte budget (spooled to a
 * temporary file only above it). Executables are kept only when they carry one of their
 * analyzers' markers. The result does not depend on the order in which analyses finish.
 */
export async function analyzeEntries(entries: AsyncIterable<EntryLike>, analyzers: Analyzer[], where: string, opts: AnalyzeOptions = {}): Promise<LayerAnalysis> {
  const out: LayerAnalysis = { files: [], whiteouts: [], opaqueDirs: [], shadowed: [], errors: [], entries: 0 };
  const contents = opts.contents ? new ContentsCollector() : undefined;
  const batches = BatchPool.get();
  // Results and errors carry the index of the work that made them, and are sorted by it at the
  // end: analyses on workers finish in any order.
  const files: { i: number; f: FileResult }[] = [];
  const errors: { i: number; e: ReportError }[] = [];
  let seq = 0;
  const addError = (e: ReportError, i = seq++): void => {
    if (errors.length < MAX_ERRORS * 4) errors.push({ i, e });
  };
  const inflight = new Set<Promise<void>>();
  // Analyses queued on the worker pool and not answered yet; `batchesDone` wakes the end of the
  // walk when the last one is.
  let batched = 0;
  let batchesDone: (() => void) | undefined;
  // Bodies of wanted files in this layer, so hard links to them can be analysed too: the most
  // recent CAPTURE_BYTES of them (holding every body of a layer would hold every text file
  // under secret scanning).
  const captured = new HardLinkBodies(CAPTURE_BYTES);
  let spoolDir: string | undefined;
  let spoolN = 0;
  let escapes = 0;

  const analyze = async (i: number, a: Analyzer, path: string, file: { content: Buffer; mode: number; size: number; localPath?: string; parts?: Buffer[] }): Promise<void> => {
    try {
      const result = await a.analyze({ path, ...file });
      if (result) files.push({ i, f: { path, analyzer: a.id, result } });
    } catch (e) {
      addError({ source: a.id, message: (e as Error).message ?? String(e), path: "/" + path, layer: where }, i);
    }
  };
  /** Starts an analysis without waiting for it; `done` runs when it has finished. */
  const background = (work: Promise<void>, done?: () => void): void => {
    const p = work.finally(() => {
      done?.();
      inflight.delete(p);
    });
    inflight.add(p);
  };
  const spoolPath = (): string => {
    spoolDir ??= mkdtempSync(join(tmpdir(), "bulwark-spool-"));
    return join(spoolDir, String(spoolN++));
  };

  /** "file" analyzers of one entry: real file, in-memory body, or spool; markers decide first. */
  const fileAnalyzers = async (entry: EntryLike, path: string, onDisk: Analyzer[]): Promise<void> => {
    const fits = onDisk.filter((a) => entry.size <= (a.maxFileSize ?? DEFAULT_CAP));
    if (entry.type !== "file" || fits.length === 0) return;
    const meta = { mode: entry.mode, size: entry.size };
    if (entry.localPath) {
      // A root filesystem: the analyzer reads the real file.
      for (const a of fits) background(analyze(seq++, a, path, { content: EMPTY, ...meta, localPath: entry.localPath }));
      return;
    }
    const markers = fits.map((a) => a.markers?.(path));
    const filtered = markers.every((m) => m !== undefined);
    const inMemory = entry.size <= Math.min(IN_MEMORY_MAX, bodyBudget.capacity / 2);
    if (inMemory) await bodyBudget.acquire(entry.size);
    let body: Buffer | undefined;
    let parts: Buffer[] | undefined;
    let local: string | undefined;
    let keep = fits;
    try {
      if (filtered) {
        const found = await scanBody(entry, markers as (readonly Buffer[])[], inMemory ? undefined : (local = spoolPath()));
        keep = fits.filter((_, k) => found.hits.has(k));
        if (inMemory && keep.length) parts = found.parts;
      } else if (inMemory) {
        body = ownBuffer(await entry.read());
      } else {
        local = spoolPath();
        await pipeline(Readable.from(entry.stream()), createWriteStream(local, { mode: 0o600 }));
      }
    } catch (e) {
      if (inMemory) bodyBudget.release(entry.size);
      if (local) rmSync(local, { force: true });
      throw e;
    }
    if (keep.length === 0) {
      if (inMemory) bodyBudget.release(entry.size);
      if (local) rmSync(local, { force: true });
      return;
    }
    const file = { content: body ?? EMPTY, ...meta, ...(local ? { localPath: local } : {}), ...(parts ? { parts } : {}) };
    const work = Promise.all(keep.map((a) => analyze(seq++, a, path, file)));
    background(work.then(() => undefined), () => {
      if (inMemory) bodyBudget.release(entry.size);
      if (local) rmSync(local, { force: true });
    });
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
      if (onDisk.length) {
        await fileAnalyzers(entry, path, onDisk);
        // The body is consumed now; in-memory analyzers of the same path are not supported.
        continue;
      }
      let content: Buffer | undefined;
      const batchOnly = batches !== null && inMemory.every((a) => a.batch && runsInWorker(a));
      if (entry.type === "file") {
        const cap = Math.max(...inMemory.map((a) => a.maxFileSize ?? DEFAULT_CAP));
        if (entry.size > cap) {
          addError({ source: inMemory[0]!.id, message: `file too large to analyse (${entry.size} bytes)`, path: "/" + path, layer: where });
          out.shadowed.push(path);
          continue;
        }
        // Bodies that only batch analyses read are copied into their batch at once: read as
        // views, they cost no buffer of their own. Others get their own buffer (an analyzer may
        // keep a piece of it).
        if (batchOnly && entry.readView) {
          content = await entry.readView();
          captured.copy(path, content);
        } else {
          content = await entry.read();
          captured.keep(path, content);
        }
      } else {
        // Possibly a view into the ring: copied for analyses that run here (the ring is reused).
        const kept = captured.get(normalizeEntryPath(entry.linkname).path);
        content = kept && !batchOnly ? Buffer.from(kept) : kept;
      }
      if (!content) {
        out.shadowed.push(path);
        continue;
      }
      for (const a of inMemory) {
        if (content.length > (a.maxFileSize ?? DEFAULT_CAP)) continue;
        if (a.batch && batches && runsInWorker(a)) {
          if (a.accepts && !a.accepts(content.subarray(0, 8192))) continue;
          if (batches.busy()) await batches.room();
          const i = seq++;
          batched++;
          batches.submit(a.id, path, entry.mode, content, (result, e) => {
            if (e) addError({ source: a.id, message: e.message, path: "/" + path, layer: where }, i);
            else if (result) files.push({ i, f: { path, analyzer: a.id, result } });
            if (--batched === 0) batchesDone?.();
          });
        } else await analyze(seq++, a, path, { content, mode: entry.mode, size: content.length });
      }
    }
    batches?.flush();
    if (batched > 0) await new Promise<void>((r) => (batchesDone = r));
    while (inflight.size) await Promise.all(inflight);
  } finally {
    // On failure, let started analyses end before their spools go.
    if (inflight.size) await Promise.allSettled(inflight);
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  }
  files.sort((a, b) => a.i - b.i);
  out.files = files.map((x) => x.f);
  errors.sort((a, b) => a.i - b.i);
  out.errors = errors.slice(0, MAX_ERRORS).map((x) => x.e);
  if (contents) out.contents = contents.result();
  return out;
}

const EMPTY = Buffer.alloc(0);

/** A buffer that owns its memory (so it can be transferred to a worker without copying twice). */
function ownBuffer(b: Buffer): Buffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b;
  const own = Buffer.allocUnsafeSlow(b.length);
  b.copy(own);
  return own;
}

/**
 * Streams a body past marker searches: which marker lists (by index) have a hit, and the body
 * itself: as the pieces it arrived in (views, nothing copied), or written to `spool`. Chunks are
 * searched with an overlap so a marker split between two chunks is still found.
 */
async function scanBody(entry: EntryLike, markers: (readonly Buffer[])[], spool?: string): Promise<{ hits: Set<number>; parts?: Buffer[] }> {
  const hits = new Set<number>();
  const longest = Math.max(1, ...markers.flat().map((m) => m.length));
  const chunks: Buffer[] = [];
  const out = spool ? createWriteStream(spool, { mode: 0o600 }) : undefined;
  let tail: Buffer = EMPTY;
  try {
    for await (const c of entry.stream()) {
      if (hits.size < markers.length) {
        // The chunk itself, then the seam with the end of the previous one (a few bytes copied).
        const seam = tail.length ? Buffer.concat([tail, c.subarray(0, longest - 1)]) : EMPTY;
        markers.forEach((list, k) => {
          if (!hits.has(k) && list.some((m) => c.includes(m) || seam.includes(m))) hits.add(k);
        });
        tail = c.length >= longest - 1 ? c.subarray(c.length - longest + 1) : Buffer.concat([tail, c]).subarray(-(longest - 1));
      }
      if (out) {
        if (!out.write(c)) await new Promise<void>((r) => out.once("drain", () => r()));
      } else chunks.push(c);
    }
  } finally {
    if (out) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  return out || hits.size === 0 ? { hits } : { hits, parts: chunks };
}
