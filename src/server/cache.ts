// Short-lived answer caches for the hot read paths (the CVE query, the dashboard overview).
// An entry is used only while the process' data generation (generation.ts, bumped after every
// findings write this process commits) is the one it was computed under, and for at most `ttlMs`
// (writes by other processes, `bulwark worker` on PostgreSQL, are seen within that time).
// Identical concurrent requests share one computation (the entry holds the promise).
import { currentGeneration } from "./generation.js";

interface Entry<T> {
  generation: number;
  at: number;
  value: Promise<T>;
}

export class AnswerCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const generation = currentGeneration();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation && now - hit.at < this.ttlMs) return hit.value;
    const entry: Entry<T> = { generation, at: now, value: compute() };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    // A failure is not remembered.
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
  }
}
