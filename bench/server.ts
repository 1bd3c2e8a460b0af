// Server benchmark (issue 13, "Speed"): N stored images (default 10,000) of ~300 Debian packages
// each, drawn from a pool of 3,000 source packages (so each package is in ~1,000 images, as base
// images share them), written through the store's findings path (applyFindingsBatch, summaries
// included). Measures, against the targets:
// - an advisory import changing 1,000 (ecosystem, name) pairs re-matched (rematchChanged), < 60 s;
// - GET /api/v1/images?cve=ID p50/p99 under 50 concurrent requests (the clients run in a worker
//   thread, as separate client processes would; the server's event loop is not theirs), < 100 ms;
// - GET /api/v1/dashboard/overview (the overview page's API call), alone and during the CVE load, < 300 ms.
// Usage: node dist/bench/server.js [sqlite|postgres://URL] [images]
// `npm run bench -- server` runs it on SQLite and on a throw-away PostgreSQL cluster (10,000
// images: loading them dominates, several minutes per database, so it is not part of the full
// `npm run bench`). BENCH_SERVER_IMAGES=N changes the size.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { sql } from "kysely";
import { loadavg, tmpdir } from "node:os";
import type { IncomingMessage, ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { join } from "node:path";
import { importPaths, loadServer, type Package, type Report } from "../src/index.js";
import { openDatabase } from "../src/server/db/connect.js";
import { collectFindingData } from "../src/server/finding-data.js";
import { rematchChanged } from "../src/server/rematch.js";
import { applyFindingsBatch, lookupKeys, refreshPackageSummary, storedInventory, type FindingsUpdate } from "../src/server/store.js";
import { AdvisoryDB, matchPackages } from "../src/index.js";
import { makeAudit, stderrLogger, type ServerContext } from "../src/server/context.js";
import { SqliteQueue } from "../src/server/queue/sqlite.js";
import { ensureVariants, variantJson, variantKey } from "../src/server/variants.js";
import { POSTGRES_TOOLS, startPostgres } from "../test/support/postgres.js";
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
  // BENCH_SERVER_SNAPSHOT=DIR (SQLite): the loaded fleet is copied there once and reused by
  // later runs (loading 10,000 images takes minutes; the re-match and queries are what change).
  const snapshot = target === "sqlite" ? process.env["BENCH_SERVER_SNAPSHOT"] : undefined;
  const restored = snapshot !== undefined && existsSync(join(snapshot, `server-${images}.db`));
  if (restored) {
    copyFileSync(join(snapshot, `server-${images}.db`), join(work, "server.db"));
    copyFileSync(join(snapshot, `adv-${images}.db`), advisoryDb);
    // The copy's gigabytes written back now, not during the timed re-match.
    for (const f of [join(work, "server.db"), advisoryDb]) {
      const fd = openSync(f, "r+");
      fsyncSync(fd);
      closeSync(fd);
    }
  } else {
    mkdirSync(join(work, "osv1"));
    for (let i = 0; i < RECORDS; i++) writeFileSync(join(work, "osv1", `${i}.json`), record(i, "1.0-2", "2026-01-01T00:00:00Z"));
    await importPaths(advisoryDb, [join(work, "osv1")]);
  }

  const sdb = await openDatabase(target === "sqlite" ? join(work, "server.db") : target, { poolSize: 20 });
  const clock = () => new Date();
  const ctx: ServerContext = {
    db: sdb.db, dialect: sdb.dialect, queue: new SqliteQueue(sdb.db), log: stderrLogger(!process.env["BENCH_VERBOSE"]), clock, audit: makeAudit(sdb.db, clock),
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
  // The pool's package variants (what a stored scan creates for them).
  const t0 = performance.now();
  if (!restored) await load();
  const loadMs = performance.now() - t0;
  if (snapshot !== undefined && !restored) {
    mkdirSync(snapshot, { recursive: true });
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(sdb.db);
    copyFileSync(join(work, "server.db"), join(snapshot, `server-${images}.db`));
    copyFileSync(advisoryDb, join(snapshot, `adv-${images}.db`));
  }

  async function load(): Promise<void> {
  const variantIds = await sdb.db.transaction().execute((trx) =>
    ensureVariants(trx, pool.map((p) => {
      const json = variantJson(p.pkg, OS);
      return { key: variantKey(json), json, purl: p.pkg.purl, lookups: p.keys };
    })),
  );
  const variantOf = pool.map((p) => variantIds.get(variantKey(variantJson(p.pkg, OS)))!);

  const rnd = rng(42);
  const now = new Date().toISOString();
  const touched = new Set<string>();
  for (let start = 0; start < images; start += 100) {
    const imgs: Record<string, unknown>[] = [];
    const names: { digest: string; name: string }[] = [];
    const pk: Record<string, unknown>[] = [];
    const keys: { ecosystem: string; name: string; image_digest: string; pkg_idx: number }[] = [];
    const items: FindingsUpdate[] = [];
    for (let n = start; n < Math.min(images, start + 100); n++) {
      const digest = `sha256:${n.toString(16).padStart(64, "0")}`;
      const chosen = new Set<number>();
      while (chosen.size < PER_IMAGE) chosen.add(Math.floor(rnd() * POOL) * 2 + (rnd() < 0.5 ? 0 : 1));
      const idxs = [...chosen];
      const packages = idxs.map((i) => pool[i]!.pkg);
      const inv: Report = storedInventory({ schemaVersion: 1, tool: { name: "bulwark", version: "bench" }, artifact: { target: `bench/app${n}:1`, type: "registry", digest, os: OS, layers: [] }, packages, vulnerabilities: [], secrets: [], misconfigurations: [], errors: [] });
      imgs.push({ digest, registry: "bench", repository: `bench/app${n}`, platform: "linux/amd64", os: JSON.stringify(OS), os_eol_date: OS.eol.date, first_seen: now, last_seen: now, inventory: JSON.stringify(inv), counts: "{}", oldest_open_critical: null });
      names.push({ digest, name: `bench/app${n}:1` });
      packages.forEach((p, idx) => pk.push({ image_digest: digest, idx, type: p.type, name: p.name, version: p.version, purl: p.purl, layer: null, variant: variantOf[idxs[idx]!]! }));
      idxs.forEach((pi, idx) => keys.push(...pool[pi]!.keys.map((k) => ({ ...k, image_digest: digest, pkg_idx: idx }))));
      items.push({ digest, packages, vulns: idxs.flatMap((pi) => vulnsOf[pi]!), variants: idxs.map((pi) => variantOf[pi]!) });
    }
    await sdb.db.transaction().execute(async (trx) => {
      for (let i = 0; i < imgs.length; i += 20) await trx.insertInto("images").values(imgs.slice(i, i + 20) as never).execute();
      await trx.insertInto("image_names").values(names).execute();
      for (let i = 0; i < pk.length; i += 1000) await trx.insertInto("packages").values(pk.slice(i, i + 1000) as never).execute();
      for (let i = 0; i < keys.length; i += 1000) await trx.insertInto("package_keys").values(keys.slice(i, i + 1000)).execute();
      const r = await applyFindingsBatch(trx, items, now);
      for (const p of r.touchedPackages) touched.add(p);
    });
  }
  await sdb.db.transaction().execute((trx) => refreshPackageSummary(trx, [...touched]));
  // The server has seen the initial database (the findings above are its matches).
  const seen = AdvisoryDB.open(advisoryDb);
  const versions = [...seen.recordVersions()].map((v) => ({ record_id: v.id, modified: v.modified }));
  seen.close();
  for (let i = 0; i < versions.length; i += 500) await sdb.db.insertInto("advisory_state").values(versions.slice(i, i + 500)).execute();
  }

  mkdirSync(join(work, "osv2"));
  for (let i = 0; i < CHANGED; i++) writeFileSync(join(work, "osv2", `${i}.json`), record(i, "1.0-4", "2026-03-01T00:00:00Z"));
  await importPaths(advisoryDb, [join(work, "osv2")]);
  const cpu0 = process.cpuUsage();
  const r = await rematchChanged(ctx);
  const cpu1 = process.cpuUsage(cpu0);
  // What refreshAdvisories runs after a re-match: the finding JSON no finding names any more.
  const tc = performance.now();
  const collected = await collectFindingData(sdb.db, sdb.dialect);
  const collectMs = performance.now() - tc;

  const { buildServer } = await loadServer();
  const { createToken } = await import("../src/server/auth.js");
  const token = (await createToken(sdb.db, "bench", "reader")).token;
  const app = await buildServer(ctx);
  // Server-side time of each CVE request (from the HTTP server's request event to the response
  // written): with the clients' times it tells queueing in the server from waiting elsewhere.
  const serverTimes: number[] = [];
  app.server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith("/api/v1/images?cve=")) return;
    const t = performance.now();
    res.once("finish", () => serverTimes.push(performance.now() - t));
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const headers = { authorization: `Bearer ${token}` };
  const overviewMs = async (n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const res = await fetch(`${url}/api/v1/dashboard/overview`, { headers });
      if (res.status !== 200) throw new Error(`overview: HTTP ${res.status}`);
      await res.json();
      out.push(performance.now() - t);
    }
    return out.sort((x, y) => x - y);
  };
  const overviewAlone = await overviewMs(20);
  // CVE queries from a worker thread (50 concurrent); the overview is requested meanwhile.
  const elu0 = performance.eventLoopUtilization();
  serverTimes.length = 0;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const worker = new Worker(new URL(import.meta.url), { workerData: { url, token, records: RECORDS, total: 1000, concurrency: 50 } });
  const done = new Promise<{ times: number[]; wall: number; images: number; clientBusy: number }>((res, rej) => {
    worker.once("message", res);
    worker.once("error", rej);
  });
  let loading = true;
  const overviewDuring: number[] = [];
  const during = (async () => {
    await new Promise((r) => setTimeout(r, 200));
    // A dashboard user refreshing: one overview every 250 ms.
    while (loading) {
      overviewDuring.push(...(await overviewMs(1)));
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const cve = await done;
  // The server's event loop busy time over the CVE load (the overview requests included): its
  // cost per request, independent of how much CPU the other processes on the machine leave it.
  const elu = performance.eventLoopUtilization(elu0);
  delay.disable();
  loading = false;
  await during;
  await worker.terminate();
  overviewDuring.sort((x, y) => x - y);
  const times = cve.times.sort((x, y) => x - y);
  const pct = (xs: number[], p: number) => +xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1);
  const result = {
    database: sdb.dialect, images, packagesPerImage: PER_IMAGE, loadSeconds: +(loadMs / 1000).toFixed(1),
    rematch: { ...r, seconds: +(r.ms / 1000).toFixed(1), cpuSeconds: +((cpu1.user + cpu1.system) / 1e6).toFixed(1), targetSeconds: 60, collectedRecords: collected, collectSeconds: +(collectMs / 1000).toFixed(1) },
    cveQuery: { requests: times.length, concurrency: 50, p50ms: pct(times, 50), p99ms: pct(times, 99), maxMs: +times.at(-1)!.toFixed(1), imagesPerAnswer: Math.round(cve.images / times.length), throughputPerS: Math.round(times.length / (cve.wall / 1000)), serverBusyMsPerRequest: +(elu.active / (times.length + overviewDuring.length)).toFixed(2), serverP50ms: pct(serverTimes.sort((x, y) => x - y), 50), serverP99ms: pct(serverTimes, 99), eventLoopDelayMaxMs: +(delay.max / 1e6).toFixed(1), serverThreadBusy: +elu.utilization.toFixed(2), clientThreadBusy: +cve.clientBusy.toFixed(2), targetP99ms: 100 },
    overview: { aloneP50ms: pct(overviewAlone, 50), aloneMaxMs: +overviewAlone.at(-1)!.toFixed(1), duringCveLoadP50ms: overviewDuring.length ? pct(overviewDuring, 50) : null, duringCveLoadMaxMs: overviewDuring.length ? +overviewDuring.at(-1)!.toFixed(1) : null, targetMs: 300 },
    loadAverage: loadavg().map((x) => +x.toFixed(2)),
  };
  console.log(JSON.stringify(result));
  await app.close();
  await sdb.close();
  if (process.env["BENCH_KEEP"]) console.error(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

/**
 * `npm run bench -- server`: the bench on SQLite and on a throw-away PostgreSQL cluster (the
 * tests' test/support/postgres.ts; skipped with a line when initdb is absent), each in a fresh
 * process, then the figures against the targets.
 */
export async function benchServer(): Promise<void> {
  const { execFileSync } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const images = Number(process.env["BENCH_SERVER_IMAGES"] ?? 10_000);
  const self = fileURLToPath(import.meta.url);
  const one = (target: string) => {
    const out = execFileSync(process.execPath, [self, target, String(images)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 24 });
    return JSON.parse(out.trim().split("\n").pop()!) as { database: string; loadSeconds: number; rematch: { seconds: number; cpuSeconds: number; pairs: number; images: number; added: number; collectSeconds: number; collectedRecords: number }; cveQuery: { p50ms: number; p99ms: number; serverBusyMsPerRequest: number; imagesPerAnswer: number; throughputPerS: number; serverP99ms: number; serverThreadBusy: number; clientThreadBusy: number }; overview: { aloneP50ms: number; aloneMaxMs: number; duringCveLoadMaxMs: number | null }; loadAverage: number[] };
  };
  const show = (r: ReturnType<typeof one>) => {
    const ok = (v: number, t: number) => (v < t ? "ok" : "OVER");
    console.log(`server on ${r.database}, ${images} images (${r.loadSeconds} s to load), load average ${r.loadAverage.join(" ")}`);
    console.log(`  re-match of ${r.rematch.pairs} changed pairs (${r.rematch.images} images, +${r.rematch.added} findings)`.padEnd(84) + ` ${r.rematch.seconds} s (${r.rematch.cpuSeconds} s CPU; target < 60 s) ${ok(r.rematch.seconds, 60)}`);
    console.log(`  then (refreshAdvisories) finding JSON no finding names removed: ${r.rematch.collectedRecords} records`.padEnd(84) + ` ${r.rematch.collectSeconds} s`);
    console.log(`  GET /api/v1/images?cve=ID, 50 concurrent, p99 (p50 ${r.cveQuery.p50ms} ms, ${r.cveQuery.imagesPerAnswer} images/answer)`.padEnd(84) + ` ${r.cveQuery.p99ms} ms (${r.cveQuery.serverBusyMsPerRequest} ms server busy/request; target < 100 ms) ${ok(r.cveQuery.p99ms, 100)}`);
    console.log(`    ${r.cveQuery.throughputPerS} answers/s; server-side p99 ${r.cveQuery.serverP99ms} ms; threads busy: server ${r.cveQuery.serverThreadBusy}, clients ${r.cveQuery.clientThreadBusy}`);
    const worst = Math.max(r.overview.aloneMaxMs, r.overview.duringCveLoadMaxMs ?? 0);
    console.log(`  GET /api/v1/dashboard/overview, worst alone / during the CVE load`.padEnd(84) + ` ${r.overview.aloneMaxMs} / ${r.overview.duringCveLoadMaxMs ?? "-"} ms (p50 ${r.overview.aloneP50ms} ms; target < 300 ms) ${ok(worst, 300)}`);
  };
  show(one("sqlite"));
  if (!existsSync(POSTGRES_TOOLS[0]!)) {
    console.log(`server on postgres: skipped (${POSTGRES_TOOLS[0]} is absent: install Debian's postgresql package)`);
    return;
  }
  const pg = await startPostgres();
  try {
    show(one(pg.url));
  } finally {
    await pg.stop();
  }
}

/**
 * The worker thread: 50 concurrent clients asking which images a CVE affects, each on its own
 * keep-alive connection (an http.Agent of 50 sockets), after a warm-up that opens them. fetch()
 * was used before: its pool opened 13-30 extra connections during the run (a request issued as
 * a response completed found no free connection), and each new connection waited for the busy
 * server's event loop to accept it and read its request, 0.3-1.5 s: the p99 measured
 * connection set-up, not the query.
 */
async function clients(d: { url: string; token: string; records: number; total: number; concurrency: number }): Promise<void> {
  const { Agent, get } = await import("node:http");
  const agent = new Agent({ keepAlive: true, maxSockets: d.concurrency });
  const base = new URL(d.url);
  let images = 0;
  const times: number[] = [];
  const fetchJson = (path: string) =>
    new Promise<{ images: unknown[] }>((resolve, reject) => {
      const req = get({ agent, host: base.hostname, port: base.port, path, headers: { authorization: `Bearer ${d.token}` } }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (b: Buffer) => parts.push(b));
        res.on("end", () => {
          if (res.statusCode !== 200) reject(new Error(`cve query: HTTP ${res.statusCode}`));
          else resolve(JSON.parse(Buffer.concat(parts).toString("utf8")) as { images: unknown[] });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
    });
  // Record k's CVE: k * 7 mod records is one-to-one, so the warm-up's (k >= total) are not asked again.
  const one = async (k: number) => {
    const t = performance.now();
    const body = await fetchJson(`/api/v1/images?cve=CVE-2098-${10000 + ((k * 7) % d.records)}`);
    images += body.images.length;
    times.push(performance.now() - t);
  };
  for (let round = 0; round < 2; round++) await Promise.all(Array.from({ length: d.concurrency }, (_, w) => one(d.total + round * d.concurrency + w)));
  times.length = 0;
  images = 0;
  let next = 0;
  const tq = performance.now();
  const elu0 = performance.eventLoopUtilization();
  await Promise.all(Array.from({ length: d.concurrency }, async () => {
    while (next < d.total) await one(next++);
  }));
  // How busy the clients' own thread was: near 1, the clients (not the server) set the pace.
  const clientBusy = performance.eventLoopUtilization(elu0).utilization;
  agent.destroy();
  parentPort!.postMessage({ times, wall: performance.now() - tq, images, clientBusy });
}

const direct = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMainThread && direct) {
  await main();
  // Keep-alive sockets of the clients would hold the process open.
  process.exit(0);
}
else if (!isMainThread) await clients(workerData as Parameters<typeof clients>[0]);
