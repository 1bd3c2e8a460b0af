// Per-layer analysis cache: one JSON file per (diffID, analyzer set), written atomically.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Analyzer } from "../analyzers/types.js";
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

export class LayerCache {
  private readonly dir: string;
  private readonly analyzersKey: string;

  constructor(dir: string, analyzers: Analyzer[]) {
    this.dir = join(dir, "layers");
    this.analyzersKey = analyzers.map((a) => `${a.id}@${a.version}`).sort().join(",");
  }

  key(diffId: string): string {
    return createHash("sha256").update(`${CACHE_FORMAT}\n${diffId}\n${this.analyzersKey}`).digest("hex");
  }

  get(diffId: string): CachedLayer | null {
    try {
      const v = JSON.parse(readFileSync(join(this.dir, `${this.key(diffId)}.json`), "utf8")) as CachedLayer;
      // A damaged entry is a miss, never an error.
      return v && Array.isArray(v.files) && Array.isArray(v.whiteouts) ? v : null;
    } catch {
      return null;
    }
  }

  put(diffId: string, value: CachedLayer): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const final = join(this.dir, `${this.key(diffId)}.json`);
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
}
