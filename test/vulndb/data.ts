// Real advisory data for the vulndb tests (copied into test/fixtures, see each SOURCE.txt), and
// helpers to lay it out like osv.dev.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OsvRecord } from "../../src/model/osv.js";
import { fixturePath } from "../support/upstream.js";
import { writeZip } from "./zip-writer.js";

/**
 * A real subset of go-vulndb's data/osv (241 of its 4,291 records): every record of stdlib,
 * golang.org/x/net, golang.org/x/crypto and github.com/Masterminds/goutils, every withdrawn one,
 * the ones tests name, and records chosen so that every field, range and event shape found in
 * the whole database occurs (test/fixtures/go-vulndb/SOURCE.txt).
 */
export const GO_OSV_DIR = fixturePath("go-vulndb/data/osv");
export const APITESTER_SNAPSHOTS = fixturePath("osv.dev-apitester/tools/apitester/__snapshots__");
export const UBUNTU_USN_DIR = fixturePath("ubuntu-usn-osv-sample/osv");

let goCache: OsvRecord[] | undefined;

/** The go-vulndb records in the repository, parsed, in file-name order. */
export function goRecords(): OsvRecord[] {
  goCache ??= readdirSync(GO_OSV_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(GO_OSV_DIR, f), "utf8")) as OsvRecord);
  return goCache;
}

/**
 * go-vulndb's data/osv files all carry the zero time ("0001-01-01T00:00:00Z") as `modified`
 * (the real times are set when vuln.go.dev is published), which would make every record
 * equally old. For update tests we give record i the time base + i minutes.
 */
export function withModifiedTimes(records: OsvRecord[], base = Date.parse("2024-01-01T00:00:00Z")): OsvRecord[] {
  return records.map((r, i) => ({ ...r, modified: new Date(base + i * 60_000).toISOString() }));
}

/**
 * Writes `<root>/<ecosystem>/all.zip`, `modified_id.csv` (newest first) and `<ID>.json`:
 * the layout of osv.dev's bucket.
 */
export function writeOsvLayout(root: string, ecosystem: string, records: OsvRecord[], opts: { deflate?: boolean } = {}): string {
  const dir = join(root, ecosystem);
  mkdirSync(dir, { recursive: true });
  const bodies = records.map((r) => [`${r.id}.json`, JSON.stringify(r, null, 2)] as [string, string]);
  writeZip(join(dir, "all.zip"), bodies, opts.deflate ?? true);
  for (const [name, body] of bodies) writeFileSync(join(dir, name), body);
  const csv = [...records]
    .sort((a, b) => Date.parse(b.modified) - Date.parse(a.modified))
    .map((r) => `${r.modified},${r.id}\n`)
    .join("");
  writeFileSync(join(dir, "modified_id.csv"), csv);
  return dir;
}

/**
 * Pulls the osv.dev /v1/query answers out of the apitester's go-snaps snapshot files.
 *
 * Layout: each `.snap` file is a series of `[<test name> - <n>]\n<body>\n---` sections. Only
 * `cassette_single_query.snap` holds full records (`{ "query": …, "vulns": [ … ] }`); the
 * osv-scanner (`cassette_TestCommand*`) and batch snapshots only hold `{id, modified}` stubs
 * under `results[].vulns`, so they are left out. The snapshots also replace volatile values
 * with placeholders: `"modified": "<RFC3339 date with the year 2026>"` and
 * `"database_specific": "<Any value>"`. We turn the first into `2026-01-01T00:00:00Z` (the
 * year is all that is left) and drop the second.
 */
export function apitesterAnswers(): { name: string; answer: { vulns: OsvRecord[] } }[] {
  const out: { name: string; answer: { vulns: OsvRecord[] } }[] = [];
  for (const file of readdirSync(APITESTER_SNAPSHOTS).filter((f) => f.endsWith(".snap")).sort()) {
    const text = readFileSync(join(APITESTER_SNAPSHOTS, file), "utf8");
    for (const section of text.split(/\n---\n/)) {
      const m = /^\s*\[([^\n]*)\]\n([\s\S]*)$/.exec(section);
      if (!m) continue;
      let body: unknown;
      try {
        body = JSON.parse(m[2]!, (key, value: unknown) => {
          if (key === "modified" && typeof value === "string") {
            const year = /^<RFC3339 date with the year (\d{4})>$/.exec(value);
            return year ? `${year[1]}-01-01T00:00:00Z` : value;
          }
          if (key === "database_specific" && value === "<Any value>") return undefined;
          return value;
        });
      } catch {
        continue; // plain-text sections (main_test.snap)
      }
      const vulns = (body as { vulns?: unknown }).vulns;
      if (Array.isArray(vulns) && vulns.length > 0) out.push({ name: m[1]!, answer: { vulns: vulns as OsvRecord[] } });
    }
  }
  return out;
}
