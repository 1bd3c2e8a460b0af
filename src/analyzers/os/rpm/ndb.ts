// Reader for rpm's own "ndb" package database, `Packages.db` (rpm >= 4.16 on SUSE and others).
// Layout per rpm's lib/backend/ndb/rpmpkg.c, all integers little-endian:
//   bytes 0..31   header: magic "RpmP", version 0, generation, number of slot pages, next index
//   slot pages    4096 bytes each (the header takes the first two 16-byte slots of page 0);
//                 slot: magic "Slot", package index, block offset, block count (0 offset = free)
//   blobs         at blkoff * 16: magic "BlbS", package index, generation, length; the header
//                 blob; zero padding to a block boundary; then adler32, length, magic "BlbE"
import { RpmDbError, type HeaderBlob, type ReportError } from "./blob.js";

const DB_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOB_HEAD_MAGIC = 0x53626c42; // "BlbS"
const BLOB_TAIL_MAGIC = 0x45626c42; // "BlbE"
const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const HEADER_SLOTS = 2; // the 32-byte file header occupies the first two slots
const BLOB_HEAD_SIZE = 16;
const BLOB_TAIL_SIZE = 12;

export function isNdb(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === DB_MAGIC;
}

export function* ndbBlobs(buf: Buffer, report: ReportError): Generator<HeaderBlob> {
  if (buf.length < 32) throw new RpmDbError("ndb header truncated");
  if (!isNdb(buf)) throw new RpmDbError("not an ndb package database");
  const version = buf.readUInt32LE(4);
  if (version !== 0) throw new RpmDbError(`unsupported ndb version ${version}`);
  const declaredPages = buf.readUInt32LE(12);
  if (declaredPages === 0) throw new RpmDbError("ndb header declares no slot pages");
  // Never trust the page count beyond what the file holds.
  const slotPages = Math.min(declaredPages, Math.floor(buf.length / PAGE_SIZE));
  if (slotPages < declaredPages) {
    report(`ndb: header declares ${declaredPages} slot pages, file holds ${slotPages}; later slots lost`);
  }
  const firstBlobBlock = declaredPages * (PAGE_SIZE / BLK_SIZE);
  const totalSlots = slotPages * (PAGE_SIZE / SLOT_SIZE);
  const seen = new Set<number>();
  // Sound blobs never overlap, so together they are smaller than the file; crafted slots
  // pointing into each other's data would otherwise cost time quadratic in the file size.
  let blobBytes = 0;

  for (let slot = HEADER_SLOTS; slot < totalSlots; slot++) {
    const at = slot * SLOT_SIZE;
    const where = `ndb slot ${slot}`;
    if (buf.readUInt32LE(at) !== SLOT_MAGIC) {
      report(`${where}: bad slot magic, skipped`);
      continue;
    }
    const pkgIdx = buf.readUInt32LE(at + 4);
    const blkOff = buf.readUInt32LE(at + 8);
    const blkCnt = buf.readUInt32LE(at + 12);
    if (blkOff === 0) continue; // free slot
    if (pkgIdx === 0 || blkCnt === 0 || blkOff < firstBlobBlock) {
      report(`${where}: invalid entry (package ${pkgIdx}, block ${blkOff}, count ${blkCnt}), skipped`);
      continue;
    }
    if (seen.has(pkgIdx)) {
      report(`${where}: package index ${pkgIdx} listed twice, skipped`);
      continue;
    }
    const blob = readBlob(buf, pkgIdx, blkOff, blkCnt);
    if (typeof blob === "string") {
      report(`${where}: ${blob}, skipped`);
      continue;
    }
    blobBytes += blob.length;
    if (blobBytes > buf.length) {
      report(`ndb: blobs overlap; stopped at slot ${slot}`);
      return;
    }
    seen.add(pkgIdx);
    yield { where: `${where} (package ${pkgIdx})`, blob };
  }
}

/** The blob's bytes, or a reason it cannot be read. */
function readBlob(buf: Buffer, pkgIdx: number, blkOff: number, blkCnt: number): Buffer | string {
  const start = blkOff * BLK_SIZE;
  const areaEnd = start + blkCnt * BLK_SIZE;
  if (areaEnd > buf.length) return `blob at byte ${start} (${blkCnt} blocks) runs past the end of the file`;
  if (blkCnt * BLK_SIZE < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE) return "blob area too small";
  if (buf.readUInt32LE(start) !== BLOB_HEAD_MAGIC) return "bad blob magic";
  if (buf.readUInt32LE(start + 4) !== pkgIdx) return `blob belongs to package ${buf.readUInt32LE(start + 4)}`;
  const len = buf.readUInt32LE(start + 12);
  // rpm insists on the exact block count for the length; so do we.
  if (len === 0 || Math.ceil((BLOB_HEAD_SIZE + len + BLOB_TAIL_SIZE) / BLK_SIZE) !== blkCnt) {
    return `blob length ${len} does not match its ${blkCnt} blocks`;
  }
  // Zero padding to the block boundary sits between the data and the trailer.
  const tail = areaEnd - BLOB_TAIL_SIZE;
  if (buf.readUInt32LE(tail + 4) !== len || buf.readUInt32LE(tail + 8) !== BLOB_TAIL_MAGIC) {
    return "bad blob trailer";
  }
  return buf.subarray(start + BLOB_HEAD_SIZE, start + BLOB_HEAD_SIZE + len);
}
