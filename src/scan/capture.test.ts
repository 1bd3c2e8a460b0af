// The hard-link capture ring against the obvious reference: a map of every body ever put.
import { describe, expect, it } from "vitest";
import { CaptureRing, HardLinkBodies } from "./capture.js";

describe("CaptureRing", () => {
  it("returns exactly the bytes put, for recent bodies, and never overwritten ones", () => {
    const ring = new CaptureRing(4096);
    const all = new Map<string, Buffer>();
    let seed = 5;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    let hits = 0;
    let recentMisses = 0;
    const order: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const path = `f${rnd(300)}`;
      const size = rnd(10) === 0 ? 2048 + rnd(3000) : rnd(400);
      const body = Buffer.alloc(size, i % 251);
      if (size > 0) body.writeUInt32LE(i, 0 % Math.max(1, size - 3));
      ring.put(path, body);
      all.set(path, body);
      order.push(path);
      for (let q = 0; q < 5; q++) {
        const p = q === 0 ? path : `f${rnd(300)}`;
        const got = ring.get(p);
        if (got) {
          hits++;
          expect(Buffer.compare(got, all.get(p)!), p).toBe(0);
        }
      }
      // The body just put is always there when it fits in half the ring.
      const last = ring.get(path);
      if (size <= 2048) expect(last && Buffer.compare(last, body) === 0).toBe(true);
      else {
        expect(last).toBeUndefined();
        recentMisses++;
      }
    }
    expect(hits).toBeGreaterThan(1000);
    expect(recentMisses).toBeGreaterThan(0);
  });

  it("keeps the most recent bodies up to its capacity", () => {
    const ring = new CaptureRing(1000);
    for (let i = 0; i < 10; i++) ring.put(`p${i}`, Buffer.alloc(100, i));
    for (let i = 0; i < 10; i++) expect(ring.get(`p${i}`)?.[0]).toBe(i);
    ring.put("p10", Buffer.alloc(100, 10));
    expect(ring.get("p0")).toBeUndefined();
    expect(ring.get("p10")?.[0]).toBe(10);
    expect(ring.get("p9")?.[0]).toBe(9);
    expect(ring.get("p1")?.[0]).toBe(1);
  });
});

describe("HardLinkBodies", () => {
  it("answers with the latest body of a path, kept or copied, within its budget", () => {
    const bodies = new HardLinkBodies(8000);
    const owned = Buffer.alloc(300, 1);
    bodies.keep("a", owned);
    expect(bodies.get("a")).toBe(owned);
    // Copied bodies are copies: changing the caller's view later changes nothing kept.
    const view = Buffer.alloc(200, 2);
    bodies.copy("b", view);
    view.fill(9);
    expect(bodies.get("b")?.[0]).toBe(2);
    // A newer body of the same path replaces the older one, whichever store it is in.
    bodies.copy("a", Buffer.alloc(10, 3));
    expect(bodies.get("a")?.[0]).toBe(3);
    bodies.keep("b", Buffer.alloc(10, 4));
    expect(bodies.get("b")?.[0]).toBe(4);
    // Kept bodies beyond the budget go, oldest first.
    for (let i = 0; i < 30; i++) bodies.keep(`k${i}`, Buffer.alloc(300, 10 + i));
    expect(bodies.get("k0")).toBeUndefined();
    expect(bodies.get("k29")?.[0]).toBe(39);
    expect(bodies.get("k5")?.[0]).toBe(15);
  });
});
