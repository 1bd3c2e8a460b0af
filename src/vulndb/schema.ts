// The on-disk format: tables, version checks, meta entries and the record codec.
import Database from "better-sqlite3";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { UserError } from "../errors.js";
import type { OsvRecord } from "../model/osv.js";

export const SCHEMA_VERSION = 1;
/** SQLite's application_id header field: "BWKD", so `file` and we can tell our databases apart. */
export const APPLICATION_ID = 0x42574b44;

export const HINT = "run `bulwark db update` or `bulwark db import`";

// affected and aliases are clustered on their lookup key (WITHOUT ROWID), which is the
// (ecosystem_base, name) / alias index, and de-duplicates rows for free. The record_id
// indexes make replacing or removing one record cheap.
const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (id TEXT PRIMARY KEY, modified TEXT NOT NULL, json BLOB NOT NULL);
CREATE TABLE affected (
  ecosystem_base TEXT NOT NULL, name TEXT NOT NULL, record_id TEXT NOT NULL,
  PRIMARY KEY (ecosystem_base, name, record_id)
) WITHOUT ROWID;
CREATE INDEX affected_record ON affected (record_id);
CREATE TABLE aliases (alias TEXT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (alias, record_id)) WITHOUT ROWID;
CREATE INDEX aliases_record ON aliases (record_id);
`;

export function createSchema(db: Database.Database): void {
  // 8 KiB pages: a bit faster bulk inserts and a ~5% smaller file than 4 KiB for ~1 KB records.
  db.pragma("page_size = 8192");
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  setMeta(db, "schema_version", String(SCHEMA_VERSION));
  setMeta(db, "codec", "deflate-raw");
}

/** Throws UserError INPUT unless `db` is a Bulwark advisory database this version can read. */
function checkSchema(db: Database.Database, path: string): void {
  let appId: unknown;
  let version: unknown;
  try {
    appId = db.pragma("application_id", { simple: true });
    version = db.pragma("user_version", { simple: true });
  } catch (e) {
    // SQLITE_NOTADB and friends surface on the first read, not on open.
    throw new UserError("INPUT", `${path} is not a Bulwark advisory database (${(e as Error).message}); ${HINT}`, { cause: e });
  }
  if (appId !== APPLICATION_ID) throw new UserError("INPUT", `${path} is not a Bulwark advisory database; ${HINT}`);
  if (typeof version !== "number" || version > SCHEMA_VERSION) {
    throw new UserError("INPUT", `${path} was written by a newer Bulwark (schema ${String(version)}, this one reads ${SCHEMA_VERSION}); upgrade Bulwark or delete the file`);
  }
  if (version < SCHEMA_VERSION) throw new UserError("INPUT", `${path} has an old schema (${version}); delete it and ${HINT}`);
}

/** Opens an existing database read-only; UserError INPUT when it cannot be opened or fails checkSchema. */
export function openChecked(path: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new UserError("INPUT", `cannot open advisory database ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    checkSchema(db, path);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

export function getMeta(db: Database.Database, key: string): string | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Database.Database, key: string, value: string): void {
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(key, value);
}

/** What we know about one ecosystem, kept in meta under `ecosystem/<name>`. */
export interface EcosystemInfo {
  /** Records with at least one affected package in this ecosystem (by base name). */
  records: number;
  /** Last import or update that touched it. */
  updatedAt?: string;
  /** Repository URL, or the imported paths. */
  source?: string;
  /** Newest `modified` seen by `db update`, and the repository it came from: the incremental cursor. */
  highWater?: string;
  highWaterSource?: string;
}

const ECO_PREFIX = "ecosystem/";

export function readEcosystems(db: Database.Database): Map<string, EcosystemInfo> {
  const rows = db.prepare("SELECT key, value FROM meta WHERE key >= ? AND key < ?").all(ECO_PREFIX, ECO_PREFIX.slice(0, -1) + "0") as { key: string; value: string }[];
  const out = new Map<string, EcosystemInfo>();
  for (const r of rows) out.set(r.key.slice(ECO_PREFIX.length), JSON.parse(r.value) as EcosystemInfo);
  return out;
}

export function writeEcosystem(db: Database.Database, name: string, info: EcosystemInfo): void {
  setMeta(db, ECO_PREFIX + name, JSON.stringify(info));
}

// Records are stored as raw-deflated JSON: measured on the 4,291 go-vulndb records, this
// halves the size (5.5 → 2.4 MB) for ~11 µs extra per record read; brotli (q4-6) was barely
// smaller (2.2-2.4 MB), no faster to read and slower to write. Records from zip archives keep
// the archive's own deflate stream (pretty-printed JSON, ~12% bigger than re-compressing the
// compact form), which skips ~35 µs of compression per record on import.
export function encodeRecord(record: OsvRecord): Buffer {
  return deflateRawSync(JSON.stringify(record));
}

export function decodeRecord(blob: Buffer): OsvRecord {
  return JSON.parse(inflateRawSync(blob).toString("utf8")) as OsvRecord;
}
