// Analyses that are pure CPU work on many small files (secret scanning: regexes over every text
// file) run in batches on worker threads, so they overlap the main thread's tar walk instead of
// stretching it. Files are packed into one buffer per batch (one message, one copy), results come
// back per file.
//
// Measured on the real benchmark image (2 cores): moving whole layers to workers, or single
// archive/executable analyses, cost more CPU than they saved (each isolate JITs and collects on
// its own; decompression already runs on libuv's thread pool) and was slower; batching the
// secret scan is what pays. See docs/pipeline.md.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { FileAnalysis } from "../analyzers/types.js";

const WORKER_URL = new URL("./analysis-worker.js", import.meta.url);
/** A batch is sent when it holds this many bytes (or at the end of a layer). */
const BATCH_BYTES = 1 << 20;
/** Batches posted and not yet answered, per worker, before the caller waits. */
const MAX_PENDING = 4;
/**
 * Size of the reused shared buffers: a batch is sent once it reaches BATCH_BYTES, or before a
 * file that would not fit. A file larger than this travels alone in a buffer of its own.
 */
const BUFFER_BYTES = 2 * BATCH_BYTES;

/**
 * The worker's young generation, in MiB. Its garbage is short-lived (lines and texts of files
 * already scanned): V8's default (16 MiB semi-spaces, plus young large objects) let its heap
 * reach 73 MiB on the real bench image, 45 MiB with 8 (measured with v8.getHeapSpaceStatistics).
 */
const WORKER_YOUNG_MB = 8;

/** Worker threads: BULWARK_WORKERS, else one per core but one (at least 1, at most 4); 0: none. */
export function poolSize(): number {
  const env = process.env["BULWARK_WORKERS"];
  if (env !== undefined && /^\d+$/.test(env)) return Math.min(16, Number(env));
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * A batch as posted to a worker. The file list is flat (one string of paths, one integer array)
 * rather than an object per file: structured cloning thousands of small objects per message cost
 * the main thread more than the copy of their bodies.
 */
/** Integers per file in `BatchRequest.meta`. */
export const META_INTS = 5;

export interface BatchRequest {
  id: number;
  /** Analyzer ids used in this batch; `meta` refers to them by index. */
  analyzers: string[];
  /** The files' paths, one after the other (lengths in `meta`). */
  paths: string;
  /** Per file (META_INTS each): analyzer index, mode, offset in `data`, length, path length. */
  meta: Int32Array;
  data: Uint8Array;
}

/** Results of a batch: only files with a result or an error are listed, by index in the batch. */
export interface BatchReply {
  id: number;
  results: [number, FileAnalysis][];
  errors: [number, string][];
}

/** Called once per queued analysis: its result (null: nothing found) or its error. */
export type BatchDone = (result: FileAnalysis | null, error?: Error) => void;

interface Slot {
  worker: Worker;
  /** Batch id -> the analyses waiting for it and the shared buffer it was sent in. */
  pending: Map<number, { waiting: BatchDone[]; buffer: SharedArrayBuffer }>;
}

export class BatchPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private analyzerIds: string[] = [];
  private paths: string[] = [];
  private meta: number[] = [];
  private waiting: BatchDone[] = [];
  private bytes = 0;
  /**
   * The batch being filled. Each file is copied into it when queued: keeping the caller's
   * buffers until the batch is sent pinned the 512 KiB decompressed pieces they are views of.
   * Batches travel in a few reused shared buffers (`free`) rather than a transferred buffer
   * each, which lived on in the worker until its garbage collector ran.
   */
  private current: SharedArrayBuffer | null = null;
  private free: SharedArrayBuffer[] = [];
  private roomWaiters: (() => void)[] = [];

  private constructor(readonly size: number) {}

  private static shared: BatchPool | null | undefined;

  /**
   * The process's pool, or null when there is none: size 0, or no worker script next to this
   * module (running from TypeScript sources, as the tests do: analyses then run inline).
   */
  static get(): BatchPool | null {
    if (BatchPool.shared === undefined) {
      const n = poolSize();
      BatchPool.shared = n > 0 && existsSync(fileURLToPath(WORKER_URL)) ? new BatchPool(n) : null;
    }
    return BatchPool.shared;
  }

  /**
   * Queues one analysis; `done` is called when its batch has been analysed. The content is
   * copied into the batch at once, so the caller may drop it. Callers wait for `room()` first
   * (backpressure on the walk). A callback rather than a promise per file: the walk queues tens
   * of thousands of files, and their promise chains were a visible share of its time.
   */
  submit(analyzer: string, path: string, mode: number, content: Buffer, done: BatchDone): void {
    if (this.current && this.bytes + content.length > this.current.byteLength) this.flush();
    this.current ??= content.length > BUFFER_BYTES ? new SharedArrayBuffer(content.length) : (this.free.pop() ?? new SharedArrayBuffer(BUFFER_BYTES));
    this.waiting.push(done);
    let a = this.analyzerIds.indexOf(analyzer);
    if (a < 0) a = this.analyzerIds.push(analyzer) - 1;
    this.paths.push(path);
    this.meta.push(a, mode, this.bytes, content.length, path.length);
    content.copy(Buffer.from(this.current, this.bytes, content.length));
    this.bytes += content.length;
    if (this.bytes >= BATCH_BYTES) this.flush();
  }

  /** Resolves when a batch may be queued: at once unless every worker has MAX_PENDING unanswered. */
  async room(): Promise<void> {
    while (this.busy()) await new Promise<void>((r) => this.roomWaiters.push(r));
  }

  /** True while every worker has MAX_PENDING batches unanswered. */
  /** Sends what is queued (the end of a layer). */
  flush(): void {
    const buffer = this.current;
    if (this.paths.length === 0 || !buffer) return;
    const slot = this.pick();
    const id = this.nextId++;
    slot.pending.set(id, { waiting: this.waiting, buffer });
    if (slot.pending.size === 1) slot.worker.ref();
    const request: BatchRequest = { id, analyzers: this.analyzerIds, paths: this.paths.join(""), meta: Int32Array.from(this.meta), data: new Uint8Array(buffer, 0, this.bytes) };
    slot.worker.postMessage(request);
    this.analyzerIds = [];
    this.paths = [];
    this.meta = [];
    this.waiting = [];
    this.bytes = 0;
    this.current = null;
  }

  busy(): boolean {
    return this.slots.length >= this.size && this.slots.every((s) => s.pending.size >= MAX_PENDING);
  }

  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.pending.size < best.pending.size) best = s;
    if (best && (best.pending.size === 0 || this.slots.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    this.slots.push(slot);
    const settled = (): void => {
      if (slot.pending.size === 0) slot.worker.unref();
      for (const go of this.roomWaiters.splice(0)) go();
    };
    worker.on("message", (m: BatchReply) => {
      const batch = slot.pending.get(m.id);
      if (!batch) return;
      slot.pending.delete(m.id);
      // The worker is done with the buffer: the next batch may reuse it.
      if (batch.buffer.byteLength === BUFFER_BYTES) this.free.push(batch.buffer);
      const { waiting } = batch;
      const answered = new Set<number>();
      for (const [i, r] of m.results) {
        answered.add(i);
        waiting[i]!(r);
      }
      for (const [i, e] of m.errors) {
        answered.add(i);
        waiting[i]!(null, new Error(e));
      }
      // The rest found nothing.
      waiting.forEach((done, i) => {
        if (!answered.has(i)) done(null);
      });
      settled();
    });
    const fail = (e: Error): void => {
      // A crashed worker fails its batches; the next batch gets a fresh worker.
      this.slots = this.slots.filter((s) => s !== slot);
      for (const { waiting } of slot.pending.values()) for (const done of waiting) done(null, e);
      slot.pending.clear();
      settled();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.slots.includes(slot)) fail(new Error(`analysis worker exited (code ${code})`));
    });
    return slot;
  }
}
