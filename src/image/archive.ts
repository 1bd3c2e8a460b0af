// Random-access index of an uncompressed tar file: we read only the 512-byte headers and seek
// past bodies, so opening a multi-GB `docker save` archive costs milliseconds.
import { createReadStream, type ReadStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { UserError } from "../errors.js";
import { applyMeta, foldMeta, isMeta, MAX_META_SIZE, padded, parseHeader, type MetaState } from "../layers/tar.js";
import { normalizeEntryPath } from "../layers/paths.js";

const MAX_MEMBERS = 1_000_000;

interface Member {
  offset: number;
  size: number;
}

export class TarArchive {
  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
    private readonly members: Map<string, Member>,
    private readonly fileSize: number,
  ) {}

  static async open(file: string): Promise<TarArchive> {
    let fh: FileHandle;
    try {
      fh = await open(file, "r");
    } catch (e) {
      throw new UserError("NOT_FOUND", `${file}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new UserError("INPUT", `${file}: is a directory, not an archive`);
      const members = await index(fh, st.size, file);
      return new TarArchive(file, fh, members, st.size);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  has(name: string): boolean {
    return this.members.has(normalizeEntryPath(name).path);
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  size(name: string): number | undefined {
    return this.members.get(normalizeEntryPath(name).path)?.size;
  }

  /** Reads a whole member, refusing members larger than `max`. */
  async read(name: string, max: number): Promise<Buffer> {
    const m = this.member(name);
    if (m.size > max) throw new UserError("LIMIT", `${this.file}: member ${name} is too large (${m.size} bytes)`);
    const buf = Buffer.alloc(m.size);
    const { bytesRead } = await this.fh.read(buf, 0, m.size, m.offset);
    if (bytesRead < m.size) throw new UserError("INPUT", `${this.file}: truncated archive (member ${name})`);
    return buf;
  }

  open(name: string): ReadStream {
    const m = this.member(name);
    return createReadStream(this.file, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 256 * 1024, emitClose: true, ...(m.size === 0 ? { end: m.offset - 1 } : {}) });
  }

  private member(name: string): Member {
    const m = this.members.get(normalizeEntryPath(name).path);
    if (!m) throw new UserError("INPUT", `${this.file}: archive has no member "${name}"`);
    if (m.offset + m.size > this.fileSize) throw new UserError("INPUT", `${this.file}: truncated archive (member ${name})`);
    return m;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

async function index(fh: FileHandle, fileSize: number, file: string): Promise<Map<string, Member>> {
  const members = new Map<string, Member>();
  const block = Buffer.alloc(512);
  let pos = 0;
  let meta: MetaState = {};
  const head = Buffer.alloc(4);
  await fh.read(head, 0, 4, 0);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new UserError("UNSUPPORTED", `${file}: gzip-compressed archive; decompress it first (gunzip)`);
  }
  while (pos + 512 <= fileSize) {
    await fh.read(block, 0, 512, pos);
    let h;
    try {
      h = parseHeader(block);
    } catch (e) {
      throw new UserError("INPUT", `${file}: not a valid tar archive at offset ${pos} (${(e as Error).message})`);
    }
    if (h === null) break;
    const body = pos + 512;
    let advance = h.size;
    if (isMeta(h.flag)) {
      if (h.size > MAX_META_SIZE) throw new UserError("LIMIT", `${file}: tar extended header too large`);
      const buf = Buffer.alloc(h.size);
      await fh.read(buf, 0, h.size, body);
      foldMeta(h, buf, meta);
    } else {
      const e = applyMeta(h, meta);
      meta = {};
      advance = e.size;
      if (e.type === "file") {
        if (members.size >= MAX_MEMBERS) throw new UserError("LIMIT", `${file}: too many archive members`);
        members.set(normalizeEntryPath(e.path).path, { offset: body, size: e.size });
      }
    }
    pos = body + padded(advance);
  }
  if (members.size === 0) throw new UserError("INPUT", `${file}: not a tar archive, or an empty one`);
  return members;
}
