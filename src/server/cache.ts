// Short-lived answer caches for the hot read paths (the CVE query, the dashboard overview).
// An entry is used only while the process' data generation (generation.ts, bumped after every
// findings write this process commits) is the one it was computed under, and for at most `ttlMs`
// (writes by other processes, `bulwark worker` on PostgreSQL, are seen within that time).
// Identical concurrent requests share one computation (the entry holds the promise).
// With `refreshAhead`, an entry past its time but of the current generation is still served
// while one background computation replaces it: a request never waits for a recomputation
// that only the clock asked for (the overview under a query load).
import { currentGeneration } from "./generation.js";

interface Entry<T> {
  generation: number;
  at: number;
  value: Promise<T>;
  settled: boolean;
  refreshing: boolean;
}

export class AnswerCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly refreshAhead = false,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const generation = currentGeneration();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation) {
      if (now - hit.at < this.ttlMs) return hit.value;
      if (this.refreshAhead && hit.settled) {
        if (!hit.refreshing) {
          hit.refreshing = true;
          const next = this.start(key, generation, now, compute);
          // Replaces the entry once computed (start() stored it already; keep serving the old one until then).
          this.entries.set(key, hit);
          next.value.then(
            () => {
              if (this.entries.get(key) === hit) this.entries.set(key, next);
            },
            () => {
              hit.refreshing = false;
            },
          );
        }
        return hit.value;
      }
    }
    return this.start(key, generation, now, compute).value;
  }

  private start(key: string, generation: number, now: number, compute: () => Promise<T>): Entry<T> {
    const entry: Entry<T> = { generation, at: now, value: compute(), settled: false, refreshing: false };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    entry.value.then(
      () => {
        entry.settled = true;
      },
      // A failure is not remembered.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}
