// `bulwark drift CONTAINER`: a running container's filesystem against the image it was started
// from. See docs/drift.md.
import { execFile } from "node:child_process";
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { constants } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { LiveWalker, type DriftChange, type WalkOptions, type WalkResult } from "./compare.js";
import { resolveContainer, type ContainerInfo, type ResolveOptions } from "./container.js";
import { imageFileIndex, type FileIndex, type FileIndexOptions } from "./file-index.js";
import { diffPackageDatabase, type PackageDbChange } from "./packages.js";

export { imageFileIndex, DEFAULT_HASH_BUDGET, type FileIndex, type FileIndexOptions, type IndexNode, type NodeType } from "./file-index.js";
export { resolveContainer, processMounts, type ContainerInfo, type ResolveOptions, type Runtime } from "./container.js";
export { elfKind, type DriftChange, type FileState, type Severity as DriftSeverity, type ElfKind } from "./compare.js";
export { diffPackageDatabase, isPackageDatabase, type PackageDbChange, type PackageRef } from "./packages.js";
export { driftTable } from "./table.js";

export interface DriftOptions extends FileIndexOptions, ResolveOptions {
  /** The image the container was started from (a target); default: what the runtime recorded. */
  image?: string;
  /** A file index already built (imageFileIndex), instead of `image`. */
  index?: FileIndex;
  /** Hash every same-size file, not only those whose mtime changed. */
  hashAll?: boolean;
  /** Most change records kept (counts are complete); default 10,000. */
  maxChanges?: number;
}

export interface DriftReport {
  schema: "bulwark.drift/v1";
  container: { runtime: ContainerInfo["runtime"]; id: string; pid?: number; root: string; rootfs?: string; bundle?: string; namespace?: string };
  image: { target: string; type: string; digest?: string; from: "option" | "runtime" };
  summary: {
    drift: boolean;
    added: number;
    modified: number;
    deleted: number;
    high: number;
    medium: number;
    low: number;
    packageDatabases: number;
  };
  changes: DriftChange[];
  packages: PackageDbChange[];
  skipped: WalkResult["skipped"];
  /** More changes than maxChanges: `changes` holds the first ones, the summary counts all. */
  truncated: boolean;
  notes: string[];
  stats: {
    imagePaths: number;
    imageHashedBytes: number;
    imageUnhashedFiles: number;
    walked: number;
    hashedFiles: number;
    hashedBytes: number;
    unverified: number;
    changedDuringWalk: number;
    durationMs: number;
  };
}

/** Most bytes of a live package database read for the package diff. */
const MAX_DB_READ = 256 * 2 ** 20;

function readLive(root: string, rel: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(`${root}/${rel}`, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_DB_READ) return undefined;
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function saveFromPodman(imageId: string): Promise<{ target: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-drift-"));
  const file = join(dir, "image.tar");
  return new Promise((resolve, reject) => {
    execFile("podman", ["image", "save", "--format", "oci-archive", "-o", file, imageId], { timeout: 600_000 }, (err, _out, stderr) => {
      if (err) {
        rmSync(dir, { recursive: true, force: true });
        reject(new UserError("NOT_FOUND", `podman image save ${imageId} failed: ${String(stderr).trim().split("\n").pop() ?? err.message}`));
      } else resolve({ target: `oci-archive:${file}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) });
    });
  });
}

/**
 * The file index of a container's image: `opts.image` when given, else what the runtime recorded
 * (podman's image, saved to a temporary archive; an image-name annotation). Plain runc and `pid:N`
 * record none: a one-line UserError asks for the image. Also used by `runtime watch` (drift rule).
 */
export async function containerImageIndex(info: ContainerInfo, opts: DriftOptions = {}): Promise<{ index: FileIndex; from: "option" | "runtime" }> {
  let from: "option" | "runtime" = "option";
  let target = opts.image;
  let cleanup: (() => void) | undefined;
  if (!target) {
    from = "runtime";
    if (info.runtime === "podman" && info.podmanImageId) {
      const saved = await saveFromPodman(info.podmanImageId);
      target = saved.target;
      cleanup = saved.cleanup;
    } else if (info.image) target = info.image;
    else {
      const why = info.runtime === "runc" ? "plain runc does not record the image a container was started from"
        : info.runtime === "pid" ? "a bare process has no image"
        : `${info.runtime} recorded no image for it`;
      throw new UserError("USAGE", `${info.id}: ${why}; give it with --image TARGET (oci:DIR, docker-archive:FILE, oci-archive:FILE, a registry reference or rootfs:DIR)`);
    }
  }
  let index: FileIndex;
  try {
    index = await imageFileIndex(target, opts);
  } finally {
    cleanup?.();
  }
  if (from === "runtime" && info.runtime === "podman") index.source.target = info.image ?? info.podmanImageId ?? index.source.target;
  return { index, from };
}

/** Compares a running container's filesystem with its image. */
export async function driftFor(container: string | ContainerInfo, opts: DriftOptions = {}): Promise<DriftReport> {
  const started = performance.now();
  const info = typeof container === "string" ? await resolveContainer(container, opts) : container;
  const { index, from } = opts.index ? { index: opts.index, from: "option" as const } : await containerImageIndex(info, opts);
  const walkOpts: WalkOptions = {
    mounts: info.mounts,
    mountTypes: info.mountTypes,
    ...(info.pid === undefined ? { alwaysSkip: ["/proc", "/sys"] } : {}),
    ...(info.uidMap ? { uidMap: info.uidMap } : {}),
    ...(info.gidMap ? { gidMap: info.gidMap } : {}),
    ...(opts.hashAll ? { hashAll: true } : {}),
    ...(opts.hashBudget !== undefined ? { hashBudget: opts.hashBudget } : {}),
    ...(opts.maxChanges !== undefined ? { maxChanges: opts.maxChanges } : {}),
  };
  const walked = await new LiveWalker(info.root, index, walkOpts).walk();
  const packages: PackageDbChange[] = [];
  const notes = [...index.notes, ...walked.notes];
  for (const rel of walked.packageDbPaths) {
    const live = readLive(info.root, rel);
    const before = index.packageDatabases.get(rel);
    if (index.skippedDatabases.has(rel)) {
      notes.push(`/${rel}: the image's copy is over the package database budget; packages not compared`);
      continue;
    }
    packages.push(await diffPackageDatabase(rel, before, live));
  }
  const c = walked.counts;
  const report: DriftReport = {
    schema: "bulwark.drift/v1",
    container: {
      runtime: info.runtime, id: info.id, ...(info.pid !== undefined ? { pid: info.pid } : {}), root: info.root,
      ...(info.rootfs ? { rootfs: info.rootfs } : {}), ...(info.bundle ? { bundle: info.bundle } : {}), ...(info.namespace ? { namespace: info.namespace } : {}),
    },
    image: { target: index.source.target, type: index.source.type, ...(index.source.digest ? { digest: index.source.digest } : {}), from },
    summary: {
      drift: c.added + c.modified + c.deleted > 0,
      added: c.added, modified: c.modified, deleted: c.deleted, high: c.HIGH, medium: c.MEDIUM, low: c.LOW, packageDatabases: packages.length,
    },
    changes: walked.changes,
    packages,
    skipped: walked.skipped.sort((a, b) => (a.path < b.path ? -1 : 1)),
    truncated: walked.truncated,
    notes,
    stats: {
      imagePaths: index.stats.entries,
      imageHashedBytes: index.stats.hashedBytes,
      imageUnhashedFiles: index.stats.unhashedFiles,
      ...walked.stats,
      durationMs: Math.round(performance.now() - started),
    },
  };
  return report;
}
