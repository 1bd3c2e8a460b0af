// Berkeley DB hash reader for rpm's classic `Packages` file (rpm < 4.16, still on RHEL/CentOS 7,
// Amazon Linux 2, SLES 12...). Layout from Berkeley DB's db_page.h as documented by Oracle:
// page 0 is the hash metadata page; hash pages hold key/value items; values too big for a page
// live in chains of overflow pages. Keys are 4-byte package instance numbers, values header blobs.
//
// We scan every page of the file for hash pages rather than walking buckets from the metadata:
// each live item sits on exactly one hash page (freed pages become P_INVALID), and a scan keeps
// whatever survives in a truncated or partly damaged file. Integers are in the writer's byte
// order, which the metadata magic reveals.
import { RpmDbError, type HeaderBlob, type ReportError } from "./blob.js";

const HASH_MAGIC = 0x00061561;
const BTREE_MAGIC = 0x00053162;
const PAGE_HEADER_SIZE = 26;

// Page types (byte 25 of every page header).
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;

// Item types on hash pages (first byte of each item).
const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;

function magicAt12(buf: Buffer): { le: number; be: number } | null {
  if (buf.length < 16) return null;
  return { le: buf.readUInt32LE(12), be: buf.readUInt32BE(12) };
}

export function isBdb(buf: Buffer): boolean {
  const m = magicAt12(buf);
  return !!m && [HASH_MAGIC, BTREE_MAGIC].some((v) => m.le === v || m.be === v);
}

class Pages {
  readonly count: number;
  /**
   * Overflow pages read so far. In a sound file each overflow page belongs to one chain, so
   * the total never exceeds the page count; crafted chains shared by thousands of items would
   * otherwise cost time quadratic in the file size.
   */
  overflowReads = 0;
  constructor(
    readonly buf: Buffer,
    readonly size: number,
    readonly le: boolean,
  ) {
    // A partial last page is unusable: drop it.
    this.count = Math.floor(buf.length / size);
  }
  u16(page: number, at: number): number {
    const off = page * this.size + at;
    return this.le ? this.buf.readUInt16LE(off) : this.buf.readUInt16BE(off);
  }
  u32(page: number, at: number): number {
    const off = page * this.size + at;
    return this.le ? this.buf.readUInt32LE(off) : this.buf.readUInt32BE(off);
  }
  u8(page: number, at: number): number {
    return this.buf[page * this.size + at] ?? 0;
  }
  bytes(page: number, from: number, to: number): Buffer {
    return this.buf.subarray(page * this.size + from, page * this.size + to);
  }
}

export function* bdbBlobs(buf: Buffer, report: ReportError): Generator<HeaderBlob> {
  const m = magicAt12(buf);
  if (!m) throw new RpmDbError("Berkeley DB file shorter than its metadata header");
  if (m.le === BTREE_MAGIC || m.be === BTREE_MAGIC) {
    throw new RpmDbError("Berkeley DB btree database: rpm's Packages is always a hash database");
  }
  const le = m.le === HASH_MAGIC;
  if (!le && m.be !== HASH_MAGIC) throw new RpmDbError("not a Berkeley DB hash database");
  if (buf.length < 72) throw new RpmDbError("Berkeley DB metadata page truncated");
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));

  const version = u32(16);
  if (version < 8 || version > 10) throw new RpmDbError(`unsupported Berkeley DB hash version ${version}`);
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new RpmDbError(`invalid Berkeley DB page size ${pageSize}`);
  }
  if (buf[24] !== 0) throw new RpmDbError("encrypted Berkeley DB databases are not supported");
  if (buf[25] !== P_HASHMETA) throw new RpmDbError(`Berkeley DB page 0 is type ${buf[25]}, not hash metadata`);

  const pages = new Pages(buf, pageSize, le);
  const seenKeys = new Set<string>();
  for (let p = 1; p < pages.count; p++) {
    const type = pages.u8(p, 25);
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    if (pages.u32(p, 8) !== p) {
      report(`bdb page ${p}: header names page ${pages.u32(p, 8)}, skipped`);
      continue;
    }
    yield* hashPageItems(pages, p, seenKeys, report);
    if (pages.overflowReads > pages.count) {
      report(`bdb: overflow chains are shared between items; stopped at page ${p}`);
      return;
    }
  }
}

function* hashPageItems(pages: Pages, p: number, seenKeys: Set<string>, report: ReportError): Generator<HeaderBlob> {
  const size = pages.size;
  // The item index is an array of u16 offsets right after the page header; items are laid out
  // from the end of the page downwards, so item i ends where item i-1 begins.
  const entries = Math.min(pages.u16(p, 20), Math.floor((size - PAGE_HEADER_SIZE) / 2));
  const indexEnd = PAGE_HEADER_SIZE + entries * 2;
  const offsetOf = (i: number) => pages.u16(p, PAGE_HEADER_SIZE + i * 2);
  for (let i = 0; i + 1 < entries; i += 2) {
    const where = `bdb page ${p} item ${i / 2}`;
    const keyOff = offsetOf(i);
    const keyEnd = i === 0 ? size : offsetOf(i - 1);
    const valOff = offsetOf(i + 1);
    if (keyOff < indexEnd || keyOff >= keyEnd || keyEnd > size || valOff < indexEnd || valOff >= keyOff) {
      report(`${where}: item offsets out of order or outside the page, rest of page skipped`);
      return;
    }
    if (pages.u8(p, keyOff) !== H_KEYDATA) {
      report(`${where}: unexpected key item type ${pages.u8(p, keyOff)}, skipped`);
      continue;
    }
    const key = pages.bytes(p, keyOff + 1, keyEnd);
    // rpm keeps a bookkeeping record under key 0 (the next instance number): not a package.
    if (key.length === 4 && key.readUInt32LE(0) === 0) continue;
    const keyHex = key.toString("hex");
    if (seenKeys.has(keyHex)) continue;

    const valType = pages.u8(p, valOff);
    let blob: Buffer;
    try {
      if (valType === H_KEYDATA) {
        blob = pages.bytes(p, valOff + 1, keyOff);
      } else if (valType === H_OFFPAGE) {
        if (keyOff - valOff < 12) throw new RpmDbError("overflow reference item truncated");
        blob = readOverflow(pages, pages.u32(p, valOff + 4), pages.u32(p, valOff + 8));
      } else if (valType === H_DUPLICATE || valType === H_OFFDUP) {
        throw new RpmDbError("duplicate-key items are not used by rpm");
      } else {
        throw new RpmDbError(`unknown item type ${valType}`);
      }
    } catch (e) {
      report(`${where}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    seenKeys.add(keyHex);
    yield { where, blob };
  }
}

/** Follows an overflow chain, refusing loops, foreign page types and lengths that do not add up. */
function readOverflow(pages: Pages, first: number, total: number): Buffer {
  if (total === 0 || total > pages.buf.length) throw new RpmDbError(`overflow length ${total} is impossible`);
  const chunks: Buffer[] = [];
  const visited = new Set<number>();
  let left = total;
  let pg = first;
  while (left > 0) {
    if (pg === 0 || pg >= pages.count) throw new RpmDbError(`overflow page ${pg} outside the file`);
    if (visited.has(pg)) throw new RpmDbError(`overflow chain loops back to page ${pg}`);
    visited.add(pg);
    if (++pages.overflowReads > pages.count) throw new RpmDbError("overflow pages read more than once");
    if (pages.u8(pg, 25) !== P_OVERFLOW || pages.u32(pg, 8) !== pg) {
      throw new RpmDbError(`page ${pg} in an overflow chain is not an overflow page`);
    }
    // On overflow pages the "high free offset" field holds the number of bytes used.
    const used = pages.u16(pg, 22);
    if (used === 0 || used > pages.size - PAGE_HEADER_SIZE || used > left) {
      throw new RpmDbError(`overflow page ${pg} claims ${used} bytes`);
    }
    chunks.push(pages.bytes(pg, PAGE_HEADER_SIZE, PAGE_HEADER_SIZE + used));
    left -= used;
    pg = pages.u32(pg, 16);
  }
  return Buffer.concat(chunks, total);
}
