// Times the dashboard's overview on a server database with many stored images (SQLite by
// default, or --database postgres://…): N images with realistic inventories (~300 packages each,
// as the store keeps them) and ~30 open findings each, written straight into the tables.
// node dist/bench/dashboard-overview.js [--images N] [--database URL]
import { randomBytes, createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServerToken, startServer } from "../src/server/index.js";

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg("--images") ?? 10_000);
const work = mkdtempSync(join(tmpdir(), "bw-bench-dash-"));
const database = arg("--database") ?? join(work, "server.db");
const SEV = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
process.env["BULWARK_SECRET_KEY"] = randomBytes(32).toString("hex");
const token = (await createServerToken(database, `bench-${Date.now()}`, "reader")).token;
const server = await startServer({ database, listen: "127.0.0.1:0", workers: 0, advisoryDb: join(work, "advisories.db"), quiet: true });
const db = server.ctx.db;
const t0 = Date.now();
const now = new Date();
for (let start = 0; start < N; start += 200) {
  await db.transaction().execute(async (trx) => {
    for (let i = start; i < Math.min(N, start + 200); i++) {
      const digest = `sha256:${sha(`image ${i}`)}`;
      const packages = Array.from({ length: 300 }, (_, p) => ({ type: "deb", name: `pkg-${p}`, version: `1.${p % 17}.${i % 5}-1`, purl: `pkg:deb/debian/pkg-${p}@1.${p % 17}.${i % 5}-1?arch=amd64&distro=debian-12`, arch: "amd64", source: null, licenses: ["GPL-2.0"], locations: [{ path: "/var/lib/dpkg/status", layer: { digest: `sha256:${sha(`layer ${i % 50}`)}`, diffId: `sha256:${sha(`diff ${i % 50}`)}` } }] }));
      const inventory = JSON.stringify({ schemaVersion: 1, tool: { name: "bulwark", version: "bench" }, artifact: { target: `r.example/app-${i}:1`, type: "registry", digest, os: { family: "debian", version: "12" }, layers: [] }, packages, vulnerabilities: [], secrets: [], misconfigurations: [], errors: [] });
      const findings = Array.from({ length: 30 }, (_, f) => {
        const p = (f * 7 + i) % 300;
        const sev = SEV[(f + i) % 5]!;
        return { image_digest: digest, vuln_id: `CVE-2026-${1000 + ((f * 13 + i) % 5000)}`, pkg_idx: p, package: `pkg-${p}`, purl: packages[p]!.purl + `#${f}`, version: packages[p]!.version, fixed_version: f % 3 ? `9.${f}` : null, layer: null, severity: sev, advisory_id: f === 0 && i % 997 === 0 ? `MAL-2026-${i}` : `DEBIAN-CVE-2026-${f}`, first_seen: new Date(now.getTime() - ((f * 86_400_000) % (40 * 86_400_000))).toISOString(), resolved_at: null, data: JSON.stringify({ id: `CVE-2026-${f}`, title: `finding ${f}` }) };
      });
      const counts: Record<string, number> = {};
      for (const f of findings) counts[f.severity.toLowerCase()] = (counts[f.severity.toLowerCase()] ?? 0) + 1;
      await trx.insertInto("images").values({ digest, registry: "r.example", repository: `app-${i}`, platform: "linux/amd64", os: JSON.stringify({ family: "debian", version: i % 10 ? "12" : "10", prettyName: i % 10 ? "Debian 12" : "Debian 10" }), os_eol_date: i % 10 ? "2028-06-30" : "2024-06-30", first_seen: now.toISOString(), last_seen: new Date(now.getTime() - i * 1000).toISOString(), inventory, counts: JSON.stringify(counts), oldest_open_critical: null }).execute();
      await trx.insertInto("image_names").values({ digest, name: `r.example/app-${i}:1` }).execute();
      for (let k = 0; k < findings.length; k += 30) await trx.insertInto("findings").values(findings.slice(k, k + 30)).execute();
    }
  });
}
const loadMs = Date.now() - t0;

async function time(path: string, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    out.push(performance.now() - s);
  }
  return out.sort((a, b) => a - b);
}
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(1);
const overview = await time("/api/v1/dashboard/overview", 20);
const page = await time("/", 20);
console.log(`dashboard overview, ${N} images (${server.ctx.dialect}; loaded in ${(loadMs / 1000).toFixed(1)} s): API p50 ${q(overview, 0.5)} ms, p95 ${q(overview, 0.95)} ms, max ${q(overview, 1)} ms; page / p50 ${q(page, 0.5)} ms`);
await server.close();
if (!process.env.KEEP) rmSync(work, { recursive: true, force: true }); else console.log(database);
