// Migration 0700_fast on a database written before it: every stored package gets its variant
// (from the stored inventory), identical packages of two images share one, the variant's lookup
// keys are the matcher's, findings name the variant of their package, and a re-match through the
// variants then resolves a withdrawn advisory's findings.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, type Migration } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { AdvisoryDB, importPaths, matchPackages, type Package, type Report } from "../../src/index.js";
import { makeAudit, type ServerContext } from "../../src/server/context.js";
import { openDatabase } from "../../src/server/db/connect.js";
import { MIGRATIONS } from "../../src/server/db/migrations/index.js";
import { storedReport } from "../../src/server/integrations/harbor.js";
import { SqliteQueue } from "../../src/server/queue/sqlite.js";
import { rematchChanged } from "../../src/server/rematch.js";
import { lookupKeys, storedInventory } from "../../src/server/store.js";
import { osv } from "./helpers.js";

const OS = { family: "debian", version: "12", name: "Debian GNU/Linux", codename: "bookworm", prettyName: "Debian GNU/Linux 12 (bookworm)", eol: { date: "2026-06-10", eol: false } };
const pkg = (name: string, version: string): Package => ({
  type: "deb", name, version, purl: `pkg:deb/debian/${name}@${version}?arch=amd64&distro=debian-12`, arch: "amd64", source: { name, version }, licenses: [], locations: [{ path: "/var/lib/dpkg/status" }],
});
const quiet = { info: () => {}, warn: () => {}, error: () => {} } as unknown as ServerContext["log"];

describe("migration 0700_fast on a database written before it", () => {
  const work = mkdtempSync(join(tmpdir(), "bw-server-0700-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("back-fills package and finding variants from the stored inventories; a re-match then works through them", async () => {
    const file = join(work, "server.db");
    const advisoryDb = join(work, "adv.db");
    mkdirSync(join(work, "osv1"));
    writeFileSync(join(work, "osv1", "a.json"), osv("TEST-A", "liba", "1.0-2", { aliases: ["CVE-2096-0001"] }));
    await importPaths(advisoryDb, [join(work, "osv1")]);
    // The schema as it was before 0700 (0001 .. 0600), written with plain inserts.
    const before = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === "0700_fast"));
    expect(before.map((m) => m.name)).toContain("0600_speed");
    const old = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new SqliteDialect({ database: new Sqlite(file) }) });
    const migrations: Record<string, Migration> = {};
    for (const m of before) migrations[m.name] = { up: (db) => m.up(db, "sqlite") };
    const { error } = await new Migrator({ db: old, provider: { getMigrations: async () => migrations } }).migrateToLatest();
    expect(error).toBeUndefined();
    const adb = AdvisoryDB.open(advisoryDb);
    const digests = [`sha256:${"1".repeat(64)}`, `sha256:${"2".repeat(64)}`];
    const now = "2026-01-01T00:00:00.000Z";
    for (const digest of digests) {
      const packages = [pkg("liba", "1.0-1"), pkg(digest === digests[0] ? "libb" : "libc", "2.0")];
      const vulns = matchPackages(packages, OS, adb, {});
      const inv = storedInventory({ schemaVersion: 1, tool: { name: "bulwark", version: "test" }, artifact: { target: "t", type: "registry", digest, os: OS, layers: [] }, packages, vulnerabilities: [], secrets: [], misconfigurations: [], errors: [] } as Report);
      await old.insertInto("images").values({ digest, registry: null, repository: null, platform: null, os: JSON.stringify(OS), os_eol_date: OS.eol.date, first_seen: now, last_seen: now, inventory: JSON.stringify(inv), counts: "{}", oldest_open_critical: null }).execute();
      await old.insertInto("packages").values(packages.map((p, idx) => ({ image_digest: digest, idx, type: p.type, name: p.name, version: p.version, purl: p.purl, layer: null }))).execute();
      await old.insertInto("package_keys").values(packages.flatMap((p, idx) => lookupKeys(p, OS).map((k) => ({ ...k, image_digest: digest, pkg_idx: idx })))).execute();
      expect(vulns.map((v) => v.id)).toEqual(["CVE-2096-0001"]);
      for (const v of vulns) {
        await old.insertInto("findings").values({ image_digest: digest, vuln_id: v.id, pkg_idx: 0, package: v.package.name, purl: v.package.purl, version: v.installedVersion, fixed_version: v.fixedVersions[0] ?? null, layer: null, severity: v.severity, advisory_id: v.source.id, first_seen: now, resolved_at: null, data: JSON.stringify(v) }).execute();
      }
    }
    adb.close();
    await old.destroy();

    const sdb = await openDatabase(file);
    try {
      const rows = await sdb.db.selectFrom("packages").select(["image_digest", "idx", "name", "variant"]).orderBy("image_digest").orderBy("idx").execute();
      expect(rows.every((r) => typeof r.variant === "number")).toBe(true);
      const liba = rows.filter((r) => r.name === "liba");
      expect(liba).toHaveLength(2);
      expect(liba[0]!.variant).toBe(liba[1]!.variant); // one variant for the same package in two images
      expect(new Set(rows.map((r) => r.variant)).size).toBe(3);
      const keys = await sdb.db.selectFrom("variant_keys").select(["ecosystem", "name"]).where("variant", "=", liba[0]!.variant!).execute();
      expect(keys).toEqual(lookupKeys(pkg("liba", "1.0-1"), OS));
      const f = await sdb.db.selectFrom("findings").select(["image_digest", "variant"]).orderBy("image_digest").execute();
      expect(f.map((x) => x.variant)).toEqual([liba[0]!.variant, liba[0]!.variant]);

      // The server had seen the first database; the advisory is then withdrawn (fixed in 0.1).
      const clock = () => new Date();
      const ctx: ServerContext = { db: sdb.db, dialect: sdb.dialect, queue: new SqliteQueue(sdb.db), log: quiet, clock, audit: makeAudit(sdb.db, clock), config: { advisoryDb, workers: 0, maxUploadBytes: 1 << 24, maxBodyBytes: 1 << 20, leaseSeconds: 900, offline: true } };
      // Rows written before 0900_finding_data keep their inline JSON, and the readers take it.
      const legacy = await storedReport(ctx, digests[0]!);
      expect(legacy?.vulnerabilities.map((v) => [v.id, v.fixedVersions])).toEqual([["CVE-2096-0001", ["1.0-2"]]]);
      const seed = await rematchChanged(ctx);
      expect(seed).toMatchObject({ mode: "full", added: 0, resolved: 0, images: 2, packages: 4 });
      mkdirSync(join(work, "osv2"));
      writeFileSync(join(work, "osv2", "a.json"), osv("TEST-A", "liba", "0.1", { aliases: ["CVE-2096-0001"], modified: "2026-03-01T00:00:00Z" }));
      await importPaths(advisoryDb, [join(work, "osv2")]);
      const r = await rematchChanged(ctx);
      expect(r).toMatchObject({ mode: "incremental", pairs: 1, images: 2, packages: 2, added: 0, resolved: 2 });
      const open = await sdb.db.selectFrom("findings").select("vuln_id").where("resolved_at", "is", null).execute();
      expect(open).toEqual([]);
    } finally {
      await sdb.close();
    }
  });
});
