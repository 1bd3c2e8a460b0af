// Test-only helpers (excluded from the build by tsconfig.build.json): fixture loading, an ndb writer, a header-blob builder and the rpm CLI.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { fixturePath } from "../../../../../test/support/upstream.js";
import type { Package } from "../../../../model/index.js";
import { analyzeRpmDb } from "../index.js";

export function fixture(rel: string): Buffer {
  return readFileSync(new URL(`../testdata/${rel}`, import.meta.url));
}

/** Syft's real BDB fixture (one package, dive 0.9.2-1), in test/fixtures/syft-catalogers. */
export const SYFT_BDB = fixturePath("syft-catalogers/syft/pkg/cataloger/redhat/testdata/Packages");

export function analyze(content: Buffer, path = "var/lib/rpm/Packages"): { packages: Package[]; errors: string[] } {
  const r = analyzeRpmDb({ path, content, mode: 0o644 });
  return { packages: r.packages ?? [], errors: r.errors ?? [] };
}

/** Header blobs of the rpm-written SQLite fixture, read independently of the analyzer. */
export function fixtureHeaderBlobs(): { hnum: number; blob: Buffer }[] {
  const copy = Buffer.from(fixture("sqlite/rpmdb.sqlite"));
  copy[18] = 1; // WAL -> rollback journal so it can be opened from memory
  copy[19] = 1;
  const db = new Database(copy, { readonly: true });
  try {
    return db.prepare("SELECT hnum, blob FROM Packages ORDER BY hnum").all() as { hnum: number; blob: Buffer }[];
  } finally {
    db.close();
  }
}

function adler32(buf: Buffer, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  for (const byte of buf) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Writes an ndb Packages.db the way rpm's rpmpkg.c lays it out (see ndb.ts), so the ndb reader
 * can be tested on headers written by the real rpm even though Debian's rpm lacks ndb.
 * `freeSlots` leaves that many empty slots before the used ones.
 */
export function writeNdb(blobs: { pkgIdx: number; blob: Buffer }[], opts: { slotPages?: number; freeSlots?: number } = {}): Buffer {
  const slotPages = opts.slotPages ?? 1;
  const freeSlots = opts.freeSlots ?? 0;
  const parts: Buffer[] = [];
  const slots = Buffer.alloc(slotPages * 4096);
  for (let s = 2; s < slotPages * 256; s++) slots.writeUInt32LE(0x746f6c53, s * 16);
  slots.writeUInt32LE(0x506d7052, 0);
  slots.writeUInt32LE(0, 4);
  slots.writeUInt32LE(7, 8); // generation
  slots.writeUInt32LE(slotPages, 12);
  slots.writeUInt32LE(Math.max(0, ...blobs.map((b) => b.pkgIdx)) + 1, 16);
  parts.push(slots);
  let blk = slotPages * 256;
  blobs.forEach(({ pkgIdx, blob }, i) => {
    const blkCnt = Math.ceil((16 + blob.length + 12) / 16);
    const area = Buffer.alloc(blkCnt * 16);
    area.writeUInt32LE(0x53626c42, 0);
    area.writeUInt32LE(pkgIdx, 4);
    area.writeUInt32LE(1700000000, 8);
    area.writeUInt32LE(blob.length, 12);
    blob.copy(area, 16);
    const tail = area.length - 12;
    area.writeUInt32LE(adler32(area.subarray(0, tail)), tail);
    area.writeUInt32LE(blob.length, tail + 4);
    area.writeUInt32LE(0x45626c42, tail + 8);
    const slot = 2 + freeSlots + i;
    slots.writeUInt32LE(pkgIdx, slot * 16 + 4);
    slots.writeUInt32LE(blk, slot * 16 + 8);
    slots.writeUInt32LE(blkCnt, slot * 16 + 12);
    parts.push(area);
    blk += blkCnt;
  });
  return Buffer.concat(parts);
}

/** The ndb fixture: every header of the SQLite fixture, rewritten into ndb form. */
export function ndbFixture(opts?: { slotPages?: number; freeSlots?: number }): Buffer {
  return writeNdb(
    fixtureHeaderBlobs().map((r) => ({ pkgIdx: r.hnum, blob: Buffer.from(r.blob) })),
    opts,
  );
}

export type HeaderValue =
  | { tag: number; type: "int32"; values: number[] }
  | { tag: number; type: "int64"; values: bigint[] }
  | { tag: number; type: "string"; value: string }
  | { tag: number; type: "strings" | "i18n"; values: string[] }
  | { tag: number; type: "raw"; rawType: number; offset: number; count: number };

/**
 * Builds a header blob. With `region`, the entries are wrapped in an immutable region (tag 63)
 * as rpm writes installed headers; `dribble` entries are appended after the region.
 */
export function buildHeader(values: HeaderValue[], opts: { region?: boolean; dribble?: HeaderValue[] } = {}): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let dl = 0;
  const add = (tag: number, type: number, offset: number, count: number) => {
    const e = Buffer.alloc(16);
    e.writeInt32BE(tag, 0);
    e.writeUInt32BE(type, 4);
    e.writeInt32BE(offset, 8);
    e.writeUInt32BE(count, 12);
    index.push(e);
  };
  const put = (b: Buffer, align = 1) => {
    const pad = (align - (dl % align)) % align;
    if (pad) {
      data.push(Buffer.alloc(pad));
      dl += pad;
    }
    const at = dl;
    data.push(b);
    dl += b.length;
    return at;
  };
  const encode = (v: HeaderValue) => {
    switch (v.type) {
      case "int32": {
        const b = Buffer.alloc(4 * v.values.length);
        v.values.forEach((n, i) => b.writeUInt32BE(n, i * 4));
        add(v.tag, 4, put(b, 4), v.values.length);
        break;
      }
      case "int64": {
        const b = Buffer.alloc(8 * v.values.length);
        v.values.forEach((n, i) => b.writeBigUInt64BE(n, i * 8));
        add(v.tag, 5, put(b, 8), v.values.length);
        break;
      }
      case "string":
        add(v.tag, 6, put(Buffer.from(v.value + "\0")), 1);
        break;
      case "strings":
      case "i18n":
        add(v.tag, v.type === "i18n" ? 9 : 8, put(Buffer.from(v.values.map((s) => s + "\0").join(""))), v.values.length);
        break;
      case "raw":
        add(v.tag, v.rawType, v.offset, v.count);
        break;
    }
  };
  if (opts.region) add(63, 7, -1, 16); // offset patched below
  for (const v of values) encode(v);
  if (opts.region) {
    const trailer = Buffer.alloc(16);
    trailer.writeInt32BE(63, 0);
    trailer.writeUInt32BE(7, 4);
    trailer.writeInt32BE(-(index.length * 16), 8);
    trailer.writeUInt32BE(16, 12);
    index[0]?.writeInt32BE(put(trailer), 8);
  }
  for (const v of opts.dribble ?? []) encode(v);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(index.length, 0);
  head.writeUInt32BE(dl, 4);
  return Buffer.concat([head, ...index, ...data]);
}

/** Our package in rpm's `NAME|EPOCHNUM|VERSION|RELEASE|ARCH|SOURCERPM` form. */
export function asRpmLine(p: Package): string {
  const m = /^(?:(\d+):)?(.*)-([^-]*)$/.exec(p.version)!;
  const src = p.source ? `${p.source.name}-${p.source.version.replace(/^\d+:/, "")}.src.rpm` : "(none)";
  return [p.name, m[1] ?? "0", m[2], m[3], p.arch ?? "(none)", src].join("|");
}

// ---- the real rpm, when installed -------------------------------------------------------

/** The database backends of the rpm on PATH (the caller has checked it is there: missingTool). */
export function rpmBackends(): Set<string> {
  const rc = execFileSync("rpm", ["--showrc"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const line = /available backends\s*:\s*(.*)/.exec(rc)?.[1] ?? "";
  return new Set(line.trim().split(/\s+/).filter(Boolean));
}

/** Runs `rpm -qa` with a query format against a database directory; stderr (warnings) ignored. */
export function rpmQuery(dbDir: string, backend: string, qf: string): string[] {
  const out = execFileSync("rpm", ["--dbpath", dbDir, "--define", `_db_backend ${backend}`, "-qa", "--qf", qf], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return out.split("\n").filter(Boolean);
}
