// The live side of drift: an iterative walk of the container's filesystem (never following a
// symlink, never entering a mount other than the root), each path compared with the image's
// index; whatever the index has that the walk did not see was deleted.
import { closeSync, constants, fstatSync, lstatSync, openSync, opendirSync, readSync, readlinkSync, type Stats } from "node:fs";
import { createHash } from "node:crypto";
import type { IdMap } from "./container.js";
import type { FileIndex, IndexNode, NodeType } from "./file-index.js";
import { isPackageDatabase } from "./packages.js";

export type Severity = "HIGH" | "MEDIUM" | "LOW";
export type ElfKind = "executable" | "shared-library" | "object";

/** What a path looked like, in the image (`before`) or in the container (`after`). */
export interface FileState {
  type: NodeType;
  /** Permission bits in octal, e.g. "0755". */
  mode: string;
  uid: number;
  gid: number;
  size?: number;
  sha256?: string;
  link?: string;
}

export interface DriftChange {
  /** Absolute path inside the container. */
  path: string;
  change: "added" | "modified" | "deleted";
  severity: Severity;
  /** For "modified": what differs (content, type, mode, owner, target). */
  changed?: ("content" | "type" | "mode" | "owner" | "target")[];
  /** Why the severity (one line). */
  reason: string;
  /** An ELF file added or changed (HIGH). */
  elf?: ElfKind;
  /** The content could not be compared by hash (over the hash budget): size and mtime only. */
  unverified?: true;
  before?: FileState;
  after?: FileState;
}

export interface WalkOptions {
  /** Mount points to skip (absolute, container view), except "/". */
  mounts: string[];
  /** Filesystem types of the mount points, for the skip list. */
  mountTypes?: Record<string, string>;
  /** Paths skipped whatever the mount list says (a stopped container's /proc and /sys). */
  alwaysSkip?: string[];
  uidMap?: IdMap[];
  gidMap?: IdMap[];
  /** Hash every regular file whose size matches, not only those whose mtime changed. */
  hashAll?: boolean;
  /** Most content bytes hashed on the live side (default 4 GiB). */
  hashBudget?: number;
  /** Most change records kept (the summary counts all; default 10,000). */
  maxChanges?: number;
  /** Most paths walked (default 5,000,000). */
  maxEntries?: number;
}

export interface WalkResult {
  changes: DriftChange[];
  counts: { added: number; modified: number; deleted: number; HIGH: number; MEDIUM: number; LOW: number };
  truncated: boolean;
  /** Package databases added, modified or deleted (relative paths), for the package diff. */
  packageDbPaths: string[];
  skipped: { path: string; reason: "mount" | "pseudo"; fstype?: string }[];
  stats: { walked: number; hashedFiles: number; hashedBytes: number; unverified: number; changedDuringWalk: number };
  notes: string[];
}

const HEAD = 4096;
const BUF = 1 << 20;
let generation = 0;

function mapId(id: number, map: IdMap[] | undefined): number {
  if (!map) return id;
  for (const m of map) if (id >= m.outside && id < m.outside + m.count) return m.inside + (id - m.outside);
  return 65534; // the overflow id, as the kernel shows unmapped ids
}

const octal = (mode: number): string => "0" + (mode & 0o7777).toString(8).padStart(3, "0");

function typeOf(st: Stats): NodeType {
  return st.isDirectory() ? "dir" : st.isFile() ? "file" : st.isSymbolicLink() ? "symlink" : "other";
}

/** ELF kind from a file's first bytes (little- or big-endian, 32 or 64 bit), or undefined. */
export function elfKind(head: Buffer, path: string): ElfKind | undefined {
  if (head.length < 20 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const le = head[5] === 1;
  const is64 = head[4] === 2;
  const u16 = (o: number): number => (le ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const u32 = (o: number): number => (le ? head.readUInt32LE(o) : head.readUInt32BE(o));
  const type = u16(16);
  if (type === 2) return "executable";
  if (type !== 3) return "object";
  if (/\.so(\.|$)/.test(path)) return "shared-library";
  // ET_DYN: a position-independent executable has a program interpreter (PT_INTERP).
  const phoff = is64 ? Number(le ? head.readBigUInt64LE(32) : head.readBigUInt64BE(32)) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > head.length) break;
    if (u32(at) === 3) return "executable";
  }
  return "shared-library";
}

interface LiveFile {
  sha256?: string;
  head: Buffer;
}

export class LiveWalker {
  private readonly gen = ++generation;
  private readonly mounts: Set<string>;
  private readonly always: Set<string>;
  private readonly buf = Buffer.allocUnsafe(BUF);
  private readonly maxChanges: number;
  private readonly maxEntries: number;
  private hashBudget: number;
  readonly result: WalkResult = {
    changes: [],
    counts: { added: 0, modified: 0, deleted: 0, HIGH: 0, MEDIUM: 0, LOW: 0 },
    truncated: false,
    packageDbPaths: [],
    skipped: [],
    stats: { walked: 0, hashedFiles: 0, hashedBytes: 0, unverified: 0, changedDuringWalk: 0 },
    notes: [],
  };
  /** Image paths under a skipped mount: neither compared nor deleted. */
  private readonly hidden = new Set<IndexNode>();

  constructor(private readonly root: string, private readonly index: FileIndex, private readonly o: WalkOptions) {
    this.mounts = new Set(o.mounts.filter((m) => m !== "/"));
    this.always = new Set(o.alwaysSkip ?? []);
    this.maxChanges = o.maxChanges ?? 10_000;
    this.maxEntries = o.maxEntries ?? 5_000_000;
    this.hashBudget = o.hashBudget ?? 4 * 2 ** 30;
  }

  private state(st: Stats, extra: Partial<FileState>): FileState {
    return { type: typeOf(st), mode: octal(st.mode), uid: mapId(st.uid, this.o.uidMap), gid: mapId(st.gid, this.o.gidMap), ...extra };
  }

  private static before(n: IndexNode): FileState {
    return {
      type: n.type, mode: octal(n.mode), uid: n.uid, gid: n.gid,
      ...(n.type === "file" ? { size: n.size } : {}), ...(n.sha256 ? { sha256: n.sha256 } : {}), ...(n.link !== undefined ? { link: n.link } : {}),
    };
  }

  private add(c: DriftChange): void {
    this.result.counts[c.change]++;
    this.result.counts[c.severity]++;
    if (this.result.changes.length < this.maxChanges) this.result.changes.push(c);
    else this.result.truncated = true;
    const rel = c.path.slice(1);
    if (isPackageDatabase(rel) && (c.change !== "modified" || c.changed?.includes("content") || c.changed?.includes("type"))) this.result.packageDbPaths.push(rel);
  }

  /**
   * Reads a regular file: its first bytes and, within the budget, its sha256. Opened without
   * following a final symlink, and checked to be the inode the walk saw (a swapped path is
   * reported as changed during the walk, not read).
   */
  private readFile(abs: string, st: Stats, hash: boolean): LiveFile | undefined {
    let fd: number;
    try {
      fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      this.result.stats.changedDuringWalk++;
      return undefined;
    }
    try {
      const now = fstatSync(fd);
      if (now.ino !== st.ino || now.dev !== st.dev || !now.isFile()) {
        this.result.stats.changedDuringWalk++;
        return undefined;
      }
      const doHash = hash && this.hashBudget >= st.size;
      const h = doHash ? createHash("sha256") : undefined;
      let head: Buffer | undefined;
      let pos = 0;
      for (;;) {
        const n = readSync(fd, this.buf, 0, doHash ? BUF : HEAD, pos);
        if (n === 0) break;
        if (!head) head = Buffer.from(this.buf.subarray(0, Math.min(n, HEAD)));
        h?.update(this.buf.subarray(0, n));
        pos += n;
        if (!doHash) break;
      }
      if (h) {
        this.hashBudget -= pos;
        this.result.stats.hashedFiles++;
        this.result.stats.hashedBytes += pos;
      }
      return { head: head ?? Buffer.alloc(0), ...(h ? { sha256: h.digest("hex") } : {}) };
    } catch {
      this.result.stats.changedDuringWalk++;
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  private judgeContent(path: string, st: Stats, live: LiveFile | undefined, what: "added" | "changed"): { severity: Severity; reason: string; elf?: ElfKind } {
    const elf = live ? elfKind(live.head, path) : undefined;
    if (elf) return { severity: "HIGH", reason: `${elf === "shared-library" ? "shared library" : elf === "object" ? "ELF object" : "executable"} ${what} after start`, elf };
    if (isPackageDatabase(path.slice(1))) return { severity: "MEDIUM", reason: `package database ${what} after start (something was installed or removed)` };
    if ((st.mode & 0o6000) !== 0) return { severity: "HIGH", reason: `setuid/setgid file ${what} after start` };
    if ((st.mode & 0o111) !== 0) return { severity: "MEDIUM", reason: `executable file (script) ${what} after start` };
    return { severity: "LOW", reason: `file ${what} after start` };
  }

  private added(path: string, abs: string, st: Stats): void {
    const type = typeOf(st);
    if (type === "file") {
      const live = this.readFile(abs, st, true);
      const j = this.judgeContent(path, st, live, "added");
      this.add({ path, change: "added", ...j, after: this.state(st, { size: st.size, ...(live?.sha256 ? { sha256: live.sha256 } : {}) }) });
    } else if (type === "symlink") {
      this.add({ path, change: "added", severity: "LOW", reason: "symlink added after start", after: this.state(st, { link: safeReadlink(abs) }) });
    } else {
      const severity: Severity = type === "other" && (st.isBlockDevice() || st.isCharacterDevice()) ? "MEDIUM" : "LOW";
      this.add({ path, change: "added", severity, reason: type === "dir" ? "directory added after start" : "special file added after start", after: this.state(st, {}) });
    }
  }

  private compare(path: string, abs: string, st: Stats, n: IndexNode): void {
    const type = typeOf(st);
    const changed: NonNullable<DriftChange["changed"]> = [];
    let live: LiveFile | undefined;
    let unverified = false;
    if (type !== n.type) changed.push("type");
    else if (type === "file") {
      const mtime = Math.floor(st.mtimeMs / 1000);
      if (st.size !== n.size) {
        changed.push("content");
        live = this.readFile(abs, st, true);
      } else if (this.o.hashAll || mtime !== n.mtime) {
        // size and mtime are only a prefilter: the hash decides.
        if (n.sha256) {
          live = this.readFile(abs, st, true);
          if (live?.sha256 && live.sha256 !== n.sha256) changed.push("content");
          else if (live && !live.sha256) unverified = mtime !== n.mtime;
        } else unverified = mtime !== n.mtime;
        if (unverified) this.result.stats.unverified++;
      }
    } else if (type === "symlink") {
      if (safeReadlink(abs) !== n.link) changed.push("target");
    }
    if ((st.mode & 0o7777) !== n.mode && type !== "symlink") changed.push("mode");
    if (mapId(st.uid, this.o.uidMap) !== n.uid || mapId(st.gid, this.o.gidMap) !== n.gid) changed.push("owner");
    if (changed.length === 0 && !unverified) return;
    if (type === "file" && changed.includes("type")) live = this.readFile(abs, st, true);
    let severity: Severity = "LOW";
    let reason = `${changed.join(", ")} changed after start`;
    let elf: ElfKind | undefined;
    if (type === "file" && (changed.includes("content") || changed.includes("type") || unverified)) {
      const j = this.judgeContent(path, st, live, "changed");
      severity = j.severity;
      reason = j.reason + (unverified ? " (size and mtime only: over the hash budget)" : "");
      elf = j.elf;
    }
    if (changed.includes("mode")) {
      const gained = st.mode & 0o7777 & ~n.mode;
      if (gained & 0o6000) {
        severity = "HIGH";
        reason = "setuid/setgid bit set after start";
      } else if (gained & 0o111 && severity === "LOW") {
        severity = "MEDIUM";
        reason = "made executable after start";
      }
    }
    const after = this.state(st, {
      ...(type === "file" ? { size: st.size } : {}), ...(live?.sha256 ? { sha256: live.sha256 } : {}), ...(type === "symlink" ? { link: safeReadlink(abs) } : {}),
    });
    this.add({
      path, change: "modified", severity, changed: changed.length ? changed : ["content"], reason, ...(elf ? { elf } : {}), ...(unverified && !changed.includes("content") ? { unverified: true as const } : {}),
      before: LiveWalker.before(n), after,
    });
  }

  private skip(path: string): { reason: "mount" | "pseudo"; fstype?: string } | undefined {
    if (this.mounts.has(path)) {
      const fstype = this.o.mountTypes?.[path];
      const pseudo = fstype !== undefined && PSEUDO.has(fstype);
      return { reason: pseudo ? "pseudo" : "mount", ...(fstype ? { fstype } : {}) };
    }
    if (this.always.has(path)) return { reason: "pseudo" };
    return undefined;
  }

  /** Walks the live tree (iteratively; the event loop gets a turn every 2,000 paths). */
  async walk(): Promise<WalkResult> {
    const stack: { rel: string; node: IndexNode | undefined }[] = [{ rel: "", node: this.index.root }];
    this.index.root.seen = this.gen;
    while (stack.length > 0) {
      const { rel, node } = stack.pop()!;
      let dir;
      try {
        dir = opendirSync(this.root + (rel ? "/" + rel : "") + "/");
      } catch (e) {
        this.result.notes.push(`cannot read /${rel}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        if (node) this.hidden.add(node);
        continue;
      }
      try {
        for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
          if (++this.result.stats.walked > this.maxEntries) {
            this.result.notes.push(`stopped after ${this.maxEntries} paths (maxEntries); deletions not judged`);
            this.result.truncated = true;
            return this.result;
          }
          if (this.result.stats.walked % 2000 === 0) await new Promise((r) => setImmediate(r));
          const childRel = rel ? `${rel}/${d.name}` : d.name;
          const path = "/" + childRel;
          const img = node?.children?.get(d.name);
          if (img) img.seen = this.gen;
          const skip = this.skip(path);
          if (skip) {
            this.result.skipped.push({ path, ...skip });
            if (img) this.hidden.add(img);
            continue;
          }
          const abs = this.root + path;
          let st: Stats;
          try {
            st = lstatSync(abs);
          } catch {
            this.result.stats.changedDuringWalk++;
            if (img) this.hidden.add(img);
            continue;
          }
          if (!img) this.added(path, abs, st);
          else this.compare(path, abs, st, img);
          if (st.isDirectory()) {
            if (img?.type === "dir") stack.push({ rel: childRel, node: img });
            else if (!img) stack.push({ rel: childRel, node: undefined });
            else stack.push({ rel: childRel, node: undefined });
          }
        }
      } finally {
        dir.closeSync();
      }
    }
    // A mount point the walk did not list (its directory was hidden, or a file mount): skipped too.
    for (const m of this.mounts) if (!this.result.skipped.some((s) => s.path === m)) {
      const img = this.index.lookup(m);
      if (img) {
        img.seen = this.gen;
        this.hidden.add(img);
      }
    }
    this.deleted(this.index.root, "");
    this.result.changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return this.result;
  }

  private deleted(dir: IndexNode, rel: string): void {
    const stack: { node: IndexNode; rel: string }[] = [{ node: dir, rel }];
    while (stack.length > 0) {
      const { node, rel: r } = stack.pop()!;
      if (this.hidden.has(node)) continue;
      for (const [name, child] of node.children ?? []) {
        const path = `${r}/${name}`;
        if (child.seen !== this.gen) {
          this.deletedTree(child, path);
        } else if (child.type === "dir" && child.children && !this.hidden.has(child)) stack.push({ node: child, rel: path });
      }
    }
  }

  private deletedTree(node: IndexNode, path: string): void {
    const stack: { node: IndexNode; path: string }[] = [{ node, path }];
    while (stack.length > 0) {
      const { node: n, path: p } = stack.pop()!;
      const what = n.type === "dir" ? "directory" : n.type === "file" ? "file" : n.type;
      this.add({ path: p, change: "deleted", severity: "LOW", reason: `${what} deleted after start`, before: LiveWalker.before(n) });
      for (const [name, child] of n.children ?? []) stack.push({ node: child, path: `${p}/${name}` });
    }
  }
}

/** Filesystem types that hold no container files (kernel interfaces). */
export const PSEUDO = new Set(["proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "devtmpfs", "securityfs", "debugfs", "tracefs", "bpf", "pstore", "configfs", "fusectl", "binfmt_misc", "hugetlbfs", "autofs", "nsfs"]);

function safeReadlink(abs: string): string {
  try {
    return readlinkSync(abs);
  } catch {
    return "";
  }
}
