// `npm run bench`: builds the benchmark image once (cached in .bench-cache/), then measures in
// one run: Node's own zlib gunzipping the layer blobs (the floor), a cold `sbom`, a warm
// (cached) rescan, and peak RSS. Each `sbom` runs in a fresh process.
import { execFileSync, spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createGunzip } from "node:zlib";
import Database from "better-sqlite3";
import { AdvisoryDB, type Package } from "../src/index.js";
import { ensureAppImage } from "./app-layer.js";
import { benchConfig } from "./config.js";
import { ensureBenchImage } from "./generate.js";
import { ensureTrivy } from "./peer.js";
import { ensureBigImage, ensureRealImage } from "./real-image.js";
import { benchMatch, generatePackages } from "./match.js";
import { benchVulndb } from "./vulndb.js";
import { benchRegistryScan } from "./registry-scan.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..", ".bench-cache");

async function gunzipAll(files: string[], parallel: boolean): Promise<number> {
  const one = async (f: string): Promise<number> => {
    let n = 0;
    for await (const c of createReadStream(f, { highWaterMark: 256 * 1024 }).pipe(createGunzip({ chunkSize: 128 * 1024 }))) n += (c as Buffer).length;
    return n;
  };
  const t0 = performance.now();
  if (parallel) await Promise.all(files.map(one));
  else for (const f of files) await one(f);
  return performance.now() - t0;
}

interface Run {
  ms: number;
  inventoryMs: number;
  matchMs: number;
  maxRssMB: number;
  packages: number;
  vulnerabilities: number;
}

function measure(target: string, cacheDir: string, mode: string, db?: string, env: Record<string, string> = {}): Run {
  const args = [join(here, "measure.js"), target, cacheDir, mode, ...(db ? [db] : [])];
  const out = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  return JSON.parse(out.trim().split("\n").pop()!) as Run;
}

/** One CLI run (dist/bulwark.mjs), timed around its process, its report written to a temporary file. */
function measureCli(args: string[]): { ms: number; maxRssMB: number } {
  const out = join(tmpdir(), `bw-bench-cli-${process.pid}.json`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(join(here, "peak-rss.js")).href, join(here, "..", "bulwark.mjs"), ...args, "-o", out], { encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  rmSync(out, { force: true });
  const kb = /bench-peak-rss-kb (\d+)\s*$/.exec(r.stderr ?? "");
  if (r.status !== 0 || !kb) throw new Error(`bulwark ${args.join(" ")}: exit ${r.status}: ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
  return { ms, maxRssMB: Number(kb[1]) / 1024 };
}

function dbPackages(path: string, n: number): Package[] {
  const sql = new Database(path, { readonly: true });
  try {
    const rows = sql.prepare("SELECT DISTINCT ecosystem_base AS eco, name FROM affected ORDER BY name LIMIT ?").all(n) as { eco: string; name: string }[];
    const type: Record<string, string> = { Debian: "deb", Go: "golang", Maven: "maven", PyPI: "pypi", npm: "npm" };
    return rows.map((r) => {
      const version = r.eco === "Debian" ? "0.1-1" : r.eco === "Go" ? "v0.0.1" : "0.0.1";
      const t = type[r.eco] ?? "npm";
      return { type: t, name: r.name, version, purl: `pkg:${t}/${encodeURIComponent(r.name)}@${version}`, source: t === "deb" ? { name: r.name, version } : null, licenses: [], locations: [{ path: "/bench" }] };
    });
  } finally {
    sql.close();
  }
}

/** A cold sbom into a fresh cache, then a warm one from it (the cache is removed after). */
function coldThenWarm(target: string): { cold: Run; warm: Run } {
  const cache = mkdtempSync(join(tmpdir(), "bw-bench-cache-"));
  try {
    return { cold: measure(target, cache, "cold"), warm: measure(target, cache, "warm") };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// `npm run bench -- real` runs only the real-image section, `-- registry` only the registry scan,
// `-- signatures` only signature verification, `-- server` the fleet server at 10,000 images on
// SQLite and PostgreSQL (not part of the full run: it takes many minutes), `-- k8s` only the live cluster scan (not part of
// the full run: it needs kube-apiserver); with no argument, everything.
const only = process.argv[2];
if (only === "signatures") {
  await (await import("./signatures.js")).benchSignatures();
  process.exit(0);
}
if (only === "real") {
  await benchReal();
  process.exit(0);
}
if (only === "k8s") {
  await (await import("./k8s.js")).benchK8s();
  process.exit(0);
}
if (only === "admission") {
  await (await import("./admission.js")).benchAdmission();
  process.exit(0);
}
if (only === "server") {
  // Not part of the full run: 10,000 images on two databases take well over 3 minutes.
  await (await import("./server.js")).benchServer();
  process.exit(0);
}
if (only === "runtime") {
  await (await import("./runtime.js")).benchRuntime();
  process.exit(0);
}
if (only === "registry") {
  await benchRegistryScan();
  process.exit(0);
}

const img = await ensureBenchImage(root);
const target = `oci:${img.dir}`;
console.log(`bench image: ${img.layerBlobs.length} layers, ${(img.uncompressedBytes / 2 ** 20).toFixed(0)} MiB uncompressed, ${img.files} files, ${img.packages} dpkg packages`);

const floors: number[] = [];
const floorsPar: number[] = [];
const colds: Run[] = [];
const warms: Run[] = [];
for (let i = 0; i < 3; i++) {
  floors.push(await gunzipAll(img.layerBlobs, false));
  floorsPar.push(await gunzipAll(img.layerBlobs, true));
  const run = coldThenWarm(target);
  colds.push(run.cold);
  warms.push(run.warm);
}
const floor = median(floors);
const cold = median(colds.map((r) => r.ms));
const warm = median(warms.map((r) => r.ms));
const rss = Math.max(...colds.map((r) => r.maxRssMB), ...warms.map((r) => r.maxRssMB));
const rows = [
  ["zlib gunzip of the layer blobs, sequential (floor)", `${(floor / 1000).toFixed(2)} s`],
  ["zlib gunzip of the layer blobs, all layers in parallel", `${(median(floorsPar) / 1000).toFixed(2)} s`],
  ["cold sbom (no cache)", `${(cold / 1000).toFixed(2)} s`],
  ["cold / floor", `${(cold / floor).toFixed(2)}x (target ≤ 1.3x)`],
  ["warm sbom (layer cache)", `${(warm / 1000).toFixed(3)} s (target ≤ 0.3 s)`],
  ["peak RSS", `${rss.toFixed(0)} MB (target ≤ 250 MB)`],
  ["packages found", String(colds[0]!.packages)],
];
for (const [k, v] of rows) console.log(`${k!.padEnd(56)} ${v}`);
console.log("(medians of 3 runs; each sbom runs in a fresh node process, timed inside it, CycloneDX output included)");

// Advisory database: import ≥ 100,000 generated OSV records, then match against it.
console.log("");
const vdb = await benchVulndb(root);
const dbPath = join(root, "vulndb", "advisories.sqlite");
const db = AdvisoryDB.open(dbPath);
// 10,000 packages: 8,000 named after packages the DB has advisories for (so matching does real
// range evaluation), 2,000 synthetic ones that hit nothing.
const pkgs = [...dbPackages(dbPath, 8_000), ...generatePackages(2_000)];
benchMatch(db, pkgs.slice(0, 500)); // warm the JIT and the page cache
const matches = [0, 1, 2].map(() => benchMatch(db, pkgs));
db.close();
const matchMs = median(matches.map((m) => m.ms));
const vulnRuns = [0, 1, 2].map(() => {
  const cache = mkdtempSync(join(tmpdir(), "bw-bench-cache-"));
  try {
    return measure(target, cache, "vuln", dbPath);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
const vulnMatch = median(vulnRuns.map((r) => r.matchMs));
const vulnInv = median(vulnRuns.map((r) => r.inventoryMs));
const rows2 = [
  [`import ${vdb.records} OSV records (3 zips)`, `${(vdb.importMs / 1000).toFixed(2)} s (${Math.round(vdb.records / (vdb.importMs / 1000))} records/s)`],
  ["advisory DB size", `${(vdb.dbBytes / 2 ** 20).toFixed(1)} MiB`],
  ["match 10,000 packages (5 ecosystems) against it", `${(matchMs / 1000).toFixed(3)} s, ${matches[0]!.matches} findings (target < 1 s)`],
  ["bench image: cold inventory", `${(vulnInv / 1000).toFixed(2)} s`],
  ["bench image: vulnerability matching", `${(vulnMatch / 1000).toFixed(3)} s = ${((100 * vulnMatch) / vulnInv).toFixed(1)}% of the scan (target < 10%), ${vulnRuns[0]!.vulnerabilities} findings`],
];
for (const [k, v] of rows2) console.log(`${k!.padEnd(56)} ${v}`);

// Application layer (issue 4): added scan time per ecosystem, measured by leaving its analyzers out.
console.log("");
const app = await ensureAppImage(root, img.dir);
const appTarget = `oci:${app.dir}`;
const coldWithout = (without: string): Run => {
  const runs = [0, 1, 2].map(() => measure(appTarget, tmpdir(), "without", without));
  return runs.sort((a, b) => a.ms - b.ms)[1]!;
};
const present = new Set((await import("../src/index.js")).analyzers.map((a) => a.id));
const groups: [string, string[]][] = [
  ["npm (node_modules + package-lock)", ["lang/npm", "lang/npm-lock"]],
  ["Java (100 MB fat jar, nested jars)", ["lang/java"]],
  [`Go binary (${app.goBinary ?? "none found"})`, ["lang/gobinary"]],
];
const all = coldWithout("");
console.log(`app image: base + 1 layer (${app.npmPackages} npm packages, ${(app.jarBytes / 2 ** 20).toFixed(0)} MiB fat jar, Go binary ${app.goBinary ? "yes" : "no"})`);
console.log(`${"cold sbom, every analyzer".padEnd(56)} ${(all.ms / 1000).toFixed(2)} s, ${all.packages} packages, peak RSS ${all.maxRssMB.toFixed(0)} MB`);
const allIds = groups.flatMap(([, ids]) => ids.filter((id) => present.has(id)));
const none = coldWithout(allIds.join(","));
console.log(`${"cold sbom, without the three ecosystems' analyzers".padEnd(56)} ${(none.ms / 1000).toFixed(2)} s`);
for (const [label, ids] of groups) {
  const have = ids.filter((id) => present.has(id));
  if (have.length === 0) {
    console.log(`${label.padEnd(56)} analyzer not present`);
    continue;
  }
  const r = coldWithout(have.join(","));
  console.log(`${("added by " + label).padEnd(56)} ${((all.ms - r.ms) / 1000).toFixed(2)} s (${all.packages - r.packages} packages)`);
}

// Secure configuration (issue 5): secret scanning of the bench image, and `config` on 10,000
// generated Kubernetes documents.
console.log("");
const plainRuns = [0, 1, 2].map(() => measure(target, tmpdir(), "without", ""));
const secretRuns = [0, 1, 2].map(() => measure(target, tmpdir(), "secret"));
const plainMs = median(plainRuns.map((r) => r.ms));
const secretMs = median(secretRuns.map((r) => r.ms));
console.log(`${"bench image: cold sbom".padEnd(56)} ${(plainMs / 1000).toFixed(2)} s`);
console.log(`${"bench image: cold sbom + secret scanning".padEnd(56)} ${(secretMs / 1000).toFixed(2)} s (+${((100 * (secretMs - plainMs)) / plainMs).toFixed(0)}%, target < 30%)`);
// The bin users run: the one-file bundle (scripts/postbuild.mjs).
benchConfig(root, join(here, "..", "bulwark.mjs"));

// Real image (issue 11): real Debian packages, jars, Go binaries and node_modules, against the
// gunzip floor and Trivy in the same run; the same tree unpacked as a root filesystem.
console.log("");
await benchReal();

// Registry scan (issue 12): 200 repositories x 5 tags, cold, incremental, re-match.
console.log("");
await benchRegistryScan();
await (await import("./signatures.js")).benchSignatures();

async function benchReal(): Promise<void> {
  const real = await ensureRealImage(root);
  if (!real) {
    console.log("real image: skipped (apt-get and dpkg-deb are needed to build it)");
    return;
  }
  const mb = (n: number): string => (n / 2 ** 20).toFixed(0);
  console.log(`real image: ${real.layerBlobs.length} gzip layers, ${mb(real.compressedBytes)} MiB compressed, ${mb(real.uncompressedBytes)} MiB raw, ${real.files} files, ${real.debs} Debian packages, ${real.elfExecutables} ELF executables (${real.goBinaries} Go), ${real.jars} jars + a fat jar, ${real.npmPackages} npm packages`);
  const target = `oci:${real.dir}`;
  const trivy = ensureTrivy(root);
  if (typeof trivy === "string") console.log(`peer: ${trivy}; carrying on without it`);
  const floors: number[] = [];
  const colds: Run[] = [];
  const warms: Run[] = [];
  const roots: Run[] = [];
  const peers: { ms: number; maxRssMB: number }[] = [];
  for (let i = 0; i < 3; i++) {
    floors.push(await gunzipAll(real.layerBlobs, false));
    const run = coldThenWarm(target);
    colds.push(run.cold);
    warms.push(run.warm);
    roots.push(measure(`rootfs:${real.rootfs}`, tmpdir(), "nocache"));
    if (typeof trivy !== "string") peers.push(trivy.cold(real.dir));
  }
  const floor = median(floors);
  const cold = median(colds.map((r) => r.ms));
  const rows: [string, string][] = [
    ["zlib gunzip of the layer blobs, sequential (floor)", `${(floor / 1000).toFixed(2)} s`],
    ["cold sbom, every analyzer", `${(cold / 1000).toFixed(2)} s = ${(cold / floor).toFixed(2)}x the floor (target <= 1.5x), ${colds[0]!.packages} packages`],
  ];
  if (peers.length) {
    const peer = median(peers.map((p) => p.ms));
    rows.push([`${typeof trivy === "string" ? "" : trivy.name} cold`, `${(peer / 1000).toFixed(2)} s, peak RSS ${Math.max(...peers.map((p) => p.maxRssMB)).toFixed(0)} MB`]);
    rows.push(["Trivy / Bulwark", `${(peer / cold).toFixed(2)}x (target >= 2x)`]);
  }
  rows.push(["warm sbom (layer cache)", `${(median(warms.map((r) => r.ms)) / 1000).toFixed(3)} s (target <= 0.3 s)`]);
  rows.push(["rootfs: the same image unpacked, cold", `${(median(roots.map((r) => r.ms)) / 1000).toFixed(2)} s (target <= 2.0 s), ${roots[0]!.packages} packages`]);
  rows.push(["peak RSS (image cold and warm, rootfs)", `${Math.max(...colds.map((r) => r.maxRssMB), ...warms.map((r) => r.maxRssMB), ...roots.map((r) => r.maxRssMB)).toFixed(0)} MB (target <= 250 MB)`]);
  const plain = [0, 1, 2].map(() => measure(target, tmpdir(), "nocache"));
  const secret = [0, 1, 2].map(() => measure(target, tmpdir(), "secret"));
  const plainMs = median(plain.map((r) => r.ms));
  const secretMs = median(secret.map((r) => r.ms));
  rows.push(["cold sbom + secret scanning", `${(secretMs / 1000).toFixed(2)} s (+${((100 * (secretMs - plainMs)) / plainMs).toFixed(0)}% over ${(plainMs / 1000).toFixed(2)} s, target < 30%), peak RSS ${Math.max(...secret.map((r) => r.maxRssMB)).toFixed(0)} MB`]);
  // The same through the CLI, as users run it (its start-up and writers included).
  const cli = [0, 1, 2].map(() => measureCli(["scan", target, "--scanners", "secret", "--no-cache", "-q", "--format", "json"]));
  rows.push(["CLI: bulwark scan --scanners secret, cold", `${(median(cli.map((r) => r.ms)) / 1000).toFixed(2)} s, peak RSS ${Math.max(...cli.map((r) => r.maxRssMB)).toFixed(0)} MB (target <= 250 MB)`]);
  // The pipeline must not change results: one thread without a budget, workers, a tight budget.
  const envs: Record<string, string>[] = [{}, { BULWARK_WORKERS: "0" }, { BULWARK_MEMORY_BUDGET_MB: "8" }];
  const reports = envs.map((env, i) => {
    const file = join(tmpdir(), `bw-bench-report-${process.pid}-${i}.json`);
    measure(target, tmpdir(), "json", file, env);
    const text = readFileSync(file, "utf8");
    rmSync(file, { force: true });
    return text;
  });
  rows.push(["report: workers / one thread / 8 MiB budget", reports.every((r) => r === reports[0]) ? "byte-identical" : "DIFFERENT (bug)"]);
  const dbPath = join(root, "vulndb", "advisories.sqlite");
  if (existsSync(dbPath)) {
    const v = [0, 1, 2].map(() => measure(target, tmpdir(), "vuln", dbPath));
    const inv = median(v.map((r) => r.inventoryMs));
    const match = median(v.map((r) => r.matchMs));
    rows.push(["vulnerability matching (100,000+ record DB)", `${(match / 1000).toFixed(3)} s = ${((100 * match) / inv).toFixed(1)}% of the scan (target < 10%), ${v[0]!.vulnerabilities} findings`]);
  }
  const big = await ensureBigImage(root, real);
  const bigRun = measure(`oci:${big.dir}`, tmpdir(), "nocache");
  rows.push([`${mb(big.uncompressedBytes)} MiB image (real + large files): cold sbom`, `${(bigRun.ms / 1000).toFixed(2)} s, peak RSS ${bigRun.maxRssMB.toFixed(0)} MB (target <= 250 MB)`]);
  for (const [k, v] of rows) console.log(`${k.padEnd(56)} ${v}`);
  console.log("(medians of 3; each Bulwark run is a fresh node process timed inside it, output written; Trivy timed around its process)");
}
