// The per-layer record of notable entries (cached with the layer) and the view the rules read.
import type { AttackSurface, LayerRef, ToolCategory } from "../../model/index.js";
import type { SensitiveKind } from "./catalog.js";

/** Header facts of one layer entry: all the collector ever sees (it never reads bodies). */
export interface EntryFacts {
  path: string;
  type: "file" | "dir" | "symlink" | "hardlink" | "other";
  mode: number;
  size: number;
  linkname: string;
}

export type Special = "setuid" | "setgid" | "world-writable";

/** One notable entry of a layer. Paths have no leading slash. */
export interface ContentEntry {
  path: string;
  type: "file" | "dir" | "symlink" | "hardlink";
  mode: number;
  size: number;
  /** Link target as written in the archive. */
  link?: string;
  special?: Special[];
  sensitive?: SensitiveKind;
  tool?: { name: string; category: ToolCategory };
}

/** Files of one package-manager cache directory in one layer. */
export interface CacheUse {
  manager: string;
  dir: string;
  files: number;
  bytes: number;
}

export interface LayerContents {
  entries: ContentEntry[];
  caches: CacheUse[];
  /**
   * 32-bit FNV-1a hashes of every path in the layer (base64 of a Uint32Array), so a lower
   * layer's notable entry counts as replaced when a higher layer writes the same path, even if
   * the new copy is not notable (`chmod a-s` is the usual fix for a setuid file).
   */
  pathHashes: string;
}

/** A notable entry as it stands in the final image. */
export interface LiveEntry {
  entry: ContentEntry;
  /** Index of the layer that added it (lowest of the unbroken run of writes). */
  layer: number;
}

/** A notable entry in some layer, whether or not it survives to the final image. */
export interface ShippedEntry {
  entry: ContentEntry;
  layer: number;
  /** A later layer deleted or replaced it: it still ships in its own layer. */
  deleted: boolean;
}

export interface ShippedCache extends CacheUse {
  layer: number;
  deleted: boolean;
}

export interface ContentsDoc {
  target: string;
  layers: (LayerRef | undefined)[];
  /** Notable entries of the final image, by path. */
  live: Map<string, LiveEntry>;
  /** Sensitive files of every layer, deleted ones included. */
  sensitive: ShippedEntry[];
  caches: ShippedCache[];
  /** OS package purl by owned file path (no leading slash). */
  owners: Map<string, string>;
  surface: AttackSurface;
}
