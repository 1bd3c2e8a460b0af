// Reader for rpm's SQLite database, `rpmdb.sqlite` (rpm >= 4.16 on Fedora, RHEL 9 and kin):
// table Packages(hnum INTEGER PRIMARY KEY, blob BLOB) holds one header blob per package.
// The file is opened from memory (better-sqlite3 deserialises a Buffer); SQLite itself
// bounds-checks a corrupt file and reports SQLITE_CORRUPT, which we turn into an RpmDbError.
import Database from "better-sqlite3";
import { RpmDbError, type HeaderBlob, type ReportError } from "./blob.js";

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

export function isSqlite(buf: Buffer): boolean {
  return buf.length >= 16 && buf.subarray(0, 16).equals(SQLITE_MAGIC);
}

export function* sqliteBlobs(buf: Buffer, report: ReportError): Generator<HeaderBlob> {
  const db = openFromBuffer(buf);
  let rows: IterableIterator<unknown[]> | undefined;
  let total = 0;
  try {
    checkSchema(db);
    try {
      // length() reads only the record header, so an absurd claimed size is seen before SQLite
      // would allocate it: no blob can be larger than the file that stores it.
      rows = db
        .prepare("SELECT hnum, CASE WHEN length(blob) <= ? THEN blob END, length(blob) FROM Packages")
        .raw(true)
        .iterate(buf.length) as IterableIterator<unknown[]>;
    } catch (e) {
      throw new RpmDbError(`cannot read the Packages table: ${message(e)}`);
    }
    for (;;) {
      let next: IteratorResult<unknown[]>;
      try {
        next = rows.next();
      } catch (e) {
        // SQLite stops at the first corrupt page; what was read so far stands.
        report(`sqlite: reading stopped early: ${message(e)}`);
        return;
      }
      if (next.done) return;
      const [hnum, blob, size] = next.value;
      const where = `sqlite row ${String(hnum)}`;
      // Rows sharing pages in a crafted file could add up to far more than the file: stop there.
      total += typeof size === "number" ? size : 0;
      if (total > buf.length) {
        report(`sqlite: rows claim more data than the file holds; stopped at ${where}`);
        return;
      }
      if (!Buffer.isBuffer(blob)) {
        report(`${where}: blob column is not a BLOB, skipped`);
        continue;
      }
      yield { where, blob };
    }
  } finally {
    // An abandoned iteration still holds the statement; release it before closing.
    try {
      rows?.return?.();
    } catch {
      // already finished or failed
    }
    db.close();
  }
}

function openFromBuffer(buf: Buffer): Database.Database {
  if (!isSqlite(buf)) throw new RpmDbError("not an SQLite database");
  if (buf.length < 100) throw new RpmDbError("SQLite header truncated");
  // rpm runs SQLite in WAL mode (file format bytes 18/19 = 2), and an in-memory (deserialised)
  // database cannot be opened in WAL mode. Mark it as a rollback-journal file for the duration of
  // the (synchronous) open, then restore the caller's bytes. better-sqlite3 takes its own copy
  // while opening, so patching a copy of ours instead would hold the database three times.
  // (Uncheckpointed WAL content lives in rpmdb.sqlite-wal, which we are never given.)
  const r = buf[18];
  const w = buf[19];
  const wal = r === 2 || w === 2;
  try {
    if (wal) {
      buf[18] = 1;
      buf[19] = 1;
    }
    const db = new Database(buf, { readonly: true });
    try {
      // Hostile-file hygiene: no functions from the schema, verify cell sizes while reading.
      db.pragma("trusted_schema = OFF");
      db.pragma("cell_size_check = ON");
    } catch (e) {
      db.close();
      throw e;
    }
    return db;
  } catch (e) {
    throw new RpmDbError(`cannot open SQLite database: ${message(e)}`);
  } finally {
    if (wal) {
      buf[18] = r ?? 0;
      buf[19] = w ?? 0;
    }
  }
}

/**
 * Packages must be a plain table whose blob column is stored, not computed: a view or a
 * generated column could make a crafted file run arbitrary (endless, huge) queries.
 */
function checkSchema(db: Database.Database): void {
  let row: { type: string; sql: string | null } | undefined;
  let cols: { name: string; hidden: number }[];
  try {
    row = db.prepare("SELECT type, sql FROM sqlite_master WHERE name = 'Packages'").get() as typeof row;
    cols = row?.type === "table" ? (db.pragma("table_xinfo(Packages)") as typeof cols) : [];
  } catch (e) {
    throw new RpmDbError(`cannot read the SQLite schema: ${message(e)}`);
  }
  if (!row) throw new RpmDbError("SQLite database has no Packages table: not an rpm database");
  if (row.type !== "table" || /^\s*create\s+virtual/i.test(row.sql ?? "")) {
    throw new RpmDbError(`SQLite Packages is a ${row.type}, not a plain table`);
  }
  const blob = cols.find((c) => c.name.toLowerCase() === "blob");
  const hnum = cols.find((c) => c.name.toLowerCase() === "hnum");
  if (!blob || !hnum) throw new RpmDbError("SQLite Packages table lacks hnum/blob columns");
  if (blob.hidden !== 0 || hnum.hidden !== 0) throw new RpmDbError("SQLite Packages columns are computed");
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
