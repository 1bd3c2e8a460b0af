// Minimal zip writer for tests and the bench (no zip CLI needed): stored or deflated entries,
// no zip64, so at most 65,535 entries and 4 GiB.
import { closeSync, openSync, writeSync } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";

interface Central {
  name: Buffer;
  crc: number;
  method: number;
  csize: number;
  size: number;
  offset: number;
}

export class ZipWriter {
  private readonly fd: number;
  private offset = 0;
  private readonly entries: Central[] = [];

  constructor(
    path: string,
    private readonly deflate = false,
  ) {
    this.fd = openSync(path, "w");
  }

  add(name: string, data: Buffer | string): void {
    if (this.entries.length === 0xffff) throw new Error("ZipWriter: too many entries (no zip64)");
    const raw = typeof data === "string" ? Buffer.from(data) : data;
    const body = this.deflate ? deflateRawSync(raw) : raw;
    const e: Central = { name: Buffer.from(name), crc: crc32(raw), method: this.deflate ? 8 : 0, csize: body.length, size: raw.length, offset: this.offset };
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4); // version needed
    h.writeUInt16LE(0x0800, 6); // UTF-8 names
    h.writeUInt16LE(e.method, 8);
    h.writeUInt16LE(0, 10); // time
    h.writeUInt16LE(0x21, 12); // date: 1980-01-01
    h.writeUInt32LE(e.crc, 14);
    h.writeUInt32LE(e.csize, 18);
    h.writeUInt32LE(e.size, 22);
    h.writeUInt16LE(e.name.length, 26);
    h.writeUInt16LE(0, 28);
    this.write(h);
    this.write(e.name);
    this.write(body);
    this.entries.push(e);
  }

  close(): void {
    const start = this.offset;
    for (const e of this.entries) {
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4); // made by
      c.writeUInt16LE(20, 6); // needed
      c.writeUInt16LE(0x0800, 8);
      c.writeUInt16LE(e.method, 10);
      c.writeUInt16LE(0, 12);
      c.writeUInt16LE(0x21, 14);
      c.writeUInt32LE(e.crc, 16);
      c.writeUInt32LE(e.csize, 20);
      c.writeUInt32LE(e.size, 24);
      c.writeUInt16LE(e.name.length, 28);
      // extra, comment, disk, internal attrs, external attrs: all zero
      c.writeUInt32LE(e.offset, 42);
      this.write(c);
      this.write(e.name);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.write(end);
    closeSync(this.fd);
  }

  private write(b: Buffer): void {
    writeSync(this.fd, b);
    this.offset += b.length;
  }
}

/** Writes `files` (name → content) as a zip at `path`. */
export function writeZip(path: string, files: Iterable<[string, Buffer | string]>, deflate = false): void {
  const z = new ZipWriter(path, deflate);
  for (const [n, d] of files) z.add(n, d);
  z.close();
}
