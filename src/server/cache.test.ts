import { describe, expect, it } from "vitest";
import { AnswerCache } from "./cache.js";
import { bumpGeneration } from "./generation.js";

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("AnswerCache", () => {
  it("shares one computation between concurrent callers and recomputes after a findings write (generation bump)", async () => {
    const cache = new AnswerCache<number>(60_000, 10);
    let calls = 0;
    const compute = async () => (await later(5), ++calls);
    const [a, b] = await Promise.all([cache.get("k", compute), cache.get("k", compute)]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
    expect(await cache.get("k", compute)).toBe(1);
    bumpGeneration();
    expect(await cache.get("k", compute)).toBe(2);
    expect(await cache.get("other", compute)).toBe(3);
  });

  it("expires by time; a failure is not remembered", async () => {
    const cache = new AnswerCache<number>(20, 10);
    let calls = 0;
    expect(await cache.get("k", async () => ++calls)).toBe(1);
    await later(30);
    expect(await cache.get("k", async () => ++calls)).toBe(2);
    await expect(cache.get("f", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await cache.get("f", async () => 7)).toBe(7);
  });

  it("with refresh-ahead, serves the expired answer of the same generation while one recomputation runs, never after a write", async () => {
    const cache = new AnswerCache<number>(150, 10, true);
    let calls = 0;
    const slow = async () => (await later(40), ++calls);
    expect(await cache.get("k", slow)).toBe(1);
    await later(160);
    const t = Date.now();
    expect(await cache.get("k", slow)).toBe(1); // stale, at once
    expect(Date.now() - t).toBeLessThan(30);
    expect(await cache.get("k", slow)).toBe(1); // the one refresh is running
    await later(70);
    expect(await cache.get("k", slow)).toBe(2);
    expect(calls).toBe(2);
    bumpGeneration();
    expect(await cache.get("k", slow)).toBe(3); // a write: waited for
  });

  it("keeps the settled answers within their weight limit, dropping the oldest first", async () => {
    const cache = new AnswerCache<string>(60_000, 100, false, { max: 10, of: (v) => v.length });
    let calls = 0;
    const answer = (v: string) => async () => (++calls, v);
    await cache.get("a", answer("xxxx"));
    await cache.get("b", answer("yyyy"));
    expect(cache.stats()).toEqual({ entries: 2, weight: 8 });
    await cache.get("c", answer("zzzz"));
    // 12 > 10: "a" (the oldest) is dropped; "b" and "c" are still answered from the cache.
    expect(cache.stats()).toEqual({ entries: 2, weight: 8 });
    expect(await cache.get("b", answer("new"))).toBe("yyyy");
    expect(await cache.get("c", answer("new"))).toBe("zzzz");
    expect(await cache.get("a", answer("again"))).toBe("again");
    expect(calls).toBe(4);
    // An answer heavier than the whole limit is not kept.
    await cache.get("big", answer("0123456789ab"));
    expect(cache.stats().weight).toBeLessThanOrEqual(10);
    expect(await cache.get("big", answer("recomputed"))).toBe("recomputed");
    // Replacing an entry (after a generation bump) takes the old one's weight away.
    const fresh = new AnswerCache<string>(60_000, 100, false, { max: 10, of: (v) => v.length });
    await fresh.get("k", answer("12"));
    expect(fresh.stats()).toEqual({ entries: 1, weight: 2 });
    bumpGeneration();
    expect(await fresh.get("k", answer("3456"))).toBe("3456");
    expect(fresh.stats()).toEqual({ entries: 1, weight: 4 });
  });
});
