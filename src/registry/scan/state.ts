// The incremental state file: per scanned manifest digest, the stored inventory (a report without
// findings), the advisory database version it was last matched against, and its summary. Written
// atomically (temporary file + rename), so a killed run leaves the previous state.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { dbStatus, UserError, type Report } from "../../index.js";

export const STATE_VERSION = 1;
/** A state file larger than this is refused rather than parsed. */
const STATE_CAP = 1 << 30;

export interface ImageSummary {
  packages: number;
  vulnerabilities: { CRITICAL: number; HIGH: number; MEDIUM: number; LOW: number; UNKNOWN: number };
}

export interface StateEntry {
  scannedAt: string;
  /** Scanners the inventory was taken with (sorted). */
  scanners: string[];
  /** The advisory database version of the last match (absent without the vuln scanner). */
  db?: { version: string; builtAt?: string };
  /** Matching options (severities, ignore-unfixed, …) the summary was made with. */
  matchKey?: string;
  created?: string;
  platform?: string;
  os?: string;
  /** The report without vulnerabilities, suppressed and unchecked: what re-matching needs. */
  inventory: Report;
  summary: ImageSummary;
  /** Packages not checked (no advisories of their ecosystem in the database). */
  unchecked?: number;
}

export interface ScanState {
  version: number;
  registry: string;
  images: Record<string, StateEntry>;
}

/**
 * On disk, package lists are stored once per distinct content (`packages`, by hash) and each
 * inventory names its list: tags of one repository and images built on one base often have
 * exactly the same packages (with the same layer attribution).
 */
interface StoredState {
  version: number;
  registry: string;
  packages?: Record<string, Report["packages"]>;
  images: Record<string, Omit<StateEntry, "inventory"> & { inventory: Omit<Report, "packages"> & { packages: Report["packages"] | string } }>;
}

/** A stable key of a package list (for the state file and for sharing match results). */
export function packagesKey(packages: Report["packages"]): string {
  return createHash("sha256").update(JSON.stringify(packages)).digest("hex").slice(0, 32);
}

export function loadState(file: string, registry: string): ScanState {
  if (!existsSync(file)) return { version: STATE_VERSION, registry, images: {} };
  let text: string;
  try {
    const buf = readFileSync(file);
    if (buf.length > STATE_CAP) throw new UserError("INPUT", `${file}: the state file is larger than ${STATE_CAP} bytes`);
    text = buf.toString("utf8");
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError("INPUT", `${file}: cannot read the state file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: StoredState;
  try {
    json = JSON.parse(text) as StoredState;
  } catch {
    throw new UserError("INPUT", `${file}: the state file is not valid JSON (remove it to start afresh)`);
  }
  if (typeof json !== "object" || json === null || json.version !== STATE_VERSION || typeof json.images !== "object" || json.images === null) {
    throw new UserError("INPUT", `${file}: not a bulwark registry scan state file (version ${STATE_VERSION}); remove it to start afresh`);
  }
  if (json.registry !== registry) {
    throw new UserError("INPUT", `${file}: the state file belongs to registry ${String(json.registry)}, not ${registry}`);
  }
  const images: Record<string, StateEntry> = {};
  for (const [digest, e] of Object.entries(json.images)) {
    const ref = e?.inventory?.packages;
    const packages = typeof ref === "string" ? json.packages?.[ref] : ref;
    // An entry whose package list is missing is dropped: that image is scanned again.
    if (!Array.isArray(packages)) continue;
    images[digest] = { ...e, inventory: { ...e.inventory, packages } as Report };
  }
  return { version: json.version, registry: json.registry, images };
}

export function saveState(file: string, state: ScanState): void {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const packages: Record<string, Report["packages"]> = {};
    const keys = new Map<Report["packages"], string>();
    const images: StoredState["images"] = {};
    for (const [digest, e] of Object.entries(state.images)) {
      const list = e.inventory.packages;
      let key = keys.get(list);
      if (key === undefined) {
        key = packagesKey(list);
        keys.set(list, key);
        packages[key] ??= list;
      }
      images[digest] = { ...e, inventory: { ...e.inventory, packages: key } };
    }
    const stored: StoredState = { version: state.version, registry: state.registry, packages, images };
    writeFileSync(tmp, JSON.stringify(stored) + "\n");
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw new UserError("INPUT", `${file}: cannot write the state file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * The advisory database's version: a hash of its build time and, per ecosystem, record count and
 * update time. Any import or update changes it; reading does not.
 */
export function dbVersion(path: string): { version: string; builtAt?: string } | undefined {
  // Writers replace the file (copy, rename): the same inode, size and mtime is the same database.
  let key: string;
  try {
    const st = statSync(path);
    key = `${path}\0${st.ino}\0${st.size}\0${st.mtimeMs}`;
  } catch {
    return undefined;
  }
  const hit = versions.get(key);
  if (hit) return hit;
  const v = computeDbVersion(path);
  if (v) versions.set(key, v);
  return v;
}

const versions = new Map<string, { version: string; builtAt?: string }>();

function computeDbVersion(path: string): { version: string; builtAt?: string } | undefined {
  const s = dbStatus(path);
  if (!s.exists) return undefined;
  const basis = JSON.stringify([s.builtAt ?? null, s.records, s.ecosystems.map((e) => [e.ecosystem, e.records, e.updatedAt ?? null])]);
  const version = createHash("sha256").update(basis).digest("hex").slice(0, 16);
  return s.builtAt ? { version, builtAt: s.builtAt } : { version };
}
