// Walks an unpacked root filesystem (dir:/rootfs:) without following symlinks, yielding only the
// paths a caller wants. Virtual filesystems of a live host are skipped.
import { closeSync, createReadStream, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Dirent } from "node:fs";
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.js";
import type { TarEntryType } from "../layers/tar.js";

export interface RootfsEntry {
  /** Relative to the root, no leading slash. */
  path: string;
  type: TarEntryType;
  size: number;
  mode: number;
  linkname: string;
  read(): Promise<Buffer>;
  stream(): AsyncIterable<Buffer>;
  /** The file itself, for analyzers that want random access. */
  localPath?: string;
}

const SKIP_TOP = new Set(["proc", "sys", "dev", "run"]);

export async function assertDirectory(root: string): Promise<void> {
  let st;
  try {
    st = await lstat(root);
  } catch (e) {
    throw new UserError("NOT_FOUND", `${root}: no such directory (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (!st.isDirectory()) throw new UserError("INPUT", `${root}: not a directory`);
}

/**
 * Walks the tree depth-first in name order with synchronous directory reads and lstat: a walk
 * is tens of thousands of tiny system calls, which cost far more as thread-pool round trips
 * than made directly (0.3 s against several seconds for 40,000 files). Yields the entries
 * `wanted` accepts; bodies are read only when asked for.
 */
export async function* walkRootfs(
  root: string,
  wanted: (path: string, info: { mode: number; size: number }) => boolean,
  onError: (path: string, e: unknown) => void,
): AsyncGenerator<RootfsEntry> {
  const stack: string[] = [""];
  while (stack.length) {
    const rel = stack.pop()!;
    let names: Dirent[];
    try {
      names = readdirSync(join(root, rel), { withFileTypes: true });
    } catch (e) {
      onError(rel || "/", e);
      continue;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const d of names) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (!(rel === "" && SKIP_TOP.has(d.name))) subdirs.push(path);
        continue;
      }
      const full = join(root, path);
      try {
        const st = lstatSync(full);
        if (!wanted(path, { mode: st.mode & 0o7777, size: st.size })) continue;
        const type: TarEntryType = st.isFile() ? "file" : st.isSymbolicLink() ? "symlink" : "other";
        yield {
          ...(type === "file" ? { localPath: full } : {}),
          path,
          type,
          size: type === "file" ? st.size : 0,
          mode: st.mode & 0o7777,
          linkname: type === "symlink" ? readlinkSync(full) : "",
          read: () => Promise.resolve(readCapped(full, st.size)),
          stream: () => createReadStream(full, { highWaterMark: 256 * 1024 }),
        };
      } catch (e) {
        onError(path, e);
      }
    }
    // Depth-first, in name order, so output does not depend on directory order.
    subdirs.reverse();
    stack.push(...subdirs);
  }
}

/** The first `size` bytes (the size lstat gave): a live host's file may grow while it is read. */
function readCapped(full: string, size: number): Buffer {
  const fd = openSync(full, "r");
  try {
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
