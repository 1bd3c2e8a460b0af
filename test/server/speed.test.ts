// The speed paths (migration 0600_speed) give the answers the plain queries give, on SQLite and
// PostgreSQL: ?cve= through the partial indexes, paged with cursor/nextCursor, against a plain
// scan of the findings; ?package= paged; the summary tables (image_summary, package_summary,
// finding_daily) against aggregates recomputed from the findings, after stores and after a
// re-match that opens, changes and resolves findings; the overview built from them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdvisoryDB, importPaths, loadServer, matchPackages, type Package, type Report } from "../../src/index.js";
import { createToken } from "../../src/server/auth.js";
import { makeAudit, type ServerContext } from "../../src/server/context.js";
import { openDatabase, type ServerDatabase } from "../../src/server/db/connect.js";
import { collectFindingData, findingDataKey } from "../../src/server/finding-data.js";
import { storedReport } from "../../src/server/integrations/harbor.js";
import { SqliteQueue } from "../../src/server/queue/sqlite.js";
import { refreshAdvisories, rematchChanged } from "../../src/server/rematch.js";
import { storeReport } from "../../src/server/store.js";
import { POSTGRES_TOOLS, startPostgres, type PostgresServer } from "../support/postgres.js";
import { missingTool } from "../support/tools.js";
import { osv } from "./helpers.js";

const noPostgres = missingTool("server speed tests on PostgreSQL", POSTGRES_TOOLS);
const OS = { family: "debian", version: "12", name: "Debian GNU/Linux", codename: "bookworm", prettyName: "Debian GNU/Linux 12 (bookworm)", eol: { date: "2026-06-10", eol: false } };
const IMAGES = 40;
const NAMES = 12;

const pkg = (name: string, version: string): Package => ({
  type: "deb", name, version, purl: `pkg:deb/debian/${name}@${version}?arch=amd64&distro=debian-12`, arch: "amd64", source: { name, version }, licenses: [], locations: [{ path: "/var/lib/dpkg/status" }],
});
const digestOf = (n: number) => `sha256:${(n + 1).toString(16).padStart(64, "0")}`;
const quiet = { info: () => {}, warn: () => {}, error: () => {} } as unknown as ServerContext["log"];

for (const backend of [{ name: "SQLite", skip: false }, { name: "PostgreSQL", skip: noPostgres !== undefined }]) {
  describe.skipIf(backend.skip)(`server speed paths on ${backend.name}`, () => {
    const work = mkdtempSync(join(tmpdir(), "bw-server-speed-"));
    const advisoryDb = join(work, "adv.db");
    let pgServer: PostgresServer | undefined;
    let sdb: ServerDatabase;
    let ctx: ServerContext;
    let inject: (url: string) => Promise<{ status: number; body: Record<string, unknown> }>;
    let close: () => Promise<void>;
    let app: Awaited<ReturnType<Awaited<ReturnType<typeof loadServer>>["buildServer"]>>;

    beforeAll(async () => {
      mkdirSync(join(work, "osv1"));
      // pkgN: fixed in 1.0-2 (so 1.0-1 is affected), aliased CVE-2097-N; pkg0 also by a second advisory.
      for (let i = 0; i < NAMES; i++) writeFileSync(join(work, "osv1", `${i}.json`), osv(`TEST-P${i}`, `pkg${i}`, "1.0-2", { aliases: [`CVE-2097-${1000 + i}`], ...(i % 3 === 0 ? { vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N" } : {}) }));
      writeFileSync(join(work, "osv1", "extra.json"), osv("TEST-EXTRA", "pkg0", "1.0-2"));
      await importPaths(advisoryDb, [join(work, "osv1")]);
      let location = join(work, "server.db");
      if (backend.name === "PostgreSQL") {
        pgServer = await startPostgres();
        location = pgServer.url;
      }
      sdb = await openDatabase(location);
      const clock = () => new Date();
      ctx = { db: sdb.db, dialect: sdb.dialect, queue: new SqliteQueue(sdb.db), log: quiet, clock, audit: makeAudit(sdb.db, clock), config: { advisoryDb, workers: 0, maxUploadBytes: 1 << 24, maxBodyBytes: 1 << 20, leaseSeconds: 900, offline: true } };
      const adb = AdvisoryDB.open(advisoryDb);
      for (let n = 0; n < IMAGES; n++) {
        // Image n has pkgK for the K that divide into its pattern; versions alternate affected / fixed.
        const packages = Array.from({ length: NAMES }, (_, k) => k)
          .filter((k) => (n + k) % 3 !== 0)
          .map((k) => pkg(`pkg${k}`, (n + k) % 2 === 0 ? "1.0-1" : "1.0-3"));
        const digest = digestOf(n);
        const report: Report = { schemaVersion: 1, tool: { name: "bulwark", version: "test" }, artifact: { target: `t/app${n}:1`, type: "registry", digest, os: OS, layers: [], names: [`t/app${n}:1`] }, packages, vulnerabilities: matchPackages(packages, OS, adb, {}), secrets: [], misconfigurations: [], errors: [] };
        await storeReport(sdb.db, report, { now: new Date(Date.UTC(2026, 0, 1 + (n % 5))), dialect: sdb.dialect });
      }
      adb.close();
      await rematchChanged(ctx); // the server has seen the database
      const { buildServer } = await loadServer();
      const token = (await createToken(sdb.db, "reader", "reader")).token;
      app = await buildServer(ctx);
      inject = async (url) => {
        const r = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
        return { status: r.statusCode, body: r.json() as Record<string, unknown> };
      };
      close = async () => {
        await app.close();
        await sdb.close();
      };
    }, 120_000);

    afterAll(async () => {
      await close?.();
      await pgServer?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    type Img = { digest: string; names: string[]; findings: { id: string; package: string; purl: string; advisory: string; version: string; fixedVersion: string | null }[] };
    const pages = async (query: string, limit: number): Promise<{ images: Img[]; pages: number }> => {
      const out: Img[] = [];
      let cursor: string | undefined;
      let n = 0;
      for (;;) {
        const r = await inject(`/api/v1/images?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        out.push(...(r.body["images"] as Img[]));
        n++;
        cursor = r.body["nextCursor"] as string | undefined;
        if (!cursor) break;
        expect(n).toBeLessThan(100);
      }
      return { images: out, pages: n };
    };
    /** What the former query answered: every open finding with that id or advisory id. */
    const plain = async (id: string) => {
      const rows = await sql<{ image_digest: string; vuln_id: string; purl: string }>`SELECT image_digest, vuln_id, purl FROM findings WHERE (vuln_id = ${id} OR advisory_id = ${id}) AND resolved_at IS NULL ORDER BY image_digest, purl`.execute(sdb.db);
      return rows.rows.map((r) => `${r.image_digest} ${r.vuln_id} ${r.purl}`);
    };
    const flat = (imgs: Img[]) => imgs.flatMap((i) => i.findings.map((f) => `${i.digest} ${f.id} ${f.purl}`)).sort();

    /** The summary tables equal aggregates recomputed from the findings. */
    const checkSummaries = async () => {
      const per = await sql<{ image_digest: string; severity: string; n: number | string; fixable: number | string }>`SELECT image_digest, severity, COUNT(*) AS n, COUNT(fixed_version) AS fixable FROM findings WHERE resolved_at IS NULL GROUP BY image_digest, severity`.execute(sdb.db);
      const want = new Map<string, Record<string, number>>();
      for (const r of per.rows) {
        const m = want.get(r.image_digest) ?? { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, fixable: 0 };
        m[r.severity.toLowerCase()] = (m[r.severity.toLowerCase()] ?? 0) + Number(r.n);
        m["fixable"]! += Number(r.fixable);
        want.set(r.image_digest, m);
      }
      const have = await sdb.db.selectFrom("image_summary").selectAll().execute();
      expect(have).toHaveLength(IMAGES);
      for (const h of have) {
        const w = want.get(h.digest) ?? { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, fixable: 0 };
        expect({ critical: Number(h.critical), high: Number(h.high), medium: Number(h.medium), low: Number(h.low), unknown: Number(h.unknown), fixable: Number(h.fixable) }, h.digest).toEqual(w);
      }
      const pk = await sql<{ package: string; findings: number | string; images: number | string }>`SELECT package, COUNT(*) AS findings, COUNT(DISTINCT image_digest) AS images FROM findings WHERE resolved_at IS NULL GROUP BY package ORDER BY package`.execute(sdb.db);
      const ps = await sdb.db.selectFrom("package_summary").select(["package", "findings", "images"]).orderBy("package").execute();
      expect(ps.map((p) => [p.package, Number(p.findings), Number(p.images)])).toEqual(pk.rows.map((p) => [p.package, Number(p.findings), Number(p.images)]));
      // Opened minus closed per severity = open findings per severity.
      const daily = await sdb.db.selectFrom("finding_daily").selectAll().execute();
      const net: Record<string, number> = {};
      for (const d of daily) net[d.severity] = (net[d.severity] ?? 0) + Number(d.opened) - Number(d.closed);
      const open = await sql<{ severity: string; n: number | string }>`SELECT severity, COUNT(*) AS n FROM findings WHERE resolved_at IS NULL GROUP BY severity`.execute(sdb.db);
      for (const o of open.rows) expect(net[o.severity], o.severity).toBe(Number(o.n));
      return pk.rows;
    };

    it("?cve= pages through the partial indexes and answers what a scan of the findings answers (by alias and by advisory id)", async () => {
      // Page sizes from one image up: the ranges are read in slices that may cut an image's findings.
      for (const [id, limit] of ["CVE-2097-1001", "TEST-P1", "TEST-EXTRA", "TEST-P0"].flatMap((id) => [1, 3, 4].map((l) => [id, l] as const))) {
        const expected = await plain(id);
        expect(expected.length, id).toBeGreaterThan(0);
        const { images, pages: n } = await pages(`cve=${id}`, limit);
        expect(flat(images), id).toEqual([...expected].sort());
        expect(new Set(images.map((i) => i.digest)).size).toBe(images.length);
        expect(n).toBe(Math.max(1, Math.ceil(images.length / limit)));
        expect(images.map((i) => i.digest)).toEqual([...images.map((i) => i.digest)].sort());
        expect(images.every((i) => i.names.length === 1)).toBe(true);
      }
      // Every field of every finding as stored, keys in the API's order (the database builds each
      // finding's JSON on this path), nulls included; names as stored.
      for (const id of ["CVE-2097-1001", "TEST-P0"]) {
        const answer = await inject(`/api/v1/images?cve=${id}&limit=1000`);
        const rows = await sdb.db.selectFrom("findings").selectAll().where((eb) => eb.or([eb("vuln_id", "=", id), eb("advisory_id", "=", id)])).where("resolved_at", "is", null).execute();
        const want = rows.map((r) => JSON.stringify([r.image_digest, { id: r.vuln_id, package: r.package, version: r.version, fixedVersion: r.fixed_version, layer: r.layer, severity: r.severity, purl: r.purl, advisory: r.advisory_id, firstSeen: r.first_seen, resolvedAt: r.resolved_at }]));
        const got = (answer.body["images"] as Img[]).flatMap((i) => i.findings.map((f) => JSON.stringify([i.digest, f])));
        expect(got.sort(), id).toEqual(want.sort());
        const names = await sdb.db.selectFrom("image_names").select(["digest", "name"]).where("digest", "in", rows.map((r) => r.image_digest)).execute();
        expect((answer.body["images"] as Img[]).flatMap((i) => i.names.map((n) => `${i.digest} ${n}`)).sort()).toEqual(names.map((n) => `${n.digest} ${n.name}`).sort());
      }
      // One page with the default limit: no cursor.
      const all = await inject("/api/v1/images?cve=CVE-2097-1001");
      expect(all.body["nextCursor"]).toBeUndefined();
      expect((await inject("/api/v1/images?cve=NOPE-1")).body).toEqual({ images: [] });
      expect((await inject("/api/v1/images?cursor=sha256:" + "0".repeat(64))).status).toBe(400);
      expect((await inject("/api/v1/images?cve=X&cursor=../../etc")).status).toBe(400);
    });

    it("?package= pages in digest order and finds every image holding the package", async () => {
      const rows = await sql<{ image_digest: string }>`SELECT DISTINCT image_digest FROM packages WHERE name = 'pkg2' ORDER BY image_digest`.execute(sdb.db);
      const { images } = await pages("package=pkg2", 5);
      expect(images.map((i) => i.digest)).toEqual(rows.rows.map((r) => r.image_digest));
      const affected = await pages("package=pkg2&version=" + encodeURIComponent("<1.0-2"), 5);
      expect(affected.images.length).toBeGreaterThan(0);
      expect(affected.images.length).toBeLessThan(images.length);
      expect(affected.images.every((i) => i.findings.length > 0)).toBe(true);
    });

    it("keeps the summaries equal to the findings after stores and after a re-match that opens, changes and resolves findings", async () => {
      await checkSummaries();
      const before = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM findings WHERE resolved_at IS NULL`.execute(sdb.db);
      const firstSeen = await sdb.db.selectFrom("findings").select(["image_digest", "vuln_id", "purl", "first_seen"]).where("package", "=", "pkg4").where("resolved_at", "is", null).execute();
      expect(firstSeen.length).toBeGreaterThan(0);
      // pkg3: now fixed in 1.0-4 (1.0-3 becomes affected); pkg4: only the fixed version's text changes (1.0-2 → 1.0-2+b1, same set);
      // pkg5: withdrawn (fixed in 0: nothing affected).
      mkdirSync(join(work, "osv2"));
      writeFileSync(join(work, "osv2", "3.json"), osv("TEST-P3", "pkg3", "1.0-4", { modified: "2026-03-01T00:00:00Z", aliases: ["CVE-2097-1003"], vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N" }));
      writeFileSync(join(work, "osv2", "4.json"), osv("TEST-P4", "pkg4", "1.0-2+b1", { modified: "2026-03-01T00:00:00Z", aliases: ["CVE-2097-1004"] }));
      writeFileSync(join(work, "osv2", "5.json"), osv("TEST-P5", "pkg5", "0.1", { modified: "2026-03-01T00:00:00Z", aliases: ["CVE-2097-1005"] }));
      await importPaths(advisoryDb, [join(work, "osv2")]);
      const r = await rematchChanged(ctx);
      expect(r.mode).toBe("incremental");
      expect(r.added).toBeGreaterThan(0);
      expect(r.resolved).toBeGreaterThan(0);
      const pk = await checkSummaries();
      expect(pk.some((p) => p.package === "pkg5")).toBe(false);
      expect(await sdb.db.selectFrom("package_summary").select("package").where("package", "=", "pkg5").executeTakeFirst()).toBeUndefined();
      // Changed, still open: first_seen kept, new fixed version stored.
      const after = await sdb.db.selectFrom("findings").select(["image_digest", "vuln_id", "purl", "first_seen", "fixed_version"]).where("package", "=", "pkg4").where("resolved_at", "is", null).execute();
      expect(after.map((a) => [a.image_digest, a.vuln_id, a.purl, a.first_seen]).sort()).toEqual(firstSeen.map((a) => [a.image_digest, a.vuln_id, a.purl, a.first_seen]).sort());
      expect(new Set(after.map((a) => a.fixed_version))).toEqual(new Set(["1.0-2+b1"]));
      const now = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM findings WHERE resolved_at IS NULL`.execute(sdb.db);
      expect(Number(now.rows[0]!.n)).toBe(Number(before.rows[0]!.n) + r.added - r.resolved);
      // The CVE answer follows: pkg5's advisory affects nothing now.
      expect((await inject("/api/v1/images?cve=CVE-2097-1005")).body).toEqual({ images: [] });
      expect(flat((await pages("cve=CVE-2097-1003", 3)).images)).toEqual([...(await plain("CVE-2097-1003"))].sort());
    });

    it("builds the overview from the summaries, equal to the aggregates over the findings", async () => {
      const r = await inject("/api/v1/dashboard/overview");
      expect(r.status).toBe(200);
      const o = r.body as { images: number; findings: Record<string, number>; fixable: number; topPackages: { name: string; findings: number; images: number }[]; history: { series: Record<string, number[]> }; images_list: { digest: string; counts: Record<string, number> }[] };
      expect(o.images).toBe(IMAGES);
      const open = await sql<{ severity: string; n: number | string; f: number | string }>`SELECT severity, COUNT(*) AS n, COUNT(fixed_version) AS f FROM findings WHERE resolved_at IS NULL GROUP BY severity`.execute(sdb.db);
      expect(o.findings).toEqual(Object.fromEntries(open.rows.map((x) => [x.severity, Number(x.n)])));
      expect(o.fixable).toBe(open.rows.reduce((a, x) => a + Number(x.f), 0));
      for (const x of open.rows) expect(o.history.series[x.severity]!.at(-1)).toBe(Number(x.n));
      const top = await sql<{ package: string; n: number | string; i: number | string }>`SELECT package, COUNT(*) AS n, COUNT(DISTINCT image_digest) AS i FROM findings WHERE resolved_at IS NULL GROUP BY package ORDER BY n DESC, package LIMIT 10`.execute(sdb.db);
      expect(o.topPackages.map((p) => [p.name, p.findings, p.images])).toEqual(top.rows.map((p) => [p.package, Number(p.n), Number(p.i)]));
      expect(o.images_list.length).toBe(Math.min(50, IMAGES));
      // The image list reads the same summaries.
      const list = await inject("/api/v1/images?severity=CRITICAL&limit=1000");
      const crit = await sql<{ image_digest: string }>`SELECT DISTINCT image_digest FROM findings WHERE resolved_at IS NULL AND severity = 'CRITICAL' ORDER BY image_digest`.execute(sdb.db);
      expect((list.body["images"] as { digest: string }[]).map((i) => i.digest).sort()).toEqual(crit.rows.map((c) => c.image_digest));
    });

    it("serves cached answers only until the next findings write: a new image is in the CVE answer and the overview right after it is stored", async () => {
      const id = "CVE-2097-1007";
      const first = await inject(`/api/v1/images?cve=${id}&limit=1000`);
      const again = await inject(`/api/v1/images?cve=${id}&limit=1000`);
      expect(again.body).toEqual(first.body);
      const before = (first.body["images"] as Img[]).map((i) => i.digest);
      const overview0 = (await inject("/api/v1/dashboard/overview")).body as { images: number };
      const digest = `sha256:${"ab".repeat(32)}`;
      expect(before).not.toContain(digest);
      const adb = AdvisoryDB.open(advisoryDb);
      const packages = [pkg("pkg7", "1.0-1")];
      const report: Report = { schemaVersion: 1, tool: { name: "bulwark", version: "test" }, artifact: { target: "t/new:1", type: "registry", digest, os: OS, layers: [], names: ["t/new:1"] }, packages, vulnerabilities: matchPackages(packages, OS, adb, {}), secrets: [], misconfigurations: [], errors: [] };
      adb.close();
      expect(report.vulnerabilities.map((v) => v.id)).toContain(id);
      await storeReport(sdb.db, report, { now: new Date(), dialect: sdb.dialect });
      const after = (await inject(`/api/v1/images?cve=${id}&limit=1000`)).body["images"] as Img[];
      expect(after.map((i) => i.digest)).toEqual([...before, digest].sort());
      expect(after.find((i) => i.digest === digest)!.names).toEqual(["t/new:1"]);
      expect(((await inject("/api/v1/dashboard/overview")).body as { images: number }).images).toBe(overview0.images + 1);
      // The stored package has its variant, and the finding the variant it was matched from.
      const row = await sdb.db.selectFrom("packages").select("variant").where("image_digest", "=", digest).executeTakeFirstOrThrow();
      const f = await sdb.db.selectFrom("findings").select("variant").where("image_digest", "=", digest).where("vuln_id", "=", id).executeTakeFirstOrThrow();
      expect(row.variant).toBeTypeOf("number");
      expect(f.variant).toBe(row.variant);
      // A wrong token is refused every time (only verified tokens are cached).
      for (let i = 0; i < 2; i++) expect((await app.inject({ method: "GET", url: `/api/v1/images?cve=${id}`, headers: { authorization: "Bearer bwk_wrong" } })).statusCode).toBe(401);
    });

    it("stores each finding JSON once (findings name it by content key); exports read it back; unnamed records are collected", async () => {
      const refs = await sql<{ data: string }>`SELECT data FROM findings`.execute(sdb.db);
      expect(refs.rows.length).toBeGreaterThan(0);
      expect(refs.rows.every((r) => /^@[A-Za-z0-9_-]{24}$/.test(r.data))).toBe(true);
      const named = new Set(refs.rows.map((r) => r.data.slice(1)));
      // Images that share a package variant share its finding JSON.
      expect(named.size).toBeLessThan(refs.rows.length);
      const stored = await sdb.db.selectFrom("finding_data").select(["key", "data"]).execute();
      const byKey = new Map(stored.map((r) => [r.key, r.data]));
      for (const k of named) expect(byKey.has(k), k).toBe(true);
      for (const r of stored) expect(findingDataKey(r.data)).toBe(r.key);
      // The re-match above replaced pkg4's and pkg3's JSON: the old records are named by nothing.
      const orphans = stored.filter((r) => !named.has(r.key)).map((r) => r.key);
      expect(orphans.length).toBeGreaterThan(0);
      expect(await collectFindingData(sdb.db, sdb.dialect)).toBe(orphans.length);
      const left = await sdb.db.selectFrom("finding_data").select("key").execute();
      expect(new Set(left.map((r) => r.key))).toEqual(named);
      // The stored report of an image (Harbor's report, the VEX export) carries the matcher's own findings for its packages.
      const digest = digestOf(1);
      const report = (await storedReport(ctx, digest))!;
      const adb = AdvisoryDB.open(advisoryDb);
      const want = matchPackages(report.packages, OS, adb, {});
      adb.close();
      const key = (v: { id: string; package: { purl: string } }) => `${v.id} ${v.package.purl}`;
      expect(report.vulnerabilities.length).toBeGreaterThan(0);
      expect(report.vulnerabilities.map(key).sort()).toEqual(want.map(key).sort());
      for (const v of report.vulnerabilities) expect(v.fixedVersions, key(v)).toEqual(want.find((w) => key(w) === key(v))!.fixedVersions);
      // refreshAdvisories collects by itself after a re-match that replaced JSON (pkg6's new fixed version).
      mkdirSync(join(work, "osv3"));
      writeFileSync(join(work, "osv3", "6.json"), osv("TEST-P6", "pkg6", "1.0-2+b2", { modified: "2026-04-01T00:00:00Z", aliases: ["CVE-2097-1006"] }));
      await importPaths(advisoryDb, [join(work, "osv3")]);
      const refreshed = await refreshAdvisories(ctx, { update: false });
      expect(refreshed.rematch.images).toBeGreaterThan(0);
      const namedNow = new Set((await sql<{ data: string }>`SELECT data FROM findings`.execute(sdb.db)).rows.map((r) => r.data.slice(1)));
      const storedNow = (await sdb.db.selectFrom("finding_data").select("key").execute()).map((r) => r.key);
      expect(new Set(storedNow)).toEqual(namedNow);
      expect(storedNow.some((k) => !named.has(k))).toBe(true);
    });

    it("?cve= pages stay exact when an image has several findings under the id (a read may cut an image short)", async () => {
      const adb = AdvisoryDB.open(advisoryDb);
      for (let n = 0; n < 5; n++) {
        // 3 to 23 affected versions of pkg1: more findings under one id than a first read takes.
        const packages = Array.from({ length: 3 + n * 5 }, (_, k) => pkg("pkg1", `1.0-0.${k + 1}`));
        const digest = `sha256:${(0xc0 + n).toString(16).repeat(32)}`;
        const report: Report = { schemaVersion: 1, tool: { name: "bulwark", version: "test" }, artifact: { target: `t/multi${n}:1`, type: "registry", digest, os: OS, layers: [], names: [`t/multi${n}:1`] }, packages, vulnerabilities: matchPackages(packages, OS, adb, {}), secrets: [], misconfigurations: [], errors: [] };
        expect(report.vulnerabilities.filter((v) => v.id === "CVE-2097-1001")).toHaveLength(packages.length);
        await storeReport(sdb.db, report, { now: new Date(), dialect: sdb.dialect });
      }
      adb.close();
      for (const id of ["CVE-2097-1001", "TEST-P1"]) {
        const expected = [...(await plain(id))].sort();
        for (const limit of [1, 2, 3, 5, 1000]) {
          const { images } = await pages(`cve=${id}`, limit);
          expect(flat(images), `${id} limit ${limit}`).toEqual(expected);
          expect(images.filter((i) => i.findings.length >= 3).map((i) => i.findings.length)).toEqual([3, 8, 13, 18, 23]);
        }
      }
    });
  });
}
