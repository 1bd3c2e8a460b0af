// Server benchmark: N stored images (default 10,000) of ~300 Debian packages each, drawn from a
// pool of 3,000 source packages (so each package is in ~1,000 images, as base images share them).
// Measures: an advisory import changing 1,000 (ecosystem, name) pairs re-matched (rematchChanged),
// and GET /api/v1/images?cve=ID p50/p99 under 50 concurrent requests.
// Usage: node dist/bench/server.js [sqlite|postgres://URL] [images]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importPaths, loadServer, type Package, type Report } from "../src/index.js";
import { openDatabase } from "../src/server/db/connect.js";
import { rematchChanged } from "../src/server/rematch.js";
import { lookupKeys, storedInventory } from "../src/server/store.js";
import { AdvisoryDB, matchPackages } from "../src/index.js";
import { makeAudit, stderrLogger, type ServerContext } from "../src/server/context.js";
import { SqliteQueue } from "../src/server/queue/sqlite.js";
import { rng } from "./rng.js";

const POOL = 3000;
const PER_IMAGE = 300;
const RECORDS = 2000;
const CHANGED = 1000;
const OS = { family: "debian", version: "12", name: "Debian GNU/Linux", codename: "bookworm", prettyName: "Debian GNU/Linux 12 (bookworm)", eol: { date: "2026-06-10", eol: false } };

const srcName = (i: number) => `benchpkg${i}`;
function record(i: number, fixed: string, modified: string): string {
  return JSON.stringify({
    schema_version: "1.6.0", id: `BENCH-${i}`, modified, published: "2026-01-01T00:00:00Z", aliases: [`CVE-2098-${10000 + i}`], summary: `bench ${i}`,
    affected: [{ package: { ecosystem: "Debian:12", name: srcName(i) }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }] }],
    severity: [{ type: "CVSS_V3", score: i % 5 === 0 ? "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" : "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N" }],
  });
}

async function main(): Promise<void> {
  const target = process.argv[2] ?? "sqlite";
  const images = Number(process.argv[3] ?? 10_000);
  const work = mkdtempSync(join(tmpdir(), "bw-bench-server-"));
  const advisoryDb = join(work, "adv.db");
  mkdirSync(join(work, "osv1"));
  for (let i = 0; i < RECORDS; i++) writeFileSync(join(work, "osv1", `${i}.json`), record(i, "1.0-2", "2026-01-01T00:00:00Z"));
  await importPaths(advisoryDb, [join(work, "osv1")]);

  const sdb = await openDatabase(target === "sqlite" ? join(work, "server.db") : target, { poolSize: 20 });
  const clock = () => new Date();
  const ctx: ServerContext = {
    db: sdb.db, dialect: sdb.dialect, queue: new SqliteQueue(sdb.db), log: stderrLogger(true), clock, audit: makeAudit(sdb.db, clock),
    config: { advisoryDb, workers: 0, maxUploadBytes: 1 << 26, maxBodyBytes: 1 << 20, leaseSeconds: 900, offline: true },
  };
  // Pool packages: two versions each (affected 1.0-1, not affected 1.0-3).
  const pool: { pkg: Package; keys: { ecosystem: string; name: string }[] }[] = [];
  for (let i = 0; i < POOL; i++) {
    for (const version of ["1.0-1", "1.0-3"]) {
      const name = srcName(i);
      const pkg: Package = { type: "deb", name, version, purl: `pkg:deb/debian/${name}@${version}?arch=amd64&distro=debian-12`, arch: "amd64", source: { name, version }, licenses: [], locations: [{ path: "/var/lib/dpkg/status" }] };
      pool.push({ pkg, keys: lookupKeys(pkg, OS) });
    }
  }
  const adb = AdvisoryDB.open(advisoryDb);
  const vulnsOf = pool.map((p) => matchPackages([p.pkg], OS, adb, {}));
  adb.close();

  const t0 = performance.now();
  const rnd = rng(42);
  const now = new Date().toISOString();
  for (let start = 0; start < images; start += 100) {
    await sdb.db.transaction().execute(async (trx) => {
      for (let n = start; n < Math.min(images, start + 100); n++) {
        const digest = `sha256:${n.toString(16).padStart(64, "0")}`;
        const chosen = new Set<number>();
        while (chosen.size < PER_IMAGE) chosen.add(Math.floor(rnd() * POOL) * 2 + (rnd() < 0.5 ? 0 : 1));
        const idxs = [...chosen];
        const packages = idxs.map((i) => pool[i]!.pkg);
        const inv: Report = storedInventory({ schemaVersion: 1, tool: { name: "bulwark", version: "bench" }, artifact: { target: `bench/app${n}:1`, type: "registry", digest, os: OS, layers: [] }, packages, vulnerabilities: [], secrets: [], misconfigurations: [], errors: [] });
        await trx.insertInto("images").values({ digest, registry: "bench", repository: `bench/app${n}`, platform: "linux/amd64", os: JSON.stringify(OS), os_eol_date: OS.eol.date, first_seen: now, last_seen: now, inventory: JSON.stringify(inv), counts: "{}", oldest_open_critical: null }).execute();
        await trx.insertInto("image_names").values({ digest, name: `bench/app${n}:1` }).execute();
        const pk = packages.map((p, idx) => ({ image_digest: digest, idx, type: p.type, name: p.name, version: p.version, purl: p.purl, layer: null }));
        for (let i = 0; i < pk.length; i += 100) await trx.insertInto("packages").values(pk.slice(i, i + 100)).execute();
        const keys = idxs.flatMap((pi, idx) => pool[pi]!.keys.map((k) => ({ ...k, image_digest: digest, pkg_idx: idx })));
        for (let i = 0; i < keys.length; i += 150) await trx.insertInto("package_keys").values(keys.slice(i, i + 150)).execute();
        const f = idxs.flatMap((pi, idx) =>
          vulnsOf[pi]!.map((v) => ({ image_digest: digest, vuln_id: v.id, pkg_idx: idx, package: v.package.name, purl: v.package.purl, version: v.installedVersion, fixed_version: v.fixedVersions[0] ?? null, layer: null, severity: v.severity, advisory_id: v.source.id, first_seen: now, resolved_at: null, data: JSON.stringify(v) })),
        );
        for (let i = 0; i < f.length; i += 50) await trx.insertInto("findings").values(f.slice(i, i + 50)).execute();
      }
    });
  }
  const loadMs = performance.now() - t0;
  // The server has seen the initial database.
  await rematchChanged(ctx);

  mkdirSync(join(work, "osv2"));
  for (let i = 0; i < CHANGED; i++) writeFileSync(join(work, "osv2", `${i}.json`), record(i, "1.0-4", "2026-03-01T00:00:00Z"));
  await importPaths(advisoryDb, [join(work, "osv2")]);
  const r = await rematchChanged(ctx);

  const { buildServer } = await loadServer();
  const { createToken } = await import("../src/server/auth.js");
  const token = (await createToken(sdb.db, "bench", "reader")).token;
  const app = await buildServer(ctx);
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const times: number[] = [];
  let sizes = 0;
  const one = async (k: number) => {
    const t = performance.now();
    const res = await fetch(`${url}/api/v1/images?cve=CVE-2098-${10000 + ((k * 7) % RECORDS)}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { images: unknown[] };
    sizes += body.images.length;
    times.push(performance.now() - t);
  };
  for (let w = 0; w < 50; w++) await one(w); // warm-up
  times.length = 0;
  let next = 0;
  const TOTAL = 1000;
  const tq = performance.now();
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < TOTAL) await one(next++);
  }));
  const wall = performance.now() - tq;
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1);
  console.log(JSON.stringify({
    database: sdb.dialect, images, packagesPerImage: PER_IMAGE, loadSeconds: +(loadMs / 1000).toFixed(1),
    rematch: { ...r, seconds: +(r.ms / 1000).toFixed(1) },
    cveQuery: { requests: TOTAL, concurrency: 50, p50ms: +pct(50), p99ms: +pct(99), maxMs: +times.at(-1)!.toFixed(1), imagesPerAnswer: Math.round(sizes / (TOTAL + 50)), throughputPerS: Math.round(TOTAL / (wall / 1000)) },
  }));
  await app.close();
  await sdb.close();
  rmSync(work, { recursive: true, force: true });
}

await main();
