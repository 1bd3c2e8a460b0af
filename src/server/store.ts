// Writes one image's inventory and findings, in one transaction, and keeps the finding history:
// a finding that disappears is resolved (resolved_at), one that (re)appears gets first_seen.
import { createHash } from "node:crypto";
import { sql, type Insertable, type Kysely, type Transaction } from "kysely";
import { matchPackages, type OSInfo, type Package, type Report, type Vulnerability } from "../index.js";
import { SEVERITY_RANK } from "./db/migrations/0600_speed.js";
import type { Database, FindingsTable } from "./db/schema.js";
import { FindingData, findingDataKey } from "./finding-data.js";
import { bumpGeneration } from "./generation.js";
import { ensureVariants, lockFleet, variantJson, variantKey } from "./variants.js";

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

/** lockImage for many images, in one statement (sorted: two batches lock in the same order). */
export async function lockImages(trx: Transaction<Database>, dialect: "sqlite" | "postgres" | undefined, digests: readonly string[]): Promise<void> {
  if (dialect !== "postgres" || !digests.length) return;
  const keys = [...new Set(digests)].sort().map((d) => "bulwark-image:" + d);
  await sql`SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM unnest(${keys}::text[]) WITH ORDINALITY AS t(k, n)`.execute(trx);
}

/**
 * Serialises writers of one image on PostgreSQL (two tags of one digest scanned at once, a scan
 * during a re-match). SQLite transactions are serialised by the database already.
 */
export async function lockImage(trx: Transaction<Database>, dialect: "sqlite" | "postgres" | undefined, digest: string): Promise<void> {
  if (dialect === "postgres") await sql`SELECT pg_advisory_xact_lock(hashtext(${"bulwark-image:" + digest}))`.execute(trx);
}

export type Db = Kysely<Database> | Transaction<Database>;

/** Findings opened and closed per severity in one write, for `finding_daily`. */
export class DailyCounts {
  readonly bySeverity = new Map<string, { opened: number; closed: number }>();

  add(severity: string, kind: "opened" | "closed"): void {
    let d = this.bySeverity.get(severity);
    if (!d) this.bySeverity.set(severity, (d = { opened: 0, closed: 0 }));
    d[kind]++;
  }

  /** Adds the counts to `finding_daily` for `day` (YYYY-MM-DD). */
  async write(db: Db, day: string): Promise<void> {
    if (this.bySeverity.size === 0) return;
    await db
      .insertInto("finding_daily")
      .values([...this.bySeverity].map(([severity, d]) => ({ day, severity, ...d })))
      .onConflict((oc) =>
        oc.columns(["day", "severity"]).doUpdateSet({
          opened: sql<number>`${sql.ref("finding_daily.opened")} + ${sql.ref("excluded.opened")}`,
          closed: sql<number>`${sql.ref("finding_daily.closed")} + ${sql.ref("excluded.closed")}`,
        }),
      )
      .execute();
  }
}

/** Stores `report` (matched: its vulnerabilities are the image's current findings). */
export async function storeReport(db: Kysely<Database>, report: Report, opts: StoreOptions): Promise<{ digest: string; added: number; resolved: number }> {
  const digest = imageDigest(report);
  const now = opts.now.toISOString();
  const inv = storedInventory(report);
  const os = report.artifact.os;
  const variantInputs = report.packages.map((p) => {
    const json = variantJson(p, os);
    return { key: variantKey(json), json, purl: p.purl, lookups: lookupKeys(p, os) };
  });
  const out = await db.transaction().execute(async (trx) => {
    await lockFleet(trx, opts.dialect, "shared");
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
    const variantIds = await ensureVariants(trx, variantInputs);
    const variants = variantInputs.map((v) => variantIds.get(v.key)!);
    const pkgRows = report.packages.map((p, idx) => ({ image_digest: digest, idx, type: p.type, name: p.name, version: p.version, purl: p.purl, layer: p.locations.find((l) => l.layer)?.layer?.digest ?? null, variant: variants[idx]! }));
    for (const chunk of chunks(pkgRows, 100)) await trx.insertInto("packages").values(chunk).execute();
    const keyRows = new Map<string, { ecosystem: string; name: string; image_digest: string; pkg_idx: number }>();
    report.packages.forEach((_p, idx) => {
      for (const k of variantInputs[idx]!.lookups) keyRows.set(`${k.ecosystem}\0${k.name}\0${idx}`, { ...k, image_digest: digest, pkg_idx: idx });
    });
    for (const chunk of chunks([...keyRows.values()], 150)) await trx.insertInto("package_keys").values(chunk).execute();

    const { added, resolved } = await applyFindings(trx, digest, report.packages, report.vulnerabilities, now, undefined, variants);
    // A new image without findings still gets its (zero) summary row.
    await refreshImageSummaries(trx, [digest]);
    if (opts.scanId) await trx.updateTable("scans").set({ status: "done", digest, finished_at: now, error: null }).where("id", "=", opts.scanId).execute();
    return { digest, added, resolved };
  });
  bumpGeneration();
  return out;
}

function chunks<T>(rows: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += n) out.push(rows.slice(i, i + n));
  return out;
}

const findingKey = (vulnId: string, purl: string) => `${vulnId}\0${purl}`;

/** One image's new findings for `applyFindingsBatch`. */
export interface FindingsUpdate {
  digest: string;
  packages: readonly Package[];
  vulns: readonly Vulnerability[];
  /** Purls whose findings are replaced (all of the image's findings when omitted). */
  scope?: ReadonlySet<string>;
  /** pkg_variants ids of `packages` (same positions), stored with each finding. */
  variants?: readonly (number | null)[];
}
export interface FindingsResult {
  added: number;
  resolved: number;
  addedIds: string[];
}

// Vulnerability objects are shared between images by the match memo: serialise and hash each once.
const jsonOf = new WeakMap<Vulnerability, [json: string, key: string]>();
const dataOf = (v: Vulnerability, fd: FindingData): string => {
  let e = jsonOf.get(v);
  if (e === undefined) {
    const json = JSON.stringify(v);
    jsonOf.set(v, (e = [json, findingDataKey(json)]));
  }
  return fd.add(e[1], e[0]);
};

/**
 * Makes `vulns` the open findings of each image, for the packages with purls in its `scope`:
 * new ones are inserted (or reopened) with first_seen = now, vanished ones resolved, changed ones
 * updated (first_seen kept). Set-based: one read of the old findings of all the images, multi-row
 * upserts and updates, then the summaries (image_summary, finding_daily) of the changed images.
 * Returns per-image counts and the package names whose open findings changed (for
 * refreshPackageSummary, which the caller runs once for a whole re-match).
 */
export async function applyFindingsBatch(trx: Db, items: readonly FindingsUpdate[], now: string): Promise<{ results: FindingsResult[]; touchedPackages: Set<string>; changed: string[] }> {
  const results: FindingsResult[] = items.map(() => ({ added: 0, resolved: 0, addedIds: [] }));
  const touchedPackages = new Set<string>();
  const live = items.map((it, i) => ({ it, i })).filter(({ it }) => !it.scope || it.scope.size > 0);
  if (!live.length) return { results, touchedPackages, changed: [] };

  // Old findings of these images (within the scopes when they are few purls).
  const digests = [...new Set(live.map(({ it }) => it.digest))];
  const scoped = live.every(({ it }) => it.scope);
  const purls = scoped ? [...new Set(live.flatMap(({ it }) => [...it.scope!]))] : [];
  const usePurls = scoped && purls.length <= 2000;
  type Old = { image_digest: string; vuln_id: string; purl: string; resolved_at: string | null; pkg_idx: number; layer: string | null; data: string; severity: string; first_seen: string; package: string; advisory_id: string; variant?: number | null | undefined };
  const oldBy = new Map<string, Map<string, Old>>();
  for (const part of chunks(digests, 200)) {
    let q = trx.selectFrom("findings").select(["image_digest", "vuln_id", "purl", "resolved_at", "pkg_idx", "layer", "data", "severity", "first_seen", "package", "advisory_id", "variant"]).where("image_digest", "in", part);
    if (usePurls) q = q.where("purl", "in", purls);
    for (const r of await q.execute()) {
      let m = oldBy.get(r.image_digest);
      if (!m) oldBy.set(r.image_digest, (m = new Map()));
      m.set(findingKey(r.vuln_id, r.purl), r);
    }
  }

  const day = now.slice(0, 10);
  const upserts: Insertable<FindingsTable>[] = [];
  const dataUpdates: Insertable<FindingsTable>[] = [];
  const resolves: { digest: string; vuln_id: string; purl: string }[] = [];
  const daily = new DailyCounts();
  const changed = new Set<string>();
  const fd = new FindingData();
  for (const { it, i } of live) {
    const res = results[i]!;
    const idxByPurl = new Map<string, number>();
    it.packages.forEach((p, n) => {
      if (!idxByPurl.has(p.purl)) idxByPurl.set(p.purl, n);
    });
    const old = oldBy.get(it.digest) ?? new Map<string, Old>();
    const inScope = (purl: string) => !it.scope || it.scope.has(purl);
    const seen = new Set<string>();
    for (const v of it.vulns) {
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
        data: dataOf(v, fd),
        variant: it.variants?.[idxByPurl.get(v.package.purl) ?? -1] ?? null,
      };
      const prev = old.get(key);
      if (prev && prev.resolved_at === null && prev.data === values.data && prev.pkg_idx === values.pkg_idx && prev.layer === values.layer && (prev.variant ?? null) === values.variant) continue; // unchanged
      const reopened = !prev || prev.resolved_at !== null;
      const row = { image_digest: it.digest, vuln_id: v.id, purl: v.package.purl, ...values, first_seen: reopened ? now : prev.first_seen, resolved_at: null };
      // An open finding whose indexed columns stay (a fixed version or description changed): only
      // the other columns are written, which leaves the indexes alone (5x cheaper on SQLite).
      if (!reopened && prev.severity === values.severity && prev.package === values.package && prev.advisory_id === values.advisory_id && (prev.variant ?? null) === values.variant) dataUpdates.push(row);
      else upserts.push(row);
      changed.add(it.digest);
      if (reopened) {
        res.added++;
        res.addedIds.push(v.id);
        daily.add(v.severity, "opened");
        touchedPackages.add(v.package.name);
      } else if (prev.severity !== v.severity || prev.package !== v.package.name) {
        daily.add(prev.severity, "closed");
        daily.add(v.severity, "opened");
        touchedPackages.add(prev.package).add(v.package.name);
      }
    }
    for (const [key, r] of old) {
      if (seen.has(key) || r.resolved_at !== null || !inScope(r.purl)) continue;
      resolves.push({ digest: it.digest, vuln_id: r.vuln_id, purl: r.purl });
      res.resolved++;
      changed.add(it.digest);
      daily.add(r.severity, "closed");
      touchedPackages.add(r.package);
    }
  }

  if (upserts.length || dataUpdates.length) await fd.save(trx);
  for (const part of chunks(upserts, 50)) {
    await trx
      .insertInto("findings")
      .values(part)
      .onConflict((oc) =>
        oc.columns(["image_digest", "vuln_id", "purl"]).doUpdateSet((eb) => ({
          pkg_idx: eb.ref("excluded.pkg_idx"), package: eb.ref("excluded.package"), version: eb.ref("excluded.version"), fixed_version: eb.ref("excluded.fixed_version"),
          layer: eb.ref("excluded.layer"), severity: eb.ref("excluded.severity"), advisory_id: eb.ref("excluded.advisory_id"), data: eb.ref("excluded.data"),
          first_seen: eb.ref("excluded.first_seen"), resolved_at: null, variant: eb.ref("excluded.variant"),
        })),
      )
      .execute();
  }
  for (const part of chunks(dataUpdates, 50)) {
    await trx
      .insertInto("findings")
      .values(part)
      .onConflict((oc) =>
        oc.columns(["image_digest", "vuln_id", "purl"]).doUpdateSet((eb) => ({
          pkg_idx: eb.ref("excluded.pkg_idx"), version: eb.ref("excluded.version"), fixed_version: eb.ref("excluded.fixed_version"), layer: eb.ref("excluded.layer"), data: eb.ref("excluded.data"),
        })),
      )
      .execute();
  }
  for (const part of chunks(resolves, 300)) {
    await trx
      .updateTable("findings")
      .set({ resolved_at: now })
      .where((eb) => eb(eb.refTuple("image_digest", "vuln_id", "purl"), "in", part.map((r) => eb.tuple(r.digest, r.vuln_id, r.purl))))
      .execute();
  }
  await daily.write(trx, day);
  await refreshImageSummaries(trx, [...changed]);
  return { results, touchedPackages, changed: [...changed] };
}

/** applyFindingsBatch for one image (the summaries of the packages included). */
export async function applyFindings(trx: Db, digest: string, packages: readonly Package[], vulns: readonly Vulnerability[], now: string, scope?: ReadonlySet<string>, variants?: readonly (number | null)[]): Promise<FindingsResult> {
  const item: FindingsUpdate = { digest, packages, vulns };
  if (scope) item.scope = scope;
  if (variants) item.variants = variants;
  const { results, touchedPackages } = await applyFindingsBatch(trx, [item], now);
  await refreshPackageSummary(trx, [...touchedPackages]);
  return results[0]!;
}

/** Recomputes image_summary (open findings per severity, fixable, oldest open critical) of `digests`. */
export async function refreshImageSummaries(trx: Db, digests: readonly string[]): Promise<void> {
  for (const part of chunks([...new Set(digests)], 200)) {
    const rows = await trx
      .selectFrom("findings")
      .select(["image_digest", "severity", (eb) => eb.fn.countAll<string | number>().as("n"), (eb) => eb.fn.count<string | number>("fixed_version").as("fixable"), (eb) => eb.fn.min("first_seen").as("oldest")])
      .where("image_digest", "in", part)
      .where("resolved_at", "is", null)
      .groupBy(["image_digest", "severity"])
      .execute();
    const by = new Map(part.map((d) => [d, { digest: d, critical: 0, high: 0, medium: 0, low: 0, unknown: 0, fixable: 0, oldest_open_critical: null as string | null }]));
    for (const r of rows) {
      const s = by.get(r.image_digest)!;
      const n = Number(r.n);
      const sev = r.severity.toUpperCase();
      if (sev === "CRITICAL") {
        s.critical += n;
        s.oldest_open_critical = (r.oldest as string | null) ?? null;
      } else if (sev === "HIGH") s.high += n;
      else if (sev === "MEDIUM") s.medium += n;
      else if (sev === "LOW") s.low += n;
      else s.unknown += n;
      s.fixable += Number(r.fixable);
    }
    await trx
      .insertInto("image_summary")
      .values([...by.values()])
      .onConflict((oc) =>
        oc.column("digest").doUpdateSet((eb) => ({
          critical: eb.ref("excluded.critical"), high: eb.ref("excluded.high"), medium: eb.ref("excluded.medium"), low: eb.ref("excluded.low"), unknown: eb.ref("excluded.unknown"),
          fixable: eb.ref("excluded.fixable"), oldest_open_critical: eb.ref("excluded.oldest_open_critical"),
        })),
      )
      .execute();
  }
}

/** Kept for callers of the old name: the image's summary row. */
export const refreshCounts = (trx: Db, digest: string): Promise<void> => refreshImageSummaries(trx, [digest]);

/**
 * Recomputes package_summary for `names` from the covering index over open findings
 * (findings_open_package): a few thousand index entries per package, never the whole table.
 */
export async function refreshPackageSummary(trx: Db, names: readonly string[]): Promise<void> {
  for (const part of chunks([...new Set(names)].sort(), 50)) {
    const rows = await trx
      .selectFrom("findings")
      .select((eb) => ["package", eb.fn.min("purl").as("purl"), eb.fn.countAll<string | number>().as("findings"), eb.fn.count<string | number>("image_digest").distinct().as("images"), SEVERITY_RANK.as("worst")])
      .where("package", "in", part)
      .where("resolved_at", "is", null)
      .groupBy("package")
      .execute();
    const have = new Set(rows.map((r) => r.package));
    const gone = part.filter((p) => !have.has(p));
    if (gone.length) await trx.deleteFrom("package_summary").where("package", "in", gone).execute();
    if (rows.length) {
      await trx
        .insertInto("package_summary")
        .values(rows.map((r) => ({ package: r.package, purl: String(r.purl ?? ""), findings: Number(r.findings), images: Number(r.images), worst: Number(r.worst) })))
        .onConflict((oc) => oc.column("package").doUpdateSet((eb) => ({ purl: eb.ref("excluded.purl"), findings: eb.ref("excluded.findings"), images: eb.ref("excluded.images"), worst: eb.ref("excluded.worst") })))
        .execute();
    }
  }
}
