// Squashes per-layer contents into the final image (OCI whiteout rules), keeping what every layer
// shipped as well: a key deleted by a later layer is still inside the image.
import { posix } from "node:path";
import { isUnder } from "../../common/paths.js";
import type { LayerRef } from "../../model/index.js";
import { decodeHashes, pathHash } from "./collect.js";
import type { ContentEntry, LayerContents, LiveEntry, ShippedCache, ShippedEntry } from "./types.js";

export interface ContentsLayer {
  ref?: LayerRef;
  /** Absent for layers analysed without the collector (old cache entries): nothing is known. */
  contents?: LayerContents;
  whiteouts: string[];
  opaqueDirs: string[];
}

export interface ContentsView {
  live: Map<string, LiveEntry>;
  sensitive: ShippedEntry[];
  caches: ShippedCache[];
}

export function buildView(layers: ContentsLayer[]): ContentsView {
  const live = new Map<string, LiveEntry>();
  // Every sensitive file ever shipped, and the record of each one still present.
  const sensitive: ShippedEntry[] = [];
  const current = new Map<string, ShippedEntry>();
  const caches: ShippedCache[] = [];
  const gone = (path: string): void => {
    live.delete(path);
    const s = current.get(path);
    if (s) {
      s.deleted = true;
      current.delete(path);
    }
  };
  layers.forEach((layer, i) => {
    if (layer.whiteouts.length || layer.opaqueDirs.length) {
      const deletes = new Set(layer.whiteouts);
      const opaque = new Set(layer.opaqueDirs);
      // Opaque markers hide what lower layers put inside the directory, not the directory itself.
      // Ancestors are looked up in sets: a hostile layer may carry many thousands of whiteouts.
      const hides = (path: string): boolean => {
        if (deletes.has(path) || opaque.has("")) return true;
        for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
          const dir = path.slice(0, i);
          if (deletes.has(dir) || opaque.has(dir)) return true;
        }
        return false;
      };
      for (const path of [...live.keys()]) if (hides(path)) gone(path);
      for (const c of caches) {
        if (c.deleted) continue;
        const inside = layer.whiteouts.filter((w) => w !== c.dir && isUnder(w, c.dir)).length;
        if (hides(c.dir) || opaque.has(c.dir) || inside >= c.files) c.deleted = true;
      }
    }
    const contents = layer.contents;
    if (!contents) return;
    const here = new Set(contents.entries.map((e) => e.path));
    // A path written again without being notable (chmod a-s, a new copy) replaces the old entry.
    // A .git directory is not replaced by a later layer touching the directory entry alone.
    if (live.size) {
      const hashes = decodeHashes(contents.pathHashes);
      for (const [path, v] of live) if (v.entry.sensitive !== "git" && !here.has(path) && hashes.has(pathHash(path))) gone(path);
    }
    for (const e of contents.entries) {
      const prev = live.get(e.path);
      live.set(e.path, { entry: e, layer: prev ? prev.layer : i });
      if (e.sensitive && !current.has(e.path)) {
        const rec: ShippedEntry = { entry: e, layer: i, deleted: false };
        sensitive.push(rec);
        current.set(e.path, rec);
      }
    }
    for (const c of contents.caches) caches.push({ ...c, layer: i, deleted: false });
  });
  return { live, sensitive, caches };
}

/** Where a path stands in the final image, following symlinks and hard links (≤ 16 hops). */
export function resolvePath(live: Map<string, LiveEntry>, path: string): { path: string; entry: ContentEntry } | null {
  let p = path;
  for (let hop = 0; hop < 16; hop++) {
    const found = lookup(live, p);
    if (!found) return null;
    const { path: at, entry } = found;
    if (entry.type === "file") return found;
    if (entry.type !== "symlink" && entry.type !== "hardlink") return null;
    const link = entry.link ?? "";
    // Hard link names are relative to the root; symlinks to their own directory.
    const next = entry.type === "hardlink" || link.startsWith("/") ? posix.normalize("/" + link) : posix.normalize("/" + posix.dirname(at) + "/" + link);
    p = next.slice(1);
  }
  return null;
}

/** A path as stored, or through a top-level directory link (merged /usr: bin -> usr/bin). */
function lookup(live: Map<string, LiveEntry>, path: string): { path: string; entry: ContentEntry } | null {
  const e = live.get(path);
  if (e) return { path, entry: e.entry };
  const slash = path.indexOf("/");
  if (slash < 0) return null;
  const top = live.get(path.slice(0, slash))?.entry;
  if (top?.type !== "symlink" || !top.link) return null;
  const target = posix.normalize("/" + top.link).slice(1);
  if (target === "" || target === path.slice(0, slash)) return null;
  const moved = `${target}${path.slice(slash)}`;
  const m = live.get(moved);
  return m ? { path: moved, entry: m.entry } : null;
}
