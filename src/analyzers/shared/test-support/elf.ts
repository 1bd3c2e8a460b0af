// Test support: writes minimal ELF files (one writable PT_LOAD holding every section, plus
// section headers) so binary analyzers can be tested on exact layouts without a toolchain.
export interface FakeSection {
  name: string;
  data: Buffer;
}

export interface FakeElfOptions {
  is64?: boolean;
  littleEndian?: boolean;
  sections: FakeSection[];
  /** Leave out section headers, as `sstrip` does. */
  stripSectionHeaders?: boolean;
  /** Virtual address of file offset 0. */
  base?: number;
}

/** File offset of the first section's data (sections are laid out in order, 16-aligned). */
export const firstSectionOffset = (is64: boolean): number => align((is64 ? 64 : 52) + (is64 ? 56 : 32), 16);

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

export function buildElf(o: FakeElfOptions): Buffer {
  const is64 = o.is64 ?? true;
  const le = o.littleEndian ?? true;
  const base = o.base ?? 0x400000;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;

  // Section data first (16-aligned), then the name table, then the section header table.
  let off = align(ehsize + phentsize, 16);
  const placed = o.sections.map((s) => {
    const at = off;
    off = align(off + s.data.length, 16);
    return { ...s, at };
  });
  const dataEnd = off;
  let strtab = "\0";
  const nameOff = (n: string): number => {
    const i = strtab.length;
    strtab += n + "\0";
    return i;
  };
  const secNames = placed.map((s) => nameOff(s.name));
  const shstrName = nameOff(".shstrtab");
  const strAt = off;
  off = align(off + strtab.length, 16);
  const shoff = off;
  const shnum = placed.length + 2;
  const total = o.stripSectionHeaders ? dataEnd : shoff + shnum * shentsize;

  const b = Buffer.alloc(total);
  const u16 = (v: number, at: number): void => void (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const u32 = (v: number, at: number): void => void (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const word = (v: number, at: number): void => {
    if (is64) void (le ? b.writeBigUInt64LE(BigInt(v), at) : b.writeBigUInt64BE(BigInt(v), at));
    else u32(v, at);
  };

  b.write("\x7fELF", 0, "latin1");
  b[4] = is64 ? 2 : 1;
  b[5] = le ? 1 : 2;
  b[6] = 1;
  u16(2, 16); // ET_EXEC
  u16(is64 ? 62 : 3, 18);
  u32(1, 20);
  word(base, 24); // entry
  word(ehsize, is64 ? 32 : 28); // phoff
  word(o.stripSectionHeaders ? 0 : shoff, is64 ? 40 : 32);
  const t = is64 ? 52 : 40;
  u16(ehsize, t);
  u16(phentsize, t + 2);
  u16(1, t + 4);
  u16(o.stripSectionHeaders ? 0 : shentsize, t + 6);
  u16(o.stripSectionHeaders ? 0 : shnum, t + 8);
  u16(o.stripSectionHeaders ? 0 : shnum - 1, t + 10);

  // One PT_LOAD, RW, mapping the whole file at `base`.
  const ph = ehsize;
  u32(1, ph);
  if (is64) {
    u32(6, ph + 4);
    word(0, ph + 8);
    word(base, ph + 16);
    word(base, ph + 24);
    word(dataEnd, ph + 32);
    word(dataEnd, ph + 40);
    word(16, ph + 48);
  } else {
    u32(0, ph + 4);
    u32(base, ph + 8);
    u32(base, ph + 12);
    u32(dataEnd, ph + 16);
    u32(dataEnd, ph + 20);
    u32(6, ph + 24);
    u32(16, ph + 28);
  }

  for (const s of placed) s.data.copy(b, s.at);
  if (o.stripSectionHeaders) return b;
  b.write(strtab, strAt, "latin1");
  const sh = (i: number, name: number, type: number, flags: number, addr: number, offset: number, size: number): void => {
    const at = shoff + i * shentsize;
    u32(name, at);
    u32(type, at + 4);
    if (is64) {
      word(flags, at + 8);
      word(addr, at + 16);
      word(offset, at + 24);
      word(size, at + 32);
      word(1, at + 48);
    } else {
      u32(flags, at + 8);
      u32(addr, at + 12);
      u32(offset, at + 16);
      u32(size, at + 20);
      u32(1, at + 32);
    }
  };
  placed.forEach((s, i) => sh(i + 1, secNames[i]!, 1, 3, base + s.at, s.at, s.data.length));
  sh(shnum - 1, shstrName, 3, 0, 0, strAt, strtab.length);
  return b;
}
