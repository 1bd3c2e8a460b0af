import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeZip } from "../../test/vulndb/zip-writer.js";
import { importPaths } from "./import.js";
import { AdvisoryDB } from "./store.js";

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bw-import-"));
  dbPath = join(dir, "advisories.sqlite");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rec = (id: string, name: string, modified = "2024-01-01T00:00:00Z"): object => ({ id, modified, affected: [{ package: { ecosystem: "npm", name } }] });

function names(): string[] {
  const db = AdvisoryDB.open(dbPath);
  try {
    return ["a", "b", "c", "d", "e"].flatMap((n) => db.query("npm", n).map((r) => r.id));
  } finally {
    db.close();
  }
}

describe("importPaths", () => {
  it("reads directories recursively, arrays, osv.dev query answers and zips", async () => {
    mkdirSync(join(dir, "in", "sub"), { recursive: true });
    writeFileSync(join(dir, "in", "one.json"), JSON.stringify(rec("A-1", "a")));
    writeFileSync(join(dir, "in", "sub", "many.json"), JSON.stringify([rec("B-1", "b"), rec("B-2", "b")]));
    writeFileSync(join(dir, "in", "sub", "notes.txt"), "not json, ignored");
    writeFileSync(join(dir, "answer.json"), JSON.stringify({ vulns: [rec("C-1", "c")] }));
    writeZip(join(dir, "all.zip"), [
      ["D-1.json", JSON.stringify(rec("D-1", "d"))],
      ["README", "ignored"],
    ]);
    // A zip without the .zip name is recognised by its magic bytes.
    writeZip(join(dir, "export.bin"), [["E-1.json", JSON.stringify(rec("E-1", "e"))]], true);
    const progress: number[] = [];
    const r = await importPaths(dbPath, [join(dir, "in"), join(dir, "answer.json"), join(dir, "all.zip"), join(dir, "export.bin")], { onProgress: (n) => progress.push(n) });
    expect(r).toEqual({ imported: 6, skipped: 0, errors: [] });
    expect(progress.at(-1)).toBe(6);
    expect(names()).toEqual(["A-1", "B-1", "B-2", "C-1", "D-1", "E-1"]);
  });

  it("counts bad files and records as errors, naming them, and goes on", async () => {
    writeFileSync(join(dir, "bad.json"), "{ nope");
    writeFileSync(join(dir, "noid.json"), JSON.stringify({ modified: "2024-01-01T00:00:00Z" }));
    writeFileSync(join(dir, "nomod.json"), JSON.stringify({ id: "X-1", modified: "yesterday" }));
    writeFileSync(join(dir, "mixed.json"), JSON.stringify([rec("A-1", "a"), 42]));
    writeFileSync(join(dir, "withdrawn.json"), JSON.stringify({ ...rec("W-1", "a"), withdrawn: "2024-01-01T00:00:00Z" }));
    const r = await importPaths(dbPath, [dir]);
    expect(r.imported).toBe(1);
    expect(r.skipped).toBe(1);
    expect(r.errors).toHaveLength(4);
    expect(r.errors.join("\n")).toMatch(/bad\.json: invalid JSON/);
    expect(r.errors.join("\n")).toMatch(/noid\.json: record without an id/);
    expect(r.errors.join("\n")).toMatch(/nomod\.json: record X-1 without a valid modified/);
    expect(r.errors.join("\n")).toMatch(/mixed\.json\[1\]: not an OSV record/);
  });

  it("fails cleanly on a missing path, before touching anything", async () => {
    await expect(importPaths(dbPath, [join(dir, "nope")])).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps the old database and leaves no temp files when an import fails midway", async () => {
    writeFileSync(join(dir, "a.json"), JSON.stringify(rec("A-1", "a")));
    await importPaths(dbPath, [join(dir, "a.json")]);
    // The good file is written into the temp copy first, then the truncated zip aborts.
    writeFileSync(join(dir, "b.json"), JSON.stringify(rec("B-1", "b")));
    writeZip(join(dir, "whole.zip"), [["C-1.json", JSON.stringify(rec("C-1", "c"))]]);
    const whole = readFileSync(join(dir, "whole.zip"));
    writeFileSync(join(dir, "cut.zip"), whole.subarray(0, whole.length - 10));
    await expect(importPaths(dbPath, [join(dir, "b.json"), join(dir, "cut.zip")])).rejects.toMatchObject({ code: "INPUT", message: expect.stringMatching(/cut\.zip/) });
    expect(names()).toEqual(["A-1"]);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });
});
