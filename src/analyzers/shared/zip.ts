// Promise helpers over yauzl with the limits every read here obeys. Entry names are kept as
// raw strings (yauzl's name validation is off): `../x` or `/etc/x` is just a name to us, and
// we never create files from entry names.
import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";

export type Zip = yauzl.ZipFile;
export type ZipEntry = yauzl.Entry;

const OPTIONS: yauzl.Options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };

export function openFile(path: string): Promise<Zip> {
  return yauzl.openPromise(path, OPTIONS);
}

export function openBuffer(buf: Buffer): Promise<Zip> {
  return yauzl.fromBufferPromise(buf, OPTIONS);
}

/** The entry name as text: UTF-8 when flagged, else Latin-1; control characters made visible. */
export function entryName(e: ZipEntry): string {
  const raw = e.fileName as unknown as Buffer | string;
  const s = typeof raw === "string" ? raw : (e.generalPurposeBitFlag & 0x800) !== 0 ? raw.toString("utf8") : raw.toString("latin1");
  return s.replace(/[\x00-\x1f\x7f]/g, "?");
}

/** Calls `visit` for every entry, in central-directory order. */
export function forEachEntry(zip: Zip, visit: (e: ZipEntry) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    zip.on("entry", (e: ZipEntry) => {
      try {
        visit(e);
        zip.readEntry();
      } catch (err) {
        reject(err as Error);
      }
    });
    zip.once("end", () => resolve());
    zip.once("error", reject);
    zip.readEntry();
  });
}

/** Counts bytes through a stream and fails once more than `cap` pass. */
function capped(cap: number, what: string): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > cap) cb(new Error(`${what} inflates past ${cap} bytes`));
      else cb(null, chunk);
    },
  });
}

async function stream(zip: Zip, e: ZipEntry): Promise<Readable> {
  return zip.openReadStreamPromise(e);
}

/** Reads one entry into memory; `cap` bounds it whatever the headers claim. */
export async function readEntry(zip: Zip, e: ZipEntry, cap: number): Promise<Buffer> {
  const name = entryName(e);
  if (e.uncompressedSize > cap) throw new Error(`${name}: ${e.uncompressedSize} bytes, over the ${cap}-byte limit`);
  const chunks: Buffer[] = [];
  let n = 0;
  // pipeline, not pipe: an inflate error in the source must reject, not stall the reader.
  await pipeline(await stream(zip, e), capped(cap, name), async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) {
      chunks.push(c);
      n += c.length;
    }
  });
  return Buffer.concat(chunks, n);
}

/** Entries walked at most while looking for one member: a huge central directory costs no more. */
const MAX_SCANNED = 200_000;

/**
 * One named member of a zip (a file on disk, or bytes), or null when it has none; capped at
 * `maxBytes`. Throws on a bad archive or an oversized member.
 */
export async function readZipMember(source: { localPath?: string; content: Buffer }, member: string, maxBytes: number): Promise<Buffer | null> {
  let zip: Zip;
  try {
    zip = await (source.localPath ? openFile(source.localPath) : openBuffer(source.content));
  } catch (e) {
    throw new Error(`not a zip archive: ${(e as Error).message}`);
  }
  try {
    const entry = await new Promise<ZipEntry | null>((resolve, reject) => {
      let seen = 0;
      zip.on("entry", (e: ZipEntry) => {
        if (entryName(e) === member) return resolve(e);
        if (++seen >= MAX_SCANNED) return reject(new Error(`zip archive has more than ${MAX_SCANNED} entries`));
        zip.readEntry();
      });
      zip.once("end", () => resolve(null));
      zip.once("error", (e: Error) => reject(new Error(`corrupt zip archive: ${e.message}`)));
      zip.readEntry();
    });
    return entry ? await readEntry(zip, entry, maxBytes) : null;
  } finally {
    zip.close();
  }
}

/** Writes one entry to `dest` (a file in a temp dir we own). */
export async function spoolEntry(zip: Zip, e: ZipEntry, dest: string, cap: number): Promise<void> {
  await pipeline(await stream(zip, e), capped(cap, entryName(e)), createWriteStream(dest, { mode: 0o600 }));
}
