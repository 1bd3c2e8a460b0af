// One data-access layer for both databases: Kysely over better-sqlite3 (embedded default) or pg.
import Sqlite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect, type Migration, type MigrationProvider } from "kysely";
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import pg from "pg";
import { UserError } from "../../errors.js";
import { MIGRATIONS, type SqlDialect } from "./migrations/index.js";
import type { Database } from "./schema.js";

export interface ServerDatabase {
  db: Kysely<Database>;
  dialect: SqlDialect;
  /** The postgres:// URL or the SQLite file path. */
  location: string;
  /** A label safe to print (password removed). */
  label: string;
  close(): Promise<void>;
}

/** `$XDG_DATA_HOME/bulwark/server.db`, else `~/.local/share/bulwark/server.db`. */
export function defaultDatabasePath(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(base, "bulwark", "server.db");
}

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** The URL without its password, for logs and errors. */
export function redactUrl(s: string): string {
  if (!isPostgresUrl(s)) return s;
  try {
    const u = new URL(s);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}

export interface OpenOptions {
  /** Pool size on PostgreSQL (default 10). */
  poolSize?: number;
  /** Run migrations (default true). */
  migrate?: boolean;
}

/**
 * Reads rows as arrays of column values, with `?` placeholders, for the hottest read paths (the
 * CVE query): no row objects, no query builder. On SQLite it reads through a second, read-only
 * connection, which sees the last committed state (WAL) and does not queue behind a write
 * transaction of the main connection (a re-match chunk); on PostgreSQL through the pool.
 */
export type RowReader = (text: string, params: readonly unknown[]) => Promise<unknown[][]>;

const readers = new WeakMap<Kysely<Database>, RowReader>();

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (the statements passed here hold no other `?`). */
function dollarParams(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** The row reader of a database opened by openDatabase. */
export function rowReader(db: Kysely<Database>): RowReader {
  const reader = readers.get(db);
  if (!reader) throw new Error("rowReader: this database was not opened by openDatabase");
  return reader;
}

export async function openDatabase(location: string | undefined, opts: OpenOptions = {}): Promise<ServerDatabase> {
  const where = location ?? defaultDatabasePath();
  let db: Kysely<Database>;
  let dialect: SqlDialect;
  let reader: RowReader;
  let closeReader = (): void => {};
  if (isPostgresUrl(where)) {
    dialect = "postgres";
    const pool = new pg.Pool({ connectionString: where, max: opts.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
    // An idle client's error (server restart) must not crash the process.
    pool.on("error", () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    reader = async (text, params) => (await pool.query({ text: dollarParams(text), values: [...params], rowMode: "array" })).rows as unknown[][];
    try {
      await sql`SELECT 1`.execute(db);
    } catch (e) {
      await db.destroy().catch(() => {});
      throw new UserError("NETWORK", `cannot connect to ${redactUrl(where)}: ${(e as Error).message}`, { cause: e });
    }
  } else {
    dialect = "sqlite";
    const file = resolve(where);
    mkdirSync(dirname(file), { recursive: true });
    let handle: Sqlite.Database;
    try {
      handle = new Sqlite(file);
      handle.pragma("journal_mode = WAL");
      handle.pragma("busy_timeout = 10000");
      handle.pragma("foreign_keys = ON");
      handle.pragma("synchronous = NORMAL");
      // The fleet's tables are hundreds of MB at 10,000 images; SQLite's default 2 MB page cache
      // made every index write a read from the OS (docs/server.md, "Speed").
      handle.pragma("cache_size = -131072");
      handle.pragma("mmap_size = 1073741824");
      handle.pragma("temp_store = MEMORY");
      // A re-match lets the WAL grow to 1 GB between checkpoints: truncated back to 64 MB once reset.
      handle.pragma("journal_size_limit = 67108864");
    } catch (e) {
      throw new UserError("INPUT", `cannot open server database ${file}: ${(e as Error).message}`, { cause: e });
    }
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(handle) }) });
    // Opened on first use (after the migrations made the tables): a read-only connection.
    let ro: Sqlite.Database | undefined;
    const statements = new Map<string, Sqlite.Statement>();
    reader = async (text, params) => {
      if (!ro) {
        ro = new Sqlite(file, { readonly: true, fileMustExist: true });
        ro.pragma("busy_timeout = 10000");
        ro.pragma("cache_size = -32768");
        ro.pragma("mmap_size = 1073741824");
      }
      let stmt = statements.get(text);
      if (!stmt) {
        stmt = ro.prepare(text).raw(true);
        statements.set(text, stmt);
        if (statements.size > 100) statements.delete(statements.keys().next().value!);
      }
      return stmt.all(...params) as unknown[][];
    };
    closeReader = () => {
      statements.clear();
      ro?.close();
      ro = undefined;
    };
  }
  readers.set(db, reader);
  const out: ServerDatabase = {
    db,
    dialect,
    location: where,
    label: redactUrl(where),
    close: async () => {
      closeReader();
      await db.destroy();
    },
  };
  if (opts.migrate !== false) {
    try {
      await migrate(out);
    } catch (e) {
      await out.close().catch(() => {});
      throw e;
    }
  }
  return out;
}

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs as much as running the small
 * indexed lookups the API makes. Statements are kept by SQL text (least recently used dropped);
 * one still being iterated (a stream) is not handed out twice.
 */
function cachedStatements(handle: Sqlite.Database, max = 500): { prepare(sql: string): Sqlite.Statement; close(): void } {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    prepare(text: string) {
      const hit = cache.get(text);
      if (hit && !hit.busy) {
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const stmt = handle.prepare(text);
      if (!hit) {
        cache.set(text, stmt);
        if (cache.size > max) cache.delete(cache.keys().next().value!);
      }
      return stmt;
    },
    close: () => {
      cache.clear();
      handle.close();
    },
  };
}

/** Names of migrations already applied ([] on a new database). */
async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === "kysely_migration")) return [];
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** Applies pending migrations; refuses a database written by a newer Bulwark. */
export async function migrate(sdb: ServerDatabase): Promise<{ applied: string[] }> {
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const unknown = (await appliedMigrations(sdb.db)).filter((n) => !known.has(n));
  if (unknown.length) {
    throw new UserError("UNSUPPORTED", `server database ${sdb.label} has a newer schema (migration ${unknown.sort().at(-1)} is unknown to this Bulwark); upgrade Bulwark`);
  }
  const provider: MigrationProvider = {
    getMigrations: async () => {
      const out: Record<string, Migration> = {};
      for (const m of MIGRATIONS) out[m.name] = { up: (db) => m.up(db, sdb.dialect) };
      return out;
    },
  };
  // Kysely's migrator takes a lock (an advisory lock on PostgreSQL), so a server and workers
  // starting together migrate once.
  const { error, results } = await new Migrator({ db: sdb.db, provider }).migrateToLatest();
  if (error) throw new UserError("INPUT", `migrating server database ${sdb.label} failed: ${(error as Error).message}`, { cause: error });
  return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
