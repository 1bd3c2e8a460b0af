// The image side of drift: one pass over the image's layers (each layer streamed once, in order,
// whiteouts applied) into a tree of path → (type, mode, owner, size, mtime, sha256). Regular
// files are hashed while they stream past, within a byte budget; package databases are kept
// (bounded) so they can be re-read with the scanner's analyzers. A `rootfs:` directory is
// indexed by walking it with the same record shape.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, opendir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { openImage, parseTarget, type Image, type OpenOptions } from "../image/index.js";
import { layerTarStream, type LayerStreamResult } from "../layers/decompress.js";
import { normalizeEntryPath, whiteoutOf } from "../layers/paths.js";
import { readOwnedTar } from "./tar.js";
import { isPackageDatabase } from "./packages.js";

export type NodeType = "file" | "dir" | "symlink" | "other";

/** One path of the image as its layers leave it. */
export interface IndexNode {
  type: NodeType;
  /** Permission bits (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** sha256 hex of a regular file's content; absent when over the hash budget. */
  sha256?: string;
  /** Symlink target. */
  link?: string;
  /** Index of the layer that last wrote it (0 = lowest). */
  layer: number;
  children?: Map<string, IndexNode>;
  /** Set by a drift walk (its generation number): the live tree has this path. */
  seen?: number;
}

export interface FileIndexStats {
  layers: number;
  entries: number;
  files: number;
  hashedFiles: number;
  hashedBytes: number;
  /** Regular files left without a hash (over the budget). */
  unhashedFiles: number;
}

export interface FileIndex {
  /** What the index was built from. */
  source: { target: string; type: string; digest?: string; names?: string[] };
  root: IndexNode;
  stats: FileIndexStats;
  /** Bodies of package databases (var/lib/dpkg/status, apk installed, rpmdb) as the image has them. */
  packageDatabases: Map<string, Buffer>;
  /** Package databases the image has but that were too large to keep (path → size). */
  skippedDatabases: Map<string, number>;
  /** The node of a path (with or without a leading slash), or undefined. */
  lookup(path: string): IndexNode | undefined;
  /** Notes on layer oddities (escaping paths, hard links to missing targets). */
  notes: string[];
}

export interface FileIndexOptions extends OpenOptions {
  /** Most content bytes hashed in total (default 4 GiB); later files keep size and mtime only. */
  hashBudget?: number;
  /** Most bytes of package databases kept (default 256 MiB). */
  packageDbBudget?: number;
}

export const DEFAULT_HASH_BUDGET = 4 * 2 ** 30;
export const DEFAULT_PACKAGE_DB_BUDGET = 256 * 2 ** 20;
/** Paths in one index (bounded memory for hostile layers). */
export const MAX_INDEX_ENTRIES = 5_000_000;

const newDir = (layer: number): IndexNode => ({ type: "dir", mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0, layer, children: new Map() });

function split(path: string): string[] {
  return path.split("/").filter((s) => s !== "" && s !== ".");
}

function lookupIn(root: IndexNode, path: string): IndexNode | undefined {
  let node: IndexNode | undefined = root;
  for (const seg of split(path)) {
    node = node.children?.get(seg);
    if (!node) return undefined;
  }
  return node;
}

/** Removes from `dir` everything an upper layer (`layer`) did not write (an opaque whiteout). */
function prune(dir: IndexNode, layer: number): void {
  for (const [name, child] of dir.children ?? []) {
    if (child.layer < layer) dir.children!.delete(name);
    else if (child.type === "dir") prune(child, layer);
  }
}

class IndexBuilder {
  readonly root = newDir(0);
  readonly stats: FileIndexStats = { layers: 0, entries: 0, files: 0, hashedFiles: 0, hashedBytes: 0, unhashedFiles: 0 };
  readonly packageDatabases = new Map<string, Buffer>();
  readonly skippedDatabases = new Map<string, number>();
  readonly notes: string[] = [];
  private dbBytes = 0;

  constructor(private readonly hashBudget: number, private readonly dbBudget: number) {}

  /** The parent directory of `segs`, made as needed (a non-directory in the way is replaced). */
  parentOf(segs: string[], layer: number): IndexNode {
    let node = this.root;
    for (let i = 0; i < segs.length - 1; i++) {
      let next = node.children!.get(segs[i]!);
      if (!next || next.type !== "dir") {
        next = newDir(layer);
        node.children!.set(segs[i]!, next);
      }
      node = next;
    }
    return node;
  }

  put(path: string, node: IndexNode): void {
    const segs = split(path);
    if (segs.length === 0) {
      // The root itself: keep its children, take its attributes.
      Object.assign(this.root, { ...node, type: "dir", children: this.root.children });
      return;
    }
    if (++this.stats.entries > MAX_INDEX_ENTRIES) throw new UserError("LIMIT", `image has more than ${MAX_INDEX_ENTRIES} paths`);
    const parent = this.parentOf(segs, node.layer);
    const name = segs[segs.length - 1]!;
    const old = parent.children!.get(name);
    // A directory entry over an existing directory keeps its contents (layers merge directories).
    if (node.type === "dir" && old?.type === "dir") node.children = old.children;
    if (node.type === "dir" && !node.children) node.children = new Map();
    parent.children!.set(name, node);
    if (node.type === "file") this.stats.files++;
  }

  remove(path: string): void {
    const segs = split(path);
    if (segs.length === 0) return;
    let node: IndexNode | undefined = this.root;
    for (let i = 0; i < segs.length - 1 && node; i++) node = node.children?.get(segs[i]!);
    node?.children?.delete(segs[segs.length - 1]!);
    this.packageDatabases.delete(segs.join("/"));
    this.skippedDatabases.delete(segs.join("/"));
  }

  /** Hashes (within budget) and, for package databases, keeps a body streamed past. */
  async consume(path: string, size: number, body: AsyncIterable<Buffer>): Promise<string | undefined> {
    const wantDb = isPackageDatabase(path);
    if (wantDb && this.dbBytes + size > this.dbBudget) {
      this.skippedDatabases.set(path, size);
    }
    const keep = wantDb && this.dbBytes + size <= this.dbBudget;
    const hashIt = this.stats.hashedBytes + size <= this.hashBudget;
    if (!keep && !hashIt) {
      this.stats.unhashedFiles++;
      return undefined; // the reader skips the body
    }
    const hash = hashIt ? createHash("sha256") : undefined;
    const parts: Buffer[] = [];
    for await (const c of body) {
      hash?.update(c);
      if (keep) parts.push(Buffer.from(c));
    }
    if (keep) {
      this.dbBytes += size;
      this.packageDatabases.set(path, Buffer.concat(parts));
      this.skippedDatabases.delete(path);
    }
    if (!hash) {
      this.stats.unhashedFiles++;
      return undefined;
    }
    this.stats.hashedFiles++;
    this.stats.hashedBytes += size;
    return hash.digest("hex");
  }

  index(source: FileIndex["source"]): FileIndex {
    const root = this.root;
    return {
      source,
      root,
      stats: this.stats,
      packageDatabases: this.packageDatabases,
      skippedDatabases: this.skippedDatabases,
      notes: this.notes,
      lookup: (path) => lookupIn(root, path),
    };
  }
}

async function indexLayers(image: Image, b: IndexBuilder): Promise<void> {
  for (const [li, layer] of image.layers.entries()) {
    b.stats.layers++;
    const result: LayerStreamResult = { compression: "none", digest: "", uncompressedBytes: 0 };
    const tar = layerTarStream(await layer.open(), { digest: layer.digest, diffId: layer.diffId }, result);
    for await (const e of readOwnedTar(tar)) {
      const { path, escaped } = normalizeEntryPath(e.path);
      if (escaped) b.notes.push(`layer ${li + 1}: entry ${JSON.stringify(e.path)} escapes the root; read as /${path}`);
      const wh = whiteoutOf(path);
      if (wh) {
        if (wh.kind === "delete") b.remove(wh.path);
        else {
          const dir = lookupIn(b.root, wh.dir);
          if (dir?.type === "dir") prune(dir, li);
        }
        continue;
      }
      const base = { mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, mtime: e.mtime, layer: li };
      if (e.type === "dir") b.put(path, { ...base, type: "dir", size: 0 });
      else if (e.type === "symlink") b.put(path, { ...base, mode: 0o777, type: "symlink", size: 0, link: e.linkname });
      else if (e.type === "hardlink") {
        const target = lookupIn(b.root, normalizeEntryPath(e.linkname).path);
        if (target && target.type === "file") b.put(path, { ...target, layer: li, children: undefined });
        else b.notes.push(`layer ${li + 1}: hard link /${path} to missing /${normalizeEntryPath(e.linkname).path}`);
      } else if (e.type === "file") {
        const sha256 = await b.consume(path, e.size, e.stream());
        b.put(path, { ...base, type: "file", size: e.size, ...(sha256 ? { sha256 } : {}) });
      } else b.put(path, { ...base, type: "other", size: 0 });
    }
  }
}

/** Walks a directory (no symlinks followed, one device) into the same shape. */
async function indexDirectory(root: string, b: IndexBuilder): Promise<void> {
  const top = await lstat(root).catch(() => undefined);
  if (!top?.isDirectory()) throw new UserError("NOT_FOUND", `${root}: not a directory`);
  b.stats.layers = 0;
  const stack: string[] = [""];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const dir = await opendir(join(root, rel)).catch(() => undefined);
    if (!dir) {
      b.notes.push(`cannot read /${rel}`);
      continue;
    }
    for await (const d of dir) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      const st = await lstat(join(root, path)).catch(() => undefined);
      if (!st) continue;
      const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), layer: 0 };
      if (st.isDirectory()) {
        b.put(path, { ...base, type: "dir", size: 0 });
        if (st.dev === top.dev) stack.push(path);
      } else if (st.isSymbolicLink()) b.put(path, { ...base, mode: 0o777, type: "symlink", size: 0, link: await readlink(join(root, path)) });
      else if (st.isFile()) {
        const sha256 = await b.consume(path, st.size, createReadStream(join(root, path)));
        b.put(path, { ...base, type: "file", size: st.size, ...(sha256 ? { sha256 } : {}) });
      } else b.put(path, { ...base, type: "other", size: 0 });
    }
  }
}

/**
 * Builds the file index of an image target (`oci:`, `docker-archive:`, `oci-archive:`, a
 * registry reference) or of a `rootfs:` directory. Each layer blob is read once and verified
 * against its digest.
 */
export async function imageFileIndex(target: string | Image, opts: FileIndexOptions = {}): Promise<FileIndex> {
  const b = new IndexBuilder(opts.hashBudget ?? DEFAULT_HASH_BUDGET, opts.packageDbBudget ?? DEFAULT_PACKAGE_DB_BUDGET);
  if (typeof target !== "string") {
    await indexLayers(target, b);
    return b.index({ target: target.target, type: target.type, ...(target.digest ? { digest: target.digest } : {}), names: target.names });
  }
  const t = parseTarget(target);
  if (t.transport === "rootfs" || t.transport === "dir") {
    await indexDirectory(t.ref, b);
    return b.index({ target, type: "rootfs" });
  }
  if (t.transport === "sbom") throw new UserError("USAGE", `${target}: an SBOM has no files; give the image the container was started from`);
  const image = await openImage(t, opts);
  try {
    await indexLayers(image, b);
    return b.index({ target, type: image.type, ...(image.digest ? { digest: image.digest } : {}), names: image.names });
  } finally {
    await image.close();
  }
}
