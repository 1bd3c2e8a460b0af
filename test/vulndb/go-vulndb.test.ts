// Import real Go vulnerability records (go-vulndb's data/osv: the subset in test/fixtures that
// keeps every record shape of the whole database, see test/vulndb/data.ts) and query them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdvisoryDB, dbStatus, importPaths, type ImportResult } from "../../src/vulndb/index.js";
import { GO_OSV_DIR, goRecords } from "./data.js";

let dir: string;
let dbPath: string;
let result: ImportResult;
let db: AdvisoryDB;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bw-govulndb-"));
  dbPath = join(dir, "advisories.sqlite");
  result = await importPaths(dbPath, [GO_OSV_DIR]);
  db = AdvisoryDB.open(dbPath);
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("go-vulndb import", () => {
  it("stores every non-withdrawn record of the go-vulndb subset and skips the withdrawn ones", () => {
    const all = goRecords();
    const live = all.filter((r) => !r.withdrawn);
    // The subset: 241 records, all 17 withdrawn records of the database among them.
    expect(all.length).toBeGreaterThan(200);
    expect(all.length - live.length).toBeGreaterThanOrEqual(17);
    expect(result).toEqual({ imported: live.length, skipped: all.length - live.length, errors: [] });
    expect(db.recordCount()).toBe(live.length);
    expect(db.ecosystems()).toEqual([{ ecosystem: "Go", records: live.length, updatedAt: expect.any(String), source: GO_OSV_DIR }]);
  });

  it("finds the golang.org/x/net advisories", () => {
    const expected = goRecords()
      .filter((r) => !r.withdrawn && r.affected?.some((a) => a.package?.name === "golang.org/x/net"))
      .map((r) => r.id)
      .sort();
    const got = db.query("Go", "golang.org/x/net").map((r) => r.id);
    expect(got).toEqual(expected);
    // HTTP/2 HPACK decoder DoS and HTTP/2 rapid reset, both also in stdlib.
    expect(got).toContain("GO-2023-1571");
    expect(got).toContain("GO-2023-2102");
    const rapidReset = db.query("Go", "golang.org/x/net").find((r) => r.id === "GO-2023-2102")!;
    expect(rapidReset.aliases).toContain("CVE-2023-39325");
    expect(rapidReset.affected?.map((a) => a.package?.name)).toEqual(["stdlib", "golang.org/x/net"]);
  });

  it("keeps Go module paths case-sensitive", () => {
    expect(db.query("Go", "github.com/Masterminds/goutils").length).toBeGreaterThan(0);
    expect(db.query("Go", "github.com/masterminds/goutils")).toEqual([]);
  });

  it("finds records by CVE and GHSA alias", () => {
    expect(db.findByAlias("CVE-2022-41723").map((r) => r.id)).toEqual(["GO-2023-1571"]);
    expect(db.findByAlias("GHSA-4374-p667-p6c8").map((r) => r.id)).toEqual(["GO-2023-2102"]);
    // Withdrawn: GO-2022-0617 (CVE-2020-8562) is not in the database.
    expect(db.findByAlias("CVE-2020-8562")).toEqual([]);
    expect(db.get("GO-2022-0617")).toBeUndefined();
  });

  it("reports status", () => {
    const s = dbStatus(dbPath);
    expect(s).toMatchObject({ exists: true, schemaVersion: 1, stale: false, records: db.recordCount() });
    expect(s.ageHours).toBeLessThan(1);
    expect(dbStatus(join(dir, "missing.sqlite"))).toMatchObject({ exists: false, stale: true, ecosystems: [] });
  });

  it("re-importing the same data replaces nothing and adds nothing", async () => {
    const again = await importPaths(dbPath, [GO_OSV_DIR]);
    // Equal `modified` replaces, so the stored count stays the same.
    expect(again.imported).toBe(result.imported);
    const db2 = AdvisoryDB.open(dbPath);
    try {
      expect(db2.recordCount()).toBe(db.recordCount());
    } finally {
      db2.close();
    }
  });
});
