import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../errors.js";
import type { OsvRecord } from "../model/osv.js";
import { importPaths } from "./import.js";
import { acquireWriteLock, LOCK_NOTICE_MS, lockPathFor, removeStaleWorkingFilesIfIdle } from "./lock.js";
import { AdvisoryDB } from "./store.js";
import { dbStatus } from "./update.js";
import { withDbWriter } from "./writer.js";

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bw-lock-"));
  dbPath = join(dir, "advisories.sqlite");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rec = (id: string): OsvRecord => ({ id, modified: "2024-01-01T00:00:00Z", affected: [{ package: { ecosystem: "npm", name: "a" } }] });
const ids = (): string[] => {
  const db = AdvisoryDB.open(dbPath);
  try {
    return db.query("npm", "a").map((r) => r.id);
  } finally {
    db.close();
  }
};
const files = (): string[] => readdirSync(dir).sort();
const LITTER = ["advisories.sqlite.tmp-0badc0ffee00", "advisories.sqlite.tmp-0badc0ffee00-journal", "advisories.sqlite.tmp-1badc0ffee11.zip"];
const litter = (): void => {
  for (const f of LITTER) writeFileSync(join(dir, f), "left by a killed run");
};

describe("the advisory database write lock", () => {
  it("serialises two writers in one process: the second builds on what the first wrote", async () => {
    const events: string[] = [];
    const writer = (id: string) =>
      withDbWriter(dbPath, async (w) => {
        events.push(`${id} start`);
        await new Promise((r) => setTimeout(r, 50));
        w.put(rec(id));
        events.push(`${id} end`);
      });
    await Promise.all([writer("A-1"), writer("B-1")]);
    expect(events).toEqual(["A-1 start", "A-1 end", "B-1 start", "B-1 end"]);
    expect(ids()).toEqual(["A-1", "B-1"]);
  });

  it("gives up after the timeout with a clear error, touching nothing", async () => {
    await withDbWriter(dbPath, async (w) => void w.put(rec("A-1")));
    const held = await acquireWriteLock(dbPath);
    try {
      const before = files();
      const e = await importPaths(dbPath, [dir], { lockTimeoutMs: 200 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).code).toBe("LIMIT");
      expect((e as UserError).message).toBe(`another process has been writing the advisory database ${dbPath} for over 200 ms (lock ${dbPath}.lock); giving up`);
      expect(files()).toEqual(before);
    } finally {
      held.release();
    }
    expect(ids()).toEqual(["A-1"]);
  });

  it("says it is waiting once the wait is noticeable", async () => {
    const held = await acquireWriteLock(dbPath);
    const waits: [number, string][] = [];
    const writing = withDbWriter(dbPath, async (w) => void w.put(rec("A-1")), { onLockWait: (ms, path) => waits.push([ms, path]) });
    await new Promise((r) => setTimeout(r, LOCK_NOTICE_MS + 600));
    expect(waits).toHaveLength(1);
    expect(waits[0]![0]).toBeGreaterThanOrEqual(LOCK_NOTICE_MS);
    expect(waits[0]![1]).toBe(lockPathFor(dbPath));
    held.release();
    await writing;
    expect(ids()).toEqual(["A-1"]);
  });

  it("lets readers remove crashed writers' files when nobody writes, and never while someone does", async () => {
    await withDbWriter(dbPath, async (w) => void w.put(rec("A-1")));
    litter();
    const held = await acquireWriteLock(dbPath);
    try {
      // A writer is at work (here: in this process): its files may be live.
      expect(removeStaleWorkingFilesIfIdle(dbPath)).toEqual([]);
      expect(ids()).toEqual(["A-1"]);
      expect(dbStatus(dbPath).records).toBe(1);
      expect(files()).toEqual(["advisories.sqlite", "advisories.sqlite.lock", ...LITTER].sort());
    } finally {
      held.release();
    }
    // Nobody writes: opening the database for reading removes them.
    expect(ids()).toEqual(["A-1"]);
    expect(files()).toEqual(["advisories.sqlite", "advisories.sqlite.lock"]);
  });

  it("cleans up after a first import that was killed (no database yet) at db status", () => {
    litter();
    expect(dbStatus(dbPath).exists).toBe(false);
    expect(files()).toEqual(["advisories.sqlite.lock"]);
  });

  it("costs a reader nothing when there is nothing to clean (no lock file is made)", async () => {
    mkdirSync(join(dir, "ro"));
    const path = join(dir, "ro", "advisories.sqlite");
    expect(removeStaleWorkingFilesIfIdle(path)).toEqual([]);
    expect(readdirSync(join(dir, "ro"))).toEqual([]);
  });
});
