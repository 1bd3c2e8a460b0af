// Walks one Java archive and the archives nested in it (Spring Boot BOOT-INF/lib, WAR
// WEB-INF/lib, EAR modules, jars in jars) without extracting anything: small members are
// opened from memory, large ones spooled to a temp file that is removed right after.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Package } from "../../types.js";
import { type Identity, type PomProperties, isJavaArchiveName, manifestIdentity, ownPom, pomFromProperties } from "./identity.js";
import { bundleLicenses, parseManifest } from "./manifest.js";
import { parseProperties } from "./properties.js";
import { type Zip, type ZipEntry, entryName, forEachEntry, openBuffer, openFile, readEntry, spoolEntry } from "../../shared/zip.js";

export interface Limits {
  maxDepth: number;
  maxEntries: number;
  /** Inflated bytes read per top-level archive (metadata plus nested archives): the zip bomb guard. */
  maxTotalBytes: number;
  /** Nested archives up to this size are opened from memory; larger ones are spooled. */
  inMemoryBytes: number;
  /** Largest manifest or pom.properties read. */
  maxMetadataBytes: number;
}

export const LIMITS: Limits = { maxDepth: 8, maxEntries: 200_000, maxTotalBytes: 4 * 2 ** 30, inMemoryBytes: 32 * 2 ** 20, maxMetadataBytes: 2 ** 20 };

const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MAX_ERRORS = 50;

interface Walk {
  limits: Limits;
  bytesLeft: number;
  packages: Package[];
  errors: string[];
  tmp?: string;
  spools: number;
}

/** Packages of the archive at `source` (a local file, or its bytes), shown as `path` (no leading slash). */
export async function walkJavaArchive(source: string | Buffer, path: string, limits: Limits = LIMITS): Promise<{ packages: Package[]; errors: string[] }> {
  const w: Walk = { limits, bytesLeft: limits.maxTotalBytes, packages: [], errors: [], spools: 0 };
  try {
    let zip: Zip;
    try {
      // A local archive small enough is read whole (one read) rather than entry by entry.
      zip = await (typeof source !== "string" ? openBuffer(source) : statSync(source).size <= limits.inMemoryBytes ? openBuffer(readFileSync(source)) : openFile(source));
    } catch (e) {
      return { packages: [], errors: [`${path}: not a readable zip archive: ${(e as Error).message}`] };
    }
    await walk(w, zip, "/" + path, baseOf(path), 0);
  } finally {
    if (w.tmp) rmSync(w.tmp, { recursive: true, force: true });
  }
  return { packages: w.packages, errors: w.errors };
}

function addError(w: Walk, msg: string): void {
  if (w.errors.length < MAX_ERRORS) w.errors.push(msg);
  else if (w.errors.length === MAX_ERRORS) w.errors.push("further errors omitted");
}

const baseOf = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

/** Reads `zip` (closing it), shown at `location`, then its nested archives. */
async function walk(w: Walk, zip: Zip, location: string, base: string, depth: number): Promise<void> {
  const nested: ZipEntry[] = [];
  try {
    if (zip.entryCount > w.limits.maxEntries) {
      addError(w, `${location}: ${zip.entryCount} entries, over the ${w.limits.maxEntries} limit; skipped`);
      return;
    }
    const pomEntries: ZipEntry[] = [];
    let manifestEntry: ZipEntry | undefined;
    await forEachEntry(zip, (e) => {
      const name = entryName(e);
      if (name.endsWith("/")) return;
      if (POM_PROPERTIES.test(name)) pomEntries.push(e);
      else if (name.toUpperCase() === "META-INF/MANIFEST.MF") manifestEntry ??= e;
      else if (isJavaArchiveName(name)) nested.push(e);
    });

    let manifest = new Map<string, string>();
    if (manifestEntry) {
      const text = await readText(w, zip, manifestEntry, location);
      if (text !== null) manifest = parseManifest(text);
    }
    const poms: PomProperties[] = [];
    for (const e of pomEntries) {
      const text = await readText(w, zip, e, location);
      const pom = text === null ? null : pomFromProperties(entryName(e), parseProperties(text));
      if (pom) poms.push(pom);
    }
    addPackages(w, location, base, manifest, poms);

    for (const e of nested) {
      if (depth + 1 > w.limits.maxDepth) {
        addError(w, `${location}: archives nested deeper than ${w.limits.maxDepth} levels; not read`);
        break;
      }
      await walkNested(w, zip, e, `${location}!/${entryName(e)}`, depth + 1);
    }
  } catch (e) {
    addError(w, `${location}: corrupt archive: ${(e as Error).message}`);
  } finally {
    zip.close();
  }
}

/** Takes `bytes` from the per-archive budget; false (and an error) once it is spent. */
function spend(w: Walk, bytes: number, what: string): boolean {
  if (bytes > w.bytesLeft) {
    addError(w, `${what}: read budget of ${w.limits.maxTotalBytes} inflated bytes spent (zip bomb?); not read`);
    w.bytesLeft = 0;
    return false;
  }
  w.bytesLeft -= bytes;
  return true;
}

async function readText(w: Walk, zip: Zip, e: ZipEntry, location: string): Promise<string | null> {
  const what = `${location}!/${entryName(e)}`;
  if (!spend(w, Math.min(e.uncompressedSize, w.limits.maxMetadataBytes), what)) return null;
  try {
    return (await readEntry(zip, e, w.limits.maxMetadataBytes)).toString("utf8");
  } catch (err) {
    addError(w, `${what}: ${(err as Error).message}`);
    return null;
  }
}

async function walkNested(w: Walk, zip: Zip, e: ZipEntry, location: string, depth: number): Promise<void> {
  const size = e.uncompressedSize;
  if (!spend(w, size, location)) return;
  let inner: Zip;
  let spool: string | undefined;
  try {
    if (size <= w.limits.inMemoryBytes) {
      inner = await openBuffer(await readEntry(zip, e, w.limits.inMemoryBytes));
    } else {
      w.tmp ??= mkdtempSync(join(tmpdir(), "bulwark-jar-"));
      spool = join(w.tmp, String(w.spools++));
      await spoolEntry(zip, e, spool, size);
      inner = await openFile(spool);
    }
  } catch (err) {
    if (spool) rmSync(spool, { force: true });
    addError(w, `${location}: not a readable zip archive: ${(err as Error).message}`);
    return;
  }
  try {
    await walk(w, inner, location, baseOf(entryName(e)), depth);
  } finally {
    if (spool) rmSync(spool, { force: true });
  }
}

function addPackages(w: Walk, location: string, base: string, manifest: Map<string, string>, poms: PomProperties[]): void {
  const own = ownPom(poms, base, manifest);
  const id: Identity = own ? { groupId: own.groupId, artifactId: own.artifactId, version: own.version, from: "pom.properties" } : manifestIdentity(manifest, base);
  if (id.artifactId) w.packages.push(toPackage(id, location, bundleLicenses(manifest.get("bundle-license"))));
  // Other pom.properties are dependencies shaded into this archive.
  for (const p of poms) {
    if (p === own) continue;
    if (!own && p.groupId === id.groupId && p.artifactId === id.artifactId && p.version === id.version) continue;
    w.packages.push(toPackage({ groupId: p.groupId, artifactId: p.artifactId, version: p.version, from: "pom.properties" }, `${location}!/${p.entry}`, []));
  }
}

function toPackage(id: Identity, location: string, licenses: string[]): Package {
  const metadata: Record<string, string> = { identifiedBy: id.from };
  if (!id.groupId) metadata.groupUnknown = "true";
  return {
    type: "maven",
    name: id.groupId ? `${id.groupId}:${id.artifactId}` : id.artifactId,
    version: id.version,
    purl: "",
    source: null,
    licenses,
    locations: [{ path: location }],
    metadata,
  };
}
