// CPU-heavy file analyses (archives, executables, large JSON) run on a small pool of worker
// threads, so the tar walk of a layer never waits on one file. Bodies held in memory for queued
// analyses count against one byte budget shared by every layer of the process.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { FileAnalysis } from "../analyzers/types.js";

/** One analysis for a worker: which analyzer (by id) and the file, in memory or on disk. */
export interface PoolTask {
  analyzer: string;
  path: string;
  mode: number;
  size: number;
  content?: Buffer;
  localPath?: string;
}

interface Pending {
  resolve(r: FileAnalysis | null): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

const WORKER_URL = new URL("./analysis-worker.js", import.meta.url);

/** Worker threads to use: BULWARK_WORKERS, else one per core (at most 4); 0 disables the pool. */
export function poolSize(): number {
  const env = process.env["BULWARK_WORKERS"];
  if (env !== undefined && /^\d+$/.test(env)) return Math.min(16, Number(env));
  return Math.max(1, Math.min(4, availableParallelism()));
}

export class AnalysisPool {
  private slots: Slot[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 1;

  private constructor(private readonly size: number) {}

  private static shared: AnalysisPool | null | undefined;

  /**
   * The process's pool, or null when there is none: pool size 0, or no worker script next to
   * this module (running from TypeScript sources, as the tests do; analyses then run inline).
   */
  static get(): AnalysisPool | null {
    if (AnalysisPool.shared === undefined) {
      const n = poolSize();
      AnalysisPool.shared = n > 0 && existsSync(fileURLToPath(WORKER_URL)) ? new AnalysisPool(n) : null;
    }
    return AnalysisPool.shared;
  }

  /**
   * Runs one analysis on a worker. With `transfer`, a body that owns its memory moves to the
   * worker instead of being copied (the caller must not use it afterwards).
   */
  run(task: PoolTask, transfer = false): Promise<FileAnalysis | null> {
    const slot = this.pick();
    const id = this.nextId++;
    const content = task.content;
    const movable = transfer && content && content.length > 0 && content.byteOffset === 0 && content.byteLength === content.buffer.byteLength && !(content.buffer instanceof SharedArrayBuffer);
    const transferList = movable ? [content.buffer as ArrayBuffer] : [];
    const promise = new Promise<FileAnalysis | null>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (slot.busy++ === 0) slot.worker.ref();
    const done = (): void => {
      if (--slot.busy === 0) slot.worker.unref();
    };
    slot.worker.postMessage({ id, task: { ...task, content: content?.length ? new Uint8Array(content.buffer, content.byteOffset, content.byteLength) : undefined } }, transferList);
    return promise.finally(done);
  }

  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.busy < best.busy) best = s;
    if (best && (best.busy === 0 || this.slots.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    this.slots.push(slot);
    worker.on("message", (m: { id: number; result?: FileAnalysis | null; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result ?? null);
    });
    const fail = (e: Error): void => {
      // A crashed worker fails what it had; the next task gets a fresh one.
      this.slots = this.slots.filter((s) => s !== slot);
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(e);
      }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.slots.includes(slot)) fail(new Error(`analysis worker exited (code ${code})`));
    });
    return slot;
  }
}

/**
 * Bytes of file bodies held for analysis, across every layer scanned at once. A caller that
 * needs more than is free waits until earlier analyses release theirs; a request larger than
 * the whole budget is refused (the caller spools to disk instead).
 */
export class ByteBudget {
  private used = 0;
  private waiters: { n: number; go: () => void }[] = [];

  constructor(readonly capacity: number) {}

  fits(n: number): boolean {
    return n <= this.capacity;
  }

  async acquire(n: number): Promise<void> {
    if (this.used + n <= this.capacity && this.waiters.length === 0) {
      this.used += n;
      return;
    }
    await new Promise<void>((go) => this.waiters.push({ n, go }));
  }

  release(n: number): void {
    this.used -= n;
    while (this.waiters.length && this.used + this.waiters[0]!.n <= this.capacity) {
      const w = this.waiters.shift()!;
      this.used += w.n;
      w.go();
    }
  }
}

/** The process-wide budget for bodies kept in memory until their analysis ran. */
export const bodyBudget = new ByteBudget(Number(process.env["BULWARK_MEMORY_BUDGET_MB"] ?? 96) * 2 ** 20);
