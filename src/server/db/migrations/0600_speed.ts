// Speed at 10,000 images (docs/server.md, "Speed"): partial indexes over open findings for the
// CVE query and the per-package summary, and three summary tables kept up to date by every
// findings write (store.ts), so that the dashboard overview and the image lists never aggregate
// all findings per request:
// - image_summary: per image, open findings per severity, fixable, oldest open critical (replaces
//   images.counts / images.oldest_open_critical, which sit after the large inventory column: on
//   SQLite updating them rewrote the whole inventory row);
// - package_summary: per package name, open findings, distinct images, worst severity rank;
// - finding_daily: per day and severity, findings opened and closed (the overview's history).
import { sql, type Kysely } from "kysely";
import type { ServerMigration } from "./index.js";

export const speed: ServerMigration = {
  name: "0600_speed",
  async up(db: Kysely<unknown>) {
    const run = (q: ReturnType<typeof sql>) => q.execute(db);
    // "Which images are affected by CVE-X": open findings by id or advisory id, in digest order
    // (pagination), so a page is one index range. They supersede findings_vuln and findings_advisory.
    await run(sql`CREATE INDEX findings_open_vuln ON findings (vuln_id, image_digest, purl) WHERE resolved_at IS NULL`);
    await run(sql`CREATE INDEX findings_open_advisory ON findings (advisory_id, image_digest, purl) WHERE resolved_at IS NULL`);
    // Every query on advisory_id asks for open findings: findings_open_advisory serves them, and
    // each index dropped is one less write per finding.
    await run(sql`DROP INDEX findings_vuln`);
    await run(sql`DROP INDEX findings_advisory`);
    // package_summary's recomputation of one package reads only this (covering) index.
    await run(sql`CREATE INDEX findings_open_package ON findings (package, image_digest, severity, purl) WHERE resolved_at IS NULL`);
    // ?package=NAME pages in digest order.
    await run(sql`CREATE INDEX packages_name_digest ON packages (name, image_digest, idx)`);
    // package_keys of one package row (the ?package= join); package_keys_image (image_digest) read all of the image's keys.
    await run(sql`CREATE INDEX package_keys_package ON package_keys (image_digest, pkg_idx)`);
    await run(sql`CREATE INDEX images_last_seen ON images (last_seen DESC, digest)`);
    await run(sql`CREATE INDEX images_os_eol ON images (os_eol_date, digest)`);

    await run(sql`CREATE TABLE image_summary (
      digest text PRIMARY KEY REFERENCES images (digest) ON DELETE CASCADE,
      critical integer NOT NULL, high integer NOT NULL, medium integer NOT NULL, low integer NOT NULL, unknown integer NOT NULL,
      fixable integer NOT NULL, oldest_open_critical text)`);
    await run(sql`CREATE INDEX image_summary_critical_age ON image_summary (oldest_open_critical, digest)`);
    await run(sql`CREATE TABLE package_summary (
      package text PRIMARY KEY, purl text NOT NULL, findings integer NOT NULL, images integer NOT NULL, worst integer NOT NULL)`);
    await run(sql`CREATE INDEX package_summary_top ON package_summary (findings, package)`);
    await run(sql`CREATE TABLE finding_daily (
      day text NOT NULL, severity text NOT NULL, opened integer NOT NULL, closed integer NOT NULL, PRIMARY KEY (day, severity))`);

    // Back-fill from what is stored.
    const n = (s: string) => sql.raw(`SUM(CASE WHEN f.severity = '${s}' THEN 1 ELSE 0 END)`);
    await run(sql`INSERT INTO image_summary (digest, critical, high, medium, low, unknown, fixable, oldest_open_critical)
      SELECT i.digest, COALESCE(${n("CRITICAL")}, 0), COALESCE(${n("HIGH")}, 0), COALESCE(${n("MEDIUM")}, 0), COALESCE(${n("LOW")}, 0),
        COALESCE(SUM(CASE WHEN f.severity NOT IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW') THEN 1 ELSE 0 END), 0),
        COALESCE(SUM(CASE WHEN f.fixed_version IS NOT NULL THEN 1 ELSE 0 END), 0),
        MIN(CASE WHEN f.severity = 'CRITICAL' THEN f.first_seen END)
      FROM images i LEFT JOIN findings f ON f.image_digest = i.digest AND f.resolved_at IS NULL GROUP BY i.digest`);
    await run(sql`INSERT INTO package_summary (package, purl, findings, images, worst)
      SELECT package, MIN(purl), COUNT(*), COUNT(DISTINCT image_digest), ${SEVERITY_RANK}
      FROM findings WHERE resolved_at IS NULL GROUP BY package`);
    await run(sql`INSERT INTO finding_daily (day, severity, opened, closed)
      SELECT d, severity, SUM(o), SUM(c) FROM (
        SELECT substr(first_seen, 1, 10) AS d, severity, 1 AS o, 0 AS c FROM findings
        UNION ALL SELECT substr(resolved_at, 1, 10), severity, 0, 1 FROM findings WHERE resolved_at IS NOT NULL) e
      GROUP BY d, severity`);
  },
};

/** MAX of the severity rank (CRITICAL 4 .. UNKNOWN 0) over grouped findings rows. */
export const SEVERITY_RANK = sql.raw(`MAX(CASE severity WHEN 'CRITICAL' THEN 4 WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 1 ELSE 0 END)`);
