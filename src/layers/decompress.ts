// Turns a layer blob (gzip, zstd or plain tar) into a stream of tar bytes, hashing what it reads
// so the blob is verified against its digest, and refusing decompression bombs.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress as ZstdDecompress } from "fzstd";
import { UserError } from "../errors.js";

export type Compression = "gzip" | "zstd" | "none";

export interface LayerLimits {
  /** Most uncompressed bytes one layer may expand to. */
  maxUncompressed: number;
  /** Past `ratioFloor` uncompressed bytes, the most expansion per compressed byte. */
  maxRatio: number;
  ratioFloor: number;
}

export const DEFAULT_LIMITS: LayerLimits = {
  maxUncompressed: 32 * 2 ** 30,
  maxRatio: 1000,
  ratioFloor: 512 * 2 ** 20,
};

export interface LayerCheck {
  /** Expected digest of the blob as stored. */
  digest?: string;
  /** Expected digest of the uncompressed tar: checked when the blob is not compressed. */
  diffId?: string;
  limits?: LayerLimits;
}

export interface LayerStreamResult {
  compression: Compression;
  /** sha256 of the stored blob, set once the stream is fully read. */
  digest: string;
  uncompressedBytes: number;
}

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return "zstd";
  return "none";
}

/**
 * Returns the tar bytes of a layer blob. `result` is filled in as the stream is consumed; the
 * digest comparison happens at the end of the stream and throws DIGEST_MISMATCH.
 */
export function layerTarStream(blob: AsyncIterable<Buffer>, check: LayerCheck, result: LayerStreamResult): AsyncGenerator<Buffer> {
  return run(blob, check, result);
}

async function* run(blob: AsyncIterable<Buffer>, check: LayerCheck, result: LayerStreamResult): AsyncGenerator<Buffer> {
  const limits = check.limits ?? DEFAULT_LIMITS;
  const hash = createHash("sha256");
  const it = blob[Symbol.asyncIterator]();
  let compressedBytes = 0;
  // Peek enough bytes for the magic numbers.
  const head: Buffer[] = [];
  let headLen = 0;
  while (headLen < 4) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
    headLen += r.value.length;
  }
  const first = Buffer.concat(head);
  const compression = detectCompression(first);
  result.compression = compression;

  async function* hashed(): AsyncGenerator<Buffer> {
    if (first.length) {
      hash.update(first);
      compressedBytes += first.length;
      yield first;
    }
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      hash.update(r.value);
      compressedBytes += r.value.length;
      yield r.value;
    }
  }

  let out = 0;
  const account = (n: number): void => {
    out += n;
    result.uncompressedBytes = out;
    if (out > limits.maxUncompressed) {
      throw new UserError("LIMIT", `layer expands beyond ${limits.maxUncompressed} bytes (decompression bomb?)`);
    }
    if (compression !== "none" && out > limits.ratioFloor && out > compressedBytes * limits.maxRatio) {
      throw new UserError("LIMIT", `layer expands more than ${limits.maxRatio}x (decompression bomb?)`);
    }
  };

  if (compression === "none") {
    for await (const c of hashed()) {
      account(c.length);
      yield c;
    }
  } else if (compression === "gzip") {
    const src = Readable.from(hashed(), { objectMode: false });
    const gunzip = createGunzip({ chunkSize: 128 * 1024 });
    src.on("error", (e) => gunzip.destroy(e));
    src.pipe(gunzip);
    try {
      for await (const c of gunzip as AsyncIterable<Buffer>) {
        account(c.length);
        yield c;
      }
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError("INPUT", `corrupt gzip layer: ${(e as Error).message}`, { cause: e });
    } finally {
      src.destroy();
      gunzip.destroy();
    }
  } else {
    yield* zstd(hashed(), account);
  }

  result.digest = "sha256:" + hash.digest("hex");
  if (check.digest && check.digest.startsWith("sha256:") && check.digest !== result.digest) {
    throw new UserError("DIGEST_MISMATCH", `layer digest mismatch: expected ${check.digest}, got ${result.digest}`);
  }
  if (compression === "none" && check.diffId && check.diffId !== result.digest) {
    throw new UserError("DIGEST_MISMATCH", `layer diffID mismatch: expected ${check.diffId}, got ${result.digest}`);
  }
}

const MAX_PENDING = 256 * 2 ** 20;

async function* zstd(src: AsyncIterable<Buffer>, account: (n: number) => void): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // Accounting happens as blocks come out, so one small input chunk cannot balloon in memory.
  const d = new ZstdDecompress((chunk) => {
    account(chunk.byteLength);
    pendingBytes += chunk.byteLength;
    if (pendingBytes > MAX_PENDING) throw new UserError("LIMIT", "zstd chunk expands too far (decompression bomb?)");
    pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  const flush = function* (): Generator<Buffer> {
    const out = pending;
    pending = [];
    pendingBytes = 0;
    yield* out;
  };
  try {
    for await (const c of src) {
      d.push(c);
      yield* flush();
    }
    d.push(new Uint8Array(0), true);
    yield* flush();
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError("INPUT", `corrupt zstd layer: ${(e as Error).message}`, { cause: e });
  }
}
