import type { Evidence, OSInfo, Package, ReportError, SecretFinding } from "../model/index.js";

/** A file handed to an analyzer: the core opens, reads (up to the analyzer's cap) and closes it. */
export interface AnalyzerFile {
  /** Path relative to the image root, no leading slash, e.g. `var/lib/dpkg/status`. */
  path: string;
  /** The whole file; for `input: "file"` analyzers empty when `localPath` is given instead. */
  content: Buffer;
  mode: number;
  size?: number;
  /**
   * For `input: "file"` analyzers, instead of `content`: a readable file holding it (the real
   * file of a root filesystem, or a temporary spool of a layer entry removed afterwards).
   */
  localPath?: string;
  /**
   * For analyzers with `markers`, instead of `content`: the body as the consecutive pieces it
   * arrived in, so a large executable is never copied into one buffer (read it through
   * `openSource`, which serves random access over the pieces).
   */
  parts?: readonly Buffer[];
}

/** What `required` may look at besides the path: cheap facts from the tar header or lstat. */
export interface FileInfo {
  mode: number;
  size: number;
}

/**
 * What an analyzer extracts from one file. Must be JSON-serialisable: it is cached per layer
 * by diffID + analyzer versions.
 */
export interface FileAnalysis {
  os?: OSInfo;
  /** Packages found in this file. `purl` may be left empty: `finalize` fills it once the OS is known. */
  packages?: Package[];
  /** Files owned by a package (dpkg info/*.list and the like), keyed by package name (or name:arch). */
  owners?: { package: string; files: string[] }[];
  /** Licenses declared for a package in a side file (dpkg's usr/share/doc/<pkg>/copyright). */
  licenses?: { package: string; licenses: string[] }[];
  /** Secrets found in this file (reported from every layer, even when a later layer deletes it). */
  secrets?: SecretFinding[];
  /** Non-fatal problems in this file (corrupt entries skipped, …). */
  errors?: string[];
}

export interface FinalizeContext {
  os: OSInfo | null;
  /** Owner lists collected from every surviving file of the same analyzer family. */
  owners: Map<string, string[]>;
  /** License lists from side files, keyed by package name. */
  licenses?: Map<string, string[]>;
}

export interface Analyzer {
  /** Stable id, e.g. `os/dpkg`; part of the cache key. */
  id: string;
  /** Bump when output changes: part of the cache key. */
  version: number;
  /**
   * What the files this analyzer reads prove. "installed": a package database or the package's
   * own files on disk (dpkg status, node_modules/x/package.json, dist-info, jars, binaries).
   * "declared": a lockfile or manifest that lists what a project wants (package-lock.json,
   * Gemfile.lock, go.mod, requirements.txt, pom.xml). Images and root filesystems run only
   * "installed" analyzers unless declared packages are asked for.
   */
  evidence: Evidence;
  /** Largest file this analyzer accepts; larger ones are recorded as errors, never buffered. */
  maxFileSize?: number;
  /** Cheap test on the path (and header facts): does this analyzer want the file? */
  required(path: string, info?: FileInfo): boolean;
  /**
   * "buffer" (default): the file arrives in `content`, up to maxFileSize. "file": large inputs
   * (jars, binaries) that want random access: they arrive either in `content` (read from a layer
   * under the scanner's memory budget) or as `localPath` (the real file of a root filesystem, or
   * a spool of a body too large for the budget); the analyzer must take both. Such analyses run
   * on worker threads when the scanner has them.
   */
  input?: "buffer" | "file";
  /**
   * Analyses of this analyzer are pure CPU work on many small in-memory files (secret
   * scanning): the scanner may run them in batches on a worker thread.
   */
  batch?: boolean;
  /**
   * For batch analyzers: a cheap test on the first bytes of a body (up to 8 KiB), run on the
   * scanning thread before the body is copied into a batch (secret scanning drops binaries here
   * rather than after shipping them to a worker). `analyze` must still make its own checks.
   */
  accepts?(head: Uint8Array): boolean;
  /**
   * Byte strings of which the body must contain one for `analyze` to find anything (Go's build
   * info magic, a section name). The scanner looks for them while a layer entry streams past and
   * keeps the body for the analyzer only on a hit, so most executables are never held. Undefined
   * (for this path): no such filter. Only for `input: "file"` analyzers.
   */
  markers?(path: string): readonly Buffer[] | undefined;
  analyze(file: AnalyzerFile): FileAnalysis | null | Promise<FileAnalysis | null>;
  /** After squashing: build purls, attach owned files, drop duplicates. */
  finalize?(packages: Package[], ctx: FinalizeContext): Package[];
}

export type { OSInfo, Package, ReportError };
