import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { RpmDbError } from "./blob.js";
import { isSqlite, sqliteBlobs } from "./sqlite.js";
import { analyze, fixture, fixtureHeaderBlobs } from "./test-support/helpers.js";

/** An SQLite file built by `setup`, serialised to a Buffer. */
function makeDb(setup: (db: Database.Database) => void): Buffer {
  const db = new Database(":memory:");
  setup(db);
  const buf = db.serialize();
  db.close();
  return buf;
}

const read = (buf: Buffer) => {
  const errors: string[] = [];
  const blobs = [...sqliteBlobs(buf, (m) => errors.push(m))];
  return { blobs, errors };
};

describe("SQLite reader", () => {
  it("reads rpm's WAL-mode rpmdb.sqlite from memory and leaves the caller's buffer untouched", () => {
    const buf = fixture("sqlite/rpmdb.sqlite");
    const before = Buffer.from(buf);
    expect(isSqlite(buf)).toBe(true);
    expect(buf[18]).toBe(2); // rpm writes WAL mode
    const { packages, errors } = analyze(buf, "usr/lib/sysimage/rpm/rpmdb.sqlite");
    expect(errors).toEqual([]);
    expect(packages.map((p) => p.name).sort()).toEqual(["bash", "nodejs", "openssl", "openssl-libs", "tzdata"]);
    expect(buf.equals(before)).toBe(true);
  });

  it("reads a rollback-journal database too", () => {
    const rows = fixtureHeaderBlobs();
    const buf = makeDb((db) => {
      db.exec("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
      const ins = db.prepare("INSERT INTO Packages (hnum, blob) VALUES (?, ?)");
      for (const r of rows) ins.run(r.hnum, r.blob);
    });
    expect(read(buf).blobs).toHaveLength(rows.length);
  });

  it("skips rows whose blob is not a BLOB", () => {
    const buf = makeDb((db) => {
      db.exec("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB)");
      db.exec("INSERT INTO Packages VALUES (1, 'text'), (2, NULL), (3, 42)");
    });
    const { blobs, errors } = read(buf);
    expect(blobs).toEqual([]);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/sqlite row 1: blob column is not a BLOB/);
  });

  it("refuses schemas that are not rpm's or that would compute rows", () => {
    const cases: [RegExp, string][] = [
      [/no Packages table/, "CREATE TABLE Other (x)"],
      // An endless recursive view: must be refused, never queried.
      [
        /is a view/,
        "CREATE VIEW Packages AS WITH RECURSIVE r(hnum, blob) AS (SELECT 1, x'00' UNION ALL SELECT hnum + 1, blob FROM r) SELECT * FROM r",
      ],
      [/computed/, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, n INT, blob BLOB GENERATED ALWAYS AS (zeroblob(n)) VIRTUAL)"],
      [/lacks hnum\/blob/, "CREATE TABLE Packages (id INTEGER PRIMARY KEY, data BLOB)"],
    ];
    for (const [re, sql] of cases) {
      const buf = makeDb((db) => db.exec(sql));
      expect(() => read(buf)).toThrow(RpmDbError);
      expect(() => read(buf)).toThrow(re);
    }
  });

  it("turns a damaged file into an RpmDbError, never a crash", () => {
    const buf = fixture("sqlite/rpmdb.sqlite");
    const garbage = Buffer.concat([buf.subarray(0, 16), Buffer.alloc(4000, 0x5a)]);
    expect(() => read(garbage)).toThrow(RpmDbError);
    expect(() => read(buf.subarray(0, 50))).toThrow(/truncated/);
    expect(() => read(Buffer.from("not sqlite at all"))).toThrow(/not an SQLite/);
  });

  it("closes the database when iteration is abandoned", () => {
    const buf = fixture("sqlite/rpmdb.sqlite");
    for (const b of sqliteBlobs(buf, () => {})) {
      expect(b.blob.length).toBeGreaterThan(0);
      break; // generator's finally must release the statement and close
    }
    expect(read(buf).blobs).toHaveLength(6);
  });
});
