// Advisory refresh and re-match. After the advisory database changed (a scheduled update, or
// `bulwark db import` followed by POST /api/v1/advisories/refresh), the records whose `modified`
// differs from what the server saw last time (advisory_state) give the changed (ecosystem, name)
// lookup keys; package_keys maps those to stored packages, which alone are matched again against
// the database. No image is pulled: the stored inventory is all matching needs.
import { randomUUID } from "node:crypto";
import { sql, type Insertable } from "kysely";
import { AdvisoryDB, dbStatus, matchPackages, updateDb, type Package, type Report } from "../index.js";
import type { ServerContext } from "./context.js";
import type { RematchStageTable } from "./db/schema.js";
import { collectFindingData, FindingData, findingDataKey } from "./finding-data.js";
import { bumpGeneration } from "./generation.js";
import { DailyCounts, refreshImageSummaries, refreshPackageSummary } from "./store.js";
import { lockFleet } from "./variants.js";

export interface RematchResult {
  /** Advisory records new, changed or removed since the last re-match. */
  changedRecords: number;
  /** Distinct (ecosystem, name) keys those records name. */
  pairs: number;
  /** Images whose packages were matched again. */
  images: number;
  packages: number;
  /** Findings that appeared / were resolved. */
  added: number;
  resolved: number;
  /** "full" when the server had no record of the database yet (every image re-matched). */
  mode: "incremental" | "full";
  ms: number;
}

export interface RefreshResult {
  updated: { ecosystem: string; mode: string; records: number }[];
  updateError?: string;
  rematch: RematchResult;
}

let running: Promise<unknown> | undefined;

/** One refresh at a time per process; a second caller waits for the first and then runs. */
async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  while (running) await running.catch(() => {});
  const p = fn();
  running = p;
  try {
    return await p;
  } finally {
    if (running === p) running = undefined;
  }
}

/** Updates the advisory database (unless offline) and re-matches what changed. */
export function refreshAdvisories(ctx: ServerContext, opts: { update?: boolean } = {}): Promise<RefreshResult> {
  return exclusive(async () => {
    const updated: RefreshResult["updated"] = [];
    let updateError: string | undefined;
    if (opts.update !== false && !ctx.config.offline) {
      const ecosystems = dbStatus(ctx.config.advisoryDb).ecosystems.map((e) => e.ecosystem);
      if (ecosystems.length) {
        try {
          const upd: Parameters<typeof updateDb>[1] = { ecosystems };
          if (ctx.config.dbRepository) upd.repository = ctx.config.dbRepository;
          for (const r of await updateDb(ctx.config.advisoryDb, upd)) updated.push({ ecosystem: r.ecosystem, mode: r.mode, records: r.records });
        } catch (e) {
          // The old database stays; what it holds is still re-matched.
          updateError = (e as Error).message;
          ctx.log.warn(`advisory update failed: ${updateError}`);
        }
      }
    }
    const rematch = await rematchChanged(ctx);
    // Finding JSON that the re-match (or replaced scans) left unnamed goes: one pass over findings.
    if (rematch.images > 0) {
      const t = Date.now();
      const n = await ctx.db.transaction().execute(async (trx) => {
        await lockFleet(trx, ctx.dialect, "exclusive");
        return collectFindingData(trx, ctx.dialect);
      });
      ctx.log.info(`finding data: ${n} records no finding names removed in ${Date.now() - t} ms`);
    }
    const out: RefreshResult = { updated, rematch };
    if (updateError) out.updateError = updateError;
    return out;
  });
}

const CHUNK = 200;

function chunked<T>(rows: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += n) out.push(rows.slice(i, i + n));
  return out;
}

const tick = () => new Promise((res) => setImmediate(res));

/**
 * Package rows per apply transaction. On SQLite a statement holds the event loop (better-sqlite3
 * is synchronous): 5,000 rows keep each statement near 100 ms at 10,000 images; fewer, larger
 * transactions write each index page fewer times (measured: 51 transactions of 2,000 rows cost
 * 2.7x the commit time of 5 of 20,000 at 1,000 images).
 */
const rowsPerChunk = (dialect: string) => (dialect === "sqlite" ? 5000 : 20_000);

/**
 * SQLite: while a re-match writes, the WAL is checkpointed every 256 MB instead of every 4 MB
 * (each checkpoint copies and fsyncs; a re-match rewrites the same index pages chunk after chunk),
 * then once at the end.
 */
async function walForBulk<T>(ctx: ServerContext, fn: () => Promise<T>): Promise<T> {
  if (ctx.dialect !== "sqlite") return fn();
  await sql`PRAGMA wal_autocheckpoint = 262144`.execute(ctx.db);
  try {
    return await fn();
  } finally {
    await sql`PRAGMA wal_autocheckpoint = 1000`.execute(ctx.db);
    await sql`PRAGMA wal_checkpoint(PASSIVE)`.execute(ctx.db).catch(() => {});
  }
}

/**
 * Finds changed advisory records since the last run and re-matches the packages they name.
 *
 * Set-based (docs/server.md, "Advisory updates and re-matching"): (a) the distinct package
 * variants of the changed lookup keys come from variant_keys (and the variants of packages with
 * an open finding from a changed or removed record); (b) each variant is matched once; (c) the
 * results go to rematch_stage and are applied, a chunk of variants per transaction, by
 * statements joining packages (by variant) with the stage: open findings no longer in the results
 * resolved, findings whose severity, package or advisory changed rewritten (their first_seen kept),
 * the others' changed columns updated, new findings inserted (or resolved ones reopened) with
 * first_seen = now. Summaries are recomputed once at the end for the images and packages whose
 * findings changed. No stored inventory is read.
 */
export async function rematchChanged(ctx: ServerContext): Promise<RematchResult> {
  const started = Date.now();
  const adb = AdvisoryDB.open(ctx.config.advisoryDb);
  const run = randomUUID();
  try {
    const seen = new Map<string, string>();
    for (const r of await ctx.db.selectFrom("advisory_state").select(["record_id", "modified"]).execute()) seen.set(r.record_id, r.modified);
    const current = new Map<string, string>();
    for (const r of adb.recordVersions()) current.set(r.id, r.modified);
    const changed = [...current].filter(([id, m]) => seen.get(id) !== m).map(([id]) => id);
    const removed = [...seen.keys()].filter((id) => !current.has(id));
    const full = seen.size === 0;

    // (a) The variants to match again.
    const variants = new Set<number>();
    let pairs = 0;
    if (full) {
      for (const r of await ctx.db.selectFrom("packages").select("variant").distinct().where("variant", "is not", null).execute()) variants.add(Number(r.variant));
    } else {
      const keys = new Map<string, { ecosystem: string; name: string }>();
      for (const k of adb.lookupKeysOf(changed)) keys.set(`${k.ecosystem}\0${k.name}`, { ecosystem: k.ecosystem, name: k.name });
      pairs = keys.size;
      for (const part of chunked([...keys.values()])) {
        const rows = await ctx.db
          .selectFrom("variant_keys")
          .select("variant")
          .where((eb) => eb(eb.refTuple("ecosystem", "name"), "in", part.map((k) => eb.tuple(k.ecosystem, k.name))))
          .execute();
        for (const r of rows) variants.add(Number(r.variant));
      }
      // Packages with open findings of records that changed or went away: the record may no longer
      // name them. Their purls (from the covering index findings_open_advisory) give the variants.
      const purls = new Set<string>();
      for (const part of chunked([...changed, ...removed])) {
        for (const r of await ctx.db.selectFrom("findings").select("purl").distinct().where("advisory_id", "in", part).where("resolved_at", "is", null).execute()) purls.add(r.purl);
      }
      for (const part of chunked([...purls])) {
        for (const r of await ctx.db.selectFrom("pkg_variants").select("id").where("purl", "in", part).execute()) variants.add(Number(r.id));
      }
    }

    const phases: Record<string, number> = {};
    const phase = phaseClock(phases, started);
    phase("variants");
    // (b) Match each variant once; (c) stage the results.
    const now = ctx.clock();
    const nowIso = now.toISOString();
    const ids = [...variants].sort((a, b) => a - b);
    let staged = 0;
    // The finding JSON of each variant's results, saved with the variant's apply chunk.
    const dataOf = new Map<number, Map<string, string>>();
    for (const part of chunked(ids, 500)) {
      const rows = await ctx.db.selectFrom("pkg_variants").select(["id", "json"]).where("id", "in", part).execute();
      const stage: Insertable<RematchStageTable>[] = [];
      for (const r of rows) {
        const [os, pkg] = JSON.parse(r.json) as [Report["artifact"]["os"], Package];
        const seenKeys = new Set<string>();
        for (const v of matchPackages([pkg], os ?? null, adb, { now })) {
          const k = `${v.id}\0${v.package.purl}`;
          if (seenKeys.has(k)) continue;
          seenKeys.add(k);
          const json = JSON.stringify(v);
          const key = findingDataKey(json);
          let m = dataOf.get(Number(r.id));
          if (!m) dataOf.set(Number(r.id), (m = new Map()));
          m.set(key, json);
          stage.push({
            run, variant: Number(r.id), vuln_id: v.id, purl: v.package.purl, package: v.package.name, version: v.installedVersion, fixed_version: v.fixedVersions[0] ?? null,
            layer: v.package.layer?.digest ?? null, severity: v.severity, advisory_id: v.source.id, data: `@${key}`,
          });
        }
      }
      for (const rowsPart of chunked(stage, 80)) await ctx.db.insertInto("rematch_stage").values(rowsPart).execute();
      staged += stage.length;
      await tick();
    }

    // PostgreSQL plans the apply statements from statistics: the stage was empty at the last
    // analyze, and a large change moves the findings' own figures.
    if (ctx.dialect === "postgres") {
      await sql`ANALYZE rematch_stage`.execute(ctx.db);
      if (staged > 10_000) await sql`ANALYZE findings`.execute(ctx.db);
    }
    phase("match+stage");
    // Package rows per variant, to size the apply chunks.
    const rowCount = new Map<number, number>();
    for (const part of chunked(ids, 500)) {
      const rows = await ctx.db.selectFrom("packages").select(["variant", (eb) => eb.fn.countAll<number | string>().as("n")]).where("variant", "in", part).groupBy("variant").execute();
      for (const r of rows) rowCount.set(Number(r.variant), Number(r.n));
    }
    const applyChunks: number[][] = [];
    let cur: number[] = [];
    let curRows = 0;
    for (const id of ids) {
      const n = rowCount.get(id) ?? 0;
      if (cur.length && (curRows + n > rowsPerChunk(ctx.dialect) || cur.length >= 500)) {
        applyChunks.push(cur);
        cur = [];
        curRows = 0;
      }
      cur.push(id);
      curRows += n;
    }
    if (cur.length) applyChunks.push(cur);

    let added = 0;
    let resolved = 0;
    let packages = 0;
    const images = new Set<string>();
    const touchedImages = new Set<string>();
    const touchedPackages = new Set<string>();
    phase("chunking");
    await walForBulk(ctx, async () => {
      for (const chunk of applyChunks) {
        const fd = new FindingData();
        for (const v of chunk) for (const [key, json] of dataOf.get(v) ?? []) fd.add(key, json);
        const r = await applyChunk(ctx, run, chunk, nowIso, phases, fd);
        added += r.added;
        resolved += r.resolved;
        packages += r.packages;
        for (const d of r.images) images.add(d);
        for (const d of r.touchedImages) touchedImages.add(d);
        for (const p of r.touchedPackages) touchedPackages.add(p);
        if (r.touchedImages.size) bumpGeneration();
        await tick();
      }
    });
    phase.restart();
    await ctx.db.deleteFrom("rematch_stage").where("run", "=", run).execute();
    phase("unstage");

    // Summaries, once, for what changed.
    for (const part of chunked([...touchedImages].sort(), 200)) {
      await ctx.db.transaction().execute((trx) => refreshImageSummaries(trx, part));
      await tick();
    }
    for (const part of chunked([...touchedPackages].sort(), 200)) {
      await ctx.db.transaction().execute((trx) => refreshPackageSummary(trx, part));
      await tick();
    }
    if (touchedImages.size) bumpGeneration();
    phase("summaries");

    // Remember what was matched; a crash before this line repeats the work (it is idempotent).
    await ctx.db.transaction().execute(async (trx) => {
      for (const part of chunked(removed, 500)) await trx.deleteFrom("advisory_state").where("record_id", "in", part).execute();
      for (const part of chunked(changed, 400)) {
        await trx
          .insertInto("advisory_state")
          .values(part.map((id) => ({ record_id: id, modified: current.get(id)! })))
          .onConflict((oc) => oc.column("record_id").doUpdateSet({ modified: (eb) => eb.ref("excluded.modified") }))
          .execute();
      }
      await trx
        .insertInto("meta")
        .values({ key: "advisories_rematched_at", value: nowIso })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value: nowIso }))
        .execute();
    });
    const result: RematchResult = { changedRecords: changed.length + removed.length, pairs, images: images.size, packages, added, resolved, mode: full ? "full" : "incremental", ms: Date.now() - started };
    ctx.log.info(`re-match: ${result.changedRecords} changed records, ${result.pairs} keys, ${variants.size} package variants (${staged} matches), ${result.images} images, +${added}/-${resolved} findings in ${result.ms} ms (${Object.entries(phases).map(([k, v]) => `${k} ${v}`).join(", ")} ms; ${applyChunks.length} chunks)`);
    return result;
  } catch (e) {
    await ctx.db.deleteFrom("rematch_stage").where("run", "=", run).execute().catch(() => {});
    throw e;
  } finally {
    adb.close();
  }
}

/** Adds the time since the previous call (or `restart`) to `phases[name]`. */
function phaseClock(phases: Record<string, number>, start = Date.now()): ((name: string) => void) & { restart(): void } {
  let mark = start;
  const phase = (name: string) => {
    const t = Date.now();
    phases[name] = (phases[name] ?? 0) + t - mark;
    mark = t;
  };
  return Object.assign(phase, { restart: () => void (mark = Date.now()) });
}

interface ChunkResult {
  added: number;
  resolved: number;
  packages: number;
  images: Set<string>;
  touchedImages: Set<string>;
  touchedPackages: Set<string>;
}

/** Applies the staged results of `variants` to every package row of those variants, in one transaction. */
async function applyChunk(ctx: ServerContext, run: string, variants: readonly number[], now: string, phases: Record<string, number>, fd: FindingData): Promise<ChunkResult> {
  const phase = phaseClock(phases);
  const out: ChunkResult = { added: 0, resolved: 0, packages: 0, images: new Set(), touchedImages: new Set(), touchedPackages: new Set() };
  const V = sql.join(variants.map((v) => sql`${v}`));
  const daily = new DailyCounts();
  /** A finding opened or closed: its image, package and severity's day count. */
  const count = (f: { image_digest: string; severity: string; package: string }, kind: "opened" | "closed") => {
    if (kind === "opened") out.added++;
    else out.resolved++;
    out.touchedImages.add(f.image_digest);
    out.touchedPackages.add(f.package);
    daily.add(f.severity, kind);
  };
  await ctx.db.transaction().execute(async (trx) => {
    await lockFleet(trx, ctx.dialect, "exclusive");
    await fd.save(trx);
    for (const r of (await sql<{ image_digest: string }>`SELECT image_digest FROM packages WHERE variant IN (${V})`.execute(trx)).rows) {
      out.packages++;
      out.images.add(r.image_digest);
    }
    phase("a:rows");
    // Open findings of these variants that the new results no longer have: resolved.
    const gone = await sql<{ image_digest: string; severity: string; package: string }>`UPDATE findings SET resolved_at = ${now}
      WHERE resolved_at IS NULL AND variant IN (${V})
        AND NOT EXISTS (SELECT 1 FROM rematch_stage s WHERE s.run = ${run} AND s.variant = findings.variant AND s.vuln_id = findings.vuln_id AND s.purl = findings.purl)
      RETURNING image_digest, severity, package`.execute(trx);
    for (const g of gone.rows) count(g, "closed");
    phase("a:resolve");
    // Open findings whose indexed columns change (severity, package name, advisory): rewritten
    // with their first_seen kept; a severity change closes the old severity and opens the new.
    const moved = await sql<{ image_digest: string; vuln_id: string; purl: string; old_severity: string; old_package: string; severity: string; package: string; advisory_id: string; version: string; fixed_version: string | null; layer: string | null; data: string }>`
      SELECT f.image_digest, f.vuln_id, f.purl, f.severity AS old_severity, f.package AS old_package, s.severity, s.package, s.advisory_id, s.version, s.fixed_version, s.layer, s.data
      FROM findings f JOIN rematch_stage s ON s.run = ${run} AND s.variant = f.variant AND s.vuln_id = f.vuln_id AND s.purl = f.purl
      WHERE f.resolved_at IS NULL AND f.variant IN (${V}) AND (f.severity <> s.severity OR f.package <> s.package OR f.advisory_id <> s.advisory_id)`.execute(trx);
    for (const m of moved.rows) {
      await trx
        .updateTable("findings")
        .set({ severity: m.severity, package: m.package, advisory_id: m.advisory_id, version: m.version, fixed_version: m.fixed_version, layer: m.layer, data: m.data })
        .where("image_digest", "=", m.image_digest)
        .where("vuln_id", "=", m.vuln_id)
        .where("purl", "=", m.purl)
        .execute();
      out.touchedImages.add(m.image_digest);
      out.touchedPackages.add(m.old_package).add(m.package);
      if (m.old_severity !== m.severity || m.old_package !== m.package) {
        daily.add(m.old_severity, "closed");
        daily.add(m.severity, "opened");
      }
    }
    phase("a:moved");
    // Open findings whose other columns change (a fixed version, a description): only those
    // columns are written, which leaves the indexes alone.
    const updated = await sql<{ image_digest: string }>`UPDATE findings SET version = s.version, fixed_version = s.fixed_version, layer = s.layer, data = s.data
      FROM rematch_stage s
      WHERE s.run = ${run} AND s.variant = findings.variant AND s.vuln_id = findings.vuln_id AND s.purl = findings.purl
        AND findings.resolved_at IS NULL AND findings.variant IN (${V}) AND findings.data <> s.data
      RETURNING findings.image_digest`.execute(trx);
    for (const u of updated.rows) out.touchedImages.add(u.image_digest);
    phase("a:update");
    // New findings (or resolved ones reopened), first_seen = now.
    const opened = await sql<{ image_digest: string; severity: string; package: string }>`INSERT INTO findings
        (image_digest, vuln_id, purl, variant, pkg_idx, package, version, fixed_version, layer, severity, advisory_id, first_seen, resolved_at, data)
      SELECT p.image_digest, s.vuln_id, s.purl, MIN(s.variant), MIN(p.idx), MIN(s.package), MIN(s.version), MIN(s.fixed_version), MIN(s.layer), MIN(s.severity), MIN(s.advisory_id), ${now}, NULL, MIN(s.data)
      FROM packages p JOIN rematch_stage s ON s.run = ${run} AND s.variant = p.variant
      WHERE p.variant IN (${V})
        AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.image_digest = p.image_digest AND f.vuln_id = s.vuln_id AND f.purl = s.purl AND f.resolved_at IS NULL)
      GROUP BY p.image_digest, s.vuln_id, s.purl
      ON CONFLICT (image_digest, vuln_id, purl) DO UPDATE SET variant = excluded.variant, pkg_idx = excluded.pkg_idx, package = excluded.package, version = excluded.version,
        fixed_version = excluded.fixed_version, layer = excluded.layer, severity = excluded.severity, advisory_id = excluded.advisory_id, first_seen = excluded.first_seen,
        resolved_at = NULL, data = excluded.data
      WHERE findings.resolved_at IS NOT NULL
      RETURNING image_digest, severity, package`.execute(trx);
    for (const o of opened.rows) count(o, "opened");
    phase("a:insert");
    await daily.write(trx, now.slice(0, 10));
  });
  phase("a:daily+commit");
  return out;
}

/** Drops nothing, used by tests: how many advisory records the server has seen. */
export async function advisoryStateSize(ctx: ServerContext): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM advisory_state`.execute(ctx.db);
  return Number(r.rows[0]?.n ?? 0);
}
