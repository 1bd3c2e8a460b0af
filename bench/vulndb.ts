// Advisory database import benchmark: ≥ 100,000 OSV records generated from real samples
// (go-vulndb, osv.dev apitester, an Ubuntu USN) and packed like osv.dev's all.zip, then timed
// through importPaths. run.ts calls benchVulndb(dir); this file can also be run on its own.
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { OsvAffected, OsvRecord } from "../src/model/osv.js";
import { importPaths } from "../src/vulndb/index.js";
import { apitesterAnswers, goRecords } from "../test/vulndb/data.js";
import { ZipWriter } from "../test/vulndb/zip-writer.js";
import { rng } from "./rng.js";

export const BENCH_RECORDS = 120_000;
/** Our test zip writer has no zip64, so the records are spread over several archives. */
const PER_ZIP = 40_000;

interface Eco {
  ecosystem: (r: () => number) => string;
  prefix: string;
  name: (n: number) => string;
  version: (r: () => number) => string;
}

const semver = (r: () => number): string => `${Math.floor(r() * 5)}.${Math.floor(r() * 20)}.${Math.floor(r() * 30)}`;
const ECOS: Eco[] = [
  { ecosystem: (r) => `Debian:${10 + Math.floor(r() * 3)}`, prefix: "DEBIAN-CVE", name: (n) => `libbench${n}`, version: (r) => `${semver(r)}-${1 + Math.floor(r() * 4)}+deb12u${Math.floor(r() * 3)}` },
  { ecosystem: () => "npm", prefix: "GHSA-npm", name: (n) => (n % 3 ? `bench-pkg-${n}` : `@bench/scope-${n}`), version: semver },
  { ecosystem: () => "PyPI", prefix: "PYSEC", name: (n) => `Bench_Py.Pkg${n}`, version: semver },
  { ecosystem: () => "Go", prefix: "GO", name: (n) => `github.com/bench-org-${n % 500}/repo-${n}`, version: semver },
  { ecosystem: () => "Maven", prefix: "GHSA-mvn", name: (n) => `org.bench.g${n % 300}:artifact-${n}`, version: semver },
];

function samples(): OsvRecord[] {
  const api = apitesterAnswers().flatMap((a) => a.answer.vulns);
  return [...goRecords().filter((r) => !r.withdrawn), ...api];
}

/** A new record shaped like `s` (texts, references, severity kept) for another package. */
function mutate(s: OsvRecord, i: number, r: () => number): OsvRecord {
  const eco = ECOS[i % ECOS.length]!;
  const affected: OsvAffected[] = (s.affected?.length ? s.affected : [{}]).slice(0, 3).map((a, k) => {
    const introduced = r() < 0.3 ? "0" : eco.version(r);
    const fixed = eco.version(r);
    return {
      ...a,
      package: { ecosystem: eco.ecosystem(r), name: eco.name(Math.floor(r() * 30_000) + k) },
      ranges: [{ type: eco.prefix === "GO" ? "SEMVER" : "ECOSYSTEM", events: [{ introduced }, { fixed }] }],
      versions: r() < 0.3 ? Array.from({ length: 1 + Math.floor(r() * 20) }, () => eco.version(r)) : undefined,
    };
  });
  const year = 2015 + Math.floor(r() * 11);
  return {
    ...s,
    id: `${eco.prefix}-${year}-${i}`,
    modified: new Date(Date.parse("2020-01-01T00:00:00Z") + Math.floor(r() * 5 * 365 * 86400_000)).toISOString(),
    published: `${year}-06-01T00:00:00Z`,
    aliases: [`CVE-${year}-${100000 + i}`],
    withdrawn: undefined,
    affected,
  };
}

/** Writes the generated records as deflated zips (osv.dev's all.zip layout); returns their paths. */
export function generateVulndbInput(dir: string, count = BENCH_RECORDS): string[] {
  mkdirSync(dir, { recursive: true });
  const base = samples();
  const r = rng(20240601);
  const zips: string[] = [];
  let z: ZipWriter | undefined;
  for (let i = 0; i < count; i++) {
    if (i % PER_ZIP === 0) {
      z?.close();
      const p = join(dir, `all-${zips.length}.zip`);
      zips.push(p);
      z = new ZipWriter(p, true);
    }
    const rec = mutate(base[i % base.length]!, i, r);
    z!.add(`${rec.id}.json`, JSON.stringify(rec, null, 2));
  }
  z?.close();
  return zips;
}

export async function benchVulndb(workDir: string): Promise<{ importMs: number; records: number; dbBytes: number }> {
  const input = join(workDir, "vulndb-input");
  const dbPath = join(workDir, "vulndb", "advisories.sqlite");
  rmSync(input, { recursive: true, force: true });
  rmSync(dbPath, { force: true });
  const zips = generateVulndbInput(input);
  const t0 = performance.now();
  const res = await importPaths(dbPath, zips);
  const importMs = performance.now() - t0;
  if (res.errors.length) throw new Error(`bench import errors: ${res.errors.slice(0, 3).join("; ")}`);
  return { importMs, records: res.imported, dbBytes: statSync(dbPath).size };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ?? join(process.cwd(), ".bench-cache");
  const r = await benchVulndb(dir);
  console.log(`imported ${r.records} records in ${(r.importMs / 1000).toFixed(2)} s (${Math.round(r.records / (r.importMs / 1000))} records/s), database ${(r.dbBytes / 2 ** 20).toFixed(1)} MiB`);
}
