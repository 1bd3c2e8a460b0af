// Parser for rpm header blobs as the rpm database stores them (all three backends store the
// same blob): big-endian `il` (index count) and `dl` (data length), `il` 16-byte index entries
// (tag, type, offset, count), then `dl` bytes of data. Reference: rpm's doc/manual/format.md.
//
// Every read is bounds-checked against the data store; only the entries we actually read are
// decoded, so a damaged entry we do not need does not cost us the package.

export class HeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HeaderError";
  }
}

export const TAG = {
  // Region tags: the immutable region of a header (63) and the older image/signature variants.
  HEADERIMAGE: 61,
  HEADERSIGNATURES: 62,
  HEADERIMMUTABLE: 63,
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGSIZE: 5009,
  MODULARITYLABEL: 5096,
} as const;

const TYPE = {
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

/** rpm refuses headers beyond these (hdrchkTags / hdrchkData); so do we. */
const MAX_INDEX_ENTRIES = 0xffff;
const MAX_DATA_LENGTH = 0x0fffffff;

/** The 8-byte magic that precedes a header in .rpm files; database blobs normally lack it. */
const HEADER_MAGIC = Buffer.from([0x8e, 0xad, 0xe8, 0x01]);

interface Entry {
  type: number;
  offset: number;
  count: number;
}

export class Header {
  private readonly entries = new Map<number, Entry>();
  private readonly data: Buffer;

  constructor(blob: Buffer) {
    let b = blob;
    if (b.length >= 16 && b.subarray(0, 4).equals(HEADER_MAGIC)) b = b.subarray(8);
    if (b.length < 8) throw new HeaderError(`header blob too short (${b.length} bytes)`);
    const il = b.readUInt32BE(0);
    const dl = b.readUInt32BE(4);
    if (il === 0 || il > MAX_INDEX_ENTRIES) throw new HeaderError(`implausible index count ${il}`);
    if (dl > MAX_DATA_LENGTH) throw new HeaderError(`implausible data length ${dl}`);
    const dataStart = 8 + il * 16;
    if (dataStart + dl > b.length) {
      throw new HeaderError(`header truncated: needs ${dataStart + dl} bytes, blob has ${b.length}`);
    }
    this.data = b.subarray(dataStart, dataStart + dl);
    for (let i = 0; i < il; i++) {
      const at = 8 + i * 16;
      const tag = b.readInt32BE(at);
      // Region entries only describe which entries were signed; entries added at install time
      // ("dribbles") come after the region and replace same-tag entries in it, which the
      // last-one-wins map below gives us for free.
      if (tag === TAG.HEADERIMMUTABLE || tag === TAG.HEADERIMAGE || tag === TAG.HEADERSIGNATURES) continue;
      this.entries.set(tag, {
        type: b.readUInt32BE(at + 4),
        offset: b.readInt32BE(at + 8),
        count: b.readUInt32BE(at + 12),
      });
    }
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** A STRING, or the first (untranslated) value of an I18NSTRING / STRING_ARRAY. */
  string(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== TYPE.STRING && e.type !== TYPE.I18NSTRING && e.type !== TYPE.STRING_ARRAY) {
      throw new HeaderError(`tag ${tag}: expected a string, found type ${e.type}`);
    }
    return this.readStrings(tag, e, 1)[0];
  }

  strings(tag: number): string[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== TYPE.STRING_ARRAY && e.type !== TYPE.I18NSTRING && e.type !== TYPE.STRING) {
      throw new HeaderError(`tag ${tag}: expected a string array, found type ${e.type}`);
    }
    return this.readStrings(tag, e, e.type === TYPE.STRING ? 1 : e.count);
  }

  int32s(tag: number): number[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== TYPE.INT32) throw new HeaderError(`tag ${tag}: expected INT32, found type ${e.type}`);
    this.checkSpan(tag, e, 4);
    const out = new Array<number>(e.count);
    for (let i = 0; i < e.count; i++) out[i] = this.data.readUInt32BE(e.offset + i * 4);
    return out;
  }

  int32(tag: number): number | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== TYPE.INT32) throw new HeaderError(`tag ${tag}: expected INT32, found type ${e.type}`);
    if (e.count < 1) throw new HeaderError(`tag ${tag}: empty INT32`);
    this.checkSpan(tag, { ...e, count: 1 }, 4);
    return this.data.readUInt32BE(e.offset);
  }

  /** First INT64 value; as a string so values beyond 2^53 survive. */
  int64(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== TYPE.INT64) throw new HeaderError(`tag ${tag}: expected INT64, found type ${e.type}`);
    if (e.count < 1) throw new HeaderError(`tag ${tag}: empty INT64`);
    this.checkSpan(tag, { ...e, count: 1 }, 8);
    return this.data.readBigUInt64BE(e.offset).toString();
  }

  private checkSpan(tag: number, e: Entry, size: number): void {
    if (e.offset < 0 || e.offset > this.data.length || e.count > (this.data.length - e.offset) / size) {
      throw new HeaderError(`tag ${tag}: ${e.count} values at offset ${e.offset} overrun the ${this.data.length}-byte data`);
    }
  }

  /** `count` NUL-terminated strings from the entry's offset, never reading past the data store. */
  private readStrings(tag: number, e: Entry, count: number): string[] {
    const data = this.data;
    if (e.offset < 0 || e.offset >= data.length) {
      throw new HeaderError(`tag ${tag}: offset ${e.offset} outside the ${data.length}-byte data`);
    }
    // Each string takes at least its NUL, so a count larger than the bytes left is a lie.
    if (count > data.length - e.offset) {
      throw new HeaderError(`tag ${tag}: ${count} strings cannot fit in ${data.length - e.offset} bytes`);
    }
    const out = new Array<string>(count);
    let pos = e.offset;
    for (let i = 0; i < count; i++) {
      const end = data.indexOf(0, pos);
      if (end < 0) throw new HeaderError(`tag ${tag}: unterminated string at offset ${pos}`);
      out[i] = data.toString("utf8", pos, end);
      pos = end + 1;
    }
    return out;
  }
}

/** The fields of one installed package that the analyzer reports. */
export interface RpmHeaderInfo {
  name: string;
  version: string;
  release: string;
  /** Present only when the header carries an EPOCH tag (which may be 0). */
  epoch?: number;
  arch?: string;
  sourceRpm?: string;
  license?: string;
  vendor?: string;
  summary?: string;
  /** Installed size in bytes, as a decimal string. */
  size?: string;
  modularityLabel?: string;
  files: string[];
  /** Set when the file list was inconsistent and had to be dropped. */
  fileListError?: string;
}

export function readPackageHeader(blob: Buffer): RpmHeaderInfo {
  const h = new Header(blob);
  const name = h.string(TAG.NAME);
  const version = h.string(TAG.VERSION);
  const release = h.string(TAG.RELEASE);
  if (!name) throw new HeaderError("missing NAME");
  if (version === undefined) throw new HeaderError(`${name}: missing VERSION`);
  if (release === undefined) throw new HeaderError(`${name}: missing RELEASE`);

  const info: RpmHeaderInfo = { name, version, release, files: [] };
  const epoch = h.int32(TAG.EPOCH);
  if (epoch !== undefined) info.epoch = epoch;
  setIf(info, "arch", optional(() => h.string(TAG.ARCH)));
  setIf(info, "sourceRpm", optional(() => h.string(TAG.SOURCERPM)));
  setIf(info, "license", optional(() => h.string(TAG.LICENSE)));
  setIf(info, "vendor", optional(() => h.string(TAG.VENDOR)));
  setIf(info, "summary", optional(() => h.string(TAG.SUMMARY)));
  setIf(info, "modularityLabel", optional(() => h.string(TAG.MODULARITYLABEL)));
  const size = optional(() => h.int32(TAG.SIZE)?.toString() ?? h.int64(TAG.LONGSIZE));
  setIf(info, "size", size);

  try {
    info.files = fileList(h);
  } catch (e) {
    info.fileListError = e instanceof Error ? e.message : String(e);
  }
  return info;
}

/** DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]; very old headers list OLDFILENAMES instead. */
function fileList(h: Header): string[] {
  const basenames = h.strings(TAG.BASENAMES);
  if (!basenames) return h.strings(TAG.OLDFILENAMES) ?? [];
  const dirindexes = h.int32s(TAG.DIRINDEXES) ?? [];
  const dirnames = h.strings(TAG.DIRNAMES) ?? [];
  if (dirindexes.length !== basenames.length) {
    throw new HeaderError(`${basenames.length} BASENAMES but ${dirindexes.length} DIRINDEXES`);
  }
  const files = new Array<string>(basenames.length);
  for (let i = 0; i < basenames.length; i++) {
    const dir = dirnames[dirindexes[i] ?? -1];
    if (dir === undefined) throw new HeaderError(`DIRINDEXES[${i}] = ${dirindexes[i]} is not a DIRNAMES index`);
    files[i] = dir + basenames[i];
  }
  return files;
}

/** Secondary fields: a damaged one is dropped rather than costing the whole package. */
function optional<T>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function setIf<K extends keyof RpmHeaderInfo>(info: RpmHeaderInfo, key: K, value: RpmHeaderInfo[K] | undefined): void {
  if (value !== undefined && value !== "") info[key] = value;
}
