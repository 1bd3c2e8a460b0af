// Write side: every change is built in a copy beside the real file and renamed over it, so a
// crash, a kill or an error at any point leaves the previous database as it was. Writers take
// the database's write lock first (lock.ts), so two of them never build from the same old copy.
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { OsvRecord } from "../model/osv.js";
import { ecosystemBase, normalizeName } from "../versioning/index.js";
import { acquireWriteLock, removeStaleWorkingFiles, type LockOptions } from "./lock.js";
import { createSchema, encodeRecord, openChecked, readEcosystems, setMeta, writeEcosystem, type EcosystemInfo } from "./schema.js";

export type PutResult = "stored" | "older" | "withdrawn";

function newerThan(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a > b : ta > tb;
}

export class DbWriter {
  private readonly getModified: Database.Statement<[string], { modified: string }>;
  private readonly insRecord: Database.Statement<[string, string, Buffer]>;
  private readonly insAffected: Database.Statement<[string, string, string]>;
  private readonly insAlias: Database.Statement<[string, string]>;
  private readonly delRecord: Database.Statement<[string]>;
  private readonly delAffected: Database.Statement<[string]>;
  private readonly delAliases: Database.Statement<[string]>;
  private readonly basesOf: Database.Statement<[string], { e: string }>;
  /** Ecosystem bases whose records changed in this run. */
  readonly touched = new Set<string>();
  /** Set by discard(): the run landed nothing, so the database is left as it was. */
  discarded = false;
  private readonly totalChanges: Database.Statement<[], number>;
  /** changes() when the writer was made (a new database's schema is written before). */
  private readonly baseline: number;

  constructor(readonly db: Database.Database) {
    this.getModified = db.prepare("SELECT modified FROM records WHERE id = ?");
    this.insRecord = db.prepare("INSERT OR REPLACE INTO records (id, modified, json) VALUES (?, ?, ?)");
    this.insAffected = db.prepare("INSERT OR IGNORE INTO affected (ecosystem_base, name, record_id) VALUES (?, ?, ?)");
    this.insAlias = db.prepare("INSERT OR IGNORE INTO aliases (alias, record_id) VALUES (?, ?)");
    this.delRecord = db.prepare("DELETE FROM records WHERE id = ?");
    this.delAffected = db.prepare("DELETE FROM affected WHERE record_id = ?");
    this.delAliases = db.prepare("DELETE FROM aliases WHERE record_id = ?");
    this.basesOf = db.prepare("SELECT DISTINCT ecosystem_base AS e FROM affected WHERE record_id = ?");
    this.totalChanges = db.prepare<[], number>("SELECT total_changes()").pluck();
    this.baseline = this.changes();
  }

  /**
   * Leave the database untouched, not even restamped (or, if there was none, not created):
   * for a run in which nothing could be fetched. Only before anything was written.
   */
  discard(): void {
    if (this.changes() !== this.baseline) throw new Error("DbWriter.discard after writes");
    this.discarded = true;
  }

  /** Rows written so far on this connection: unchanged across a step means it wrote nothing. */
  changes(): number {
    return this.totalChanges.get()!;
  }

  /**
   * Stores `rec` unless the stored copy is newer; a withdrawn record removes the stored one.
   * `blob`, if given, is `rec`'s JSON already in the record codec (deflate-raw).
   */
  put(rec: OsvRecord, blob?: Buffer): PutResult {
    const old = this.getModified.get(rec.id);
    if (old && newerThan(old.modified, rec.modified)) return "older";
    if (old) this.unlink(rec.id);
    if (rec.withdrawn) {
      if (old) this.delRecord.run(rec.id);
      return "withdrawn";
    }
    this.insRecord.run(rec.id, rec.modified, blob ?? encodeRecord(rec));
    for (const a of rec.affected ?? []) {
      const pkg = a.package;
      if (!pkg || typeof pkg.ecosystem !== "string" || typeof pkg.name !== "string") continue;
      const base = ecosystemBase(pkg.ecosystem);
      this.insAffected.run(base, normalizeName(base, pkg.name), rec.id);
      this.touched.add(base);
    }
    for (const alias of rec.aliases ?? []) if (typeof alias === "string") this.insAlias.run(alias, rec.id);
    return "stored";
  }

  /** Removes records that only affect `base` and are not in `keep` (a full refresh dropped them). */
  prune(base: string, keep: ReadonlySet<string>): number {
    const ids = this.db
      .prepare("SELECT DISTINCT record_id AS id FROM affected a WHERE ecosystem_base = ? AND NOT EXISTS (SELECT 1 FROM affected b WHERE b.record_id = a.record_id AND b.ecosystem_base <> ?)")
      .all(base, base) as { id: string }[];
    let n = 0;
    for (const { id } of ids) {
      if (keep.has(id)) continue;
      this.unlink(id);
      this.delRecord.run(id);
      n++;
    }
    if (n) this.touched.add(base);
    return n;
  }

  ecosystem(name: string): EcosystemInfo | undefined {
    return readEcosystems(this.db).get(name);
  }

  setEcosystem(name: string, patch: Partial<EcosystemInfo>): void {
    const cur = readEcosystems(this.db).get(name) ?? { records: 0 };
    writeEcosystem(this.db, name, { ...cur, ...patch });
  }

  /** Recounts records per ecosystem and stamps the build time. */
  finish(): void {
    const counts = this.db.prepare("SELECT ecosystem_base AS e, COUNT(DISTINCT record_id) AS n FROM affected GROUP BY ecosystem_base").all() as { e: string; n: number }[];
    const known = readEcosystems(this.db);
    for (const name of known.keys()) if (!counts.some((c) => c.e === name)) counts.push({ e: name, n: 0 });
    for (const { e, n } of counts) writeEcosystem(this.db, e, { ...(known.get(e) ?? {}), records: n });
    const total = (this.db.prepare("SELECT COUNT(*) AS n FROM records").get() as { n: number }).n;
    setMeta(this.db, "records", String(total));
    setMeta(this.db, "built_at", new Date().toISOString());
  }

  private unlink(id: string): void {
    for (const r of this.basesOf.all(id)) this.touched.add(r.e);
    this.delAffected.run(id);
    this.delAliases.run(id);
  }
}

/** `<db>.tmp-<random>`: the copy being built, and `<db>.tmp-<random>.zip` downloads. */
export function tempPathFor(dbPath: string, suffix = ""): string {
  return `${dbPath}.tmp-${randomBytes(6).toString("hex")}${suffix}`;
}

function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type WriterOptions = LockOptions;

/**
 * Runs `build` against a writable copy of `dbPath` (or a fresh database) inside one
 * transaction, then renames the copy over `dbPath`. On any error the copy is deleted and
 * `dbPath` is untouched. Waits for the write lock first (see lock.ts), and then removes what
 * crashed writers left beside `dbPath`.
 */
export async function withDbWriter<T>(dbPath: string, build: (w: DbWriter) => Promise<T>, opts: WriterOptions = {}): Promise<T> {
  mkdirSync(dirname(dbPath), { recursive: true });
  const lock = await acquireWriteLock(dbPath, opts);
  try {
    // We hold the lock, so no live writer has working files here: all of them are litter.
    removeStaleWorkingFiles(dbPath);
    return await buildAndReplace(dbPath, build);
  } finally {
    lock.release();
  }
}

async function buildAndReplace<T>(dbPath: string, build: (w: DbWriter) => Promise<T>): Promise<T> {
  const tmp = tempPathFor(dbPath);
  let db: Database.Database | undefined;
  try {
    const exists = existsSync(dbPath);
    if (exists) {
      // Refuse to replace a file that is not ours (or is from a newer Bulwark); the copy is
      // byte for byte what was checked, so it is not checked again.
      openChecked(dbPath).close();
      copyFileSync(dbPath, tmp);
    }
    db = new Database(tmp);
    // Durability of the copy does not matter until the rename: a crash just leaves a stale temp.
    // better-sqlite3 runs SQLite in defensive mode, which silently ignores journal_mode = OFF;
    // the copy is private, so it is lifted for that one pragma.
    db.unsafeMode(true);
    db.pragma("journal_mode = OFF");
    db.unsafeMode(false);
    db.pragma("synchronous = OFF");
    db.pragma("cache_size = -65536");
    if (!exists) createSchema(db);
    db.exec("BEGIN");
    const w = new DbWriter(db);
    const result = await build(w);
    if (w.discarded) {
      db.close();
      db = undefined;
      rmSync(tmp, { force: true });
      return result;
    }
    w.finish();
    db.exec("COMMIT");
    db.close();
    db = undefined;
    fsyncPath(tmp);
    renameSync(tmp, dbPath);
    try {
      fsyncPath(dirname(dbPath));
    } catch {
      // Not every platform lets us fsync a directory; the rename itself is still atomic.
    }
    return result;
  } catch (e) {
    try {
      db?.close();
    } catch {
      // Closing after a failed statement can throw too; the file goes away next anyway.
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}
