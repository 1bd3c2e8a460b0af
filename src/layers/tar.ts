// A pull-based tar reader. We keep our own (rather than tar-stream) because we need two things
// it does not offer: skipping unwanted bodies without pushing them through a stream per entry,
// and indexing an archive file by seeking (see ../image/archive.ts). Both share parseHeader.
import { UserError } from "../errors.js";

export type TarEntryType = "file" | "dir" | "symlink" | "hardlink" | "other";

export interface TarHeader {
  path: string;
  type: TarEntryType;
  size: number;
  mode: number;
  linkname: string;
  /** Raw type flag, for meta entries (pax 'x'/'g', GNU 'L'/'K'). */
  flag: string;
}

const BLOCK = 512;
/** Pax and GNU long-name records larger than this are hostile. */
export const MAX_META_SIZE = 1 << 20;

function cstring(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString("utf8", start, end === -1 || end > start + len ? start + len : end);
}

function octal(buf: Buffer, start: number, len: number): number {
  // GNU base-256 for values that do not fit in octal (sizes ≥ 8 GiB).
  if ((buf[start]! & 0x80) !== 0) {
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + buf[i]!;
    return v;
  }
  const s = cstring(buf, start, len).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

export function isZeroBlock(buf: Buffer, offset = 0): boolean {
  for (let i = offset; i < offset + BLOCK; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Parses one 512-byte header block. Returns null for a zero block; throws on a corrupt header. */
export function parseHeader(block: Buffer, offset = 0): TarHeader | null {
  if (block.length - offset < BLOCK) throw new UserError("INPUT", "truncated tar header");
  if (isZeroBlock(block, offset)) return null;
  const stored = octal(block, offset + 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[offset + i]!;
  if (stored !== sum) throw new UserError("INPUT", "not a tar archive (bad header checksum)");
  const flag = String.fromCharCode(block[offset + 156]!);
  let name = cstring(block, offset, 100);
  const magic = block.toString("latin1", offset + 257, offset + 262);
  if (magic === "ustar") {
    const prefix = cstring(block, offset + 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const size = octal(block, offset + 124, 12);
  const mode = octal(block, offset + 100, 8);
  if (!Number.isSafeInteger(size) || size < 0) throw new UserError("INPUT", "corrupt tar header (bad size)");
  return {
    path: name,
    type: typeOf(flag, name),
    size: flag === "1" || flag === "2" || flag === "5" ? 0 : size,
    mode: Number.isNaN(mode) ? 0 : mode,
    linkname: cstring(block, offset + 157, 100),
    flag,
  };
}

function typeOf(flag: string, name: string): TarEntryType {
  switch (flag) {
    case "0":
    case "\0":
    case "7":
      return name.endsWith("/") ? "dir" : "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "5":
      return "dir";
    default:
      return "other";
  }
}

/** Parses pax extended header records ("LEN key=value\n"). */
export function parsePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < buf.length) {
    const sp = buf.indexOf(0x20, pos);
    if (sp === -1) break;
    const len = parseInt(buf.toString("latin1", pos, sp), 10);
    if (!Number.isSafeInteger(len) || len <= sp - pos || pos + len > buf.length) break;
    const rec = buf.toString("utf8", sp + 1, pos + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Applies pending long-name/pax overrides to a real entry's header. */
export function applyMeta(h: TarHeader, meta: { path?: string; linkname?: string; size?: number }): TarHeader {
  const out = { ...h };
  if (meta.path !== undefined) out.path = meta.path;
  if (meta.linkname !== undefined) out.linkname = meta.linkname;
  if (meta.size !== undefined && out.type === "file") out.size = meta.size;
  if (meta.path !== undefined) out.type = typeOf(h.flag, out.path);
  return out;
}

export const padded = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

export interface MetaState {
  path?: string;
  linkname?: string;
  size?: number;
}

/** Folds a meta entry (pax 'x', GNU 'L'/'K') into the pending state; 'g' global headers are ignored. */
export function foldMeta(h: TarHeader, body: Buffer, state: MetaState): void {
  if (h.flag === "L") state.path = cstring(body, 0, body.length);
  else if (h.flag === "K") state.linkname = cstring(body, 0, body.length);
  else if (h.flag === "x") {
    const pax = parsePax(body);
    if (pax.path !== undefined) state.path = pax.path;
    if (pax.linkpath !== undefined) state.linkname = pax.linkpath;
    if (pax.size !== undefined) {
      const n = Number(pax.size);
      if (Number.isSafeInteger(n) && n >= 0) state.size = n;
    }
  }
}

export const isMeta = (flag: string): boolean => flag === "L" || flag === "K" || flag === "x" || flag === "g";

/** Reads exact byte counts from an async chunk source without copying where it can. */
export class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private done = false;
  private readonly it: AsyncIterator<Buffer>;
  /** Total bytes consumed so far. */
  position = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    const c = r.value;
    if (c.length > 0) {
      this.chunks.push(c);
      this.buffered += c.length;
    }
    return true;
  }

  /** Returns exactly n bytes, or fewer at end of input. */
  async read(n: number): Promise<Buffer> {
    while (this.buffered < n && (await this.fill()));
    const take = Math.min(n, this.buffered);
    let out: Buffer;
    const first = this.chunks[0];
    if (first && first.length >= take) {
      out = first.subarray(0, take);
      if (first.length === take) this.chunks.shift();
      else this.chunks[0] = first.subarray(take);
    } else {
      out = Buffer.allocUnsafe(take);
      let off = 0;
      while (off < take) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, take - off);
        c.copy(out, off, 0, k);
        off += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= take;
    this.position += take;
    return out;
  }

  /** Yields the next n bytes chunk by chunk (for streaming a body). */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0 && !(await this.fill())) throw truncated();
      const c = this.chunks[0]!;
      const k = Math.min(c.length, left);
      const piece = c.subarray(0, k);
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
      this.buffered -= k;
      this.position += k;
      left -= k;
      yield piece;
    }
  }

  /** Skips n bytes; returns false if input ended first. */
  async skip(n: number): Promise<boolean> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0 && !(await this.fill())) return false;
      const c = this.chunks[0]!;
      if (c.length <= left) {
        this.chunks.shift();
        left -= c.length;
        this.buffered -= c.length;
        this.position += c.length;
      } else {
        this.chunks[0] = c.subarray(left);
        this.buffered -= left;
        this.position += left;
        left = 0;
      }
    }
    return true;
  }

  /** Drains the rest of the source (so hashes over the whole stream complete). */
  async drain(): Promise<void> {
    this.chunks = [];
    this.buffered = 0;
    while (await this.fill()) {
      this.chunks = [];
      this.buffered = 0;
    }
  }
}

const truncated = (): UserError => new UserError("INPUT", "truncated tar archive");

export interface TarEntry extends TarHeader {
  /** Reads the whole body (callers check `size` against their cap first). */
  read(): Promise<Buffer>;
  /**
   * Reads the whole body like `read`, but a small body may be a view into a large decompressed
   * chunk: for callers that copy it at once and keep nothing (keeping it pins the chunk).
   */
  readView(): Promise<Buffer>;
  /** Streams the body. */
  stream(): AsyncGenerator<Buffer>;
}

/**
 * How a tar stream ended. "marker": the two zero blocks of the format. The others are accepted
 * with a note, as Go's archive/tar (so containerd, Trivy and Syft) accepts them:
 * - "unpadded": right after the last entry's body, without the rest of its 512-byte block and
 *   without zero blocks. Debian's umoci 0.4.7 writes layers like this (its tar writer is never
 *   closed, so the last padding and the end marker are never written); GNU tar lists such a
 *   layer and then fails with "Unexpected EOF in archive".
 * - "no-marker": after the last entry's padded body (umoci again, when the last entry has no body
 *   or one of a whole number of blocks).
 * - "one-zero-block": only the first of the two zero blocks (GNU tar: "A lone zero block").
 */
export type TarEnd = "marker" | "unpadded" | "no-marker" | "one-zero-block";

/** Filled in by readTar once the stream is done. */
export interface TarReadStatus {
  end?: TarEnd;
  /** Entries read (meta entries such as pax headers not counted). */
  entries: number;
}

const END_NOTES: Record<Exclude<TarEnd, "marker">, string> = {
  unpadded: "the last entry's padding and both zero blocks missing",
  "no-marker": "no zero blocks after the last entry",
  "one-zero-block": "one zero block of the two",
};

/** The note for a layer whose tar stream has no complete end-of-archive marker, or undefined. */
export function tarEndNote(status: TarReadStatus): string | undefined {
  if (status.end === undefined || status.end === "marker") return undefined;
  return `tar stream ends without the end-of-archive marker (${END_NOTES[status.end]}); read ${status.entries} entries`;
}

/**
 * Iterates the entries of a tar stream. An entry's body must be consumed (read/stream) before
 * asking for the next entry, or it is skipped automatically.
 *
 * The stream may end after the last entry's complete body without the rest of the archive (its
 * padding, the end-of-archive marker; see TarEnd, which the caller learns from `status`), but not
 * inside a header, a body or a zero block, nor after an extended header (pax, GNU long name) whose
 * entry is missing: those are "truncated tar archive".
 */
export async function* readTar(source: AsyncIterable<Buffer>, status: TarReadStatus = { entries: 0 }): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source);
  let meta: MetaState = {};
  let pendingMeta = false;
  let zeroBlocks = 0;
  let end: TarEnd = "marker";
  for (;;) {
    const block = await r.read(BLOCK);
    if (block.length === 0) {
      // End of input on a block boundary: tolerated after a complete entry, as Go's reader does.
      if (pendingMeta) throw truncated();
      end = zeroBlocks === 0 ? "no-marker" : "one-zero-block";
      break;
    }
    if (block.length < BLOCK) throw truncated();
    const raw = parseHeader(block);
    if (raw === null) {
      if (++zeroBlocks === 2) break;
      continue;
    }
    zeroBlocks = 0;
    const bodyStart = r.position;
    if (isMeta(raw.flag)) {
      if (raw.size > MAX_META_SIZE) throw new UserError("LIMIT", `tar extended header too large (${raw.size} bytes)`);
      const body = await r.read(padded(raw.size));
      if (body.length < padded(raw.size)) throw truncated();
      foldMeta(raw, body.subarray(0, raw.size), meta);
      pendingMeta = true;
      continue;
    }
    const h = applyMeta(raw, meta);
    meta = {};
    pendingMeta = false;
    status.entries++;
    let consumed = false;
    const entry: TarEntry = {
      ...h,
      readView: async () => {
        consumed = true;
        const b = await r.read(h.size);
        if (b.length < h.size) throw truncated();
        return b;
      },
      read: async () => {
        const b = await entry.readView();
        // A small body is usually a view into a large decompressed chunk: copy it so keeping
        // the file does not keep the whole chunk alive.
        return b.buffer.byteLength > 2 * b.length + 4096 ? Buffer.from(b) : b;
      },
      stream: () => {
        consumed = true;
        return r.stream(h.size);
      },
    };
    yield entry;
    // Skip whatever the consumer left of the body, plus padding. Input may end in the padding
    // of a complete body.
    const bodyEnd = bodyStart + padded(h.size);
    if (!consumed || r.position < bodyEnd) {
      if (!(await r.skip(bodyEnd - r.position))) {
        if (r.position < bodyStart + h.size) throw truncated();
        end = "unpadded";
        break;
      }
    }
  }
  // Read to the end (so hashes over the whole stream complete and a digest mismatch surfaces
  // here) before saying how the archive ended.
  await r.drain();
  status.end = end;
}
