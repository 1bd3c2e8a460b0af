// Reading a host's files under a root directory: symlinks resolved inside the root (an absolute
// link in a mounted image points into the image, not at the machine running Bulwark), bounded
// reads, lstat facts, and user/group names from the root's own /etc/passwd and /etc/group.
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from "node:fs";
import { join, posix } from "node:path";

/** Config files larger than this are not read (a hostile root cannot make us hold more). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_LINKS = 40;

export interface FileFacts {
  /** The path asked for, absolute inside the root. */
  path: string;
  /** After symlinks (inside the root). */
  resolved: string;
  mode: number;
  uid: number;
  gid: number;
  isDir: boolean;
  isFile: boolean;
  isSocket: boolean;
}

export class HostRoot {
  private users: Map<number, string> | null = null;
  private groups: Map<number, string> | null = null;

  constructor(readonly dir: string) {}

  /** The real path on this machine for an absolute path inside the root (symlinks followed inside it), or null. */
  resolve(path: string): string | null {
    const parts = posix.normalize("/" + path).split("/").filter(Boolean);
    const done: string[] = [];
    let hops = 0;
    while (parts.length) {
      const name = parts.shift()!;
      if (name === "..") { done.pop(); continue; }
      if (name === ".") continue;
      const real = join(this.dir, ...done, name);
      let st: Stats;
      try {
        st = lstatSync(real);
      } catch {
        return null;
      }
      if (st.isSymbolicLink()) {
        if (++hops > MAX_LINKS) return null;
        const target = readlinkSync(real);
        if (target.startsWith("/")) done.length = 0;
        parts.unshift(...target.split("/").filter(Boolean));
        continue;
      }
      done.push(name);
    }
    return join(this.dir, ...done);
  }

  /** lstat of the file a path resolves to, with its path inside the root. */
  stat(path: string): FileFacts | null {
    const real = this.resolve(path);
    if (real === null) return null;
    try {
      const st = lstatSync(real);
      const rel = real.slice(this.dir.replace(/\/+$/, "").length) || "/";
      return { path, resolved: rel, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, isDir: st.isDirectory(), isFile: st.isFile(), isSocket: st.isSocket() };
    } catch {
      return null;
    }
  }

  /** A regular file's text, or null when absent, not a file or larger than `max`. */
  read(path: string, max = MAX_CONFIG_BYTES): string | null {
    const real = this.resolve(path);
    if (real === null) return null;
    let fd: number;
    try {
      const st = lstatSync(real);
      if (!st.isFile()) return null;
      fd = openSync(real, "r");
    } catch {
      return null;
    }
    try {
      const buf = Buffer.allocUnsafe(Math.min(max + 1, 1 << 16));
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        total += n;
        if (total > max) return null;
        chunks.push(Buffer.from(buf.subarray(0, n)));
      }
      return Buffer.concat(chunks).toString("utf8");
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }

  /** Names in a directory (sorted), empty when absent. */
  list(path: string): string[] {
    const real = this.resolve(path);
    if (real === null) return [];
    try {
      return readdirSync(real).sort();
    } catch {
      return [];
    }
  }

  exists(path: string): boolean {
    return this.stat(path) !== null;
  }

  userName(uid: number): string {
    this.users ??= idMap(this.read("/etc/passwd", 8 * 1024 * 1024));
    return this.users.get(uid) ?? String(uid);
  }

  groupName(gid: number): string {
    this.groups ??= idMap(this.read("/etc/group", 8 * 1024 * 1024));
    return this.groups.get(gid) ?? String(gid);
  }

  /** "mode 0644, owner root:root" */
  describe(f: FileFacts): string {
    const kind = f.isDir ? "directory" : f.isSocket ? "socket" : "file";
    const via = f.resolved !== f.path ? ` (-> ${f.resolved})` : "";
    return `${f.path}${via}: ${kind} mode ${octal(f.mode)}, owner ${this.userName(f.uid)}:${this.groupName(f.gid)}`;
  }
}

export function octal(mode: number): string {
  return "0" + (mode & 0o7777).toString(8).padStart(3, "0");
}

/** name:x:id:... lines of passwd/group → id → name (first name wins). */
function idMap(text: string | null): Map<number, string> {
  const m = new Map<number, string>();
  if (!text) return m;
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 3 || !f[0] || f[0].startsWith("#")) continue;
    const id = Number(f[2]);
    if (Number.isInteger(id) && !m.has(id)) m.set(id, f[0]);
  }
  return m;
}
