import Database from "better-sqlite3";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OsvRecord } from "../model/osv.js";
import { SCHEMA_VERSION } from "./schema.js";
import { AdvisoryDB } from "./store.js";
import { withDbWriter } from "./writer.js";

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bw-store-"));
  dbPath = join(dir, "db", "advisories.sqlite");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rec = (id: string, modified: string, pkgs: [string, string][], extra: Partial<OsvRecord> = {}): OsvRecord => ({
  id,
  modified,
  affected: pkgs.map(([ecosystem, name]) => ({ package: { ecosystem, name }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }] })),
  ...extra,
});

async function put(...records: OsvRecord[]): Promise<string[]> {
  return withDbWriter(dbPath, async (w) => records.map((r) => w.put(r)));
}

function withDb<T>(fn: (db: AdvisoryDB) => T): T {
  const db = AdvisoryDB.open(dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const ids = (rs: OsvRecord[]): string[] => rs.map((r) => r.id);

describe("AdvisoryDB.open", () => {
  it("says NOT_FOUND with a hint when the file is missing", () => {
    expect(() => AdvisoryDB.open(dbPath)).toThrow(expect.objectContaining({ name: "UserError", code: "NOT_FOUND", message: expect.stringMatching(/bulwark db update.*bulwark db import/) }));
  });

  it("rejects a non-SQLite file, a foreign SQLite file and a newer schema with INPUT", async () => {
    const junk = join(dir, "junk.sqlite");
    writeFileSync(junk, "x".repeat(4096));
    expect(() => AdvisoryDB.open(junk)).toThrow(expect.objectContaining({ code: "INPUT" }));

    const foreign = join(dir, "foreign.sqlite");
    new Database(foreign).exec("CREATE TABLE t (x)").close();
    expect(() => AdvisoryDB.open(foreign)).toThrow(expect.objectContaining({ code: "INPUT", message: expect.stringMatching(/not a Bulwark advisory database/) }));

    await put(rec("A-1", "2024-01-01T00:00:00Z", [["npm", "a"]]));
    const raw = new Database(dbPath);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => AdvisoryDB.open(dbPath)).toThrow(expect.objectContaining({ code: "INPUT", message: expect.stringMatching(/newer Bulwark/) }));
  });

  it("refuses to overwrite a file that is not a Bulwark database", async () => {
    mkdirSync(join(dir, "db"));
    writeFileSync(dbPath, "precious");
    await expect(put(rec("A-1", "2024-01-01T00:00:00Z", []))).rejects.toMatchObject({ code: "INPUT" });
    expect(readdirSync(join(dir, "db")).sort()).toEqual(["advisories.sqlite", "advisories.sqlite.lock"]);
  });

  it("says INPUT, not a raw SQLite error, when the database path cannot be opened", async () => {
    mkdirSync(dbPath, { recursive: true }); // a directory where the file should be
    await expect(put(rec("A-1", "2024-01-01T00:00:00Z", []))).rejects.toMatchObject({ name: "UserError", code: "INPUT", message: expect.stringContaining(dbPath) });
    expect(() => AdvisoryDB.open(dbPath)).toThrow(expect.objectContaining({ name: "UserError", code: "INPUT" }));
    expect(readdirSync(join(dir, "db")).sort()).toEqual(["advisories.sqlite", "advisories.sqlite.lock"]);
  });
});

describe("writing and querying", () => {
  it("indexes by ecosystem base and normalised name, and by alias", async () => {
    await put(
      rec("DSA-1", "2024-01-01T00:00:00Z", [["Debian:11", "openssl"], ["Debian:12", "openssl"]], { aliases: ["CVE-2024-1", "CVE-2024-1"] }),
      rec("UBUNTU-1", "2024-01-01T00:00:00Z", [["Ubuntu:22.04:LTS", "openssl"]], { aliases: ["CVE-2024-1"] }),
      rec("PYSEC-1", "2024-01-01T00:00:00Z", [["PyPI", "Zope.Interface"]]),
      rec("RHSA-1", "2024-01-01T00:00:00Z", [["Red Hat:enterprise_linux:9::appstream", "nginx"]]),
    );
    withDb((db) => {
      expect(ids(db.query("Debian", "openssl"))).toEqual(["DSA-1"]); // one row despite two Debian releases
      expect(ids(db.query("Debian:12", "openssl"))).toEqual(["DSA-1"]);
      expect(ids(db.query("Ubuntu", "openssl"))).toEqual(["UBUNTU-1"]);
      expect(ids(db.query("PyPI", "zope-interface"))).toEqual(["PYSEC-1"]);
      expect(ids(db.query("PyPI", "zope_interface"))).toEqual(["PYSEC-1"]);
      expect(ids(db.query("Red Hat", "nginx"))).toEqual(["RHSA-1"]);
      expect(db.query("Debian", "nginx")).toEqual([]);
      expect(ids(db.findByAlias("CVE-2024-1"))).toEqual(["DSA-1", "UBUNTU-1"]);
      expect(db.recordCount()).toBe(4);
      expect(db.ecosystems().map((e) => [e.ecosystem, e.records])).toEqual([
        ["Debian", 1],
        ["PyPI", 1],
        ["Red Hat", 1],
        ["Ubuntu", 1],
      ]);
      expect(Date.parse(db.builtAt()!)).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  it("returns the same parsed object for repeated queries (per-instance cache)", async () => {
    await put(rec("A-1", "2024-01-01T00:00:00Z", [["npm", "left-pad"]], { summary: "s" }));
    withDb((db) => {
      const [a] = db.query("npm", "left-pad");
      const [b] = db.query("npm", "left-pad");
      expect(a).toBe(b);
      expect(a).toMatchObject({ id: "A-1", summary: "s" });
      expect(db.get("A-1")).toBe(a);
    });
  });

  it("replaces a record only with a newer or equal modified time, and re-indexes it", async () => {
    const r = await put(
      rec("A-1", "2024-01-02T00:00:00Z", [["npm", "old-name"]], { summary: "v2" }),
      rec("A-1", "2024-01-01T00:00:00Z", [["npm", "older"]], { summary: "v1" }),
      rec("A-1", "2024-01-02T00:00:00.000Z", [["npm", "new-name"]], { summary: "v2b" }),
    );
    expect(r).toEqual(["stored", "older", "stored"]);
    withDb((db) => {
      expect(db.query("npm", "old-name")).toEqual([]);
      expect(db.query("npm", "older")).toEqual([]);
      expect(db.query("npm", "new-name").map((x) => x.summary)).toEqual(["v2b"]);
    });
  });

  it("does not store withdrawn records and removes a record when an update withdraws it", async () => {
    expect(await put(rec("A-1", "2024-01-01T00:00:00Z", [["npm", "a"]], { aliases: ["CVE-1"] }), rec("A-2", "2024-01-01T00:00:00Z", [["npm", "a"]], { withdrawn: "2024-01-01T00:00:00Z" }))).toEqual([
      "stored",
      "withdrawn",
    ]);
    withDb((db) => expect(ids(db.query("npm", "a"))).toEqual(["A-1"]));
    await put(rec("A-1", "2024-02-01T00:00:00Z", [["npm", "a"]], { withdrawn: "2024-02-01T00:00:00Z" }));
    withDb((db) => {
      expect(db.query("npm", "a")).toEqual([]);
      expect(db.findByAlias("CVE-1")).toEqual([]);
      expect(db.recordCount()).toBe(0);
      expect(db.ecosystems()).toEqual([{ ecosystem: "npm", records: 0, updatedAt: undefined, source: undefined }]);
    });
  });

  it("leaves the database untouched and removes its temp copy when a build fails", async () => {
    await put(rec("A-1", "2024-01-01T00:00:00Z", [["npm", "a"]]));
    await expect(
      withDbWriter(dbPath, async (w) => {
        w.put(rec("A-2", "2024-01-01T00:00:00Z", [["npm", "a"]]));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    withDb((db) => expect(ids(db.query("npm", "a"))).toEqual(["A-1"]));
    expect(readdirSync(join(dir, "db")).sort()).toEqual(["advisories.sqlite", "advisories.sqlite.lock"]);
  });

  it("serves readers that opened before a rebuild from the old file", async () => {
    await put(rec("A-1", "2024-01-01T00:00:00Z", [["npm", "a"]]));
    const before = AdvisoryDB.open(dbPath);
    try {
      await put(rec("A-2", "2024-01-01T00:00:00Z", [["npm", "a"]]));
      expect(ids(before.query("npm", "a"))).toEqual(["A-1"]);
      withDb((db) => expect(ids(db.query("npm", "a"))).toEqual(["A-1", "A-2"]));
    } finally {
      before.close();
    }
  });

  it("removes working files left by killed runs when it holds the write lock, whatever their age", async () => {
    await put(rec("A-1", "2024-01-01T00:00:00Z", [["npm", "a"]]));
    const left = ["advisories.sqlite.tmp-dead01", "advisories.sqlite.tmp-dead01-journal", "advisories.sqlite.tmp-dead02.zip", "advisories.sqlite.tmp-dead03-wal", "advisories.sqlite.tmp-dead03-shm"];
    for (const f of left) writeFileSync(join(dir, "db", f), "x");
    // Not working files of this database: kept.
    const others = ["other.sqlite.tmp-dead04", "advisories.sqlite.tmpdir", "advisories.sqlite.bak"];
    for (const f of others) writeFileSync(join(dir, "db", f), "x");
    await put(rec("A-2", "2024-01-01T00:00:00Z", [["npm", "a"]]));
    expect(readdirSync(join(dir, "db")).sort()).toEqual(["advisories.sqlite", "advisories.sqlite.lock", ...others].sort());
    withDb((db) => expect(ids(db.query("npm", "a"))).toEqual(["A-1", "A-2"]));
  });
});
