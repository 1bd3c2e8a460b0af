// Positioned reads over a binary (a local file or, in tests, a Buffer) and the few ELF facts
// that binary analyzers need: section headers by name, loadable segments, address → offset.
// Shared by lang/gobinary and lang/rust, which both look up sections of executables.
// Every size read from the file is bounded before anything is allocated.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { AnalyzerFile } from "../types.js";

/** Random access to the bytes of one file. */
export interface ByteSource {
  size: number;
  /** Up to `length` bytes at `offset`; shorter at the end of the file. */
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Largest single read a parser may ask for; bigger requests are refused, not truncated. */
export const MAX_READ = 64 * 2 ** 20;

export function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read: async (offset, length) => checked(offset, length) && buf.subarray(offset, Math.min(buf.length, offset + length)),
    close: () => Promise.resolve(),
  };
}

function checked(offset: number, length: number): true {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) throw new Error(`bad read at ${offset} (+${length})`);
  if (length > MAX_READ) throw new Error(`refusing to read ${length} bytes at once`);
  return true;
}

/**
 * A local file read with positional synchronous reads: analyzers read a handful of headers
 * and sections per file, where a thread-pool round trip per read costs more than the read.
 */
function fileSource(path: string): Promise<ByteSource> {
  const fd = openSync(path, "r");
  try {
    const { size } = fstatSync(fd);
    let closed = false;
    return Promise.resolve({
      size,
      read(offset, length) {
        checked(offset, length);
        const n = Math.max(0, Math.min(length, size - offset));
        const buf = Buffer.allocUnsafe(n);
        let got = 0;
        while (got < n) {
          const r = readSync(fd, buf, got, n - got, offset + got);
          if (r === 0) break;
          got += r;
        }
        return Promise.resolve(buf.subarray(0, got));
      },
      close() {
        if (!closed) {
          closed = true;
          closeSync(fd);
        }
        return Promise.resolve();
      },
    });
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * Random access over a body held as consecutive pieces (no copy unless a read spans pieces).
 */
export function partsSource(parts: readonly Buffer[]): ByteSource {
  const starts: number[] = [];
  let size = 0;
  for (const p of parts) {
    starts.push(size);
    size += p.length;
  }
  const pieceAt = (offset: number): number => {
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    size,
    read: async (offset, length) => {
      checked(offset, length);
      const end = Math.min(size, offset + length);
      if (offset >= end) return Buffer.alloc(0);
      let i = pieceAt(offset);
      const first = parts[i]!;
      const at = offset - starts[i]!;
      if (end - starts[i]! <= first.length) return first.subarray(at, end - starts[i]!);
      const out = Buffer.allocUnsafe(end - offset);
      let got = 0;
      for (let pos = offset; pos < end; i++) {
        const p = parts[i]!;
        const from = pos - starts[i]!;
        const n = Math.min(p.length - from, end - pos);
        p.copy(out, got, from, from + n);
        got += n;
        pos += n;
      }
      return out;
    },
    close: () => Promise.resolve(),
  };
}

/** The analyzer's file as a ByteSource: its local copy, its pieces, or its in-memory content. */
export function openSource(file: AnalyzerFile): Promise<ByteSource> {
  if (file.localPath) return fileSource(file.localPath);
  return Promise.resolve(file.parts ? partsSource(file.parts) : bufferSource(file.content));
}

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

export interface Elf {
  is64: boolean;
  littleEndian: boolean;
  sections: ElfSection[];
  segments: ElfSegment[];
}

export const PT_LOAD = 1;
export const PF_W = 2;
const SHT_NOBITS = 8;
const MAX_TABLE = 4 * 2 ** 20;

export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Parses the ELF header, program headers and section headers; null when the file is not ELF. */
export async function readElf(src: ByteSource): Promise<Elf | null> {
  const h = await src.read(0, 64);
  if (!isElf(h)) return null;
  const cls = h[4];
  const data = h[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) throw new Error("ELF header: unknown class or byte order");
  const is64 = cls === 2;
  if (h.length < (is64 ? 64 : 52)) throw new Error("ELF header truncated");
  const r = new Reader(h, data === 1, is64);
  const phoff = r.word(is64 ? 32 : 28);
  const shoff = r.word(is64 ? 40 : 32);
  const base = is64 ? 54 : 42;
  const phentsize = r.u16(base);
  const phnum = r.u16(base + 2);
  const shentsize = r.u16(base + 4);
  const shnum = r.u16(base + 6);
  const shstrndx = r.u16(base + 8);

  const segments: ElfSegment[] = [];
  if (phoff > 0 && phnum > 0 && phentsize >= (is64 ? 56 : 32) && phnum * phentsize <= MAX_TABLE) {
    const t = new Reader(await src.read(phoff, phnum * phentsize), data === 1, is64);
    for (let i = 0; i < phnum && (i + 1) * phentsize <= t.buf.length; i++) {
      const o = i * phentsize;
      segments.push(
        is64
          ? { type: t.u32(o), flags: t.u32(o + 4), offset: t.word(o + 8), vaddr: t.word(o + 16), filesz: t.word(o + 32) }
          : { type: t.u32(o), offset: t.u32(o + 4), vaddr: t.u32(o + 8), filesz: t.u32(o + 16), flags: t.u32(o + 24) },
      );
    }
  }

  const sections: ElfSection[] = [];
  if (shoff > 0 && shnum > 0 && shentsize >= (is64 ? 64 : 40) && shnum * shentsize <= MAX_TABLE) {
    const t = new Reader(await src.read(shoff, shnum * shentsize), data === 1, is64);
    const raw: (ElfSection & { nameOff: number })[] = [];
    for (let i = 0; i < shnum && (i + 1) * shentsize <= t.buf.length; i++) {
      const o = i * shentsize;
      raw.push(
        is64
          ? { nameOff: t.u32(o), name: "", type: t.u32(o + 4), flags: t.word(o + 8), addr: t.word(o + 16), offset: t.word(o + 24), size: t.word(o + 32) }
          : { nameOff: t.u32(o), name: "", type: t.u32(o + 4), flags: t.u32(o + 8), addr: t.u32(o + 12), offset: t.u32(o + 16), size: t.u32(o + 20) },
      );
    }
    const strtab = raw[shstrndx];
    if (strtab && strtab.type !== SHT_NOBITS && strtab.size <= MAX_TABLE) {
      const names = await src.read(strtab.offset, strtab.size);
      for (const s of raw) {
        const end = names.indexOf(0, s.nameOff);
        s.name = s.nameOff < names.length ? names.toString("latin1", s.nameOff, end === -1 ? names.length : end) : "";
        sections.push({ name: s.name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size });
      }
    }
  }
  return { is64, littleEndian: data === 1, sections, segments };
}

export function findSection(elf: Elf, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name && s.type !== SHT_NOBITS);
}

/** File offset of a virtual address inside a loaded segment, and how many bytes follow it there. */
export function addressToOffset(elf: Elf, addr: number): { offset: number; available: number } | null {
  for (const p of elf.segments) {
    if (p.type === PT_LOAD && addr >= p.vaddr && addr < p.vaddr + p.filesz) return { offset: p.offset + (addr - p.vaddr), available: p.vaddr + p.filesz - addr };
  }
  return null;
}

/** Reads a whole section, refusing sections larger than `max`. */
export async function readSection(src: ByteSource, s: ElfSection, max: number): Promise<Buffer> {
  if (s.size > max) throw new Error(`section ${s.name} too large (${s.size} bytes)`);
  const buf = await src.read(s.offset, s.size);
  if (buf.length < s.size) throw new Error(`section ${s.name} truncated`);
  return buf;
}

/** Endian- and class-aware integer reads that never run past the buffer. */
export class Reader {
  constructor(
    readonly buf: Buffer,
    readonly little: boolean,
    readonly is64: boolean,
  ) {}
  u16(o: number): number {
    this.need(o, 2);
    return this.little ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o);
  }
  u32(o: number): number {
    this.need(o, 4);
    return this.little ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o);
  }
  u64(o: number): number {
    this.need(o, 8);
    const v = this.little ? this.buf.readBigUInt64LE(o) : this.buf.readBigUInt64BE(o);
    // Offsets and addresses past 2^53 cannot be real in a file we read; clamp so checks fail.
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  /** A pointer-sized word of the ELF class. */
  word(o: number): number {
    return this.is64 ? this.u64(o) : this.u32(o);
  }
  private need(o: number, n: number): void {
    if (o < 0 || o + n > this.buf.length) throw new Error("ELF data truncated");
  }
}
