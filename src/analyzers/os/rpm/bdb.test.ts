import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bdbBlobs, isBdb } from "./bdb.js";
import { RpmDbError } from "./blob.js";
import { SYFT_BDB, analyze, fixture } from "./test-support/helpers.js";

const EXPECTED = ["bash", "nodejs", "openssl", "openssl-libs", "tzdata"];

function names(buf: Buffer): string[] {
  return analyze(buf).packages.map((p) => p.name).sort();
}

/** Page numbers of the overflow pages of a little-endian 4 KiB fixture, with their next links. */
function overflowPages(buf: Buffer): { page: number; next: number }[] {
  const out = [];
  for (let p = 1; p < buf.length / 4096; p++) {
    if (buf[p * 4096 + 25] === 7) out.push({ page: p, next: buf.readUInt32LE(p * 4096 + 16) });
  }
  return out;
}

describe("Berkeley DB hash reader", () => {
  it("reads Syft's real Packages fixture (dive 0.9.2-1; rpm-crosscheck.test.ts confirms it with rpm)", () => {
    const { packages, errors } = analyze(readFileSync(SYFT_BDB));
    expect(errors).toEqual([]);
    expect(packages).toEqual([
      {
        type: "rpm",
        name: "dive",
        version: "0.9.2-1", // no EPOCH tag in this header
        purl: "",
        arch: "x86_64",
        source: { name: "dive", version: "0.9.2-1" },
        licenses: ["MIT"],
        locations: [{ path: "/var/lib/rpm/Packages" }],
        files: ["/usr/local/bin/dive"],
        metadata: { size: "12406784", summary: "no description given" },
      },
    ]);
  });

  it.each(["bdb-le", "bdb-be", "bdb-64k"])("reads db_load's %s fixture (byte order, page size)", (dir) => {
    const buf = fixture(`${dir}/Packages`);
    expect(isBdb(buf)).toBe(true);
    const { packages, errors } = analyze(buf);
    expect(errors).toEqual([]);
    expect(packages.map((p) => p.name).sort()).toEqual(EXPECTED);
  });

  it("skips rpm's key-0 bookkeeping record and yields each package once", () => {
    const blobs = [...bdbBlobs(fixture("bdb-le/Packages"), () => {})];
    expect(blobs).toHaveLength(6); // five packages + gpg-pubkey
  });

  it("detects a loop in an overflow chain and keeps the other packages", () => {
    const buf = Buffer.from(fixture("bdb-le/Packages"));
    const chain = overflowPages(buf).find((o) => o.next !== 0);
    expect(chain).toBeDefined();
    const second = chain!.next;
    buf.writeUInt32LE(chain!.page, second * 4096 + 16); // second page links back to the first
    const { packages, errors } = analyze(buf);
    expect(packages.map((p) => p.name).sort()).toEqual(EXPECTED.filter((n) => n !== "bash"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/overflow chain loops back to page/);
  });

  it("detects a self-linked overflow page", () => {
    const buf = Buffer.from(fixture("bdb-le/Packages"));
    const chain = overflowPages(buf).find((o) => o.next !== 0)!;
    buf.writeUInt32LE(chain.page, chain.page * 4096 + 16);
    expect(analyze(buf).errors.join("\n")).toMatch(/loops back/);
  });

  it("stops when many items share one overflow chain (no quadratic work)", () => {
    // Pages 1-2: a sound two-page overflow chain. Pages 3..40: hash pages whose one item each
    // refers to that same chain. Sound files never share overflow pages, so reading stops.
    const pages = [Buffer.from(fixture("bdb-le/Packages").subarray(0, 4096))];
    for (let p = 1; p <= 40; p++) {
      const page = Buffer.alloc(4096);
      page.writeUInt32LE(p, 8);
      if (p <= 2) {
        page[25] = 7;
        page.writeUInt32LE(p === 1 ? 2 : 0, 16);
        page.writeUInt16LE(1000, 22);
      } else {
        page[25] = 13;
        page.writeUInt16LE(2, 20);
        page.writeUInt16LE(4096 - 5, 26);
        page.writeUInt16LE(4096 - 17, 28);
        page[4096 - 5] = 1;
        page.writeUInt32LE(p, 4096 - 4);
        page[4096 - 17] = 3;
        page.writeUInt32LE(1, 4096 - 13);
        page.writeUInt32LE(2000, 4096 - 9);
      }
      pages.push(page);
    }
    const errors: string[] = [];
    const got = [...bdbBlobs(Buffer.concat(pages), (m) => errors.push(m))];
    expect(got.length).toBeLessThanOrEqual(21); // 41 pages / 2 pages per read
    expect(errors.join("\n")).toMatch(/shared between items|read more than once/);
  });

  it("rejects overflow links and lengths that point outside the file", () => {
    const buf = Buffer.from(fixture("bdb-le/Packages"));
    const chain = overflowPages(buf).find((o) => o.next !== 0)!;
    buf.writeUInt32LE(0x7fffffff, chain.page * 4096 + 16);
    expect(analyze(buf).errors.join("\n")).toMatch(/outside the file/);

    const buf2 = Buffer.from(fixture("bdb-le/Packages"));
    buf2.writeUInt16LE(4095, chain.page * 4096 + 22); // more bytes than a page holds
    expect(analyze(buf2).errors.join("\n")).toMatch(/claims 4095 bytes/);
  });

  it("rejects an overflow reference claiming gigabytes", () => {
    const buf = Buffer.from(fixture("bdb-le/Packages"));
    // Find an H_OFFPAGE item on page 1 and make its total length absurd.
    const entries = buf.readUInt16LE(4096 + 20);
    for (let i = 1; i < entries; i += 2) {
      const off = buf.readUInt16LE(4096 + 26 + i * 2);
      if (buf[4096 + off] === 3) {
        buf.writeUInt32LE(0xfffffff0, 4096 + off + 8);
        break;
      }
    }
    const { errors } = analyze(buf);
    expect(errors.join("\n")).toMatch(/overflow length 4294967280 is impossible/);
  });

  it("skips hash pages whose header names another page", () => {
    const buf = Buffer.from(fixture("bdb-le/Packages"));
    buf.writeUInt32LE(99, 4096 + 8);
    const { packages, errors } = analyze(buf);
    expect(errors[0]).toMatch(/bdb page 1: header names page 99/);
    expect(packages.length).toBeLessThan(EXPECTED.length);
  });

  it("refuses what it cannot read as a whole: btree, encryption, odd page sizes, old versions", () => {
    const base = fixture("bdb-le/Packages");
    const cases: [RegExp, (b: Buffer) => void][] = [
      [/btree/, (b) => b.writeUInt32LE(0x00053162, 12)],
      [/encrypted/, (b) => (b[24] = 1)],
      [/page size 1000/, (b) => b.writeUInt32LE(1000, 20)],
      [/page size 0/, (b) => b.writeUInt32LE(0, 20)],
      [/hash version 3/, (b) => b.writeUInt32LE(3, 16)],
      [/not hash metadata/, (b) => (b[25] = 13)],
    ];
    for (const [re, mutate] of cases) {
      const b = Buffer.from(base);
      mutate(b);
      expect(() => [...bdbBlobs(b, () => {})]).toThrow(RpmDbError);
      expect(() => [...bdbBlobs(b, () => {})]).toThrow(re);
    }
  });

  it("keeps what survives in a truncated file", () => {
    const buf = fixture("bdb-le/Packages");
    // Cut in the middle of bash's overflow chain: bash is lost, others on earlier pages survive.
    const chain = overflowPages(buf).find((o) => o.next !== 0)!;
    const cut = analyze(buf.subarray(0, (chain.page + 2) * 4096 + 100));
    expect(cut.packages.map((p) => p.name)).not.toContain("bash");
    expect(cut.errors.join("\n")).toMatch(/outside the file/);
    // Only the metadata page: an empty database.
    expect(analyze(buf.subarray(0, 4096))).toEqual({ packages: [], errors: [] });
  });

  it("agrees on contents between both byte orders and page sizes", () => {
    const strip = (buf: Buffer) => analyze(buf).packages.sort((a, b) => (a.name < b.name ? -1 : 1));
    const le = strip(fixture("bdb-le/Packages"));
    expect(strip(fixture("bdb-be/Packages"))).toEqual(le);
    expect(strip(fixture("bdb-64k/Packages"))).toEqual(le);
    expect(names(fixture("bdb-le/Packages"))).toEqual(EXPECTED);
  });
});
