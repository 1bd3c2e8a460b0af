// Damaged and hostile input: the analyzer must return (with errors) or throw a BulwarkError;
// never hang, never throw anything else, never invent packages.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BulwarkError } from "../../../errors.js";
import type { Package } from "../../../model/index.js";
import { SYFT_BDB, analyze, fixture, ndbFixture } from "./test-support/helpers.js";

/** Small seeded PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXTURES: [string, () => Buffer][] = [
  ["sqlite", () => fixture("sqlite/rpmdb.sqlite")],
  ["bdb-le", () => fixture("bdb-le/Packages")],
  ["bdb-be", () => fixture("bdb-be/Packages")],
  ["bdb-64k", () => fixture("bdb-64k/Packages")],
  ["ndb", () => ndbFixture()],
  ["syft bdb", () => readFileSync(SYFT_BDB)],
];

const key = (p: Package) => `${p.name}|${p.version}|${p.arch ?? ""}`;

/** Runs the analyzer and checks the invariants; returns the outcome for extra assertions. */
function survive(buf: Buffer, known: Set<string>): "ok" | "thrown" {
  const started = performance.now();
  let outcome: "ok" | "thrown" = "ok";
  try {
    const { packages, errors } = analyze(buf);
    for (const p of packages) {
      expect(typeof p.name).toBe("string");
      expect(p.type).toBe("rpm");
      expect(Array.isArray(p.files)).toBe(true);
    }
    expect(errors.length).toBeLessThanOrEqual(21);
    for (const e of errors) expect(e.length).toBeLessThan(300);
    // Damage may lose packages or garble fields, but a BDB/ndb/sqlite container must not
    // multiply them: at most as many packages as the intact file had.
    expect(packages.length).toBeLessThanOrEqual(known.size);
  } catch (e) {
    if (!(e instanceof BulwarkError)) throw e;
    outcome = "thrown";
  }
  expect(performance.now() - started).toBeLessThan(5000);
  return outcome;
}

describe.each(FIXTURES)("hostile variants of %s", (_label, load) => {
  const intact = load();
  const known = new Set(analyze(intact).packages.map(key));

  it("survives truncation at many offsets", () => {
    const cuts = new Set([0, 1, 3, 4, 12, 15, 16, 17, 31, 32, 72, 99, 100, 511, 512, 4095, 4096, 4097, 8192]);
    for (let i = 1; i < 40; i++) cuts.add(Math.floor((intact.length * i) / 40));
    for (const cut of cuts) if (cut < intact.length) survive(intact.subarray(0, cut), known);
  });

  it("survives random byte flips", () => {
    const next = rng(0xb01a + intact.length);
    for (let round = 0; round < 150; round++) {
      const b = Buffer.from(intact);
      const flips = 1 + Math.floor(next() * 16);
      for (let f = 0; f < flips; f++) b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
      survive(b, known);
    }
  });

  it("survives flips concentrated in the first pages, where the structure lives", () => {
    const next = rng(0x5eed);
    const span = Math.min(intact.length, 8192);
    for (let round = 0; round < 150; round++) {
      const b = Buffer.from(intact);
      for (let f = 0; f < 4; f++) b[Math.floor(next() * span)] = Math.floor(next() * 256);
      survive(b, known);
    }
  });

  it("survives every 4-byte word of the first page set to 0xffffffff (counts claiming billions)", () => {
    for (let at = 0; at + 4 <= Math.min(intact.length, 4096); at += 4) {
      const b = Buffer.from(intact);
      b.writeUInt32LE(0xffffffff, at);
      survive(b, known);
    }
  });
});

describe("random input", () => {
  it("rejects random bytes, with or without a valid-looking signature", () => {
    const next = rng(42);
    const prefixes = [
      Buffer.alloc(0),
      Buffer.from("SQLite format 3\0", "latin1"),
      Buffer.from("RpmP\0\0\0\0\0\0\0\0\x01\0\0\0", "latin1"),
      fixture("bdb-le/Packages").subarray(0, 72),
      fixture("bdb-be/Packages").subarray(0, 72),
    ];
    for (const prefix of prefixes) {
      for (const size of [0, 1, 100, 4096, 3 * 4096, 70000]) {
        const b = Buffer.alloc(Math.max(size, prefix.length));
        for (let i = 0; i < b.length; i++) b[i] = Math.floor(next() * 256);
        prefix.copy(b);
        survive(b, new Set());
      }
    }
  });

  it("survives BDB hash pages that all point into a self-linked overflow page", () => {
    // Page 1 is an overflow page linking to itself; pages 2..15 are hash pages whose one item
    // refers to it: every item is rejected, quickly.
    const meta = Buffer.from(fixture("bdb-le/Packages").subarray(0, 4096));
    const pages = [meta];
    for (let p = 1; p < 16; p++) {
      const page = Buffer.alloc(4096);
      page.writeUInt32LE(p, 8);
      page[25] = p === 1 ? 7 : 13; // page 1: overflow page linking to itself
      if (p === 1) {
        page.writeUInt32LE(1, 16);
        page.writeUInt16LE(100, 22);
      } else {
        page.writeUInt16LE(2, 20);
        page.writeUInt16LE(4096 - 5, 26); // key item: H_KEYDATA + 4 bytes
        page.writeUInt16LE(4096 - 5 - 12, 28); // value item: H_OFFPAGE
        page[4096 - 5] = 1;
        page.writeUInt32LE(p, 4096 - 4);
        page[4096 - 17] = 3;
        page.writeUInt32LE(1, 4096 - 17 + 4);
        page.writeUInt32LE(60_000, 4096 - 17 + 8); // plausible: less than the file
      }
      pages.push(page);
    }
    const { packages, errors } = analyze(Buffer.concat(pages));
    expect(packages).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/loops back to page 1/);
  });
});
