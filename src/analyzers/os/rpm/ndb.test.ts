import { describe, expect, it } from "vitest";
import { RpmDbError } from "./blob.js";
import { isNdb, ndbBlobs } from "./ndb.js";
import { analyze, fixture, fixtureHeaderBlobs, ndbFixture, writeNdb } from "./test-support/helpers.js";

const EXPECTED = ["bash", "nodejs", "openssl", "openssl-libs", "tzdata"];
const names = (buf: Buffer) => analyze(buf, "usr/lib/sysimage/rpm/Packages.db").packages.map((p) => p.name).sort();

// Debian's rpm has no ndb backend, so these files are written by writeNdb() (test-support/helpers.ts,
// following rpm's rpmpkg.c) around header blobs that the real rpm wrote.
describe("ndb reader", () => {
  it("reads every package, skipping free slots", () => {
    const buf = ndbFixture({ freeSlots: 3 });
    expect(isNdb(buf)).toBe(true);
    const { packages, errors } = analyze(buf, "usr/lib/sysimage/rpm/Packages.db");
    expect(errors).toEqual([]);
    expect(packages.map((p) => p.name).sort()).toEqual(EXPECTED);
    expect(packages[0]?.locations).toEqual([{ path: "/usr/lib/sysimage/rpm/Packages.db" }]);
  });

  it("reads slots on later slot pages", () => {
    // 300 free slots push the used ones onto the second slot page.
    expect(names(ndbFixture({ slotPages: 2, freeSlots: 300 }))).toEqual(EXPECTED);
  });

  it("matches the SQLite fixture package for package", () => {
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    const sqlite = analyze(fixture("sqlite/rpmdb.sqlite")).packages.sort(byName);
    const ndb = analyze(ndbFixture()).packages.sort(byName);
    expect(ndb).toEqual(sqlite);
  });

  it("skips slots and blobs that do not check out, keeping the rest", () => {
    const blobs = fixtureHeaderBlobs().map((r) => ({ pkgIdx: r.hnum, blob: Buffer.from(r.blob) }));
    const buf = writeNdb(blobs);
    const slot = (n: number) => 2 * 16 + n * 16;
    const blkOff = (n: number) => buf.readUInt32LE(slot(n) + 8) * 16;

    const cases: [RegExp, (b: Buffer) => void][] = [
      [/bad slot magic/, (b) => b.writeUInt32LE(0xdeadbeef, slot(0))],
      [/invalid entry/, (b) => b.writeUInt32LE(0, slot(0) + 4)], // package index 0
      [/invalid entry/, (b) => b.writeUInt32LE(3, slot(0) + 8)], // blob inside the slot pages
      [/runs past the end/, (b) => b.writeUInt32LE(0x0fffffff, slot(0) + 8)],
      [/runs past the end/, (b) => b.writeUInt32LE(0xffffffff, slot(0) + 12)],
      [/bad blob magic/, (b) => b.writeUInt32LE(0, blkOff(0))],
      [/belongs to package/, (b) => b.writeUInt32LE(999, blkOff(0) + 4)],
      [/does not match its/, (b) => b.writeUInt32LE(0xffffff00, blkOff(0) + 12)],
      [/does not match its/, (b) => b.writeUInt32LE(b.readUInt32LE(slot(0) + 12) + 1, slot(0) + 12)],
      [/bad blob trailer/, (b) => b.writeUInt32LE(0, blkOff(1) - 4)], // slot 0's BlbE magic
      [/listed twice/, (b) => b.writeUInt32LE(b.readUInt32LE(slot(0) + 4), slot(1) + 4)],
    ];
    for (const [re, mutate] of cases) {
      const b = Buffer.from(buf);
      mutate(b);
      const errors: string[] = [];
      const got = [...ndbBlobs(b, (m) => errors.push(m))];
      expect(errors.join("\n")).toMatch(re);
      expect(got.length).toBe(blobs.length - 1);
    }
  });

  it("stops when slots point into each other's blobs (no quadratic work)", () => {
    // Blob heads every 16 bytes, each blob 64 blocks long, so each one's data covers the next
    // 63 heads: about half of them check out, and together they claim ~30x the file.
    const n = 64;
    const len = n * 16 - 28;
    const buf = Buffer.alloc(4096 + 2 * n * 16 + 4096);
    buf.writeUInt32LE(0x506d7052, 0);
    buf.writeUInt32LE(1, 12);
    for (let s = 2; s < 256; s++) buf.writeUInt32LE(0x746f6c53, s * 16);
    for (let i = 0; i < n; i++) {
      const blk = 256 + i;
      buf.writeUInt32LE(i + 1, (2 + i) * 16 + 4);
      buf.writeUInt32LE(blk, (2 + i) * 16 + 8);
      buf.writeUInt32LE(n, (2 + i) * 16 + 12);
      buf.writeUInt32LE(0x53626c42, blk * 16);
      buf.writeUInt32LE(i + 1, blk * 16 + 4);
      buf.writeUInt32LE(len, blk * 16 + 12);
    }
    for (let i = 0; i < n; i++) {
      const tail = (256 + i + n) * 16 - 12;
      buf.writeUInt32LE(len, tail + 4);
      buf.writeUInt32LE(0x45626c42, tail + 8);
    }
    const errors: string[] = [];
    const got = [...ndbBlobs(buf, (m) => errors.push(m))];
    expect(errors.join("\n")).toMatch(/blobs overlap; stopped/);
    expect(got.reduce((n, b) => n + b.blob.length, 0)).toBeLessThanOrEqual(buf.length);
  });

  it("does not trust a slot page count larger than the file", () => {
    const buf = ndbFixture();
    buf.writeUInt32LE(0xffffffff, 12);
    const errors: string[] = [];
    const got = [...ndbBlobs(buf, (m) => errors.push(m))];
    expect(errors[0]).toMatch(/declares 4294967295 slot pages/);
    // Blobs are now "inside" the declared slot area, so every slot is rejected: no crash, no hang.
    expect(got).toEqual([]);
  });

  it("refuses files that are not usable ndb databases", () => {
    const buf = ndbFixture();
    const zeroPages = Buffer.from(buf);
    zeroPages.writeUInt32LE(0, 12);
    expect(() => [...ndbBlobs(zeroPages, () => {})]).toThrow(/no slot pages/);
    const v1 = Buffer.from(buf);
    v1.writeUInt32LE(1, 4);
    expect(() => [...ndbBlobs(v1, () => {})]).toThrow(RpmDbError);
    expect(() => [...ndbBlobs(buf.subarray(0, 20), () => {})]).toThrow(/truncated/);
  });

  it("keeps the packages stored before the cut in a truncated file", () => {
    const buf = ndbFixture();
    const all = [...ndbBlobs(buf, () => {})];
    const cut = buf.subarray(0, Math.floor(buf.length * 0.6));
    const errors: string[] = [];
    const got = [...ndbBlobs(cut, (m) => errors.push(m))];
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(all.length);
    expect(errors.join("\n")).toMatch(/runs past the end/);
  });
});
