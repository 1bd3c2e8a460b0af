// Random-access index of an uncompressed tar file: we read only the 512-byte headers and seek
// past bodies, so opening a multi-GB `docker save` archive costs milliseconds.
//
// A gzip- or zstd-compressed archive (`docker save img | gzip > img.tar.gz`) cannot be read at random, so
// it is decompressed once into an unnamed temporary file (created in TMPDIR and unlinked at once,
// so nothing is left behind even on a crash) and indexed like any other. Only the outer wrapper
// is decompressed: image layers are still streamed, never extracted.
import { read } from "node:fs";
import { mkdtemp, open, rmdir, unlink, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { UserError } from "../errors.js";
import { detectCompression, inflate, type Compression, type LayerLimits } from "../layers/decompress.js";
import { applyMeta, foldMeta, isMeta, MAX_META_SIZE, padded, parseHeader, type MetaState } from "../layers/tar.js";
import { normalizeEntryPath } from "../layers/paths.js";

const MAX_MEMBERS = 1_000_000;

/**
 * Decompression-bomb limits for a compressed archive: image archives shrink 2-6 times under
 * gzip, so past 1 GiB, more than 50 times the compressed bytes read so far is refused.
 */
const ARCHIVE_LIMITS: LayerLimits = { maxUncompressed: 2 ** 40, maxRatio: 50, ratioFloor: 2 ** 30 };

export interface ArchiveOptions {
  /** A lower cap on the decompressed size (tests). */
  maxExpanded?: number;
}

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

  static async open(file: string, opts: ArchiveOptions = {}): Promise<TarArchive> {
    let fh: FileHandle;
    try {
      fh = await open(file, "r");
    } catch (e) {
      throw new UserError("NOT_FOUND", `${file}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new UserError("INPUT", `${file}: is a directory, not an archive`);
      let size = st.size;
      const head = Buffer.alloc(6);
      await fh.read(head, 0, 6, 0);
      const compression = detectCompression(head);
      if (compression !== "none") {
        const limits = opts.maxExpanded === undefined ? ARCHIVE_LIMITS : { ...ARCHIVE_LIMITS, maxUncompressed: opts.maxExpanded };
        const plain = await decompressToTemp(fh, compression, file, limits);
        await fh.close();
        fh = plain.fh;
        size = plain.size;
      } else {
        const other = otherCompression(head);
        if (other) throw new UserError("UNSUPPORTED", `${file}: ${other}-compressed archive; decompress it first`);
      }
      const members = await index(fh, size, file);
      return new TarArchive(file, fh, members, size);
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

  /**
   * Streams a member. Reads go through the archive's own descriptor at explicit positions, so
   * several streams can be open at once and a temporary (unlinked) file stays readable.
   */
  open(name: string): Readable {
    const m = this.member(name);
    return new RangeStream(this.fh.fd, m.offset, m.offset + m.size, this.file);
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

/** Compressions that image archives never come in and that Node cannot read. */
function otherCompression(head: Buffer): string | undefined {
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return "xz";
  if (head.subarray(0, 3).toString("latin1") === "BZh") return "bzip2";
  return undefined;
}

/**
 * The decompressed archive in an unnamed temporary file (0600), and its size. Decompression and
 * its bomb limits are the layers' own (`inflate`).
 */
async function decompressToTemp(source: FileHandle, compression: Compression, file: string, limits: LayerLimits): Promise<{ fh: FileHandle; size: number }> {
  const dir = await mkdtemp(join(tmpdir(), "bulwark-"));
  const path = join(dir, "archive.tar");
  const fh = await open(path, "wx+", 0o600);
  // Unlinked at once: the open handle keeps the data, and nothing is left behind on any exit.
  await unlink(path);
  await rmdir(dir);
  let size = 0;
  const compressed = new RangeStream(source.fd, 0, Infinity, file);
  try {
    for await (const chunk of inflate(compressed, compression, { limits, what: "archive" })) {
      for (let off = 0; off < chunk.length; ) {
        let n: number;
        try {
          ({ bytesWritten: n } = await fh.write(chunk, off, chunk.length - off, size + off));
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw new UserError("INPUT", `${file}: cannot decompress into ${tmpdir()} (${err.code ?? err.message}); set TMPDIR to a directory with room for the archive`);
        }
        off += n;
      }
      size += chunk.length;
    }
  } catch (e) {
    await fh.close();
    if (!(e instanceof UserError)) throw new UserError("INPUT", `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    if (e.code === "INPUT" && e.cause instanceof Error) throw new UserError("INPUT", `${file}: corrupt ${compression} data (${e.cause.message})`);
    if (e.code === "LIMIT") throw new UserError("LIMIT", `${file}: ${e.message}`);
    throw e;
  } finally {
    compressed.destroy();
  }
  return { fh, size };
}

/**
 * Bytes [start, end) of an open file, read with positional reads. fs.ReadStream would close the
 * shared descriptor when destroyed, even with autoClose off.
 */
class RangeStream extends Readable {
  private pos: number;

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
    private readonly file: string,
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.pos = start;
  }

  override _read(size: number): void {
    const want = Math.min(Math.max(size, 64 * 1024), this.end - this.pos);
    if (want <= 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafe(want);
    read(this.fd, buf, 0, want, this.pos, (err, n) => {
      if (err) return this.destroy(err);
      if (n === 0) {
        // The end of the file: expected only when reading to the end.
        if (this.end === Infinity) this.push(null);
        else this.destroy(new UserError("INPUT", `${this.file}: truncated archive`));
        return;
      }
      this.pos += n;
      this.push(n < want ? buf.subarray(0, n) : buf);
    });
  }
}
