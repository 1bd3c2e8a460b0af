// Per-layer analysis cache: one JSON file per (diffID, analyzer set), written atomically.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Analyzer } from "../analyzers/types.js";
import type { OSInfo, Package, ReportError, SecretFinding } from "../model/index.js";
import type { LayerAnalysis } from "./layer.js";

/**
 * Bump when the shape or the meaning of LayerAnalysis changes. 3: a layer whose tar stream has
 * no end-of-archive marker carries a note in `errors` (entries cached before did not).
 */
const CACHE_FORMAT = 3;

export function defaultCacheDir(): string {
  const env = process.env;
  if (env.BULWARK_CACHE_DIR) return env.BULWARK_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || (process.platform === "darwin" ? join(homedir(), "Library", "Caches") : join(homedir(), ".cache"));
  return join(base, "bulwark");
}

export interface CachedLayer extends LayerAnalysis {
  /** Digest of the stored blob, when the transport could not know it in advance. */
  digest?: string;
}

/**
 * The merged inventory of a whole image (its layers in order, with the refs that packages
 * carry), so a warm rescan of the same image skips reading every layer's file list and merging
 * them again. Only for scans that need no per-layer facts afterwards (image-contents checks do).
 * The OS end-of-life verdict depends on the date, so it is stored without it.
 */
export interface CachedImage {
  os: OSInfo | null;
  packages: Package[];
  secrets: SecretFinding[];
  /** Errors of the layers, then of the merge, in report order. */
  errors: ReportError[];
  /** Digest of each stored layer blob, where the layer analysis found it (see CachedLayer). */
  digests: (string | null)[];
}

/** What identifies a layer's place in an image for the image cache. */
export interface ImageLayerKey {
  digest: string;
  diffId: string;
  createdBy?: string;
}

function readEntry<T>(file: string, valid: (v: T) => boolean): T | null {
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as T;
    // A damaged entry is a miss, never an error.
    return v && valid(v) ? v : null;
  } catch {
    return null;
  }
}

function writeEntry(dir: string, name: string, value: unknown): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const final = join(dir, name);
    const tmp = `${final}.${randomBytes(6).toString("hex")}.tmp`;
    writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
    try {
      renameSync(tmp, final);
    } catch (e) {
      unlinkSync(tmp);
      throw e;
    }
  } catch {
    // A cache that cannot be written only costs speed.
  }
}

export class LayerCache {
  private readonly dir: string;
  private readonly imageDir: string;
  private readonly analyzersKey: string;

  constructor(dir: string, analyzers: Analyzer[]) {
    this.dir = join(dir, "layers");
    this.imageDir = join(dir, "images");
    this.analyzersKey = analyzers.map((a) => `${a.id}@${a.version}`).sort().join(",");
  }

  key(diffId: string): string {
    return createHash("sha256").update(`${CACHE_FORMAT}\n${diffId}\n${this.analyzersKey}`).digest("hex");
  }

  get(diffId: string): CachedLayer | null {
    return readEntry<CachedLayer>(join(this.dir, `${this.key(diffId)}.json`), (v) => Array.isArray(v.files) && Array.isArray(v.whiteouts));
  }

  put(diffId: string, value: CachedLayer): void {
    writeEntry(this.dir, `${this.key(diffId)}.json`, value);
  }

  imageKey(layers: readonly ImageLayerKey[]): string {
    const h = createHash("sha256").update(`image\n${CACHE_FORMAT}\n${this.analyzersKey}\n`);
    for (const l of layers) h.update(`${l.digest} ${l.diffId} ${JSON.stringify(l.createdBy ?? null)}\n`);
    return h.digest("hex");
  }

  getImage(layers: readonly ImageLayerKey[]): CachedImage | null {
    return readEntry<CachedImage>(
      join(this.imageDir, `${this.imageKey(layers)}.json`),
      (v) => Array.isArray(v.packages) && Array.isArray(v.secrets) && Array.isArray(v.errors) && Array.isArray(v.digests) && v.digests.length === layers.length,
    );
  }

  putImage(layers: readonly ImageLayerKey[], value: CachedImage): void {
    writeEntry(this.imageDir, `${this.imageKey(layers)}.json`, value);
  }
}
