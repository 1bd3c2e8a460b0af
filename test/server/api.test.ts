// The server's HTTP API on SQLite and on PostgreSQL (the same suite), with a real docker-registry
// behind a counting relay: scans through the queue, queries, uploads, exports, re-match after an
// advisory import (no image pulled), authentication on every route, hostile input.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushImage } from "../../src/image/registry/index.js";
import { importPaths, loadServer, scan, type Report, type RunningServer } from "../../src/index.js";
import { buildImage, writeDockerArchive, type BuiltImage } from "../support/image-builder.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { POSTGRES_TOOLS, startPostgres, type PostgresServer } from "../support/postgres.js";
import { REGISTRY_TOOLS, startRegistry, type RegistryServer } from "../support/registry-server.js";
import { missingTool } from "../support/tools.js";
import { client, debianSpec, osv, waitFor, type Client } from "./helpers.js";

const noRegistry = missingTool("server API tests", REGISTRY_TOOLS);
const noPostgres = noRegistry ?? missingTool("server API tests on PostgreSQL", POSTGRES_TOOLS);
const work = mkdtempSync(join(tmpdir(), "bw-server-api-"));

let reg: RegistryServer | undefined;
let proxy: FaultProxy | undefined;
const img: Record<string, BuiltImage> = {};
let baseDb: string;

async function setupRegistry(): Promise<void> {
  if (reg) return;
  reg = await startRegistry();
  proxy = await startFaultProxy(reg.host);
  img.web = await buildImage(debianSpec("web", [{ name: "curl", version: "7.88.1-10+deb12u8" }]));
  img.db = await buildImage(debianSpec("db", [{ name: "openssl", version: "3.0.15-1~deb12u1" }]));
  await pushImage(`${reg.host}/team/web:1.0`, img.web);
  await pushImage(`${reg.host}/team/db:2.0`, img.db);
  mkdirSync(join(work, "osv1"));
  writeFileSync(join(work, "osv1", "zlib.json"), osv("TEST-ZLIB-1", "zlib", "1:1.3.dfsg-1", { aliases: ["CVE-2099-0001"] }));
  baseDb = join(work, "base.db");
  await importPaths(baseDb, [join(work, "osv1")]);
}

afterAll(async () => {
  await proxy?.stop();
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

const BACKENDS = [
  { name: "SQLite", skip: noRegistry !== undefined },
  { name: "PostgreSQL", skip: noPostgres !== undefined },
];

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`server API on ${backend.name}`, () => {
    let pgServer: PostgresServer | undefined;
    let server: RunningServer;
    let database: string;
    let advisoryDb: string;
    let api: Client;
    const tokens: Record<string, string> = {};
    const scanIds: Record<string, string> = {};

    beforeAll(async () => {
      await setupRegistry();
      const dir = join(work, backend.name);
      mkdirSync(dir);
      advisoryDb = join(dir, "advisories.db");
      copyFileSync(baseDb, advisoryDb);
      if (backend.name === "PostgreSQL") {
        pgServer = await startPostgres();
        database = pgServer.url;
      } else {
        database = join(dir, "server.db");
      }
      const { startServer, createServerToken } = await loadServer();
      for (const role of ["admin", "scanner", "reader"]) tokens[role] = (await createServerToken(database, `${role}-1`, role)).token;
      server = await startServer({ database, listen: "127.0.0.1:0", workers: 2, advisoryDb, cacheDir: join(dir, "cache"), insecureRegistries: true, quiet: true, maxUploadBytes: 2 * 1024 * 1024, offline: true });
      api = client(server.url, tokens.admin!);
    }, 180_000);

    afterAll(async () => {
      await server?.close();
      await pgServer?.stop();
    });

    it("answers health without a token and refuses everything else anonymously (every route of /openapi.json)", async () => {
      const h = await api("GET", "/healthz", { token: null });
      expect(h.status).toBe(200);
      expect(h.body.database).toBe(backend.name === "SQLite" ? "sqlite" : "postgres");
      expect((await api("GET", "/openapi.json", { token: null })).status).toBe(401);
      const doc = (await api("GET", "/openapi.json", { token: tokens.reader })).body;
      expect(doc.openapi).toBe("3.1.0");
      const paths = Object.keys(doc.paths);
      expect(paths).toEqual(expect.arrayContaining(["/api/v1/scans", "/api/v1/scans/{id}", "/api/v1/images", "/api/v1/advisories/refresh", "/api/v1/reports"]));
      let checked = 0;
      for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        const concrete = path.replace(/\{id\}/g, "00000000-0000-4000-8000-000000000000").replace(/\{digest\}/g, `sha256:${"a".repeat(64)}`).replace(/\{[^}]+\}/g, "x");
        for (const method of Object.keys(ops)) {
          for (const token of [null, "bwk_wrong", `${tokens.admin}x`]) {
            const r = await api(method.toUpperCase(), concrete, { token, ...(method === "get" ? {} : { body: {} }) });
            if (path === "/healthz") expect(r.status).toBe(200);
            else {
              expect(r.status, `${method} ${path} with ${token === null ? "no token" : "a wrong token"}`).toBe(401);
              expect(r.body.error.code).toBe("UNAUTHORIZED");
            }
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThanOrEqual(3 * 10);
    });

    it("enforces roles: a reader cannot submit, a scanner cannot refresh advisories", async () => {
      const r = await api("POST", "/api/v1/scans", { token: tokens.reader, body: { image: `${proxy!.host}/team/web:1.0` } });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("FORBIDDEN");
      expect((await api("POST", "/api/v1/advisories/refresh", { token: tokens.scanner, body: {} })).status).toBe(403);
    });

    it("scans submitted references through the queue and stores inventory and findings", async () => {
      for (const [name, ref] of [["web", "team/web:1.0"], ["db", "team/db:2.0"]] as const) {
        const r = await api("POST", "/api/v1/scans", { token: tokens.scanner, body: { image: `${proxy!.host}/${ref}` } });
        expect(r.status, r.text).toBe(202);
        scanIds[name] = r.body.id;
      }
      for (const name of ["web", "db"]) {
        const s = await waitFor(`scan ${name}`, async () => {
          const r = await api("GET", `/api/v1/scans/${scanIds[name]}`, { token: tokens.reader });
          return r.body.status === "done" || r.body.status === "failed" ? r.body : undefined;
        });
        expect(s.status, s.error).toBe("done");
        expect(s.digest).toBe(img[name]!.manifest.digest);
      }
      const byCve = await api("GET", "/api/v1/images?cve=CVE-2099-0001");
      expect(byCve.status).toBe(200);
      expect(byCve.body.images.map((i: { digest: string }) => i.digest).sort()).toEqual([img.web!.manifest.digest, img.db!.manifest.digest].sort());
      const web = byCve.body.images.find((i: { digest: string }) => i.digest === img.web!.manifest.digest);
      expect(web.names).toContain(`${proxy!.host}/team/web:1.0`);
      expect(web.findings).toEqual([expect.objectContaining({ id: "CVE-2099-0001", package: "zlib1g", version: "1:1.2.13.dfsg-1", fixedVersion: "1:1.3.dfsg-1", layer: img.web!.layers[0]!.digest, severity: "CRITICAL" })]);
      // The advisory id finds the same images.
      expect((await api("GET", "/api/v1/images?cve=TEST-ZLIB-1")).body.images).toHaveLength(2);
    });

    it("finds images by package, exact version and version range", async () => {
      const q = async (s: string) => (await api("GET", `/api/v1/images?${s}`)).body.images.map((i: { digest: string }) => i.digest);
      expect(await q("package=curl")).toEqual([img.web!.manifest.digest]);
      expect(await q(`package=curl&version=${encodeURIComponent("7.88.1-10+deb12u8")}`)).toEqual([img.web!.manifest.digest]);
      expect(await q(`package=curl&version=${encodeURIComponent(">=7.88,<7.89")}`)).toEqual([img.web!.manifest.digest]);
      expect(await q(`package=curl&version=${encodeURIComponent(">=8")}`)).toEqual([]);
      expect((await q("package=zlib1g")).length).toBe(2);
      const one = (await api("GET", "/api/v1/images?package=zlib1g")).body.images[0];
      expect(one.findings.map((f: { id: string }) => f.id)).toEqual(["CVE-2099-0001"]);
    });

    it("lists images by severity, end of life and critical age; shows one image, its packages and exports", async () => {
      const crit = (await api("GET", "/api/v1/images?severity=CRITICAL&sort=critical-age")).body.images;
      expect(crit).toHaveLength(2);
      expect(crit[0].counts.critical).toBe(1);
      expect(crit[0].oldestOpenCritical).toMatch(/^\d{4}-/);
      // End of life as the scanner's OS table says, judged against today.
      const all = (await api("GET", "/api/v1/images")).body.images;
      const today = new Date().toISOString().slice(0, 10);
      expect(all.every((i: { osEolDate: string | null }) => typeof i.osEolDate === "string")).toBe(true);
      const eolNow = all.filter((i: { osEolDate: string }) => i.osEolDate < today).map((i: { digest: string }) => i.digest).sort();
      expect((await api("GET", "/api/v1/images?eol=true")).body.images.map((i: { digest: string }) => i.digest).sort()).toEqual(eolNow);
      expect((await api("GET", "/api/v1/images?eol=false")).body.images).toHaveLength(all.length - eolNow.length);
      const d = img.web!.manifest.digest;
      const one = (await api("GET", `/api/v1/images/${d}`)).body;
      expect(one.layers.map((l: { digest: string }) => l.digest)).toEqual(img.web!.layers.map((l) => l.digest));
      expect(one.layers[1].packages).toBe(1); // curl came with the second layer
      const pk = (await api("GET", `/api/v1/images/${d}/packages?q=CUR`)).body.packages;
      expect(pk.map((p: { name: string }) => p.name)).toEqual(["curl"]);
      const cdx = await api("GET", `/api/v1/images/${d}/sbom?format=cyclonedx-json`);
      expect(cdx.type).toContain("application/vnd.cyclonedx+json");
      expect(cdx.body.bomFormat).toBe("CycloneDX");
      expect(cdx.body.components.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["curl", "zlib1g", "libc6", "bash"]));
      const spdx = await api("GET", `/api/v1/images/${d}/sbom?format=spdx-json`);
      expect(spdx.body.spdxVersion).toBe("SPDX-2.3");
      const vex = await api("GET", `/api/v1/images/${d}/vex`);
      expect(vex.body["@context"]).toContain("openvex");
      expect(vex.body.statements).toEqual([expect.objectContaining({ vulnerability: expect.objectContaining({ name: "CVE-2099-0001" }), status: "affected" })]);
      const cvex = await api("GET", `/api/v1/images/${d}/vex?format=cyclonedx-json`);
      expect(cvex.body.vulnerabilities.map((v: { id: string }) => v.id)).toEqual(["CVE-2099-0001"]);
    });

    it("re-matches stored packages after an advisory import without pulling any image", async () => {
      proxy!.reset();
      const dir = join(work, `${backend.name}-osv2`);
      mkdirSync(dir);
      writeFileSync(join(dir, "curl.json"), osv("TEST-CURL-1", "curl", "7.88.1-10+deb12u9", { aliases: ["CVE-2099-0002"] }));
      // zlib's advisory now says the fix is older than what is installed: resolved everywhere.
      writeFileSync(join(dir, "zlib.json"), osv("TEST-ZLIB-1", "zlib", "1:1.2.13.dfsg-0", { aliases: ["CVE-2099-0001"], modified: "2026-02-01T00:00:00Z" }));
      await importPaths(advisoryDb, [dir]);
      const r = await api("POST", "/api/v1/advisories/refresh", { body: { update: false } });
      expect(r.status, r.text).toBe(200);
      expect(r.body.rematch).toMatchObject({ changedRecords: 2, pairs: 2, images: 2, added: 1, resolved: 2 });
      expect(proxy!.requests).toEqual([]); // nothing asked of the registry: no manifest, no blob
      const curl = (await api("GET", "/api/v1/images?cve=CVE-2099-0002")).body.images;
      expect(curl.map((i: { digest: string }) => i.digest)).toEqual([img.web!.manifest.digest]);
      expect(curl[0].findings[0]).toMatchObject({ package: "curl", fixedVersion: "7.88.1-10+deb12u9", layer: img.web!.layers[1]!.digest });
      expect((await api("GET", "/api/v1/images?cve=CVE-2099-0001")).body.images).toEqual([]);
      const hist = (await api("GET", `/api/v1/images/${img.web!.manifest.digest}/history`)).body;
      expect(hist.events.map((e: { event: string; id: string }) => `${e.event} ${e.id}`)).toEqual(expect.arrayContaining(["found CVE-2099-0001", "resolved CVE-2099-0001", "found CVE-2099-0002"]));
      const resolved = hist.events.find((e: { event: string }) => e.event === "resolved");
      const found = hist.events.find((e: { event: string; id: string }) => e.event === "found" && e.id === "CVE-2099-0001");
      expect(resolved.at >= found.at).toBe(true);
      // Nothing changed since: the next refresh matches nothing.
      const again = await api("POST", "/api/v1/advisories/refresh", { body: { update: false } });
      expect(again.body.rematch).toMatchObject({ changedRecords: 0, images: 0, added: 0, resolved: 0 });
      // The audit log has both refreshes, by the admin token's name.
      expect(await auditCount(database, "advisories.refresh")).toBe(2);
    });

    it("stores an uploaded report and matches it itself", async () => {
      const archive = join(work, `${backend.name}-up.tar`);
      const up = await buildImage(debianSpec("up", [{ name: "curl", version: "7.88.1-10+deb12u8" }]), "docker");
      await writeDockerArchive(archive, [up]);
      const report: Report = await scan(archive, { noCache: true, scanners: ["package"] });
      // A report claiming a clean image: the server ignores uploaded findings and matches itself.
      const r = await api("POST", "/api/v1/reports", { token: tokens.scanner, body: { ...report, vulnerabilities: [] } });
      expect(r.status, r.text).toBe(201);
      expect(r.body.digest).toBe(report.artifact.digest);
      expect(r.body.findings).toBe(1);
      const curl = (await api("GET", "/api/v1/images?cve=CVE-2099-0002")).body.images.map((i: { digest: string }) => i.digest);
      expect(curl).toContain(report.artifact.digest);
      expect((await api("GET", `/api/v1/scans/${r.body.scanId}`)).body).toMatchObject({ status: "done", digest: report.artifact.digest });
    });

    it("refuses malformed, oversized and unknown input with one JSON error", async () => {
      const bad = async (method: string, path: string, opts: Parameters<Client>[2], status: number) => {
        const r = await api(method, path, opts);
        expect(r.status, `${method} ${path}: ${r.text}`).toBe(status);
        expect(r.body.error.code).toMatch(/^[A-Z_]+$/);
        expect(r.body.error.message).not.toMatch(/\n|at .*\.js:\d+/);
        return r;
      };
      await bad("POST", "/api/v1/scans", { raw: "{not json" }, 400);
      await bad("POST", "/api/v1/scans", { body: { image: "a/b:1", extra: "x" } }, 400);
      await bad("POST", "/api/v1/scans", { body: { image: 5 } }, 400);
      await bad("POST", "/api/v1/scans", { body: [] }, 400);
      await bad("POST", "/api/v1/scans", { raw: JSON.stringify({ image: "x".repeat(2 * 1024 * 1024) }) }, 413);
      await bad("POST", "/api/v1/reports", { raw: JSON.stringify({ schemaVersion: 1, tool: { name: "bulwark", version: "1" }, artifact: { target: "x", type: "dir", layers: [] }, packages: [], pad: "x".repeat(3 * 1024 * 1024) }) }, 413);
      await bad("POST", "/api/v1/reports", { body: { schemaVersion: 1, tool: { name: "bulwark", version: "1" }, artifact: { target: "x", type: "dir", layers: [] }, packages: [], surprise: true } }, 400);
      await bad("POST", "/api/v1/reports", { body: { schemaVersion: 2 } }, 400);
      await bad("POST", "/api/v1/scans", { raw: "<xml/>", headers: { "content-type": "application/xml" } }, 415);
      await bad("GET", "/api/v1/images?cve=x&package=y", {}, 400);
      await bad("GET", "/api/v1/images?limit=100000", {}, 400);
      await bad("GET", "/api/v1/images?unknown=1", {}, 400);
    });

    it("treats SQL-looking strings as data and refuses path traversal in every parameter", async () => {
      for (const s of ["' OR '1'='1", "x'; DROP TABLE images; --", "%", "_", "\\", "CVE-2099-0001' --"]) {
        const enc = encodeURIComponent(s);
        expect((await api("GET", `/api/v1/images?cve=${enc}`)).body.images).toEqual([]);
        expect((await api("GET", `/api/v1/images?package=${enc}`)).body.images).toEqual([]);
        expect((await api("GET", `/api/v1/images/${img.web!.manifest.digest}/packages?q=${enc}`)).body.packages).toEqual([]);
        const r = await api("POST", "/api/v1/scans", { body: { image: s } });
        expect(r.status).toBe(400);
      }
      expect((await api("GET", "/api/v1/images?cve=CVE-2099-0002")).body.images.length).toBeGreaterThan(0); // tables intact
      for (const image of ["../../etc/passwd", "/etc/passwd", "docker-archive:/etc/passwd", "oci:/tmp", "dir:/", "rootfs:/", "sbom:/etc/passwd", "registry:../x", "a/../b:1", "a/b:../../x", "file:///etc/passwd"]) {
        const r = await api("POST", "/api/v1/scans", { body: { image } });
        expect(r.status, image).toBe(400);
      }
      const trav = ["..%2F..%2Fetc%2Fpasswd", "..", "%2e%2e", "sha256:..%2F..%2F", `sha256:${"a".repeat(64)}%2F..`, "sha256%3A" + "a".repeat(64) + "%00"];
      for (const t of trav) {
        for (const path of [`/api/v1/images/${t}`, `/api/v1/images/${t}/packages`, `/api/v1/images/${t}/findings`, `/api/v1/images/${t}/history`, `/api/v1/images/${t}/sbom`, `/api/v1/images/${t}/vex`, `/api/v1/scans/${t}`]) {
          const r = await api("GET", path);
          expect([400, 404], `${path}: ${r.status}`).toContain(r.status);
          expect(r.body.error).toBeDefined();
        }
      }
      const d = img.web!.manifest.digest;
      for (const q of ["format=..%2F..%2Fetc%2Fpasswd", "format=table", "status=..%2F"]) {
        expect((await api("GET", `/api/v1/images/${d}/sbom?${q}`)).status).toBe(400);
      }
    });
  });
}

async function auditCount(database: string, action: string): Promise<number> {
  if (database.startsWith("postgres")) {
    const c = new pg.Client({ connectionString: database });
    await c.connect();
    try {
      return Number((await c.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = $1", [action])).rows[0].n);
    } finally {
      await c.end();
    }
  }
  const db = new Sqlite(database, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = ?").get(action) as { n: number }).n;
  } finally {
    db.close();
  }
}
