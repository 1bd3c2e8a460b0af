// os/rpm: installed packages from rpm's database, read natively (no rpm binary) in any of its
// three formats: SQLite rpmdb.sqlite, ndb Packages.db and Berkeley DB hash Packages.
import { BulwarkError } from "../../../errors.js";
import type { Package } from "../../../model/index.js";
import type { Analyzer, AnalyzerFile, FileAnalysis, FinalizeContext } from "../../types.js";
import { bdbBlobs, isBdb } from "./bdb.js";
import { RpmDbError, type HeaderBlob, type ReportError } from "./blob.js";
import { readPackageHeader } from "./header.js";
import { isNdb, ndbBlobs } from "./ndb.js";
import { toPackage } from "./package.js";
import { rpmPurl } from "./purl.js";
import { isSqlite, sqliteBlobs } from "./sqlite.js";

const DB_DIRS = ["var/lib/rpm/", "usr/lib/sysimage/rpm/", "usr/share/rpm/"];
const DB_FILES = ["Packages", "Packages.db", "rpmdb.sqlite"];
const DB_PATHS = new Set(DB_DIRS.flatMap((d) => DB_FILES.map((f) => d + f)));

/** Enough to say what is wrong without flooding the report from one broken file. */
export const MAX_ERRORS = 20;

type Format = "sqlite" | "ndb" | "bdb";

/** By content, not name: images do carry a Packages.db that is really BDB and the like. */
export function detectFormat(buf: Buffer): Format | null {
  if (isSqlite(buf)) return "sqlite";
  if (isNdb(buf)) return "ndb";
  if (isBdb(buf)) return "bdb";
  return null;
}

const READERS: Record<Format, (buf: Buffer, report: ReportError) => Generator<HeaderBlob>> = {
  sqlite: sqliteBlobs,
  ndb: ndbBlobs,
  bdb: bdbBlobs,
};

export function analyzeRpmDb(file: AnalyzerFile): FileAnalysis {
  const format = detectFormat(file.content);
  if (!format) {
    throw new BulwarkError(
      "INPUT",
      `${file.path}: not an rpm database (no SQLite, ndb or Berkeley DB hash signature)`,
    );
  }
  const errors: string[] = [];
  let dropped = 0;
  const report: ReportError = (message) => {
    if (errors.length < MAX_ERRORS) errors.push(message);
    else dropped++;
  };

  const packages: Package[] = [];
  try {
    for (const { where, blob } of READERS[format](file.content, report)) {
      let info;
      try {
        info = readPackageHeader(blob);
      } catch (e) {
        report(`${where}: corrupt header skipped: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      // Imported signing keys are stored as pseudo packages; they are not software.
      if (info.name === "gpg-pubkey") continue;
      if (info.fileListError) report(`${where}: ${info.name}: file list dropped: ${info.fileListError}`);
      packages.push(toPackage(info, file.path));
    }
  } catch (e) {
    if (!(e instanceof RpmDbError)) throw e;
    throw new BulwarkError("INPUT", `${file.path}: unreadable rpm ${format} database: ${e.message}`, { cause: e });
  }
  if (dropped > 0) errors.push(`${dropped} more errors not shown`);
  return { packages, errors };
}

/** name, then version, then arch; plain code-unit order so output never depends on locale. */
function comparePackages(a: Package, b: Package): number {
  return cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.arch ?? "", b.arch ?? "");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function finalizeRpm(packages: Package[], ctx: FinalizeContext): Package[] {
  // The same package can be seen twice when an image carries two databases (a migration left
  // the old one behind, or /var/lib/rpm is a copy of /usr/lib/sysimage/rpm): keep one, with
  // every location.
  const byKey = new Map<string, Package>();
  for (const pkg of packages) {
    const key = `${pkg.name}\0${pkg.version}\0${pkg.arch ?? ""}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...pkg, locations: [...pkg.locations] });
      continue;
    }
    for (const loc of pkg.locations) {
      if (!seen.locations.some((l) => l.path === loc.path && l.layer?.diffId === loc.layer?.diffId)) {
        seen.locations.push(loc);
      }
    }
  }
  const out = [...byKey.values()];
  for (const pkg of out) pkg.purl = rpmPurl(pkg, ctx.os);
  return out.sort(comparePackages);
}

export const rpmAnalyzer: Analyzer = {
  id: "os/rpm",
  evidence: "installed",
  version: 1,
  // Header blobs are parsed straight out of the buffer; 256 MiB covers the largest real
  // databases (a few tens of MiB) with room to spare while bounding memory.
  maxFileSize: 256 * 1024 * 1024,
  required: (path) => DB_PATHS.has(path),
  analyze: analyzeRpmDb,
  finalize: finalizeRpm,
};
