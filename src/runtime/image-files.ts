// The drift rule's image side: for a container, the paths of the image it was started from, built
// with `bulwark drift`'s file index (no content hashing: the rule asks only whether a path exists
// in the image). The image is the one given for the container id (--image ID=TARGET) or what the
// runtime recorded (drift's containerImageIndex: podman's image, an image-name annotation).
// Indexes are built in the background, at most two at a time, cached per container id (and shared
// between containers of the same target); until one is ready the rule's field has no value.
import { loadDrift, type FileIndex } from "../index.js";
import type { ImageFileIndex } from "./event.js";

export interface ContainerImageFilesOptions {
  /** Image targets by container id (exact, or a prefix of at least 12 characters). */
  targets?: Record<string, string>;
  /** Find images of containers without a target from the runtime's records (default true). */
  discover?: boolean;
  /** runc state roots for container lookups (drift's default: /run/runc). */
  runcRoots?: string[];
  onNotice?(message: string): void;
  /** Containers whose index is kept (default 64; the oldest is dropped). */
  maxContainers?: number;
  /** Registry access for registry targets. */
  insecure?: boolean;
}

/** runc state roots of runc itself, Docker and crun (containerd's are looked up by drift). */
const RUNC_STATE_ROOTS = ["/run/runc", "/run/docker/runtime-runc/moby", "/run/crun"];

type Entry = { state: "building"; promise: Promise<void> } | { state: "ready"; files: ImageFileIndex; target: string } | { state: "failed"; reason: string };

/** Path lookups on a drift file index: any node (file, symlink, directory) counts as present. */
function filesOf(index: FileIndex): ImageFileIndex {
  return { has: (path: string) => index.lookup(path) !== undefined };
}

export class ContainerImageFiles {
  private readonly entries = new Map<string, Entry>();
  private readonly byTarget = new Map<string, Promise<ImageFileIndex>>();
  private readonly readyByTarget = new Map<string, ImageFileIndex>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly opts: ContainerImageFilesOptions = {}) {}

  /** The explicit target of a container id, if one was given. */
  targetFor(containerId: string): string | undefined {
    const t = this.opts.targets ?? {};
    if (t[containerId] !== undefined) return t[containerId];
    for (const [k, v] of Object.entries(t)) if (k.length >= 12 && containerId.startsWith(k)) return v;
    return undefined;
  }

  /** The hook for watchRuntime: the index when ready, else undefined (and its build is started). */
  lookup(containerId: string): ImageFileIndex | undefined {
    const e = this.entries.get(containerId);
    if (e) return e.state === "ready" ? e.files : undefined;
    const target = this.targetFor(containerId);
    const built = target !== undefined ? this.readyByTarget.get(target) : undefined;
    if (built) {
      this.entries.set(containerId, { state: "ready", files: built, target: target! });
      return built;
    }
    if (!target && this.opts.discover === false) return undefined;
    void this.build(containerId);
    return undefined;
  }

  /** Builds (or waits for) a container's index; resolves when it is ready or failed. */
  build(containerId: string): Promise<void> {
    const e = this.entries.get(containerId);
    if (e) return e.state === "building" ? e.promise : Promise.resolve();
    const promise = this.load(containerId).then(
      ({ files, target }) => {
        this.entries.set(containerId, { state: "ready", files, target });
      },
      (err: Error) => {
        this.entries.set(containerId, { state: "failed", reason: err.message });
        this.opts.onNotice?.(`drift rule: no image index for container ${containerId.slice(0, 12)}: ${err.message}`);
      },
    );
    this.entries.set(containerId, { state: "building", promise });
    this.trim();
    return promise;
  }

  /** Why a container has no index (after a failed build). */
  failure(containerId: string): string | undefined {
    const e = this.entries.get(containerId);
    return e?.state === "failed" ? e.reason : undefined;
  }

  private trim(): void {
    const max = this.opts.maxContainers ?? 64;
    for (const [k, v] of this.entries) {
      if (this.entries.size <= max) break;
      if (v.state !== "building") this.entries.delete(k);
    }
    if (this.byTarget.size > max) {
      this.byTarget.clear();
      this.readyByTarget.clear();
    }
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    while (this.running >= 2) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async load(containerId: string): Promise<{ files: ImageFileIndex; target: string }> {
    const { containerImageIndex, imageFileIndex, resolveContainer } = await loadDrift();
    const explicit = this.targetFor(containerId);
    const indexOpts = { hashBudget: 0, packageDbBudget: 0, ...(this.opts.insecure ? { insecure: true } : {}) };
    if (explicit) {
      let p = this.byTarget.get(explicit);
      if (!p) {
        p = this.slot(() => imageFileIndex(explicit, indexOpts)).then((index) => {
          const files = filesOf(index);
          this.readyByTarget.set(explicit, files);
          return files;
        });
        this.byTarget.set(explicit, p);
        p.catch(() => this.byTarget.delete(explicit));
      }
      return { files: await p, target: explicit };
    }
    const info = await resolveContainer(containerId, { runcRoots: this.opts.runcRoots ?? RUNC_STATE_ROOTS });
    const { index } = await this.slot(() => containerImageIndex(info, indexOpts));
    return { files: filesOf(index), target: index.source.target };
  }
}
