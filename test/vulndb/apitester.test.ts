// Import the full OSV records recorded in osv.dev's API regression tests (apitester), plus the
// Ubuntu USN sample, and query them per ecosystem.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdvisoryDB, importPaths, type ImportResult } from "../../src/vulndb/index.js";
import { UBUNTU_USN_DIR, apitesterAnswers } from "./data.js";

let dir: string;
let db: AdvisoryDB;
let result: ImportResult;
const answers = apitesterAnswers();
const allIds = new Set(answers.flatMap((a) => a.answer.vulns.map((v) => v.id)));
const idsFor = (eco: string, name: string): string[] =>
  [...new Set(answers.flatMap((a) => a.answer.vulns.filter((v) => v.affected?.some((x) => x.package?.ecosystem === eco && x.package.name === name)).map((v) => v.id)))].sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bw-apitester-"));
  // The answers go in as they came from the API ({ "query": …, "vulns": [ … ] }): import.ts
  // accepts that shape, so only the snapshot wrapper needs undoing here.
  mkdirSync(join(dir, "answers"));
  answers.forEach((a, i) => writeFileSync(join(dir, "answers", `${i}.json`), JSON.stringify(a.answer)));
  result = await importPaths(join(dir, "db.sqlite"), [join(dir, "answers"), UBUNTU_USN_DIR]);
  db = AdvisoryDB.open(join(dir, "db.sqlite"));
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("osv.dev apitester records", () => {
  it("imports every full record once", () => {
    expect(result.errors).toEqual([]);
    expect(allIds.size).toBeGreaterThan(90);
    expect(db.recordCount()).toBe(allIds.size + 1); // + USN-6188-1
  });

  it("answers per-ecosystem queries like the API did", () => {
    const jinja = idsFor("PyPI", "jinja2");
    expect(jinja).toEqual(["GHSA-cpwx-vrp4-4pq7", "GHSA-gmj6-6f8f-6699", "GHSA-q2x7-8rv6-6q7h", "PYSEC-2026-1471", "PYSEC-2026-1472", "PYSEC-2026-1475"]);
    expect(db.query("PyPI", "jinja2").map((r) => r.id)).toEqual(jinja);
    // PEP 503: the PyPI name is normalised on both sides.
    expect(db.query("PyPI", "Jinja2").map((r) => r.id)).toEqual(jinja);

    const nokogiri = idsFor("RubyGems", "nokogiri");
    expect(nokogiri).toHaveLength(15);
    expect(db.query("RubyGems", "nokogiri").map((r) => r.id)).toEqual(nokogiri);

    expect(db.query("OSS-Fuzz", "harfbuzz").map((r) => r.id)).toEqual(["OSV-2020-484"]);
    expect(db.ecosystems().map((e) => [e.ecosystem, e.records])).toEqual([
      ["OSS-Fuzz", 1],
      ["PyPI", 6],
      ["RubyGems", 15],
      ["Ubuntu", 1],
    ]);
  });

  it("keeps GIT-only records (no package) reachable by id and alias", () => {
    const curl = db.get("CURL-CVE-2024-2398");
    expect(curl?.affected?.some((a) => !a.package && a.ranges?.some((r) => r.type === "GIT"))).toBe(true);
    expect(db.findByAlias("BIT-jre-2023-25193").map((r) => r.id)).toEqual(["CVE-2023-25193"]);
  });

  it("indexes the Ubuntu USN under the Ubuntu base ecosystem", () => {
    expect(db.query("Ubuntu", "openssl").map((r) => r.id)).toEqual(["USN-6188-1"]);
    expect(db.query("Ubuntu:Pro:16.04:LTS", "openssl").map((r) => r.id)).toEqual(["USN-6188-1"]);
    expect(db.query("Debian", "openssl")).toEqual([]);
  });
});
