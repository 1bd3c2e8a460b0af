// Advisory database writers as separate processes: killed mid-write (SIGKILL), racing each other,
// and read while they write. Runs the bundled bin (npm test builds first).
import Database from "better-sqlite3";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AdvisoryDB } from "../../src/vulndb/store.js";

const BIN = new URL("../../dist/bulwark.mjs", import.meta.url).pathname;
const LOCK_JS = new URL("../../dist/src/vulndb/lock.js", import.meta.url).href;
// Real OSV records (Debian, Alpine, Ubuntu, GHSA, PyPI) already in the repository.
const RECORDS_DIR = new URL("../../src/match/testdata/osv-scanner/", import.meta.url).pathname;
const DB_NAME = "advisories.sqlite";

const work = mkdtempSync(join(tmpdir(), "bw-dblock-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => mkdtempSync(join(work, `${n++}-`));

interface OsvLike {
  id: string;
  [k: string]: unknown;
}
const templates: OsvLike[] = readdirSync(RECORDS_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(RECORDS_DIR, f), "utf8")) as OsvLike);

/**
 * `count` records for load: the real records again and again, each copy under its own id
 * (`<id>-<tag>-<i>`). Written as one JSON array file.
 */
function bulkFile(dir: string, tag: string, count: number): { file: string; ids: string[] } {
  const records = Array.from({ length: count }, (_, i) => ({ ...templates[i % templates.length]!, id: `${templates[i % templates.length]!.id}-${tag}-${i}` }));
  const file = join(dir, `${tag}.json`);
  writeFileSync(file, JSON.stringify(records));
  return { file, ids: records.map((r) => r.id) };
}

const workingFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith(`${DB_NAME}.tmp-`)).sort();
const journals = (dir: string): string[] => readdirSync(dir).filter((f) => /-(journal|wal|shm)$/.test(f));

/** Reads the database as a plain SQLite reader would (no Bulwark code, so no clean-up). */
function plainRead(dbPath: string): { integrity: string; ids: string[] } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma("integrity_check", { simple: true }) as string;
    const ids = (db.prepare("SELECT id FROM records ORDER BY id").pluck().all() as string[]).sort();
    return { integrity, ids };
  } finally {
    db.close();
  }
}

interface Run {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}, node: string[] = [BIN]): Run {
  const child = spawn(process.execPath, [...node, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stderr: () => stderr, done };
}

function bulwark(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A database holding the template records under their own ids: the "old content". */
function seed(dir: string): { dbPath: string; ids: string[] } {
  const dbPath = join(dir, DB_NAME);
  const r = bulwark("db", "import", "--db", dbPath, RECORDS_DIR);
  expect(r.code, r.stderr).toBe(0);
  return { dbPath, ids: templates.map((t) => t.id).sort() };
}

describe.skipIf(!existsSync(BIN))("advisory database writers as real processes", () => {
  it("a writer killed mid-write 5 times leaves the old database; the next writer, or a reader, removes its working copy", { timeout: 60_000 }, async () => {
    const dir = freshDir();
    const { dbPath, ids: oldIds } = seed(dir);
    const bulk = bulkFile(dir, "kill", 10_000);
    let leftBefore: string[] = [];
    for (const delay of [0, 50, 100, 200, 300]) {
      const run = start(["db", "import", "--db", dbPath, bulk.file]);
      // This writer's working copy: a name that was not there before.
      const mine = await waitFor("the working copy", () => workingFiles(dir).find((f) => !leftBefore.includes(f)));
      // It holds the lock, and it removed the copy the previous killed writer left before making its own.
      expect(workingFiles(dir).filter((f) => leftBefore.includes(f))).toEqual([]);
      await sleep(delay);
      run.child.kill("SIGKILL");
      const r = await run.done;
      expect(r.signal, `still writing after ${delay} ms (exit ${r.code})`).toBe("SIGKILL");
      // The database is the old one, whole.
      expect(plainRead(dbPath)).toEqual({ integrity: "ok", ids: oldIds });
      // What a killed writer leaves: its working copy (no journal: the copy is built without one).
      leftBefore = workingFiles(dir);
      expect(leftBefore).toEqual([mine]);
      expect(journals(dir)).toEqual([]);
    }
    // A reader, with no writer running, removes the last one.
    const status = bulwark("db", "status", "--db", dbPath, "--format", "json");
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).records).toBe(oldIds.length);
    expect(readdirSync(dir).filter((f) => f.startsWith(DB_NAME)).sort()).toEqual([DB_NAME, `${DB_NAME}.lock`]);
  });

  it("a reader meanwhile neither waits for a live writer nor removes its working copy", { timeout: 60_000 }, async () => {
    const dir = freshDir();
    const { dbPath, ids: oldIds } = seed(dir);
    const bulk = bulkFile(dir, "live", 5000);
    const run = start(["db", "import", "--db", dbPath, bulk.file]);
    const mine = await waitFor("the working copy", () => workingFiles(dir)[0]);
    const status = bulwark("db", "status", "--db", dbPath, "--format", "json");
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).records).toBe(oldIds.length);
    // The writer was still at work when the reader was done, and its copy is still there.
    expect(run.child.exitCode).toBeNull();
    expect(workingFiles(dir)).toEqual([mine]);
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(plainRead(dbPath).ids).toEqual([...oldIds, ...bulk.ids].sort());
    expect(workingFiles(dir)).toEqual([]);
  });

  it("two importers of different data both land (the second waits); a reader always sees a whole database", { timeout: 60_000 }, async () => {
    const dir = freshDir();
    const { dbPath, ids: oldIds } = seed(dir);
    const a = bulkFile(dir, "a", 4000);
    const b = bulkFile(dir, "b", 4000);
    const runA = start(["db", "import", "--db", dbPath, a.file]);
    const copyA = await waitFor("A's working copy", () => workingFiles(dir)[0]);
    const runB = start(["db", "import", "--db", dbPath, b.file]);
    let aDone = false;
    let bDone = false;
    const resA = runA.done.then((r) => ((aDone = true), r));
    const resB = runB.done.then((r) => ((bDone = true), r));
    // Read while they write, through Bulwark's reader: every open must give a whole database
    // holding the old records, then A's as well, then B's too (B starts from what A wrote).
    const seen: number[] = [];
    const copies = new Set<string>();
    let reads = 0;
    while (!aDone || !bDone) {
      const live = workingFiles(dir);
      expect(live.length, `working copies at once: ${live.join(", ")}`).toBeLessThanOrEqual(1);
      for (const f of live) copies.add(f);
      const db = AdvisoryDB.open(dbPath);
      try {
        const count = db.recordCount();
        if (seen.at(-1) !== count) seen.push(count);
        expect(db.get(oldIds[0]!)?.id).toBe(oldIds[0]);
      } finally {
        db.close();
      }
      reads++;
      await sleep(20);
    }
    const [ra, rb] = await Promise.all([resA, resB]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(ra.stdout.trim()).toBe("imported 4000 records, skipped 0, 0 errors");
    expect(rb.stdout.trim()).toBe("imported 4000 records, skipped 0, 0 errors");
    // No lost update: both sets are there.
    const final = plainRead(dbPath);
    expect(final.integrity).toBe("ok");
    expect(final.ids).toEqual([...oldIds, ...a.ids, ...b.ids].sort());
    // The reader saw the database grow in order, never anything else.
    const old = oldIds.length;
    expect(reads).toBeGreaterThan(5);
    expect([old, old + 4000, old + 8000]).toEqual(expect.arrayContaining(seen));
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    // A's copy, then B's: one after the other.
    expect(copies.has(copyA)).toBe(true);
    expect(copies.size).toBe(2);
    expect(workingFiles(dir)).toEqual([]);
  });

  it("a writer waits for the lock with a message, and goes on when the holder is killed", { timeout: 60_000 }, async () => {
    const dir = freshDir();
    const { dbPath, ids: oldIds } = seed(dir);
    // A holder that takes the write lock through the library, collects garbage (the lock must
    // not go with it), and then sits on it.
    const script = [
      `import { acquireWriteLock } from ${JSON.stringify(LOCK_JS)};`,
      "const lock = await acquireWriteLock(process.env.DB_PATH);",
      "globalThis.gc(); globalThis.gc();",
      'process.stdout.write("locked\\n");',
      "setInterval(() => void lock, 60_000);",
    ].join("\n");
    const holder = start([], { DB_PATH: dbPath }, ["--expose-gc", "--input-type=module", "-e", script]);
    let holderOut = "";
    holder.child.stdout!.on("data", (c: Buffer) => (holderOut += c.toString()));
    await waitFor("the holder to lock", () => holderOut.includes("locked"));
    const small = bulkFile(dir, "small", 20);
    const run = start(["db", "import", "--db", dbPath, small.file]);
    await waitFor("the waiting message", () => run.stderr().includes("waiting for another process"), 20_000);
    expect(run.child.exitCode).toBeNull();
    expect(plainRead(dbPath).ids).toEqual(oldIds);
    expect(workingFiles(dir)).toEqual([]);
    holder.child.kill("SIGKILL");
    expect((await holder.done).signal).toBe("SIGKILL");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`bulwark: waiting for another process writing ${dbPath} (${/\((\d+) s so far/.exec(lines[0]!)?.[1]} s so far; lock ${dbPath}.lock)`);
    expect(plainRead(dbPath).ids).toEqual([...oldIds, ...small.ids].sort());
  });
});
