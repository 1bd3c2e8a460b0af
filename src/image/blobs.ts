// Where an OCI layout keeps its blobs: a directory or a tar archive of one.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { UserError } from "../errors.js";
import type { TarArchive } from "./archive.js";

export interface BlobStore {
  /** Human name for errors. */
  name: string;
  readFile(path: string, max: number): Promise<Buffer>;
  hasFile(path: string): Promise<boolean>;
  openFile(path: string): Promise<Readable>;
}

const DIGEST_RE = /^(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})$/;

export function blobPath(digest: string): string {
  const m = DIGEST_RE.exec(digest);
  if (!m) throw new UserError("INPUT", `invalid digest "${digest}"`);
  return `blobs/${m[1]}/${m[2]}`;
}

/** Reads a small blob (manifest, config) and checks it against its digest. */
export async function readVerifiedBlob(store: BlobStore, digest: string, max: number): Promise<Buffer> {
  const path = blobPath(digest);
  const buf = await store.readFile(path, max);
  const [alg] = digest.split(":") as [string];
  const got = `${alg}:${createHash(alg).update(buf).digest("hex")}`;
  if (got !== digest) throw new UserError("DIGEST_MISMATCH", `${store.name}: blob ${digest} does not match its digest (got ${got})`);
  return buf;
}

export function dirStore(dir: string): BlobStore {
  return {
    name: dir,
    async readFile(path, max) {
      const full = join(dir, path);
      let size: number;
      try {
        size = (await stat(full)).size;
      } catch {
        throw new UserError("INPUT", `${dir}: missing ${path}`);
      }
      if (size > max) throw new UserError("LIMIT", `${dir}: ${path} is too large (${size} bytes)`);
      return readFile(full);
    },
    async hasFile(path) {
      try {
        return (await stat(join(dir, path))).isFile();
      } catch {
        return false;
      }
    },
    async openFile(path) {
      const full = join(dir, path);
      if (!(await this.hasFile(path))) throw new UserError("INPUT", `${dir}: missing ${path}`);
      return createReadStream(full, { highWaterMark: 256 * 1024 });
    },
  };
}

export function archiveStore(archive: TarArchive): BlobStore {
  return {
    name: archive.file,
    async readFile(path, max) {
      if (!archive.has(path)) throw new UserError("INPUT", `${archive.file}: archive has no ${path}`);
      return archive.read(path, max);
    },
    async hasFile(path) {
      return archive.has(path);
    },
    async openFile(path) {
      if (!archive.has(path)) throw new UserError("INPUT", `${archive.file}: archive has no ${path}`);
      return archive.open(path);
    },
  };
}

export function parseJson<T>(buf: Buffer, what: string): T {
  try {
    return JSON.parse(buf.toString("utf8")) as T;
  } catch (e) {
    throw new UserError("INPUT", `${what}: invalid JSON (${(e as Error).message})`);
  }
}
