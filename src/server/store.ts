// Writes one image's inventory and findings, in one transaction, and keeps the finding history:
// a finding that disappears is resolved (resolved_at), one that (re)appears gets first_seen.
import { createHash } from "node:crypto";
import { sql, type Insertable, type Kysely, type Transaction } from "kysely";
import { matchPackages, type OSInfo, type Package, type Report, type Vulnerability } from "../index.js";
import type { Database, FindingsTable } from "./db/schema.js";

export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"] as const;

/** The advisory lookup keys (ecosystem base, name) the matcher would query for one package. */
export function lookupKeys(pkg: Package, os: OSInfo | null): { ecosystem: string; name: string }[] {
  const keys: { ecosystem: string; name: string }[] = [];
  matchPackages([pkg], os, { query: (ecosystem, name) => (keys.push({ ecosystem, name }), []) });
  return keys;
}

/** The image key: its manifest digest, else a digest of the inventory (dir:, rootfs:, sbom: uploads). */
export function imageDigest(report: Report): string {
  if (report.artifact.digest) return report.artifact.digest;
  const h = createHash("sha256").update(report.artifact.target).update("\0").update(JSON.stringify(report.packages.map((p) => p.purl).sort())).digest("hex");
  return `local:sha256:${h}`;
}

/** The report as stored: no findings, no per-package file lists (the bulk of a dpkg inventory). */
export function storedInventory(report: Report): Report {
  const inv: Report = { ...report, vulnerabilities: [], packages: report.packages.map(({ files: _files, ...p }) => p) };
  delete inv.suppressed;
  delete inv.unchecked;
  return inv;
}

export interface StoreOptions {
  now: Date;
  /** Extra names (the submitted reference). */
  names?: string[];
  registry?: string | null;
  repository?: string | null;
  /** Scan row to mark done in the same transaction. */
  scanId?: string;
  /** PostgreSQL: writers of one digest take a transaction-scoped advisory lock first. */
  dialect?: "sqlite" | "postgres";
}

/**
 * Serialises writers of one image on PostgreSQL (two tags of one digest scanned at once, a scan
 * during a re-match). SQLite transactions are serialised by the database already.
 */
export async function lockImage(trx: Transaction<Database>, dialect: "sqlite" | "postgres" | undefined, digest: string): Promise<void> {
  if (dialect === "postgres") await sql`SELECT pg_advisory_xact_lock(hashtext(${"bulwark-image:" + digest}))`.execute(trx);
}

export type Db = Kysely<Database> | Transaction<Database>;

/** Stores `report` (matched: its vulnerabilities are the image's current findings). */
export async function storeReport(db: Kysely<Database>, report: Report, opts: StoreOptions): Promise<{ digest: string; added: number; resolved: number }> {
  const digest = imageDigest(report);
  const now = opts.now.toISOString();
  const inv = storedInventory(report);
  const os = report.artifact.os;
  return db.transaction().execute(async (trx) => {
    await lockImage(trx, opts.dialect, digest);
    const existing = await trx.selectFrom("images").select("digest").where("digest", "=", digest).executeTakeFirst();
    const row = {
      registry: opts.registry ?? null,
      repository: opts.repository ?? null,
      platform: report.artifact.platform ?? null,
      os: os ? JSON.stringify(os) : null,
      os_eol_date: os?.eol?.date ?? null,
      last_seen: now,
      inventory: JSON.stringify(inv),
    };
    if (existing) await trx.updateTable("images").set(row).where("digest", "=", digest).execute();
    else await trx.insertInto("images").values({ digest, ...row, first_seen: now, counts: "{}", oldest_open_critical: null }).execute();

    const names = [...new Set([...(report.artifact.names ?? []), ...(opts.names ?? [])].filter((n) => n.length > 0 && n.length <= 1024))];
    if (names.length) {
      const have = new Set((await trx.selectFrom("image_names").select("name").where("digest", "=", digest).execute()).map((r) => r.name));
      const add = names.filter((n) => !have.has(n));
      if (add.length) await trx.insertInto("image_names").values(add.map((name) => ({ digest, name }))).execute();
    }

    await trx.deleteFrom("image_layers").where("digest", "=", digest).execute();
    const layers = report.artifact.layers.map((l, idx) => ({ digest, idx, layer_digest: l.digest, diff_id: l.diffId ?? null, size: l.size ?? null, created_by: l.createdBy ?? null }));
    for (const chunk of chunks(layers, 200)) await trx.insertInto("image_layers").values(chunk).execute();

    await trx.deleteFrom("package_keys").where("image_digest", "=", digest).execute();
    await trx.deleteFrom("packages").where("image_digest", "=", digest).execute();
    const pkgRows = report.packages.map((p, idx) => ({ image_digest: digest, idx, type: p.type, name: p.name, version: p.version, purl: p.purl, layer: p.locations.find((l) => l.layer)?.layer?.digest ?? null }));
    for (const chunk of chunks(pkgRows, 100)) await trx.insertInto("packages").values(chunk).execute();
    const keyRows = new Map<string, { ecosystem: string; name: string; image_digest: string; pkg_idx: number }>();
    report.packages.forEach((p, idx) => {
      for (const k of lookupKeys(p, os)) keyRows.set(`${k.ecosystem}\0${k.name}\0${idx}`, { ...k, image_digest: digest, pkg_idx: idx });
    });
    for (const chunk of chunks([...keyRows.values()], 150)) await trx.insertInto("package_keys").values(chunk).execute();

    const { added, resolved } = await applyFindings(trx, digest, report.packages, report.vulnerabilities, now);
    await refreshCounts(trx, digest);
    if (opts.scanId) await trx.updateTable("scans").set({ status: "done", digest, finished_at: now, error: null }).where("id", "=", opts.scanId).execute();
    return { digest, added, resolved };
  });
}

function chunks<T>(rows: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += n) out.push(rows.slice(i, i + n));
  return out;
}

const findingKey = (vulnId: string, purl: string) => `${vulnId}\0${purl}`;

/**
 * Makes `vulns` the open findings of `digest`, for the packages with purls in `scope` (all when
 * omitted): new ones are inserted (or reopened) with first_seen = now, vanished ones resolved.
 */
export async function applyFindings(trx: Db, digest: string, packages: readonly Package[], vulns: readonly Vulnerability[], now: string, scope?: ReadonlySet<string>): Promise<{ added: number; resolved: number; addedIds: string[] }> {
  const idxByPurl = new Map<string, number>();
  packages.forEach((p, i) => {
    if (!idxByPurl.has(p.purl)) idxByPurl.set(p.purl, i);
  });
  let q = trx.selectFrom("findings").select(["vuln_id", "purl", "resolved_at", "pkg_idx", "layer", "data"]).where("image_digest", "=", digest);
  if (scope) {
    if (scope.size === 0) return { added: 0, resolved: 0, addedIds: [] };
    q = q.where("purl", "in", [...scope]);
  }
  const rows = await q.execute();
  const old = new Map(rows.map((r) => [findingKey(r.vuln_id, r.purl), r]));
  const seen = new Set<string>();
  let added = 0;
  const addedIds: string[] = [];
  const inserts: Insertable<FindingsTable>[] = [];
  for (const v of vulns) {
    const key = findingKey(v.id, v.package.purl);
    if (seen.has(key)) continue;
    seen.add(key);
    const values = {
      pkg_idx: idxByPurl.get(v.package.purl) ?? -1,
      package: v.package.name,
      version: v.installedVersion,
      fixed_version: v.fixedVersions[0] ?? null,
      layer: v.package.layer?.digest ?? null,
      severity: v.severity,
      advisory_id: v.source.id,
      data: JSON.stringify(v),
    };
    const prev = old.get(key);
    if (!prev) {
      inserts.push({ image_digest: digest, vuln_id: v.id, purl: v.package.purl, ...values, first_seen: now, resolved_at: null });
      added++;
      addedIds.push(v.id);
    } else if (prev.resolved_at === null && prev.data === values.data && prev.pkg_idx === values.pkg_idx && prev.layer === values.layer) {
      // Unchanged: no write (a re-match mostly confirms what is stored).
    } else {
      const reopened = prev.resolved_at !== null;
      await trx
        .updateTable("findings")
        .set(reopened ? { ...values, first_seen: now, resolved_at: null } : values)
        .where("image_digest", "=", digest)
        .where("vuln_id", "=", v.id)
        .where("purl", "=", v.package.purl)
        .execute();
      if (reopened) {
        added++;
        addedIds.push(v.id);
      }
    }
  }
  for (let i = 0; i < inserts.length; i += 50) await trx.insertInto("findings").values(inserts.slice(i, i + 50)).execute();
  let resolved = 0;
  for (const [key, r] of old) {
    if (seen.has(key) || r.resolved_at !== null) continue;
    await trx.updateTable("findings").set({ resolved_at: now }).where("image_digest", "=", digest).where("vuln_id", "=", r.vuln_id).where("purl", "=", r.purl).execute();
    resolved++;
  }
  return { added, resolved, addedIds };
}

/** Recomputes the image's open-finding counts per severity and its oldest open critical. */
export async function refreshCounts(trx: Db, digest: string): Promise<void> {
  const rows = await trx
    .selectFrom("findings")
    .select(["severity", (eb) => eb.fn.countAll<string | number>().as("n"), (eb) => eb.fn.min("first_seen").as("oldest")])
    .where("image_digest", "=", digest)
    .where("resolved_at", "is", null)
    .groupBy("severity")
    .execute();
  const counts: Record<string, number> = {};
  let oldestCritical: string | null = null;
  for (const r of rows) {
    counts[r.severity.toLowerCase()] = Number(r.n);
    if (r.severity === "CRITICAL") oldestCritical = (r.oldest as string | null) ?? null;
  }
  await trx.updateTable("images").set({ counts: JSON.stringify(counts), oldest_open_critical: oldestCritical }).where("digest", "=", digest).execute();
}
