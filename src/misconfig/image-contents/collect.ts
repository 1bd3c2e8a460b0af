// Records the notable entries of one layer from tar headers alone, as the layer streams past.
import { cacheOf, isBinDir, PACKAGE_TREE, sensitiveKind, toolCategory } from "./catalog.js";
import type { CacheUse, ContentEntry, EntryFacts, LayerContents, Special } from "./types.js";

/** 32-bit FNV-1a over UTF-16 code units: cheap, and collisions only cost a missed finding. */
export function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const EXEC = 0o111;

export class ContentsCollector {
  private readonly entries: ContentEntry[] = [];
  private readonly caches = new Map<string, CacheUse>();
  private readonly gitDirs = new Set<string>();
  private hashes = new Uint32Array(1024);
  private count = 0;

  /** Call for every entry of the layer except whiteout markers. */
  add(e: EntryFacts): void {
    // Any entry, even a device node, replaces what a lower layer had at this path.
    this.hash(e.path);
    if (e.type === "other") return;
    const slash = e.path.lastIndexOf("/");
    const dir = slash < 0 ? "" : e.path.slice(0, slash);
    const base = e.path.slice(slash + 1);
    const note: ContentEntry = { path: e.path, type: e.type, mode: e.mode & 0o7777, size: e.type === "file" ? e.size : 0 };
    if (e.type === "symlink" || e.type === "hardlink") note.link = e.linkname;
    let keep = false;

    const special: Special[] = [];
    if (e.type === "file" || e.type === "hardlink") {
      if (e.mode & 0o4000) special.push("setuid");
      if (e.mode & 0o2000) special.push("setgid");
    }
    // Symlinks are always 0777; sticky directories (/tmp) are world-writable by design.
    if ((e.mode & 0o002) && (e.type === "file" || e.type === "hardlink" || (e.type === "dir" && !(e.mode & 0o1000)))) special.push("world-writable");
    if (special.length) {
      note.special = special;
      keep = true;
    }

    const git = e.path.indexOf(".git/");
    if (git >= 0 && (git === 0 || e.path[git - 1] === "/")) this.noteGit(e.path.slice(0, git + 4));
    else if (e.type === "dir" && base === ".git") this.noteGit(e.path);
    else {
      // A symlink (history -> /dev/null is a common hardening) holds nothing itself.
      const kind = e.type === "file" || e.type === "hardlink" ? sensitiveKind(e.path, base) : null;
      if (kind) {
        note.sensitive = kind;
        keep = true;
      }
    }

    if (e.type !== "dir") {
      if (isBinDir(dir) || (dir.endsWith("/bin") && /^(?:usr\/(?:local\/)?)?lib\/node_modules\/[^/]+\/bin$/.test(dir))) {
        // Every command is kept so links (busybox applets, alternatives) resolve to a size.
        const tool = toolCategory(base);
        if (tool) note.tool = tool;
        if (e.type !== "file" || e.mode & EXEC) keep = true;
      } else if (e.type === "symlink" && (dir === "etc/alternatives" || dir === "")) {
        // Alternatives and merged-/usr top-level links (bin -> usr/bin) are followed when resolving.
        keep = true;
      }
      if (e.type === "file") {
        const cache = cacheOf(e.path);
        if (cache) {
          const key = `${cache.manager}\0${cache.dir}`;
          const use = this.caches.get(key) ?? { manager: cache.manager, dir: cache.dir, files: 0, bytes: 0 };
          use.files++;
          use.bytes += e.size;
          this.caches.set(key, use);
        }
      }
    }
    if (keep) this.entries.push(note);
  }

  private noteGit(dir: string): void {
    if (this.gitDirs.has(dir) || PACKAGE_TREE.test(dir)) return;
    this.gitDirs.add(dir);
    this.entries.push({ path: dir, type: "dir", mode: 0o755, size: 0, sensitive: "git" });
  }

  private hash(path: string): void {
    if (this.count === this.hashes.length) {
      const bigger = new Uint32Array(this.hashes.length * 2);
      bigger.set(this.hashes);
      this.hashes = bigger;
    }
    this.hashes[this.count++] = pathHash(path);
  }

  result(): LayerContents {
    const hashes = this.hashes.subarray(0, this.count);
    return {
      entries: this.entries,
      caches: [...this.caches.values()],
      pathHashes: Buffer.from(hashes.buffer, hashes.byteOffset, hashes.byteLength).toString("base64"),
    };
  }
}

export function decodeHashes(b64: string): Set<number> {
  const buf = Buffer.from(b64, "base64");
  const out = new Set<number>();
  for (let i = 0; i + 4 <= buf.length; i += 4) out.add(buf.readUInt32LE(i));
  return out;
}
