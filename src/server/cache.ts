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
  /** Weight counted against maxWeight once settled (0 until then). */
  weight: number;
  at: number;
  value: Promise<T>;
  settled: boolean;
  refreshing: boolean;
}

export interface CacheWeight<T> {
  /** The most the settled entries may weigh together (the oldest are dropped first). */
  max: number;
  of(value: T): number;
}

export class AnswerCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private weight = 0;

  /**
   * `max` entries at most; with `weight`, also at most `weight.max` of their weight (answers of
   * the CVE query are tens of KB each: 2,000 of them held 100 MB of strings that the garbage
   * collector then had to move and sweep, under the very load the cache is for).
   */
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly refreshAhead = false,
    private readonly weigh?: CacheWeight<T>,
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
          // Computed beside the entry it replaces, which is served until then.
          const next = this.make(key, generation, now, compute);
          next.value.then(
            (value) => {
              if (this.entries.get(key) !== hit) return;
              this.store(key, next);
              this.count(key, next, value);
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
    const entry = this.make(key, generation, now, compute);
    this.store(key, entry);
    return entry;
  }

  /** A new entry for `key`, not stored yet; it counts its weight once settled if it is stored by then. */
  private make(key: string, generation: number, now: number, compute: () => Promise<T>): Entry<T> {
    const entry: Entry<T> = { generation, weight: 0, at: now, value: compute(), settled: false, refreshing: false };
    entry.value.then(
      (value) => {
        entry.settled = true;
        this.count(key, entry, value);
      },
      // A failure is not remembered.
      () => {
        if (this.entries.get(key) === entry) this.forget(key, entry);
      },
    );
    return entry;
  }

  /** `entry` becomes the key's (the newest); the previous one and, above `max`, the oldest go. */
  private store(key: string, entry: Entry<T>): void {
    const old = this.entries.get(key);
    if (old) this.forget(key, old);
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.dropOldest();
  }

  /** Counts a settled entry's weight while it is the key's entry; drops the oldest above the limit. */
  private count(key: string, entry: Entry<T>, value: T): void {
    if (!this.weigh || this.entries.get(key) !== entry || entry.weight) return;
    entry.weight = this.weigh.of(value);
    this.weight += entry.weight;
    while (this.weight > this.weigh.max && this.entries.size) this.dropOldest();
  }

  private forget(key: string, entry: Entry<T>): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
    this.weight -= entry.weight;
    entry.weight = 0;
  }

  private dropOldest(): void {
    const [key, entry] = this.entries.entries().next().value!;
    this.forget(key, entry);
  }

  /** Entries held, and their total weight (tests, diagnostics). */
  stats(): { entries: number; weight: number } {
    return { entries: this.entries.size, weight: this.weight };
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }
}
