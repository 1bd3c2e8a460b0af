// Walks an unpacked root filesystem (dir:/rootfs:) without following symlinks, yielding only the
// paths a caller wants. Virtual filesystems of a live host are skipped.
import { createReadStream } from "node:fs";
import { lstat, opendir, readlink } from "node:fs/promises";
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

export async function* walkRootfs(
  root: string,
  wanted: (path: string, info: { mode: number; size: number }) => boolean,
  onError: (path: string, e: unknown) => void,
): AsyncGenerator<RootfsEntry> {
  const stack: string[] = [""];
  while (stack.length) {
    const rel = stack.pop()!;
    let dir;
    try {
      dir = await opendir(join(root, rel));
    } catch (e) {
      onError(rel || "/", e);
      continue;
    }
    const subdirs: string[] = [];
    for await (const d of dir) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (!(rel === "" && SKIP_TOP.has(d.name))) subdirs.push(path);
        continue;
      }
      const full = join(root, path);
      try {
        const st = await lstat(full);
        if (!wanted(path, { mode: st.mode & 0o7777, size: st.size })) continue;
        const type: TarEntryType = st.isFile() ? "file" : st.isSymbolicLink() ? "symlink" : "other";
        yield {
          ...(type === "file" ? { localPath: full } : {}),
          path,
          type,
          size: type === "file" ? st.size : 0,
          mode: st.mode & 0o7777,
          linkname: type === "symlink" ? await readlink(full) : "",
          read: () => readCapped(full, st.size),
          stream: () => createReadStream(full, { highWaterMark: 256 * 1024 }),
        };
      } catch (e) {
        onError(path, e);
      }
    }
    // Depth-first, in name order, so output does not depend on directory order.
    subdirs.sort().reverse();
    stack.push(...subdirs);
  }
}

async function readCapped(full: string, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of createReadStream(full)) {
    total += (c as Buffer).length;
    // The file may grow while we read it (a live host): never read past what we sized for.
    if (total > size) break;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).subarray(0, size);
}
