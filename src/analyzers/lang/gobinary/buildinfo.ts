// Locating and decoding the Go build info blob of an executable: the `.go.buildinfo` section
// of ELF files (or, without section headers, the start of the first writable segment), and
// for Mach-O and PE a bounded scan for the magic. Both layouts are decoded: Go ≥ 1.18 stores
// the strings inline (flags & 2), older toolchains store pointers to Go string headers.
import { addressToOffset, findSection, PF_W, PT_LOAD, readElf, Reader, type ByteSource, type Elf } from "../../shared/elf.js";

export const MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
const HEADER = 32;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE = 2;
/** Go's own reader looks only this far into the data for the magic. */
const SEARCH = 64 * 1024;
/** Module lists of real programs are a few hundred KiB at most. */
const MAX_STRING = 8 * 2 ** 20;
/** Mach-O/PE are scanned for the magic only this far (the blob sits early in the data). */
const FOREIGN_SCAN = 32 * 2 ** 20;

export interface RawBuildInfo {
  goVersion: string;
  modinfo: string;
}

/** The build info of a Go binary, null when it has none (not Go, or not an executable we read). */
export async function readBuildInfo(src: ByteSource): Promise<RawBuildInfo | null> {
  const head = await src.read(0, 4);
  // A malformed ELF is not worth reporting unless it turns out to be Go; treat it as not Go.
  const elf = await readElf(src).catch(() => null);
  if (elf) return fromElf(src, elf);
  if (isMachO(head) || isPe(head)) return fromScan(src);
  return null;
}

function isMachO(h: Buffer): boolean {
  if (h.length < 4) return false;
  const m = h.readUInt32BE(0);
  return m === 0xfeedface || m === 0xfeedfacf || m === 0xcefaedfe || m === 0xcffaedfe;
}

function isPe(h: Buffer): boolean {
  return h.length >= 2 && h[0] === 0x4d && h[1] === 0x5a;
}

async function fromElf(src: ByteSource, elf: Elf): Promise<RawBuildInfo | null> {
  const section = findSection(elf, ".go.buildinfo");
  let start: number | undefined;
  if (section) start = section.offset;
  else {
    // Stripped section headers: Go puts the blob first in the first writable segment.
    const data = elf.segments.find((p) => p.type === PT_LOAD && p.flags & PF_W);
    if (data) start = data.offset;
  }
  if (start === undefined) return null;
  const found = await findMagic(src, start, SEARCH);
  if (found === null) return null;
  const at = (addr: number, n: number): Promise<Buffer> => {
    const loc = addressToOffset(elf, addr);
    if (!loc || n > loc.available) throw new Error(`build info points outside the file (0x${addr.toString(16)})`);
    return src.read(loc.offset, n);
  };
  return decode(src, found, at);
}

async function fromScan(src: ByteSource): Promise<RawBuildInfo | null> {
  const found = await findMagic(src, 0, Math.min(src.size, FOREIGN_SCAN));
  if (found === null) return null;
  return decode(src, found, () => {
    throw new Error("pre-1.18 build info not supported in Mach-O/PE binaries");
  });
}

/** Offset of the magic at a 16-byte aligned position in [start, start+len), read in chunks. */
async function findMagic(src: ByteSource, start: number, len: number): Promise<number | null> {
  const CHUNK = 1024 * 1024;
  for (let off = start; off < start + len; off += CHUNK) {
    const buf = await src.read(off, Math.min(CHUNK, start + len - off) + MAGIC.length);
    if (buf.length < MAGIC.length) return null;
    for (let i = buf.indexOf(MAGIC); i !== -1 && i < CHUNK; i = buf.indexOf(MAGIC, i + 1)) {
      if ((off + i - start) % 16 === 0) return off + i;
    }
  }
  return null;
}

type ReadAddress = (addr: number, n: number) => Promise<Buffer>;

async function decode(src: ByteSource, off: number, at: ReadAddress): Promise<RawBuildInfo> {
  const h = await src.read(off, HEADER);
  if (h.length < HEADER) throw new Error("build info header truncated");
  const ptrSize = h[14]!;
  const flags = h[15]!;
  if (flags & FLAG_INLINE) {
    let pos = off + HEADER;
    const version = await inlineString(src, pos);
    pos = version.next;
    const mod = await inlineString(src, pos);
    return { goVersion: version.text, modinfo: stripSentinels(mod.bytes) };
  }
  if (ptrSize !== 4 && ptrSize !== 8) throw new Error(`build info: bad pointer size ${ptrSize}`);
  const r = new Reader(h, (flags & FLAG_BIG_ENDIAN) === 0, ptrSize === 8);
  const version = await pointerString(r.word(16), r, at);
  const mod = await pointerString(r.word(16 + ptrSize), r, at);
  return { goVersion: version.toString("utf8"), modinfo: stripSentinels(mod) };
}

async function inlineString(src: ByteSource, pos: number): Promise<{ text: string; bytes: Buffer; next: number }> {
  const lenBuf = await src.read(pos, 10);
  let n = 0;
  let shift = 1;
  let i = 0;
  for (; ; i++) {
    if (i >= lenBuf.length || i >= 10) throw new Error("build info: bad string length");
    const b = lenBuf[i]!;
    n += (b & 0x7f) * shift;
    shift *= 128;
    if (b < 0x80) break;
  }
  if (n > MAX_STRING) throw new Error(`build info: string too long (${n} bytes)`);
  const bytes = await src.read(pos + i + 1, n);
  if (bytes.length < n) throw new Error("build info: string truncated");
  return { text: bytes.toString("utf8"), bytes, next: pos + i + 1 + n };
}

/** A Go string header (data pointer, length) at `addr`, then its bytes. */
async function pointerString(addr: number, r: Reader, at: ReadAddress): Promise<Buffer> {
  const w = r.is64 ? 8 : 4;
  const hdr = new Reader(await at(addr, 2 * w), r.little, r.is64);
  const data = hdr.word(0);
  const len = hdr.word(w);
  if (len > MAX_STRING) throw new Error(`build info: string too long (${len} bytes)`);
  if (len === 0) return Buffer.alloc(0);
  const bytes = await at(data, len);
  if (bytes.length < len) throw new Error("build info: string truncated");
  return bytes;
}

/** The module list is wrapped in two 16-byte sentinels; Go drops it when they are absent. */
function stripSentinels(b: Buffer): string {
  if (b.length >= 33 && b[b.length - 17] === 0x0a) return b.toString("utf8", 16, b.length - 16);
  return "";
}
