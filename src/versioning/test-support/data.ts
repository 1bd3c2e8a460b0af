// Test data copied into the repository (test/fixtures, see each source's SOURCE.txt) and this
// machine's dpkg database. Test-only: excluded from the build.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fixturePath } from "../../../test/support/upstream.js";
import type { OsvRecord } from "../../model/osv.js";
import { ecosystemBase } from "../index.js";

const APITESTER = fixturePath("osv.dev-apitester/tools/apitester/__snapshots__");
/** osv-scalibr's version-comparison vectors: one `A <op> B` per line, one file per ecosystem family. */
export const VECTORS = fixturePath("osv-scalibr-semantic/semantic/testdata");
const GO_VULNDB = fixturePath("go-vulndb/data/osv");
const USN = fixturePath("ubuntu-usn-osv-sample/osv/usn");

/** The JSON documents of the osv.dev apitester snapshots ("[name - 1]" headers, "---" separators). */
function snapshotDocuments(): unknown[] {
  const docs: unknown[] = [];
  for (const file of readdirSync(APITESTER).sort()) {
    if (!file.endsWith(".snap")) continue;
    for (const block of readFileSync(join(APITESTER, file), "utf8").split(/^\[.*\]$/m)) {
      const text = block.trim().replace(/^---\s*/m, "").replace(/\s*---$/, "").trim();
      if (!text.startsWith("{")) continue;
      try {
        docs.push(JSON.parse(text));
      } catch {
        // a few snapshots hold non-JSON text (osv-scanner table output)
      }
    }
  }
  return docs;
}

function walk(value: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (value && typeof value === "object") {
    visit(value as Record<string, unknown>);
    for (const v of Object.values(value)) walk(v, visit);
  }
}

let cache: { records: Map<string, OsvRecord>; queried: Map<string, Set<string>> } | undefined;

function apitester(): NonNullable<typeof cache> {
  if (cache) return cache;
  const records = new Map<string, OsvRecord>();
  const queried = new Map<string, Set<string>>();
  for (const doc of snapshotDocuments()) {
    walk(doc, (o) => {
      if (typeof o.id === "string" && Array.isArray(o.affected)) records.set(o.id, o as unknown as OsvRecord);
      const pkg = o.package as { ecosystem?: unknown } | undefined;
      if (pkg && typeof pkg.ecosystem === "string" && typeof o.version === "string") {
        const set = queried.get(pkg.ecosystem) ?? new Set<string>();
        set.add(o.version);
        queried.set(pkg.ecosystem, set);
      }
    });
  }
  cache = { records, queried };
  return cache;
}

/** Full OSV records found in the apitester snapshots, by id. */
export function apitesterRecords(): Map<string, OsvRecord> {
  return apitester().records;
}

/** Versions that osv-scanner queried for an ecosystem (real installed versions). */
export function queriedVersions(ecosystem: string): string[] {
  return [...(apitester().queried.get(ecosystem) ?? [])].sort();
}

/** Every version string (events and `versions`) of the records' entries for an ecosystem. */
export function recordVersions(records: Iterable<OsvRecord>, ecosystem: string): string[] {
  const out = new Set<string>();
  for (const r of records) {
    for (const a of r.affected ?? []) {
      if (!a.package || ecosystemBase(a.package.ecosystem) !== ecosystem) continue;
      // The apitester snapshots replace `versions` arrays by their length.
      if (Array.isArray(a.versions)) for (const v of a.versions) out.add(v);
      for (const range of a.ranges ?? []) for (const e of range.events) for (const v of Object.values(e)) if (v !== "0") out.add(v);
    }
  }
  return [...out].sort();
}

export function goRecord(id: string): OsvRecord {
  return JSON.parse(readFileSync(join(GO_VULNDB, `${id}.json`), "utf8")) as OsvRecord;
}

export function usnRecord(): OsvRecord {
  return JSON.parse(readFileSync(join(USN, "USN-6188-1.json"), "utf8")) as OsvRecord;
}

/** Versions of the packages installed on this machine (dpkg's status file), if any. */
export function dpkgStatusVersions(): string[] {
  const path = "/var/lib/dpkg/status";
  if (!existsSync(path)) return [];
  const out = new Set<string>();
  for (const m of readFileSync(path, "utf8").matchAll(/^Version: (.+)$/gm)) out.add(m[1]!.trim());
  return [...out].sort();
}

export interface Vector {
  line: number;
  a: string;
  op: "<" | "=" | ">";
  b: string;
}

/** Lines are "A <op> B"; blank lines and lines starting with "# " or "// " are comments. */
export function readVectors(text: string): Vector[] {
  const out: Vector[] = [];
  text.split("\n").forEach((raw, k) => {
    const line = raw.replace(/\r$/, "");
    if (line === "" || line.startsWith("# ") || line.startsWith("// ")) return;
    const parts = line.split(" ");
    const [a, op, b] = parts;
    if (parts.length !== 3 || (op !== "<" && op !== "=" && op !== ">")) throw new Error(`line ${k + 1}: cannot read ${JSON.stringify(line)}`);
    out.push({ line: k + 1, a: a!, op, b: b! });
  });
  return out;
}

/** Distinct version strings of one vector file. */
export function vectorVersions(file: string): string[] {
  const vectors = readVectors(readFileSync(join(VECTORS, file), "utf8"));
  return [...new Set(vectors.flatMap((v) => [v.a, v.b]))].sort();
}

/** Deterministic pseudo-random pairs (mulberry32), so failures reproduce. */
export function samplePairs(pool: string[], count: number, seed = 1): [string, string][] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pairs: [string, string][] = [];
  if (pool.length < 2) return pairs;
  for (let k = 0; k < count; k++) {
    const a = pool[Math.floor(next() * pool.length)]!;
    const b = pool[Math.floor(next() * pool.length)]!;
    pairs.push([a, b]);
  }
  return pairs;
}

/** Neighbours in sorted order share long prefixes: the comparisons most likely to go wrong. */
export function neighbourPairs(sorted: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let k = 1; k < sorted.length; k++) pairs.push([sorted[k - 1]!, sorted[k]!]);
  return pairs;
}
