// `bulwark db import`: OSV records from directories, zip archives and JSON files.
//
// Accepted JSON shapes: one OSV record, an array of records, or an osv.dev /v1/query answer
// (`{ "vulns": [ … ] }`), so saved API responses import as they are.
import { openSync, readSync, closeSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { UserError } from "../errors.js";
import type { OsvRecord } from "../model/osv.js";
import type { LockOptions } from "./lock.js";
import { withDbWriter, type DbWriter } from "./writer.js";
import { forEachJsonEntry } from "./zip.js";

export interface ImportOptions extends LockOptions {
  /** Called with the number of records processed so far, every 1,000 and at the end. */
  onProgress?(n: number): void;
}

export interface ImportResult {
  /** Records stored (new, or newer than the stored copy). */
  imported: number;
  /** Records not stored: withdrawn, or older than the stored copy. */
  skipped: number;
  /** One line per bad file or record, naming it; capped at MAX_ERRORS lines plus a summary. */
  errors: string[];
}

const MAX_ERRORS = 1000;
/** Plain JSON files can hold a whole array of records, so they may be bigger than zip entries. */
const MAX_JSON_FILE_BYTES = 256 * 2 ** 20;
const PROGRESS_EVERY = 1000;

/** Feeds parsed JSON into a DbWriter and keeps the counts. */
export class RecordSink {
  imported = 0;
  skipped = 0;
  private errorCount = 0;
  private readonly errorLines: string[] = [];
  /** Ids of every valid record seen (stored or not), and the newest `modified` among them. */
  readonly seen = new Set<string>();
  maxModified: string | undefined;
  private maxModifiedMs = -Infinity;

  constructor(
    private readonly writer: DbWriter,
    private readonly onProgress?: (n: number) => void,
  ) {}

  get processed(): number {
    return this.imported + this.skipped + this.errorCount;
  }

  error(label: string, problem: string): void {
    this.errorCount++;
    if (this.errorLines.length < MAX_ERRORS) this.errorLines.push(`${label}: ${problem}`);
    this.tick();
  }

  /**
   * Parses `text` and stores every record in it. `deflated` is `text` as a raw deflate stream
   * (a zip entry's data): a lone record is stored as those bytes, saving a re-compression.
   */
  addText(label: string, text: string, deflated?: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.error(label, `invalid JSON (${(e as Error).message})`);
      return;
    }
    this.addValue(label, value, deflated);
  }

  addValue(label: string, value: unknown, deflated?: Buffer): void {
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.addRecord(`${label}[${i}]`, v));
    } else if (isObject(value) && !("id" in value) && Array.isArray(value.vulns)) {
      value.vulns.forEach((v, i) => this.addRecord(`${label} vulns[${i}]`, v));
    } else {
      this.addRecord(label, value, deflated);
    }
  }

  addRecord(label: string, value: unknown, deflated?: Buffer): void {
    const problem = invalidRecord(value);
    if (problem) {
      this.error(label, problem);
      return;
    }
    const rec = value as OsvRecord;
    this.seen.add(rec.id);
    const ms = Date.parse(rec.modified);
    if (ms > this.maxModifiedMs) {
      this.maxModifiedMs = ms;
      this.maxModified = rec.modified;
    }
    if (this.writer.put(rec, deflated) === "stored") this.imported++;
    else this.skipped++;
    this.tick();
  }

  result(): ImportResult {
    this.onProgress?.(this.processed);
    const errors = [...this.errorLines];
    if (this.errorCount > errors.length) errors.push(`… and ${this.errorCount - errors.length} more errors`);
    return { imported: this.imported, skipped: this.skipped, errors };
  }

  private tick(): void {
    if (this.onProgress && this.processed % PROGRESS_EVERY === 0) this.onProgress(this.processed);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Why `v` cannot be stored as an OSV record, or undefined if it can. */
export function invalidRecord(v: unknown): string | undefined {
  if (!isObject(v)) return "not an OSV record (expected an object)";
  if (typeof v.id !== "string" || v.id === "") return "record without an id";
  if (typeof v.modified !== "string" || Number.isNaN(Date.parse(v.modified))) return `record ${v.id} without a valid modified time`;
  if (v.affected !== undefined && !Array.isArray(v.affected)) return `record ${v.id}: affected is not a list`;
  if (v.aliases !== undefined && !Array.isArray(v.aliases)) return `record ${v.id}: aliases is not a list`;
  return undefined;
}

function isZip(path: string): boolean {
  if (path.toLowerCase().endsWith(".zip")) return true;
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    closeSync(fd);
  }
}

/** Every `*.json` file under `dir`, sorted; symlinked directories are not followed (no loops). */
function jsonFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.toLowerCase().endsWith(".json") && (e.isFile() || (e.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isFile()))) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function addJsonFile(sink: RecordSink, path: string): void {
  const size = statSync(path).size;
  if (size > MAX_JSON_FILE_BYTES) {
    sink.error(path, `${size} bytes is over the ${MAX_JSON_FILE_BYTES}-byte limit`);
    return;
  }
  sink.addText(path, readFileSync(path, "utf8"));
}

export async function addZip(sink: RecordSink, path: string): Promise<void> {
  const label = basename(path);
  await forEachJsonEntry(path, {
    entry: (name, data, deflated) => sink.addText(`${label}:${name}`, data.toString("utf8"), deflated),
    skipped: (name, reason) => sink.error(`${label}:${name}`, reason),
  });
}

/** Adds one path (directory, zip or JSON file) to the sink. */
export async function addPath(sink: RecordSink, path: string): Promise<void> {
  const st = statSync(path);
  if (st.isDirectory()) for (const f of jsonFilesUnder(path)) addJsonFile(sink, f);
  else if (isZip(path)) await addZip(sink, path);
  else addJsonFile(sink, path);
}

/**
 * Imports OSV records into the database at `dbPath` (created if missing), atomically; waits for
 * another process writing the same database to finish first.
 */
export async function importPaths(dbPath: string, paths: string[], opts: ImportOptions = {}): Promise<ImportResult> {
  if (paths.length === 0) throw new UserError("USAGE", "nothing to import: give directories, zip archives or JSON files");
  const abs = paths.map((p) => resolve(p));
  for (const p of abs) if (!statSync(p, { throwIfNoEntry: false })) throw new UserError("NOT_FOUND", `no such file or directory: ${p}`);
  return withDbWriter(dbPath, async (w) => {
    const sink = new RecordSink(w, opts.onProgress);
    for (const p of abs) await addPath(sink, p);
    const now = new Date().toISOString();
    for (const base of w.touched) w.setEcosystem(base, { updatedAt: now, source: abs.join(", ") });
    return sink.result();
  }, opts);
}
