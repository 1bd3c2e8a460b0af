// One writer at a time per advisory database, and clean-up of what crashed writers left.
//
// The lock is an SQLite exclusive transaction on `<db>.lock`, a small database file that is never
// renamed or deleted. SQLite takes it with fcntl(2) record locks, which the kernel drops when
// the holding process ends in any way (SIGKILL included): a crashed writer can never leave the
// lock held, and no pid or mtime guessing is needed. It also excludes a second writer in the same
// process (SQLite tracks its own locks per file). Readers never touch it: they open `<db>`,
// which writers replace by an atomic rename.
//
// Writers create their working files (`<db>.tmp-*`: the copy being built, its `-journal`, zip
// downloads) only while they hold the lock, and remove them before they let it go. So whoever
// holds the lock knows that every `<db>.tmp-*` it did not make is from a process that died.
import Database from "better-sqlite3";
import { readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "../errors.js";

/** How long a writer waits for another one before giving up. */
export const LOCK_TIMEOUT_MS = 10 * 60_000;
/** When a waiting writer first says so. */
export const LOCK_NOTICE_MS = 2_000;

export interface LockOptions {
  /** Give up after this long (default LOCK_TIMEOUT_MS). */
  lockTimeoutMs?: number;
  /**
   * Called when the lock is held by another writer: once after LOCK_NOTICE_MS of waiting, then
   * every minute, with the time waited so far.
   */
  onLockWait?: (waitedMs: number, lockPath: string) => void;
}

export const lockPathFor = (dbPath: string): string => `${dbPath}.lock`;

/** Prefix of every working file of `dbPath` (see tempPathFor in writer.ts). */
export const tempPrefixFor = (dbPath: string): string => `${basename(dbPath)}.tmp-`;

export interface WriteLock {
  readonly path: string;
  release(): void;
}

const isBusy = (e: unknown): boolean => {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
};

/** Takes the lock if it is free: the connection holding it, or undefined if another writer has it. */
function tryLock(lockPath: string): Database.Database | undefined {
  let db: Database.Database;
  try {
    db = new Database(lockPath, { timeout: 0 });
  } catch (e) {
    throw new UserError("INPUT", `cannot open the advisory database lock ${lockPath}: ${(e as Error).message}`, { cause: e });
  }
  try {
    db.exec("BEGIN EXCLUSIVE");
    // On an empty file SQLite keeps a -journal beside it while locked (and a killed holder
    // leaves it there): the first holder makes the file a real, empty database, once.
    if (db.pragma("user_version", { simple: true }) === 0) {
      db.pragma("user_version = 1");
      db.exec("COMMIT");
      db.exec("BEGIN EXCLUSIVE");
    }
    return db;
  } catch (e) {
    db.close();
    if (isBusy(e)) return undefined;
    throw new UserError("INPUT", `cannot lock ${lockPath}: ${(e as Error).message}`, { cause: e });
  }
}

function held(lockPath: string, db: Database.Database): WriteLock {
  let open = true;
  return {
    path: lockPath,
    release: () => {
      if (!open) return;
      open = false;
      // Closing ends the (empty) transaction, which drops the lock.
      db.close();
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until no other process (or other writer in this process) is writing `dbPath`, and takes
 * the write lock. Polls, so the event loop keeps running while it waits.
 */
export async function acquireWriteLock(dbPath: string, opts: LockOptions = {}): Promise<WriteLock> {
  const lockPath = lockPathFor(dbPath);
  const timeout = opts.lockTimeoutMs ?? LOCK_TIMEOUT_MS;
  const start = Date.now();
  let nextNotice = LOCK_NOTICE_MS;
  let pause = 25;
  for (;;) {
    const db = tryLock(lockPath);
    if (db) return held(lockPath, db);
    const waited = Date.now() - start;
    if (waited >= timeout) {
      const limit = timeout >= 1000 ? `${Math.round(timeout / 1000)} s` : `${timeout} ms`;
      throw new UserError("LIMIT", `another process has been writing the advisory database ${dbPath} for over ${limit} (lock ${lockPath}); giving up`);
    }
    if (waited >= nextNotice) {
      opts.onLockWait?.(waited, lockPath);
      nextNotice = waited + 60_000;
    }
    await sleep(Math.min(pause, timeout - waited));
    pause = Math.min(pause * 2, 250);
  }
}

function workingFiles(dbPath: string): string[] {
  const prefix = tempPrefixFor(dbPath);
  try {
    return readdirSync(dirname(dbPath)).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
}

/**
 * Removes every working file of `dbPath` (`<db>.tmp-*`). Only for a caller that holds the write
 * lock: then none of them belongs to a live writer. Returns the names removed.
 */
export function removeStaleWorkingFiles(dbPath: string): string[] {
  const removed: string[] = [];
  for (const name of workingFiles(dbPath)) {
    try {
      rmSync(join(dirname(dbPath), name), { force: true, recursive: true });
      removed.push(name);
    } catch {
      // Not ours to fight over: a later open tries again.
    }
  }
  return removed;
}

/**
 * For readers: if crashed writers left working files and nobody is writing now, removes them.
 * Never waits and never fails (a read-only directory, say, just leaves them); costs one readdir
 * when there is nothing to do.
 */
export function removeStaleWorkingFilesIfIdle(dbPath: string): string[] {
  if (workingFiles(dbPath).length === 0) return [];
  let db: Database.Database | undefined;
  try {
    db = tryLock(lockPathFor(dbPath));
    return db ? removeStaleWorkingFiles(dbPath) : [];
  } catch {
    return [];
  } finally {
    db?.close();
  }
}
