// Layer tar entries with the facts drift compares that the scanner's reader does not keep: owner
// (uid, gid) and mtime, from the ustar header or pax records. The block handling is the layers'
// own (ByteReader, parseHeader, meta folding), so names, sizes, long names and the accepted
// archive ends are those of every other layer read (see layers/tar.ts); only the loop is here.
import { UserError } from "../errors.js";
import { ByteReader, MAX_META_SIZE, applyMeta, foldMeta, isMeta, padded, parseHeader, parsePax, type MetaState, type TarHeader } from "../layers/tar.js";

const BLOCK = 512;

export interface OwnedTarEntry extends TarHeader {
  uid: number;
  gid: number;
  /** Seconds since the epoch (integer part). */
  mtime: number;
  /** Streams the body (must be consumed before the next entry, or it is skipped). */
  stream(): AsyncGenerator<Buffer>;
}

function octal(buf: Buffer, start: number, len: number): number {
  if ((buf[start]! & 0x80) !== 0) {
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + buf[i]!;
    return v;
  }
  const end = buf.indexOf(0, start);
  const s = buf.toString("latin1", start, end === -1 || end > start + len ? start + len : end).trim();
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : 0;
}

interface PaxIds {
  uid?: number;
  gid?: number;
  mtime?: number;
}

function paxIds(body: Buffer, into: PaxIds): void {
  const pax = parsePax(body);
  const num = (v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Math.floor(Number(v));
    return Number.isSafeInteger(n) ? n : undefined;
  };
  const uid = num(pax.uid);
  const gid = num(pax.gid);
  const mtime = num(pax.mtime);
  if (uid !== undefined) into.uid = uid;
  if (gid !== undefined) into.gid = gid;
  if (mtime !== undefined) into.mtime = mtime;
}

const truncated = (): UserError => new UserError("INPUT", "truncated tar archive");

/** Iterates a layer's tar stream (already decompressed) with owners and mtimes. */
export async function* readOwnedTar(source: AsyncIterable<Buffer>): AsyncGenerator<OwnedTarEntry> {
  const r = new ByteReader(source);
  let meta: MetaState = {};
  let ids: PaxIds = {};
  let pendingMeta = false;
  let zeroBlocks = 0;
  for (;;) {
    const block = await r.read(BLOCK);
    if (block.length === 0) {
      if (pendingMeta) throw truncated();
      break;
    }
    if (block.length < BLOCK) throw truncated();
    const raw = parseHeader(block);
    if (raw === null) {
      if (++zeroBlocks === 2) break;
      continue;
    }
    zeroBlocks = 0;
    if (isMeta(raw.flag)) {
      if (raw.size > MAX_META_SIZE) throw new UserError("LIMIT", `tar extended header too large (${raw.size} bytes)`);
      const body = await r.read(padded(raw.size));
      if (body.length < padded(raw.size)) throw truncated();
      foldMeta(raw, body.subarray(0, raw.size), meta);
      if (raw.flag === "x") paxIds(body.subarray(0, raw.size), ids);
      pendingMeta = true;
      continue;
    }
    const h = applyMeta(raw, meta);
    const entryIds = ids;
    meta = {};
    ids = {};
    pendingMeta = false;
    const bodyStart = r.position;
    let consumed = false;
    yield {
      ...h,
      uid: entryIds.uid ?? octal(block, 108, 8),
      gid: entryIds.gid ?? octal(block, 116, 8),
      mtime: entryIds.mtime ?? octal(block, 136, 12),
      stream: () => {
        consumed = true;
        return r.stream(h.size);
      },
    };
    const bodyEnd = bodyStart + padded(h.size);
    if (!consumed || r.position < bodyEnd) {
      if (!(await r.skip(bodyEnd - r.position))) {
        if (r.position < bodyStart + h.size) throw truncated();
        break; // an unpadded last entry (umoci 0.4.7), as the scanner's reader accepts
      }
    }
  }
  await r.drain();
}
