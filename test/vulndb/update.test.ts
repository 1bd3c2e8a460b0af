// `db update` end to end against a local osv.dev-style repository of real Go records, served
// over HTTP and read from file:// URLs and plain directories.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OsvRecord } from "../../src/model/osv.js";
import { AdvisoryDB, dbStatus, updateDb, type UpdateOptions } from "../../src/vulndb/index.js";
import { goRecords, withModifiedTimes, writeOsvLayout } from "./data.js";
import { sendHalfThenReset, startServer, type TestServer } from "./http-server.js";

let work: string;
let v1: OsvRecord[]; // the repository's first state
let live1: number;
let repoV1: string; // v1 in osv.dev's layout, read-only for the tests

let server: TestServer | undefined;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "bw-update-"));
  v1 = withModifiedTimes(goRecords());
  live1 = v1.filter((r) => !r.withdrawn).length;
  repoV1 = join(work, "repo-v1");
  writeOsvLayout(repoV1, "Go", v1);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

let n = 0;
const fresh = (name: string): string => join(mkdtempSync(join(work, `${name}-${n++}-`)), "db", "advisories.sqlite");

/** Serves files under `root`; `override` may take over a request (return true). */
async function serveDir(root: string, override?: (path: string, res: ServerResponse) => boolean): Promise<TestServer> {
  server = await startServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, "http://x").pathname);
    if (override?.(path, res)) return;
    let body: Buffer;
    try {
      body = readFileSync(join(root, path));
    } catch {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  return server;
}

const fast: Partial<UpdateOptions> = { retries: 2, retryDelayMs: 1 };

function open<T>(dbPath: string, fn: (db: AdvisoryDB) => T): T {
  const db = AdvisoryDB.open(dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const tempsLeft = (dbPath: string): string[] => readdirSync(join(dbPath, "..")).filter((f) => f.includes(".tmp-"));

/** v1 plus 3 modified records, 1 new one and 1 newly withdrawn one, all newer than v1. */
function makeV2(): { v2: OsvRecord[]; changed: string[] } {
  const later = (i: number): string => new Date(Date.parse("2025-06-01T00:00:00Z") + i * 1000).toISOString();
  const v2 = v1.map((r) => ({ ...r }));
  const idx = (id: string): number => v2.findIndex((r) => r.id === id);
  const modified = ["GO-2023-1571", "GO-2023-2102", "GO-2020-0001"];
  modified.forEach((id, i) => {
    const r = v2[idx(id)]!;
    v2[idx(id)] = { ...r, modified: later(i), summary: `updated: ${r.summary}` };
  });
  const base = v2[idx("GO-2020-0003")]!;
  v2.push({ ...base, id: "GO-2099-0001", modified: later(3), aliases: ["CVE-2099-0001"], affected: [{ ...base.affected![0]!, package: { ecosystem: "Go", name: "example.com/brand-new" } }] });
  const gone = v2[idx("GO-2021-0078")]!;
  v2[idx("GO-2021-0078")] = { ...gone, modified: later(4), withdrawn: later(4) };
  return { v2, changed: [...modified, "GO-2099-0001", "GO-2021-0078"] };
}

describe("db update over HTTP", () => {
  it("does a full update first, then fetches exactly the changed records", async () => {
    const repo = join(work, "repo-http");
    writeOsvLayout(repo, "Go", v1);
    const s = await serveDir(repo);
    const dbPath = fresh("http");
    const phases = new Set<string>();

    const first = await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url, onProgress: (p) => phases.add(p.phase) });
    expect(first).toEqual([{ ecosystem: "Go", mode: "full", records: v1.length }]);
    expect(s.requests).toEqual(["/Go/all.zip"]);
    expect(phases).toEqual(new Set(["download", "import"]));
    open(dbPath, (db) => {
      expect(db.recordCount()).toBe(live1);
      expect(db.ecosystems()).toEqual([{ ecosystem: "Go", records: live1, updatedAt: expect.any(String), source: s.url }]);
      expect(db.query("Go", "golang.org/x/net").length).toBeGreaterThan(20);
    });

    // Nothing changed upstream: only the CSV is read.
    s.requests.length = 0;
    expect(await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url })).toEqual([{ ecosystem: "Go", mode: "incremental", records: 0 }]);
    expect(s.requests).toEqual(["/Go/modified_id.csv"]);

    const { v2, changed } = makeV2();
    writeOsvLayout(repo, "Go", v2);
    s.requests.length = 0;
    expect(await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url })).toEqual([{ ecosystem: "Go", mode: "incremental", records: 5 }]);
    expect(s.requests[0]).toBe("/Go/modified_id.csv");
    expect(s.requests.slice(1).sort()).toEqual(changed.map((id) => `/Go/${id}.json`).sort());
    open(dbPath, (db) => {
      expect(db.recordCount()).toBe(live1); // +1 new, -1 withdrawn
      expect(db.get("GO-2023-2102")?.summary).toMatch(/^updated: HTTP\/2 rapid reset/);
      expect(db.query("Go", "example.com/brand-new").map((r) => r.id)).toEqual(["GO-2099-0001"]);
      expect(db.findByAlias("CVE-2099-0001").map((r) => r.id)).toEqual(["GO-2099-0001"]);
      expect(db.get("GO-2021-0078")).toBeUndefined();
      expect(db.query("Go", "golang.org/x/net").map((r) => r.id)).not.toContain("GO-2021-0078");
    });
    expect(tempsLeft(dbPath)).toEqual([]);

    // The cursor moved to the newest time in the CSV: the next update fetches no record again.
    s.requests.length = 0;
    expect(await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url })).toEqual([{ ecosystem: "Go", mode: "incremental", records: 0 }]);
    expect(s.requests).toEqual(["/Go/modified_id.csv"]);
  });

  it("falls back to all.zip when more records changed than the threshold", async () => {
    const repo = join(work, "repo-threshold");
    writeOsvLayout(repo, "Go", v1.slice(0, 100));
    const s = await serveDir(repo);
    const dbPath = fresh("threshold");
    await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url });
    writeOsvLayout(repo, "Go", withModifiedTimes(v1.slice(0, 100), Date.parse("2026-01-01T00:00:00Z")));
    s.requests.length = 0;
    expect(await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url, fullThreshold: 50 })).toEqual([{ ecosystem: "Go", mode: "full", records: 100 }]);
    expect(s.requests).toEqual(["/Go/modified_id.csv", "/Go/all.zip"]);
  });

  it("percent-encodes ecosystem names and says NOT_FOUND for unknown ones", async () => {
    const repo = join(work, "repo-redhat");
    const rh = v1.slice(0, 3).map((r, i) => ({ ...r, id: `RHSA-2024:000${i}`, affected: [{ package: { ecosystem: "Red Hat:enterprise_linux:9::appstream", name: `pkg${i}` } }] }));
    writeOsvLayout(repo, "Red Hat", rh);
    const s = await serveDir(repo);
    const dbPath = fresh("redhat");
    expect(await updateDb(dbPath, { ...fast, ecosystems: ["Red Hat"], repository: `${s.url}/` })).toEqual([{ ecosystem: "Red Hat", mode: "full", records: 3 }]);
    expect(s.requests).toEqual(["/Red%20Hat/all.zip"]);
    open(dbPath, (db) => expect(db.query("Red Hat", "pkg1").map((r) => r.id)).toEqual(["RHSA-2024:0001"]));
    await expect(updateDb(dbPath, { ...fast, ecosystems: ["Nope"], repository: s.url })).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining(`${s.url}/Nope/all.zip`) });
    await expect(updateDb(dbPath, { ...fast, ecosystems: ["../etc"], repository: s.url })).rejects.toMatchObject({ code: "USAGE" });
  });

  it("keeps the old database when the download is cut off midway", async () => {
    const repo = repoV1;
    const dbPath = fresh("cut");
    // The old database: a first full update from a healthy server.
    let s = await serveDir(repo);
    await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url });
    await s.close();
    const before = statSync(dbPath).mtimeMs;

    const zip = readFileSync(join(repo, "Go", "all.zip"));
    s = await serveDir(repo, (path, res) => {
      if (path !== "/Go/all.zip") return false;
      sendHalfThenReset(res, zip);
      return true;
    });
    // A new server is a new repository URL, so this is a full update; its download always breaks.
    await expect(updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url })).rejects.toMatchObject({
      code: "NETWORK",
      message: expect.stringMatching(/all\.zip failed after 3 attempts/),
    });
    expect(s.requests.filter((r) => r.endsWith("all.zip"))).toHaveLength(3);
    open(dbPath, (db) => expect(db.recordCount()).toBe(live1));
    expect(statSync(dbPath).mtimeMs).toBe(before);
    expect(tempsLeft(dbPath)).toEqual([]);
  });

  it("keeps the old database when the zip is corrupt or truncated", async () => {
    const dbPath = fresh("corrupt");
    const good = join(work, "repo-good");
    writeOsvLayout(good, "Go", v1.slice(0, 50));
    let s = await serveDir(good);
    await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url });
    await s.close();

    const bad = join(work, "repo-bad");
    const zipPath = join(writeOsvLayout(bad, "Go", v1), "all.zip");
    const zip = readFileSync(zipPath);
    for (const [label, bytes] of [
      ["truncated", zip.subarray(0, Math.floor(zip.length * 0.6))],
      ["garbled", Buffer.concat([zip.subarray(0, 5000), Buffer.alloc(20_000, 0x5a), zip.subarray(25_000)])],
    ] as const) {
      writeFileSync(zipPath, bytes);
      s = await serveDir(bad);
      await expect(updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url }), label).rejects.toMatchObject({ name: "UserError", code: "INPUT", message: expect.stringMatching(/zip/) });
      await s.close();
      open(dbPath, (db) => expect(db.recordCount()).toBe(50));
      expect(tempsLeft(dbPath)).toEqual([]);
    }
  });

  it("does not take a half-updated state when one of several ecosystems fails", async () => {
    const repo = join(work, "repo-two");
    writeOsvLayout(repo, "Go", v1.slice(0, 10));
    const s = await serveDir(repo);
    const dbPath = fresh("two");
    await expect(updateDb(dbPath, { ...fast, ecosystems: ["Go", "Missing"], repository: s.url })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // No database and no working files; the write lock's file stays (it is never removed).
    expect(readdirSync(join(dbPath, ".."))).toEqual(["advisories.sqlite.lock"]);
  });
});

describe("db update with onSkipped", () => {
  it("lands the ecosystems that can be fetched, in one step, and names the others", async () => {
    const repo = join(work, "repo-skip");
    writeOsvLayout(repo, "Go", v1.slice(0, 10));
    writeOsvLayout(repo, "PyPI", v1.slice(10, 14).map((r) => ({ ...r, affected: [{ package: { ecosystem: "PyPI", name: `py-${r.id}` } }] })));
    const s = await serveDir(repo);
    const dbPath = fresh("skip");
    const skipped: string[] = [];
    const out = await updateDb(dbPath, { ...fast, ecosystems: ["Go", "Missing", "PyPI"], repository: s.url, onSkipped: (eco, e) => skipped.push(`${eco}: ${e.code}`) });
    expect(out.map((r) => r.ecosystem)).toEqual(["Go", "PyPI"]);
    expect(skipped).toEqual(["Missing: NOT_FOUND"]);
    open(dbPath, (db) => expect(db.ecosystems().map((e) => e.ecosystem).sort()).toEqual(["Go", "PyPI"]));
    expect(tempsLeft(dbPath)).toEqual([]);
  });

  it("still lands nothing when an ecosystem fails after writing", async () => {
    const dbPath = fresh("skip-mid");
    const good = join(work, "repo-skip-good");
    writeOsvLayout(good, "Go", v1.slice(0, 5));
    let s = await serveDir(good);
    await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url });
    await s.close();
    // PyPI's export is garbled in the middle: its first records are written before the error.
    const bad = join(work, "repo-skip-bad");
    writeOsvLayout(bad, "Go", v1.slice(0, 8));
    const zipPath = join(writeOsvLayout(bad, "PyPI", v1.slice(10).map((r) => ({ ...r, affected: [{ package: { ecosystem: "PyPI", name: `py-${r.id}` } }] }))), "all.zip");
    const zip = readFileSync(zipPath);
    const mid = zip.length >> 1;
    writeFileSync(zipPath, Buffer.concat([zip.subarray(0, mid), Buffer.alloc(4000, 0x5a), zip.subarray(mid + 4000)]));
    s = await serveDir(bad);
    const skipped: string[] = [];
    await expect(updateDb(dbPath, { ...fast, ecosystems: ["Go", "PyPI"], repository: s.url, onSkipped: (eco) => skipped.push(eco) })).rejects.toMatchObject({ code: "INPUT" });
    expect(skipped).toEqual([]);
    open(dbPath, (db) => expect(db.recordCount()).toBe(v1.slice(0, 5).filter((r) => !r.withdrawn).length));
    expect(tempsLeft(dbPath)).toEqual([]);
  });
  it("writes nothing, and creates no database, when every ecosystem drops out", async () => {
    const repo = join(work, "repo-skip-none");
    writeOsvLayout(repo, "Go", v1.slice(0, 5));
    const s = await serveDir(repo);
    const dbPath = fresh("skip-none");
    const skipped: string[] = [];
    expect(await updateDb(dbPath, { ...fast, ecosystems: ["Missing", "Gone"], repository: s.url, onSkipped: (eco) => skipped.push(eco) })).toEqual([]);
    expect(skipped).toEqual(["Missing", "Gone"]);
    expect(readdirSync(join(dbPath, ".."))).toEqual(["advisories.sqlite.lock"]);
    // An existing database is neither rewritten nor restamped as freshly built.
    await updateDb(dbPath, { ...fast, ecosystems: ["Go"], repository: s.url });
    const before = statSync(dbPath);
    const built = dbStatus(dbPath).builtAt;
    await new Promise((r) => setTimeout(r, 20));
    expect(await updateDb(dbPath, { ...fast, ecosystems: ["Missing"], repository: s.url, onSkipped: () => {} })).toEqual([]);
    expect(statSync(dbPath).ino).toBe(before.ino);
    expect(statSync(dbPath).mtimeMs).toBe(before.mtimeMs);
    expect(dbStatus(dbPath).builtAt).toBe(built);
    expect(tempsLeft(dbPath)).toEqual([]);
  });
});

describe("db update from local repositories", () => {
  it("reads a file:// URL and a plain directory, full then incremental", async () => {
    const repo = join(work, "repo-local");
    writeOsvLayout(repo, "Go", v1);
    const repos = [pathToFileURL(repo).href, repo];
    const dbs = repos.map(() => fresh("local"));
    for (const [i, repository] of repos.entries()) {
      expect(await updateDb(dbs[i]!, { ecosystems: ["Go"], repository })).toEqual([{ ecosystem: "Go", mode: "full", records: v1.length }]);
    }
    writeOsvLayout(repo, "Go", makeV2().v2);
    for (const [i, repository] of repos.entries()) {
      expect(await updateDb(dbs[i]!, { ecosystems: ["Go"], repository })).toEqual([{ ecosystem: "Go", mode: "incremental", records: 5 }]);
      open(dbs[i]!, (db) => {
        expect(db.recordCount()).toBe(live1);
        expect(db.query("Go", "example.com/brand-new").map((r) => r.id)).toEqual(["GO-2099-0001"]);
      });
    }
    await expect(updateDb(fresh("local"), { ecosystems: ["Go"], repository: join(work, "no-such-repo") })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
