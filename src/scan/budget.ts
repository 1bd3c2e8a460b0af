// The byte budget for file bodies held in memory until their analysis ran (see layer.ts): one
// per thread, a layer worker getting its share of the process's.

const DEFAULT_BUDGET = 32 * 2 ** 20;

/** Bytes of bodies the process may hold for analysis (BULWARK_MEMORY_BUDGET_MB, default 32). */
export function budgetBytes(): number {
  const env = process.env["BULWARK_MEMORY_BUDGET_MB"];
  return env !== undefined && /^\d+$/.test(env) ? Number(env) * 2 ** 20 : DEFAULT_BUDGET;
}

/**
 * Bytes of file bodies held for analysis in this thread. A caller that needs more than is free
 * waits until earlier analyses release theirs; a request larger than the whole budget is
 * refused (the caller spools to disk instead).
 */
export class ByteBudget {
  private used = 0;
  private waiters: { n: number; go: () => void }[] = [];

  constructor(public capacity: number) {}

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

/** This thread's budget for bodies kept in memory until analysed (a worker gets its share). */
export const bodyBudget = new ByteBudget(budgetBytes());

export function setBudget(bytes: number): void {
  bodyBudget.capacity = bytes;
}
